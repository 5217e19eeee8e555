#!/bin/bash
B=/tmp/w1cpu/w1cpu-1.jar
P=io.levelmutex.rocksdb.serializedBatches
echo "== $(date -u +%T) $(uptime) :: HandOffProbe 3 0 1x256 1x256:$P=false 32x8 32x8:$P=false 256x1 256x1:$P=false 1x1 1x1:$P=false"
java -cp $B io.levelmutex.benchmarks.HandOffProbe 3 0 1x256 1x256:$P=false 32x8 32x8:$P=false 256x1 256x1:$P=false 1x1 1x1:$P=false
echo "== $(date -u +%T) $(uptime) :: W1LimitProbe 7 2 durable 1 mutex,mutex:$P=false,limit"
java -cp $B io.levelmutex.benchmarks.W1LimitProbe 7 2 durable 1 mutex,mutex:$P=false,limit
echo "== $(date -u +%T) $(uptime)"
