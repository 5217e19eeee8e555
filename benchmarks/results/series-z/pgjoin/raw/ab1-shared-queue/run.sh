#!/bin/bash
cd /work/bench/pgjoin
J=/work/bench/pgjoin/B.jar
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> run.log; }
L "start q256"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1,m1u,m1k8,m1k8u,m3k8,m3k8u --out q256 > q256.out 2> q256.err
L "start q1"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 1 --contenders m1,m1u --out q1 > q1.out 2> q1.err
L "done"
