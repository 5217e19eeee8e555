#!/bin/bash
cd /work/bench/pg3node
for v in A B; do
  echo "$(date +%T) start q-$v load $(cut -d' ' -f1-3 /proc/loadavg)" >> q.log
  java -cp $v.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1,m3 --out q-$v > q-$v.out 2> q-$v.err
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> q.log
