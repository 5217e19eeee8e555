#!/bin/bash
# Uncontended one-write commit (the C=1 put's commit): WAL records and bytes per commit (counts), and the
# function's server time per call (pg_stat_user_functions, track_functions = pl; under load: indicative only).
cd /work/bench/pgpipe/pgbench
P="psql -h /tmp/pgx -p 55432 -U postgres -qAt -d pb"
for x in m p p m m p p m; do
  $P -c "select pg_stat_reset_shared('wal')" -c "select pg_stat_reset()" >/dev/null
  out=$(su postgres -c "/usr/lib/postgresql/15/bin/pgbench -h /tmp/pgx -p 55432 -U postgres -n -M prepared -c 1 -T 6 -f $x-one.sql pb" 2>&1)
  n=$(echo "$out" | awk '/number of transactions actually processed/{print $NF}' | cut -d/ -f1)
  $P -c "select pg_stat_force_next_flush()" > /dev/null
  read recs bytes <<< $($P -F' ' -c "select wal_records, wal_bytes from pg_stat_wal")
  fn=$($P -F' ' -c "select calls, round((total_time/calls)::numeric*1000) from pg_stat_user_functions where funcname = '${x}_commit'")
  echo "$x one-write c=1: batches $n wal_records/batch $(echo "scale=2; $recs/$n" | bc) wal_bytes/batch $(echo "scale=0; $bytes/$n" | bc) function calls, us/call: $fn $(echo "$out" | grep 'latency average') load $(cut -d' ' -f1 /proc/loadavg)"
done
