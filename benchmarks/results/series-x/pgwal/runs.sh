#!/bin/bash
# run2: full windows (2 s warm-up, 4 s window, 100k keys), the limit included (C=1 and C=4 are its points).
# run3: quick, checkpoint_timeout=30s: windows after a checkpoint, for the full-page images.
cd "$(dirname "$0")/raw" || exit 1
JAR=${JAR:-/tmp/pgwal/A.jar}
M=io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain
(date -u; cat /proc/loadavg) > run2.load
timeout 1200 java -cp "$JAR" $M --series Q --runs 3 --only W1 --clients 1,4,256 --contenders l1,m1,m3,m1k8,m3k8 \
  --wait-events --out "$PWD/run2" > run2.out 2> run2.err
(date -u; cat /proc/loadavg) >> run2.load
(date -u; cat /proc/loadavg) > run3.load
LEVEL_MUTEX_PG_SERVER_OPTIONS="-c checkpoint_timeout=30s" timeout 900 java -cp "$JAR" $M --series Q --quick --runs 3 \
  --only W1 --clients 1,256 --contenders l1,m1,m3,m1k8,m3k8 --wait-events --out "$PWD/run3" > run3.out 2> run3.err
(date -u; cat /proc/loadavg) >> run3.load
