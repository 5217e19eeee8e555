#!/bin/bash
cd /work/bench/v/pgrel
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
for r in A-1 B-1 B-2 A-2; do
  L "start $r"
  java -cp /tmp/pgrel-${r%-*}.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 2 --only W1 --clients 256 --contenders m1,m3,m1k8,m3k8 --wait-events --out q-$r > q-$r.out 2> q-$r.err
done
L done
