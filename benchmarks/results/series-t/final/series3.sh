#!/bin/bash
cd /work/bench/t
A=/work/main/benchmarks/target/benchmarks.jar
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
for v in A3 A4; do
  L "start pgq-$v (d9c279c)"
  java -cp $A io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --out pg-q-$v > pg-q-$v.out 2> pg-q-$v.err
done
L "done3"
