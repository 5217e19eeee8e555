#!/bin/bash
# commit_delay with full windows (2 s warm-up, 4 s window): none, 200/2, 1000/5 alternated, one run each per round.
cd "$(dirname "$0")/raw" || exit 1
JAR=${JAR:-/tmp/pgwal/A.jar}
declare -A OPTS=([none]="" [cd200]="-c commit_delay=200 -c commit_siblings=2" [cd1000]="-c commit_delay=1000 -c commit_siblings=5")
for round in $(seq 1 "${1:-2}"); do
  if [ $((round % 2)) = 1 ]; then order="none cd200 cd1000"; else order="cd1000 cd200 none"; fi
  for name in $order; do
    tag=dfull-$round-$name
    (date -u; cat /proc/loadavg) > $tag.load
    LEVEL_MUTEX_PG_SERVER_OPTIONS="${OPTS[$name]}" timeout 900 java -cp "$JAR" io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain \
      --series Q --runs 1 --only W1 --clients 256 --contenders m1,m3,m1k8,m3k8 --wait-events --out "$PWD/$tag" > $tag.out 2> $tag.err
    (date -u; cat /proc/loadavg) >> $tag.load
  done
done
