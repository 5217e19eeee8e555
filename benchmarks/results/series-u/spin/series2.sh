#!/bin/bash
# spin series 2: A = main f4d6745, S = branch spin (S2.jar = 15048bc + SpinProbe clients + CallerSpin off by default)
cd /tmp/spinbench/run2
A=/tmp/spinbench/A.jar
S=/tmp/spinbench/S2.jar
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
j() { case $1 in A) echo $A;; *) echo $S;; esac; }
# 1. embedded C=1 blocking join, pool spin budgets alternated in one JVM
L "start spinprobe-nd"
java -cp $S io.levelmutex.benchmarks.SpinProbe 3 20000 0,20,50,100 non-durable non-durable:256 > spinprobe-nd.out 2>&1
L "start spinprobe-d"
java -cp $S io.levelmutex.benchmarks.SpinProbe 3 2000 0,20,50,100 durable > spinprobe-d.out 2>&1
# 2. PostgreSQL C=1 switches per op by pool spin budget (same jar)
for b in 0 50 200 0 50 200; do
  L "start pgcpu-spin$b"
  java -Dio.levelmutex.cycleSpinMicros=$b -cp $S io.levelmutex.benchmarks.postgres.C1CpuProbe 2 2000 put,update > pgcpu-spin$b-$(date +%H%M%S).out 2>&1
done
# 3. many mutexes and hand-offs, A vs S alternated
for v in A S A S; do
  L "start many-$v"
  java -cp $(j $v) io.levelmutex.benchmarks.ManyMutexesProbe series 4 > many-$v-$(date +%H%M%S).out 2>&1
done
for v in A S; do
  L "start handoff-$v"
  java -cp $(j $v) io.levelmutex.benchmarks.HandOffProbe 2 0 32x8 1x256 256x1 > handoff-$v.out 2>&1
done
# 4. embedded W1 durable and non-durable, C=1 and 256 (BenchmarkMain: async clients)
for r in A-1 S-1 A-2 S-2; do
  L "start emb-$r"
  java -jar $(j ${r%-*}) --quick --only W1 --clients 1,256 --no-jmh --no-memory --no-many --out emb-$r > /dev/null 2> emb-$r.err
  java -jar $(j ${r%-*}) --quick --only W1 --clients 1,256 --durability non-durable --no-jmh --no-memory --no-many --out embnd-$r > /dev/null 2> embnd-$r.err
done
# 5. caller spin (MutexFuture), separate JVMs alternated, pool spin default
for jb in 0 30 0 30; do
  L "start joinspin$jb"
  java -Dio.levelmutex.joinSpinMicros=$jb -cp $S io.levelmutex.benchmarks.SpinProbe 1 20000 50 non-durable non-durable:256 > joinspin$jb-$(date +%H%M%S).out 2>&1
done
L done
