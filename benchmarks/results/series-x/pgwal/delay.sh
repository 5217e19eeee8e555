#!/bin/bash
# commit_delay experiment: the same points against none, alternated, one private cluster per invocation.
# Usage: delay.sh ROUNDS; output under raw/delay-<round>-<name>/ and raw/delay-<round>-<name>.{out,err,load}
cd "$(dirname "$0")/raw" || exit 1
JAR=${JAR:-/tmp/pgwal/A.jar}
declare -A OPTS=([none]="" [cd200]="-c commit_delay=200 -c commit_siblings=2" [cd1000]="-c commit_delay=1000 -c commit_siblings=5")
for round in $(seq 1 "${1:-2}"); do
  if [ $((round % 2)) = 1 ]; then order="none cd200 cd1000"; else order="cd1000 cd200 none"; fi
  for name in $order; do
    tag=delay-$round-$name
    (date -u; cat /proc/loadavg) > $tag.load
    LEVEL_MUTEX_PG_SERVER_OPTIONS="${OPTS[$name]}" timeout 900 java -cp "$JAR" io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain \
      --series Q --quick --runs 2 --only W1 --clients 256 --contenders l1,m1,m3,m1k8,m3k8 --wait-events --out "$PWD/$tag" > $tag.out 2> $tag.err
    (date -u; cat /proc/loadavg) >> $tag.load
  done
done
