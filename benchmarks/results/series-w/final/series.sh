#!/bin/bash
# series W, quiet machine; B = main before this session (8ba822e), A = this session's final candidate
cd /work/bench/w
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
j() { echo /work/bench/w/$1.jar; }
for r in A-1 B-1 B-2 A-2; do
  L "start pgq-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --out pg-q-$r > pg-q-$r.out 2> pg-q-$r.err
done
# C=1 PostgreSQL; Aoff = A with the joining caller's help switched off
for r in A-1 B-1 Aoff-1 Aoff-2 B-2 A-2; do
  v=${r%-*}; jar=$v; opt=""; if [ $v = Aoff ]; then jar=A; opt="-Dio.levelmutex.joinRunsCycle=false"; fi
  L "start c1-$r"
  java $opt -cp $(j $jar) io.levelmutex.benchmarks.postgres.C1LatencyProbe 3 600 upsert,optimistic,fn,put,update > c1-$r.out 2> c1-$r.err
done
for v in A B; do
  L "start cpu-$v"
  java -cp $(j $v) io.levelmutex.benchmarks.postgres.C1CpuProbe 3 3000 > cpu-$v.out 2> cpu-$v.err
done
# slow WAL flush emulated (commit_delay 1 ms before every flush): 3 nodes / 1 node
for r in A-1 B-1 B-2 A-2; do
  L "start slow-$r"
  LEVEL_MUTEX_PG_SERVER_OPTIONS="-c commit_delay=1000 -c commit_siblings=0" java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1,m3,m1k8,m3k8 --wait-events --out slow-$r > slow-$r.out 2> slow-$r.err
done
# embedded: many mutexes (group commit), blocking clients, W1
for r in A-1 B-1 B-2 A-2; do
  L "start handoff-$r"
  v=${r%-*}; pts="32x8 256x1 1x256"; if [ $v = A ]; then pts="32x8 32x8:noawait 256x1 256x1:noawait 1x256"; fi
  java -cp $(j $v) io.levelmutex.benchmarks.HandOffProbe 3 0 $pts > handoff-$r.out 2> handoff-$r.err
done
L "start blocking-A"
java -cp $(j A) io.levelmutex.benchmarks.BlockingClientProbe 3 4000 on,off non-durable durable > blocking-A.out 2> blocking-A.err
L "start blocking256-A"
java -cp $(j A) io.levelmutex.benchmarks.BlockingClientProbe 3 30000 on,off durable:256 non-durable:256 > blocking256-A.out 2> blocking256-A.err
L "start blocking256-B"
java -cp $(j B) io.levelmutex.benchmarks.BlockingClientProbe 3 30000 on,off non-durable:256 > blocking256-B.out 2> blocking256-B.err
for r in A-1 B-1 B-2 A-2; do
  for d in durable non-durable; do
    L "start emb-$d-$r"
    java -jar $(j ${r%-*}) --quick --only W1 --clients 1,256 --durability $d --no-jmh --no-memory --no-many --out emb-$d-$r > emb-$d-$r.out 2> emb-$d-$r.err
  done
done
L "done"
