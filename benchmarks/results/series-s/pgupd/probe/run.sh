#!/bin/bash
# run.sh DB N CLIENTS SECONDS [KS-RANGE]; SCRIPT=upd.sql (from ../pgfn/probe) or upd2.sql, RANGE=key range; cluster at /tmp/pgupd port 55447
# run.sh DB N CLIENTS SECONDS [KS-RANGE]  -> prints tps and per-statement times
db=$1; n=$2; c=$3; t=$4; ksmax=${5:-1}
P="psql -h /tmp/pgupd -p 55447 -U postgres -q -X -At"
$P -d $db -c "select pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
if [ "$ksmax" = 1 ]; then ksdef="-D ks=1 -D range=${RANGE:-100000}"; script=${SCRIPT:-put.sql}; else script=putks.sql; ksdef="-D range=20000"; fi
tps=$(pgbench -h /tmp/pgupd -p 55447 -U postgres -n -f /tmp/pgupd/b/$script -D n=$n $ksdef -c $c -j $c -T $t $db 2>&1 | grep -E "^tps|latency average|failed" | tr '\n' ' ')
echo "db=$db n=$n c=$c ks=$ksmax load=$(cut -d' ' -f1-3 /proc/loadavg) :: $tps"
$P -d $db -F' | ' -c "select calls, round((total_time/calls)::numeric*1000) as us_total, round((self_time/calls)::numeric*1000) as us_self, funcname from pg_stat_user_functions where funcname like 'level_mutex%'"
$P -d $db -F' | ' -c "select calls, round((total_exec_time/calls)::numeric*1000) us, round(shared_blks_hit::numeric/calls,1) hit, round(shared_blks_dirtied::numeric/calls,1) dirt, round(wal_records::numeric/calls,1) walrec, round(wal_bytes::numeric/calls) walb, left(regexp_replace(query, '\s+', ' ', 'g'), 70) from pg_stat_statements where calls > 10 and query not like '%pg_stat%' order by total_exec_time desc limit 12"
