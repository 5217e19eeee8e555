#!/bin/bash
# W2 C=256 check: A (this session's main) against B (f4d6745), alternated
cd /work/bench/u
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
for r in A-1 B-1 A-2 B-2 A-3 B-3; do
  L "start w2-$r"
  java -cp /work/bench/u/${r%-*}.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W2 --clients 256 --out w2-$r > w2-$r.out 2> w2-$r.err
done
L "w2 done"
