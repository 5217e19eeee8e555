#!/bin/bash
# usage: win.sh db script n  -> WAL records by type over a window of n transactions (after checkpoint + warm)
DB=$1; S=$2; N=$3; B=/usr/lib/postgresql/15/bin; P="$B/psql -h 127.0.0.1 -p 55471 -U postgres -qAt -d $DB"
$B/pgbench -h 127.0.0.1 -p 55471 -U postgres -n -M prepared -f $S -t 300 $DB >/dev/null
$P -c "checkpoint" ; $B/pgbench -h 127.0.0.1 -p 55471 -U postgres -n -M prepared -f $S -t 500 $DB >/dev/null  # pay the FPIs of the checkpoint outside? no: keep steady
$P -c "select pg_stat_statements_reset()" >/dev/null
L0=$($P -c "select pg_current_wal_insert_lsn()")
OUT=$($B/pgbench -h 127.0.0.1 -p 55471 -U postgres -n -M prepared -f $S -t $N $DB 2>&1 | grep -E "latency average|tps")
L1=$($P -c "select pg_current_wal_insert_lsn()")
echo "$S: $OUT" | tr '\n' ' '; echo
$P -c "select calls, round((total_exec_time*1000/calls)::numeric,1) as us_per_call, left(regexp_replace(query,'\s+',' ','g'),60) from pg_stat_statements where calls >= $N order by total_exec_time desc limit 2"
$B/pg_waldump -p /tmp/pgc1pg/data/pg_wal -s $L0 -e $L1 --stats=record 2>/dev/null | sed -E 's/\([^)]*\)|\[[^]]*\]//g' | awk -v n=$N '$2 ~ /^[0-9]+$/ && $2>0 {printf "  %-24s %6.2f rec/op %7.1f B/op  fpi %6.1f B/op\n",$1,$2/n,$3/n,$4/n}'
