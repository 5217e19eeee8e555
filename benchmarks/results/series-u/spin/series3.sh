#!/bin/bash
# spin series 3: S3.jar = branch + experiment switch io.levelmutex.cycleSpinYield (spinner yields instead of onSpinWait)
cd /tmp/spinbench/run3
S=/tmp/spinbench/S3.jar
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
for y in false true false true; do
  L "start spinprobe-d-yield$y"
  java -Dio.levelmutex.cycleSpinYield=$y -cp $S io.levelmutex.benchmarks.SpinProbe 2 2000 0,50,200 durable > spinprobe-d-yield$y-$(date +%H%M%S).out 2>&1
done
L "start spinprobe-nd-yieldtrue"
java -Dio.levelmutex.cycleSpinYield=true -cp $S io.levelmutex.benchmarks.SpinProbe 2 20000 0,50,200 non-durable > spinprobe-nd-yieldtrue.out 2>&1
for v in 0-false 200-true 200-false 0-false 200-true 200-false; do
  L "start pgcpu-$v"
  java -Dio.levelmutex.cycleSpinMicros=${v%-*} -Dio.levelmutex.cycleSpinYield=${v#*-} -cp $S io.levelmutex.benchmarks.postgres.C1CpuProbe 2 2000 put,update > pgcpu-$v-$(date +%H%M%S).out 2>&1
done
L done
