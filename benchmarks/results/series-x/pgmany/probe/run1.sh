#!/bin/bash
# alternates: 8 connections each committing 20 rows to its own keyspace (8 transactions) vs 1 connection committing 8 x 20 rows in ONE statement/transaction; also joined with 2 connections? no (locks)
cd /tmp/pgmany
P="psql -qAt -h /tmp/pgmany -p 55471 -U postgres"
PB="/usr/lib/postgresql/15/bin/pgbench -h /tmp/pgmany -p 55471 -U postgres -n -M prepared -T ${T:-8}"
one() { # name, clients, script
  $P -c "select pg_stat_reset_shared('wal')" -c "select pg_stat_statements_reset()" >/dev/null
  l=$(cut -d' ' -f1-3 /proc/loadavg)
  out=$($PB -c $2 -j 1 -f $3 postgres 2>&1)
  tps=$(echo "$out" | grep -oP 'tps = \K[0-9.]+' )
  w=$($P -c "select wal_records, wal_bytes, wal_write, wal_sync, round(wal_sync_time::numeric,0) from pg_stat_wal")
  s=$($P -c "select calls, round(mean_exec_time::numeric,3) from pg_stat_statements where query like 'SELECT%level_mutex_commit%' order by calls desc limit 1")
  echo "$1 c=$2 tps=$tps rows/s=$(echo "$tps * $4" | bc) wal(records|bytes|writes|syncs|sync_ms)=$w stmt(calls|mean_ms)=$s load=$l"
}
for r in $(seq 1 ${R:-3}); do
  one sep 8 sep.sql 20
  one joined 1 joined.sql 160
  one joined2 2 joined.sql 160
  one sep16 16 sep.sql 20
done
