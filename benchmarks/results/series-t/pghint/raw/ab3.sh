#!/bin/bash
# alternated pairs, 3 rounds each (round 1 = JIT warm-up; rounds 2-3 count): before (main 2721edb) / after (pghint)
cd /tmp/pghint-raw
for order in "before after" "after before"; do
  for v in $order; do
    echo "=== variant $v start $(date -u +%T) load $(cat /proc/loadavg)"
    java -cp /tmp/pghint-jars/$v.jar io.levelmutex.benchmarks.postgres.C1CpuProbe 3 3000 upsert,put,optimistic,update 2>&1 | grep -v SLF4J
    echo "=== variant $v end $(date -u +%T) load $(cat /proc/loadavg)"
  done
done
