#!/bin/bash
# series T, quiet machine; B = main before this session (2721edb), A = this session's main
cd /work/bench/t
A=/work/main/benchmarks/target/benchmarks.jar
B=/work/wt/t-before/benchmarks/target/benchmarks.jar
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
M=/work/wt/t-many/benchmarks/target/benchmarks.jar
j() { case $1 in A) echo $A;; M) echo $M;; *) echo $B;; esac; }
# 1. PostgreSQL series Q quick, 3 runs each, before and after
for v in A B; do
  L "start pgq-$v"
  java -cp $(j $v) io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --out pg-q-$v > pg-q-$v.out 2> pg-q-$v.err
done
# 2. C=1 latency probe, alternated
for r in A-1 B-1 B-2 A-2; do
  L "start c1-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.C1LatencyProbe 3 600 upsert,optimistic,fn,put,update > c1-$r.out 2> c1-$r.err
done
# 3. C=1 CPU probe, after
for v in A; do
  L "start cpu-$v"
  java -cp $(j $v) io.levelmutex.benchmarks.postgres.C1CpuProbe 3 3000 > cpu-$v.out 2> cpu-$v.err
done
# 4. many mutexes
for v in M A B M; do
  L "start many-$v"
  java -cp $(j $v) io.levelmutex.benchmarks.ManyMutexesProbe series 4 > many-$v-$(date +%H%M%S).out 2>&1
done
# 5. embedded W1 durable and non-durable
for r in B-1 A-1 M-1; do
  L "start emb-$r"
  java -jar $(j ${r%-*}) --quick --only W1 --clients 1,256,1024 --no-jmh --no-memory --no-many --out emb-$r > /dev/null 2> emb-$r.err
  java -jar $(j ${r%-*}) --quick --only W1 --clients 1,256 --durability non-durable --no-jmh --no-memory --no-many --out embnd-$r > /dev/null 2> embnd-$r.err
done
L "done"
