#!/bin/bash
# usage: runpair.sh ROUNDS SECONDS DBS...
cd /tmp/pgone
R=$1; T=$2; shift 2
P="psql -h /tmp/pgone -p 55439 -X -q -A -F , -t"
for r in $(seq 1 $R); do
 for db in "$@"; do
  for s in pair-put pair-del pair-upd pair-yard; do
   su postgres -c "$P -d $db -c 'SELECT pg_stat_statements_reset()'" >/dev/null
   load=$(cat /proc/loadavg | cut -d' ' -f1-3)
   lat=$(su postgres -c "pgbench -h /tmp/pgone -p 55439 -n -M prepared -T $T -f $s.sql $db 2>&1" | grep -E 'latency average' | awk '{print $4}')
   echo "## round $r db $db script $s load $load client_latency_ms $lat"
   su postgres -c "$P -d $db -c \"SELECT toplevel, calls, round((mean_exec_time*1000)::numeric,1) AS exec_us, round((mean_plan_time*1000)::numeric,1) AS plan_us, plans, substring(query from '/[*] (\S+) [*]/') FROM pg_stat_statements WHERE calls >= 20 AND toplevel AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 12\""
  done
 done
done
