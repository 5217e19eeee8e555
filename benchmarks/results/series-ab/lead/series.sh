#!/bin/bash
# series AB, quiet (session 15, after the merges): A = main with pgplan (results only), flaky, w22c, pgk8, pgc1u merged
cd /work/bench/ab
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
J=/work/bench/ab/A.jar
L "start pgq-blocking"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-blocking > pg-q-blocking.out 2> pg-q-blocking.err
L "start pgq-pgk8"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m3k8,m1k8c,m3k8c,m1k8r,m3k8r --out pg-q-pgk8 > pg-q-pgk8.out 2> pg-q-pgk8.err
L "start c1-knownwrites (pgc1u)"
java -cp $J io.levelmutex.benchmarks.postgres.C1LatencyProbe 3 1500 upsert,optimistic,put-blocking,update-blocking,update-blocking-reads,update,update-reads > c1-known.out 2> c1-known.err
L "start handoff-linger (w22c)"
P=io.levelmutex.rocksdb.linger
java -cp $J io.levelmutex.benchmarks.HandOffProbe 3 0 32x8:$P=false 32x8:$P=true 1x256:$P=true 256x1:$P=false 256x1:$P=true 2x1:$P=false 2x1:$P=true 8x1t1000:$P=false 8x1t1000:$P=true > handoff-linger.out 2> handoff-linger.err
L "done"
