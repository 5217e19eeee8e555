#!/bin/bash
# series AE, quiet (session 18, after the merges): A = main with pg3srv, pg3cu, c1put merged; W = branch w1cpu's jar
cd /work/bench/ae
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
J=/work/bench/ae/A.jar
W=/work/bench/ae/w1cpu.jar
PG=io.levelmutex.benchmarks.postgres
OLD="-Dio.levelmutex.postgres.keepHeap=false -Dio.levelmutex.postgres.ownRepliesCoverCatchUps=false"
L "start pgq-blocking (A, defaults)"
java -cp $J $PG.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-blocking > pg-q-blocking.out 2> pg-q-blocking.err
L "start pgq-old (A with every session-18 PG switch off)"
java $OLD -cp $J $PG.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-old > pg-q-old.out 2> pg-q-old.err
L "start pg3 (e3/e3h/e3r/e1/e1h)"
java -cp $J $PG.Pg3NodeProbe --rounds 3 --points e3,e3h,e3r,e1,e1h --out pg3 > pg3.out 2> pg3.err
L "start c1 (c1put)"
java -cp $J $PG.C1LatencyProbe 5 4000 upsert,put-blocking,put-blocking-stmt,optimistic,update-blocking > c1.out 2> c1.err
java -cp $J $PG.C1CpuProbe 3 4000 upsert,put-blocking,put > c1cpu.out 2> c1cpu.err
L "start w1 (w1cpu jar: serialized fill on/off)"
S=io.levelmutex.rocksdb.serializedBatches
for m in durable non-durable; do java -cp $W io.levelmutex.benchmarks.W1LimitProbe 7 2 $m 256 mutex,mutex:$S=true,limit; done > w1.out 2> w1.err
L "start handoff (w1cpu jar)"
java -cp $W io.levelmutex.benchmarks.HandOffProbe 3 0 1x256 1x256:$S=true 32x8 32x8:$S=true 256x1 256x1:$S=true 1x1 > handoff.out 2> handoff.err
L "done"
