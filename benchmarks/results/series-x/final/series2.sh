#!/bin/bash
# series X, part 2 (quiet): W1 C=256 on issue 22's harness, A2 = main with `deopt` (37e973e+) vs A = d9bd6d7, alternated
cd /work/bench/x
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series2.log; }
for r in A2-non-durable-1 A-non-durable-1 A-durable-1 A2-durable-1 A2-non-durable-2 A-non-durable-2; do
  v=${r%%-*}; rest=${r#*-}; d=${rest%-*}
  L "start w1-$r"
  java -XX:+PrintCompilation -jar /work/bench/x/$v.jar --quick --runs 10 --only W1 --clients 256 --durability $d --warmup-passes 3 --warmup-seconds 8 --no-jmh --no-memory --no-many --out w1b-$r > w1b-$r.out 2> w1b-$r.err
done
L "done"
