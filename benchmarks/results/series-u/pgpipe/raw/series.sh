#!/bin/bash
# pgpipe: 3 nodes / 1 node, W1 blind puts C=256, main (M) vs pgpipe (P) alternated
cd /work/bench/pgpipe
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
for r in M-1 P-1 P-2 M-2 M-3 P-3; do
  v=${r%-*}; jar=$([ $v = M ] && echo main.jar || echo pgpipe.jar)
  L "start q-$r"
  java -cp $jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1,m3,m1k8,m3k8 --wait-events --out q-$r > q-$r.out 2> q-$r.err
  L "end q-$r"
done
