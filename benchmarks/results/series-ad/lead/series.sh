#!/bin/bash
# series AD, quiet (session 17, after the merges): A = main with pgw2, pgcu, pg3cpu, w1pipe (and citrim) merged
cd /work/bench/ad
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
J=/work/bench/ad/A.jar
PG=io.levelmutex.benchmarks.postgres
OLD="-Dio.levelmutex.postgres.readFlushPositions=false -Dio.levelmutex.postgres.ownCleanUpStartsRun=true -Dio.levelmutex.postgres.cleanUpOneStatement=false -Dio.levelmutex.postgres.drainNotifications=false -Dio.levelmutex.postgres.hintWorkerSleeps=false"
L "start pgq-blocking (A, defaults)"
java -cp $J $PG.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-blocking > pg-q-blocking.out 2> pg-q-blocking.err
L "start pgq-old (A with every session-17 PG switch off)"
java $OLD -cp $J $PG.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-old > pg-q-old.out 2> pg-q-old.err
L "start pg3cpu (e3/e3w/e1/e1w)"
java -cp $J $PG.Pg3NodeProbe --rounds 3 --points e3,e3w,e1,e1w --out pg3cpu > pg3cpu.out 2> pg3cpu.err
L "start pgw2 (u3k/u3kf/u1k/u1kf)"
java -cp $J $PG.Pg3NodeProbe --rounds 3 --points u3k,u3kf,u1k,u1kf --out pgw2 > pgw2.out 2> pgw2.err
L "start c1 (pgcu)"
java -cp $J $PG.C1LatencyProbe 5 4000 upsert,put-blocking,put-blocking-cu0,update-blocking,update-blocking-cu0,put,put-cu0 > c1.out 2> c1.err
L "start handoff (w1pipe, overlap, linger)"
P=io.levelmutex.pipelineWrites; OV=io.levelmutex.rocksdb.overlap; LG=io.levelmutex.rocksdb.linger
java -cp $J io.levelmutex.benchmarks.HandOffProbe 3 0 1x256 1x256:$P=true 32x8 32x8:$P=true 32x8:$OV=true 256x1 256x1:$P=true 1x1 1x1:$P=true 2x1 2x1:$LG=true > handoff.out 2> handoff.err
L "start w1 (w1pipe)"
for m in durable non-durable; do java -cp $J io.levelmutex.benchmarks.W1LimitProbe 7 2 $m 256 mutex,mutex:$P=true,limit; done > w1.out 2> w1.err
L "done"
