#!/bin/bash
# series AA, quiet (session 14, after the merges): A = main with pgks8, pgblind, pgc1, w22, lead merged
cd /work/bench/aa
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
J=/work/bench/aa/A.jar
L "start pgq-blocking"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-blocking > pg-q-blocking.out 2> pg-q-blocking.err
L "start pg3node-ab (pgblind)"
java -cp $J io.levelmutex.benchmarks.postgres.Pg3NodeProbe --rounds 3 --points e1,e1b,e3,e3b --out pg3node-ab > pg3node-ab.out 2> pg3node-ab.err
L "start pgq-pgks8"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m1k8j1,m1k8j4,m1k8u,m3k8,m3k8s,m3k8j1,m3k8j4,m3k8u --out pg-q-pgks8 > pg-q-pgks8.out 2> pg-q-pgks8.err
L "start pgc1"
java -cp $J io.levelmutex.benchmarks.postgres.OneWriteStatementProbe 5 3000 > pgc1-statements.out 2> pgc1-statements.err
L "start handoff-linger (w22)"
P=io.levelmutex.rocksdb.linger
java -cp $J io.levelmutex.benchmarks.HandOffProbe 3 0 32x8:$P=false 32x8:$P=true 1x256:$P=false 256x1:$P=false 256x1:$P=true > handoff-linger.out 2> handoff-linger.err
L "done"
