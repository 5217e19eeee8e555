#!/bin/bash
# pgbench: the commit function alone (no JVM), 85-write blind batches on one keyspace, main's function (m) vs
# pgpipe's function plus its flush statement when it reports flushed = false (p); c clients.
cd /work/bench/pgpipe/pgbench
for round in 1 2; do
for c in 1 3; do
 for x in m p p m; do
  echo "== $x c=$c round $round load $(cut -d' ' -f1-3 /proc/loadavg)"
  su postgres -c "/usr/lib/postgresql/15/bin/pgbench -h /tmp/pgx -p 55432 -U postgres -n -M prepared -c $c -j $c -T 12 -r -f $x-commit.sql pb" 2>&1 | grep -E "^tps|latency average|p_commit|m_commit|emit_message" | sed 's/  */ /g'
 done
done
done
