#!/bin/bash
# series AC, quiet (session 16, after the merges): A = main e603708 with e22, pg3, pgput, pgset merged
cd /work/bench/ac
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
J=/work/bench/ac/A.jar
PG=io.levelmutex.benchmarks.postgres
L "start pgq-blocking"
java -cp $J $PG.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-blocking > pg-q-blocking.out 2> pg-q-blocking.err
L "start pgq-pgset"
java -cp $J $PG.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m3k8,m1k8c,m3k8c --out pg-q-pgset > pg-q-pgset.out 2> pg-q-pgset.err
L "start pg3-gap"
java -cp $J $PG.Pg3NodeProbe --rounds 3 --points e1,e3,e3o,e1o --out pg3-gap > pg3-gap.out 2> pg3-gap.err
L "start pg3-q-old"
java -Dio.levelmutex.postgres.releasedOnGaps=false -cp $J $PG.PostgresBenchmarkMain --series Q --quick --runs 3 --contenders m1,m3 --only W1 --clients 256 --out pg3-q-old > pg3-q-old.out 2> pg3-q-old.err
L "start c1 (pgput)"
java -cp $J $PG.C1LatencyProbe 5 3000 upsert,put-blocking,put-blocking-stmt,put,put-stmt,optimistic,update-blocking > c1.out 2> c1.err
L "start handoff-overlap (e22)"
OV=io.levelmutex.rocksdb.overlap; LG=io.levelmutex.rocksdb.linger; W=io.levelmutex.rocksdb.committerWriters
java -cp $J io.levelmutex.benchmarks.HandOffProbe 3 0 32x8 32x8:$OV=true 32x8:$OV=true,$W=3 1x256 1x256:$OV=true 256x1 256x1:$OV=true 256x1:$OV=true,$W=3 8x1 8x1:$OV=true 2x1 2x1:$OV=true 2x1:$LG=true 1x1 1x1:$OV=true > handoff-overlap.out 2> handoff-overlap.err
L "start w1"
for m in durable non-durable; do java -cp $J io.levelmutex.benchmarks.W1LimitProbe 7 2 $m 256 mutex,limit; done > w1.out 2> w1.err
L "done"
