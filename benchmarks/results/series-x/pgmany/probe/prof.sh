#!/bin/bash
cd /tmp/pgmany
n=$1; shift
echo "load before $(cat /proc/loadavg)" > $n.load
LEVEL_MUTEX_PG_SERVER_OPTIONS="-c track_wal_io_timing=on" java -cp ${JAR:-/work/bench/w/A.jar} io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain "$@" --out /tmp/pgmany/$n > $n.out 2> $n.err &
jp=$!
./sampler2.sh $jp > $n.samples
wait $jp
echo "load after $(cat /proc/loadavg)" >> $n.load
