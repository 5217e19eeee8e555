#!/bin/bash
# 8 keyspaces, 20-row batches (the series-W m1k8 batch size), blind puts through level_mutex_commit (schema v2), pgbench -M prepared.
# sep8:  8 connections, each keyspace's batch its own statement and transaction (today's engine).
# j8c1:  1 connection, the 8 keyspaces' batches in ONE statement/transaction (one joined commit in flight, all gathered).
# j4c1:  1 connection, 4 keyspaces' batches per statement (one in flight, two cohorts alternating).
# j4c2:  2 connections on disjoint halves, 4 keyspaces per statement (two joined commits in flight).
# j2c4:  4 connections, 2 keyspaces per statement (four in flight).
# Per point: rows/s, WAL syncs (pg_stat_wal) and rows per sync, mean exec of the statement (pg_stat_statements) per row,
# backend CPU per row (postmaster's utime+stime+cutime+cstime delta; backends are reaped after pgbench ends).
cd /tmp/pgmany
P="psql -qAt -h /tmp/pgmany -p 55471 -U postgres"
PB="/usr/lib/postgresql/15/bin/pgbench -h /tmp/pgmany -p 55471 -U postgres -n -M prepared -T ${T:-5}"
PM=$(head -1 /tmp/pgmany/data/postmaster.pid)
cpu() { awk '{print $14+$15+$16+$17}' /proc/$PM/stat; }
one() { # name, clients, script, rows per tx, extra
  $P -c "select pg_stat_reset_shared('wal')" -c "select pg_stat_statements_reset()" >/dev/null
  l=$(cut -d' ' -f1-3 /proc/loadavg)
  c0=$(cpu)
  out=$($PB -c $2 -j 1 $5 -f $3 postgres 2>&1)
  sleep 0.3; c1=$(cpu)
  tps=$(echo "$out" | grep -oP 'tps = \K[0-9.]+' )
  n=$(echo "$out" | grep -oP 'actually processed: \K[0-9]+')
  rows=$((n * $4))
  read syncs syncms < <($P -F' ' -c "select wal_sync, round(wal_sync_time::numeric,0) from pg_stat_wal")
  read calls mean < <($P -F' ' -c "select calls, mean_exec_time from pg_stat_statements where query like 'SELECT%level_mutex_commit%' order by calls desc limit 1")
  printf "%-5s c=%d rows/s=%6.0f tx/s=%6.0f syncs/s=%4.0f rows/sync=%5.1f ms/sync=%4.2f exec_us/row=%5.1f backend_cpu_us/row=%5.1f load=%s\n" \
    $1 $2 $(echo "$tps * $4" | bc) $tps $(echo "$syncs / ${T:-5}" | bc -l) $(echo "$rows / $syncs" | bc -l) $(echo "$syncms / $syncs" | bc -l) \
    $(echo "$mean * 1000 / $4" | bc -l) $(echo "($c1 - $c0) * 10000 / $rows" | bc -l) "$l"
}
for r in $(seq 1 ${R:-4}); do
  one sep8 8 sep.sql 20
  one j8c1 1 joined.sql 160
  one j4c1 1 joinedh.sql 80
  one j4c2 2 joinedn.sql 80 "-D n=4"
  one j2c4 4 joinedn.sql 40 "-D n=2"
done
