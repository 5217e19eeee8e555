#!/bin/bash
# usage: runpair.sh ROUNDS SECONDS CONTENDERS... : each contender paired with "cur" in one pgbench transaction,
# order A B in odd rounds, B A in even ones; dbs fresh and analysed; server time per call from pg_stat_statements.
cd /tmp/pgput/v
R=$1; T=$2; shift 2
B=/usr/lib/postgresql/15/bin
P="$B/psql -h /tmp/pgput -p 55441 -X -q -A -F , -t"
for r in $(seq 1 $R); do
 o=ab; [ $((r % 2)) = 0 ] && o=ba
 for db in fresh analysed; do
  for c in "$@"; do
   su postgres -c "$P -d $db -c 'SELECT pg_stat_statements_reset()'" >/dev/null
   load=$(cut -d' ' -f1-3 /proc/loadavg)
   lat=$(su postgres -c "$B/pgbench -h /tmp/pgput -p 55441 -n -M prepared -T $T -f /tmp/pgput/v/pair-$c-$o.sql $db 2>&1" | grep -E 'latency average' | awk '{print $4}')
   echo "## round $r order $o db $db pair cur/$c load $load client_latency_ms $lat"
   su postgres -c "$P -d $db -c \"SELECT calls, round(((total_exec_time+total_plan_time)/calls*1000)::numeric,1) AS us, plans, substring(query from '/[*] (\S+) [*]/') FROM pg_stat_statements WHERE calls >= 20 AND toplevel AND query LIKE '/*%' ORDER BY 4\""
  done
 done
done
