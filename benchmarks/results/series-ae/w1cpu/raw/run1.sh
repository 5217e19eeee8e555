#!/bin/bash
J=/tmp/w1cpu/w1cpu-1.jar
P=io.levelmutex.rocksdb.serializedBatches
for mode in durable non-durable; do
  echo "== $(date -u) $(uptime)"; echo "== one JVM, branch jar: W1LimitProbe 7 2 $mode 256 mutex,mutex:$P=false,limit"
  java -cp $J io.levelmutex.benchmarks.W1LimitProbe 7 2 $mode 256 mutex,mutex:$P=false,limit
done
echo "== $(date -u) $(uptime)"
