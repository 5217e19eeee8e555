#!/bin/bash
# The statement-level measurements of pgcombine (README "The lock section" and "(c)/(e) validation and catch-up"), on a
# private PostgreSQL 15 cluster started here and removed at the end: schema v2, the prototypes, 100k keys; then
#   sections.sql  bench_sections(REPS): the part of a commit that holds the keyspace's lock, per variant, alternated;
#   cmicro.sql    bench_updates / bench_updates_last: 256-update batches validated by sequence (today), by visibility
#                 ((c)) and by xid -> sequence ((e)); bench_catchup: a listener's catch-up, today's and (c)'s.
# Usage (from the repository root, as root or as the postgres user): benchmarks/results/series-y/pgcombine/sql/run-micro.sh [REPS]
set -euo pipefail
REPS=${1:-300}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../../.." && pwd)
BIN=${LEVEL_MUTEX_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
DIR=$(mktemp -d /tmp/pgcombine-micro.XXXXXX)
PORT=${PORT:-55491}
AS=""
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; AS="runuser -u postgres --"; fi
trap '$AS "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
$AS "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
$AS "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses='' -c fsync=on -c synchronous_commit=on" start >/dev/null
P="psql -X -q -h $DIR -p $PORT -U postgres"
$P -c "CREATE DATABASE t"
$P -d t -f "$ROOT/level-mutex-postgres/src/main/resources/META-INF/level-mutex/postgres/schema-v2.sql" 2>&1 | grep -v NOTICE || true
$P -d t -f "$ROOT/benchmarks/src/main/resources/pgcombine/prototypes.sql" 2>&1 | grep -v NOTICE || true
$P -d t -f "$HERE/setup.sql"
$P -d t -f "$HERE/sections.sql"
$P -d t -f "$HERE/cmicro.sql" 2>&1 | grep -v NOTICE || true
$P -d t -c "VACUUM ANALYZE"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
$P -d t -c "CALL bench_sections(10)" -c "TRUNCATE bench_times" -c "CALL bench_sections($REPS)"
echo "# sections done, load: $(cut -d' ' -f1-3 /proc/loadavg)"
$P -d t -c "SELECT variant, rows, count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY us)) p50_us,
    round(avg(us)) mean_us, round(((percentile_cont(0.5) WITHIN GROUP (ORDER BY us)) / rows)::numeric, 1) p50_us_per_row,
    round(avg(cpu_us)) cpu_mean_us, round((avg(cpu_us) / rows)::numeric, 1) cpu_us_per_row
    FROM bench_times GROUP BY 1, 2 ORDER BY 1, 2"
$P -d t -c "CALL bench_updates(5, 256)" -c "CALL bench_updates_last(5, 256)" -c "TRUNCATE bench_updates" \
    -c "CALL bench_updates(100, 256)" -c "CALL bench_updates_last(100, 256)"
echo "# updates done, load: $(cut -d' ' -f1-3 /proc/loadavg)"
$P -d t -c "SELECT variant, updates, count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY us)) p50_us,
    round(avg(us)) mean_us, round(avg(cpu_us)) cpu_mean_us FROM bench_updates GROUP BY 1, 2 ORDER BY 1, 2"
$P -d t -c "CALL bench_catchup(10, 50, false)" -c "CALL bench_catchup(100, 50, false)" \
    -c "CALL bench_catchup(1000, 50, false)" -c "CALL bench_catchup(100, 50, true)"
echo "# catch-up done, load: $(cut -d' ' -f1-3 /proc/loadavg)"
$P -d t -c "SELECT variant, batches, count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY us)) p50_us,
    round(avg(us)) mean_us, max(found) found FROM bench_catchup GROUP BY 1, 2 ORDER BY 2, 1"
