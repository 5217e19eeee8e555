#!/bin/bash
# series Z, quiet (11:03-11:19 UTC 2026-12-07; helpers only reading code): A = main 8e8c93d (session 12 landed)
cd /work/bench/z
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
J=/work/bench/z/A.jar
L "start combine-disk"
java -cp $J io.levelmutex.benchmarks.postgres.CombineProbe --rounds 3 --designs today,last,join,join2,join4 --out combine-disk > combine-disk.out 2> combine-disk.err
L "start pgq-blocking"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-blocking > pg-q-blocking.out 2> pg-q-blocking.err
L "start c1latency"
java -cp $J io.levelmutex.benchmarks.postgres.C1LatencyProbe 6 600 upsert,put,put-blocking,optimistic,update,update-blocking > c1latency.out 2> c1latency.err
for r in 1 2; do
  for d in durable non-durable; do
    L "start w1-$d-$r"
    java -jar $J --quick --runs 10 --only W1 --clients 256 --durability $d --warmup-passes 3 --warmup-seconds 8 --no-jmh --no-memory --no-many --out w1-$d-$r > w1-$d-$r.out 2> w1-$d-$r.err
  done
done
L "start handoff"
java -cp $J io.levelmutex.benchmarks.HandOffProbe 3 0 32x8 256x1 1x256 > handoff.out 2> handoff.err
L "start pgq-c1-async"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --clients 1 --c1-client async --out pg-q-c1-async > pg-q-c1-async.out 2> pg-q-c1-async.err
L "done"
