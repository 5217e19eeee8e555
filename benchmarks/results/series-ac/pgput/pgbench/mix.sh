#!/bin/bash
# usage: mix.sh PORT DB N script...   (private server on 127.0.0.1:PORT with pg_stat_statements)
# ONE pgbench run (-M prepared, one connection) choosing a script at random for every transaction: the scripts are
# interleaved transaction by transaction, so a loaded machine's swings hit every one alike. Prints pgbench's
# per-script latency (mean and stddev) and pg_stat_statements' mean execution time, planning count and WAL records
# per call of each top-level statement.
PORT=$1; DB=$2; N=$3; shift 3
P="psql -h 127.0.0.1 -p $PORT -U postgres -qAt -d $DB"
echo "# $(date -u +%FT%TZ) $(uptime)"
F=(); for s in "$@"; do F+=(-f "$s"); done
pgbench -h 127.0.0.1 -p $PORT -U postgres -n -M prepared "${F[@]}" -t 500 $DB >/dev/null 2>&1   # warm
$P -c "select pg_stat_statements_reset()" >/dev/null
pgbench -h 127.0.0.1 -p $PORT -U postgres -n -M prepared "${F[@]}" -t $N $DB 2>&1 | grep -E "^SQL script|weight|latency average|latency stddev|number of transactions"
$P -F ' | ' -c "select calls, round(mean_exec_time::numeric*1000,1) as exec_us, plans, round(wal_records::numeric/calls,2) as wal_rec, round(wal_bytes::numeric/calls) as wal_b, left(regexp_replace(query, '\s+', ' ', 'g'), 90) from pg_stat_statements where calls >= 100 and query not like '%pg_stat%' order by query"
echo "# $(date -u +%FT%TZ) $(uptime)"
