#!/bin/bash
M=/tmp/w1cpu/main.jar; B=/tmp/w1cpu/w1cpu-1.jar
P=io.levelmutex.rocksdb.serializedBatches
run() { echo "== $(date -u +%T) [$1] $(uptime | sed 's/.*load/load/') :: W1LimitProbe ${*:3}"; java -cp $2 io.levelmutex.benchmarks.W1LimitProbe "${@:3}" | grep -E "^rep [0-9]+ W1|median"; }
for i in 1 2; do
  run main $M 7 2 durable 256 mutex,limit
  run w1cpu $B 7 2 durable 256 mutex,limit
  run w1cpu $B 7 2 non-durable 256 mutex,limit
  run main $M 7 2 non-durable 256 mutex,limit
done
echo "== $(date -u +%T) $(uptime)"
