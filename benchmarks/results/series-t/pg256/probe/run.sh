#!/bin/bash
# run.sh DB SCRIPT SECONDS  (c=1, n=256, ks=1): function time, hits, WAL per call
db=$1; script=$2; t=$3
P="psql -h /tmp/pg256 -p 55456 -U postgres -q -X -At"
$P -d $db -c "select pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
tps=$(pgbench -h /tmp/pg256 -p 55456 -U postgres -n -f /tmp/pg256/b/$script -D n=256 -D ks=1 -D range=100000 -c 1 -j 1 -T $t $db 2>&1 | grep -E "^tps|failed" | tr '\n' ' ')
echo "db=$db script=$script load=$(cut -d' ' -f1-3 /proc/loadavg) :: $tps"
$P -d $db -F' | ' -c "select calls, round((total_time/calls)::numeric*1000) as us_total, funcname from pg_stat_user_functions where funcname = 'level_mutex_commit'"
$P -d $db -F' | ' -c "select calls, round((total_exec_time/calls)::numeric*1000) us, round(shared_blks_hit::numeric/calls,1) hit, round(shared_blks_dirtied::numeric/calls,1) dirt, round(wal_records::numeric/calls,1) walrec, round(wal_bytes::numeric/calls) walb, round(wal_fpi::numeric/calls,2) fpi, left(regexp_replace(query, '\s+', ' ', 'g'), 60) from pg_stat_statements where calls > 10 and toplevel = false and query like 'WITH last%'"
