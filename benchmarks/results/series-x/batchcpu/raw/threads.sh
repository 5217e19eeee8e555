#!/bin/bash
# A jar, the pool's size: 8 (default on 2 cores), 4, 2; alternated
cd /tmp/bc/x
L() { echo "$(date -u +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
for t in 8 2 4 4 2 8; do
  L "start threads-$t"
  java -cp /tmp/batchcpu-A.jar io.levelmutex.benchmarks.HandOffProbe 2 $t 32x8 256x1 1x256 >> threads-$t.out 2>> threads-$t.err
done
L "threads done"
