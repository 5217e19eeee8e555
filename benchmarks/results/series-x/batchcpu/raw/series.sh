#!/bin/bash
# batchcpu: A = branch batchcpu (MutexCore per-task yield count), B = main 5454af1; shared machine (other helpers build)
cd /tmp/bc/x
L() { echo "$(date -u +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
j() { echo /tmp/batchcpu-$1.jar; }
for r in A-1 B-1 B-2 A-2; do
  L "start handoff-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.HandOffProbe 3 0 32x8 256x1 1x256 > handoff-$r.out 2> handoff-$r.err
done
for r in A-1 B-1; do
  for d in durable non-durable; do
    L "start w1-$d-$r"
    java -jar $(j ${r%-*}) --quick --only W1 --clients 1,256 --durability $d --no-jmh --no-memory --no-many --out w1-$d-$r > w1-$d-$r.out 2> w1-$d-$r.err
  done
done
for r in A-3 B-3; do
  L "start handoff-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.HandOffProbe 3 0 32x8 256x1 1x256 > handoff-$r.out 2> handoff-$r.err
done
L "done"
