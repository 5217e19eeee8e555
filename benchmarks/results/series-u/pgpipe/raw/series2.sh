#!/bin/bash
# pgpipe: 3 nodes / 1 node, one keyspace only, W1 blind puts C=256, 5 runs per invocation, M P P M M P
cd /work/bench/pgpipe
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series2.log; }
for r in M-4 P-4 P-5 M-5 M-6 P-6; do
  v=${r%-*}; jar=$([ $v = M ] && echo main.jar || echo pgpipe.jar)
  L "start q1-$r"
  java -cp $jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 5 --only W1 --clients 256 --contenders m1,m3 --wait-events --out q1-$r > q1-$r.out 2> q1-$r.err
  L "end q1-$r"
done
