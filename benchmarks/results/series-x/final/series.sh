#!/bin/bash
# series X, quiet machine; B = main before this session (5454af1), A = main after the session's merges (d9bd6d7)
cd /work/bench/x
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
j() { echo /work/bench/x/$1.jar; }
for r in A-1 B-1; do
  L "start pgq-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --out pg-q-$r > pg-q-$r.out 2> pg-q-$r.err
done
L "start pgwal-A (full windows)"
java -cp $(j A) io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --runs 1 --only W1 --clients 1,4,256 --contenders l1,m1,m3,m1k8,m3k8 --wait-events --out pgwal-A > pgwal-A.out 2> pgwal-A.err
for r in A-1 B-1 B-2 A-2; do
  L "start handoff-$r"
  java -cp $(j ${r%-*}) io.levelmutex.benchmarks.HandOffProbe 3 0 32x8 256x1 1x256 > handoff-$r.out 2> handoff-$r.err
done
for n in 1 2; do
  for d in non-durable durable; do
    L "start w1-$d-A-$n"
    java -jar $(j A) --quick --runs 10 --only W1 --clients 256 --durability $d --warmup-passes 3 --warmup-seconds 8 --no-jmh --no-memory --no-many --out w1-$d-A-$n > w1-$d-A-$n.out 2> w1-$d-A-$n.err
  done
done
L "done"
