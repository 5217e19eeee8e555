#!/bin/bash
# WAL syncs and writes per committed batch (pg_stat_wal, reset before each run): counts that hold under load.
# m = main's function, p = pgpipe's (+ its flush statement when it says flushed = false). 85-write batches, one keyspace.
cd /work/bench/pgpipe/pgbench
P="psql -h /tmp/pgx -p 55432 -U postgres -qAt -d pb"
for c in 3 1; do
 for x in m p p m m p; do
  $P -c "select pg_stat_reset_shared('wal')" >/dev/null
  out=$(su postgres -c "/usr/lib/postgresql/15/bin/pgbench -h /tmp/pgx -p 55432 -U postgres -n -M prepared -c $c -j $c -T 8 -f $x-commit.sql pb" 2>&1)
  n=$(echo "$out" | awk '/number of transactions actually processed/{print $NF}' | cut -d/ -f1)
  tps=$(echo "$out" | awk '/^tps/{print $3}')
  $P -c "select pg_stat_force_next_flush()" > /dev/null
  read syncs writes <<< $($P -F' ' -c "select wal_sync, wal_write from pg_stat_wal")
  echo "$x c=$c batches $n tps $tps wal_sync/batch $(echo "scale=3; $syncs/$n" | bc) wal_write/batch $(echo "scale=3; $writes/$n" | bc) load $(cut -d' ' -f1 /proc/loadavg)"
 done
done
echo "-- C=1, 1-write batches: mean latency per batch (includes the commit's fsync)"
for x in m p p m m p p m; do
  out=$(su postgres -c "/usr/lib/postgresql/15/bin/pgbench -h /tmp/pgx -p 55432 -U postgres -n -M prepared -c 1 -T 8 -f $x-one.sql pb" 2>&1)
  echo "$x one-write c=1 $(echo "$out" | grep -E 'latency average') load $(cut -d' ' -f1 /proc/loadavg)"
done
