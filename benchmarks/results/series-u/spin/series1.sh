#!/bin/bash
# spin series 1: A = main f4d6745, S = branch spin (daa359b + SpinProbe); alternated
cd /tmp/spinbench/run1
A=/tmp/spinbench/A.jar
S=/tmp/spinbench/S.jar
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
j() { case $1 in A) echo $A;; *) echo $S;; esac; }
for r in A-1 S-1 S-2 A-2; do
  L "start c1-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.C1LatencyProbe 3 600 upsert,put,update > c1-$r.out 2> c1-$r.err
done
for r in S-1 A-1; do
  L "start cpu-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.C1CpuProbe 3 3000 upsert,put,update > cpu-$r.out 2> cpu-$r.err
done
L done
