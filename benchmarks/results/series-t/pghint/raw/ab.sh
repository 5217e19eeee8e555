#!/bin/bash
# alternated pairs: before (main 2721edb) and after (pghint), C1CpuProbe one round each
cd /tmp/pghint-raw
for pair in 1 2 3; do
  for v in before after; do
    [ $pair = 2 ] && { [ $v = before ] && v=after || v=before; }
    echo "=== pair $pair variant $v start $(date -u +%T) load $(cat /proc/loadavg)"
    java -cp /tmp/pghint-jars/$v.jar io.levelmutex.benchmarks.postgres.C1CpuProbe 1 3000 upsert,put,optimistic,update 2>&1
    echo "=== pair $pair variant $v end $(date -u +%T) load $(cat /proc/loadavg)"
  done
done
