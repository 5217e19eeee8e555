#!/bin/bash
# series U, quiet machine; B = main before this session (f4d6745), A = this session's main (3fdd757: pgpipe + pgone)
cd /work/bench/u
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
j() { echo /work/bench/u/$1.jar; }
for r in A-1 B-1 B-2 A-2; do
  L "start pgq-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --out pg-q-$r > pg-q-$r.out 2> pg-q-$r.err
done
for r in A-1 B-1 B-2 A-2; do
  L "start c1-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.C1LatencyProbe 3 600 upsert,optimistic,fn,put,update > c1-$r.out 2> c1-$r.err
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
L "done"
