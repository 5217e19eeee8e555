#!/bin/bash
# The A/B of known writes in series Q (W2: update() on 1k keys, C=1 and C=256, against the JPA-style optimistic
# update), back to back in separate JVMs, alternated: on (the default), off, on, off. From the repository's root,
# after `mvn -B -o -q -pl benchmarks -am -DskipTests package`. Usage: ab-q.sh OUTDIR [pairs]
OUT=${1:-benchmarks/results/series-ab/pgc1u/q}; PAIRS=${2:-2}
mkdir -p $OUT
for i in $(seq 1 $PAIRS); do
  for kw in true false; do
    echo "# pair $i knownWrites=$kw $(date -u +%H:%M:%S) uptime: $(uptime)" >> $OUT/ab-q.log
    java -Dio.levelmutex.postgres.knownWrites=$kw -cp benchmarks/target/benchmarks.jar \
      io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 1 --only W2 --clients 1,256 \
      --contenders o,m1 --c1-client blocking --out $OUT/kw-$kw-$i > $OUT/kw-$kw-$i.out 2> $OUT/kw-$kw-$i.err
    echo "# rc $? loadavg after: $(cat /proc/loadavg)" >> $OUT/ab-q.log
  done
done
