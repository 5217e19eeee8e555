#!/bin/bash
cd /work/bench/t
while pgrep -f series.sh > /dev/null; do sleep 5; done
A=/work/main/benchmarks/target/benchmarks.jar
B=/work/wt/t-before/benchmarks/target/benchmarks.jar
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
for v in B2 A2; do
  J=$A; [ ${v:0:1} = B ] && J=$B
  L "start pgq-$v"
  java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --out pg-q-$v > pg-q-$v.out 2> pg-q-$v.err
done
L "done2"
