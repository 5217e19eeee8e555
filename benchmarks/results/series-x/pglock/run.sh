#!/bin/bash
# One run: series Q, W1 C=256, 1 node (m1) and 3 nodes (m3) on one keyspace, with the instrumented schema
# (../schema-v2-instrumented.sql, placed first on the classpath) logging one line per batch to the server log.
# Usage: run.sh NAME [extra args]
cd "$(dirname "$0")/raw" || exit 1
N=$1; shift
JAR=${JAR:-/tmp/pgwal/A.jar}
rm -rf /tmp/pglock/pglog/*
(date -u; cat /proc/loadavg) > $N.load
LEVEL_MUTEX_PG_SERVER_OPTIONS="-c logging_collector=on -c log_directory=/tmp/pglock/pglog -c log_filename=pg-%H%M%S.log -c log_line_prefix=%m_%p_%d_" \
  timeout 1200 java -cp /tmp/pglock/ov:$JAR io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q \
  --only W1 --clients 256 --contenders m1,m3 --wait-events --out "$PWD/$N" "$@" > $N.out 2> $N.err
echo rc=$? >> $N.load
(date -u; cat /proc/loadavg) >> $N.load
cat /tmp/pglock/pglog/*.log | grep lmprobe | gzip > $N.probe.gz
