#!/bin/bash
# alternated: before (main 2721edb) / after (pghint), C1LatencyProbe 2 rounds x 1000 ops
cd /tmp/pghint-raw
for v in after before before after after before; do
  echo "=== variant $v start $(date -u +%T) load $(cat /proc/loadavg)"
  java -cp /tmp/pghint-jars/$v.jar io.levelmutex.benchmarks.postgres.C1LatencyProbe 2 2000 upsert,optimistic,put,update 2>&1 | grep -v SLF4J
  echo "=== variant $v end $(date -u +%T) load $(cat /proc/loadavg)"
done
