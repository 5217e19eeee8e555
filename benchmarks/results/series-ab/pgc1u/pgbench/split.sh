#!/bin/bash
# usage: split.sh DB N script...  (private server on 127.0.0.1:55491, pg_stat_statements loaded)
# Per script: N transactions through pgbench -M prepared (extended protocol, named prepared statements, as pgjdbc
# after prepareThreshold) with log_parser_stats + log_planner_stats + log_executor_stats on for its session:
# the backend's getrusage per protocol message (BIND = parameters, plan-cache revalidation and executor locks;
# EXECUTE = ExecutorStart..ExecutorEnd for a statement with data-modifying CTEs, whose portal runs it whole), next
# to pg_stat_statements' execution time (ExecutorRun + ExecutorFinish only) and the backend's whole CPU per
# transaction (utime+stime from /proc over the run: messages, Sync = COMMIT and its WAL flush, protocol).
# The server runs with log_line_prefix = '%a|' (ALTER SYSTEM; a reload).
DB=$1; N=$2; shift 2
P="psql -h 127.0.0.1 -p 55491 -U postgres -qAt -d $DB"
LOG=/tmp/pgc1u-pg/log
TCK=$(getconf CLK_TCK)
for S in "$@"; do
  A=split_$(basename $S .sql)_$$
  pgbench -h 127.0.0.1 -p 55491 -U postgres -n -M prepared -f $S -t 100 $DB >/dev/null 2>&1   # warm
  $P -c "select pg_stat_statements_reset()" >/dev/null
  OFF=$(stat -c %s $LOG)
  PGAPPNAME=$A PGOPTIONS="-c log_parser_stats=on -c log_planner_stats=on -c log_executor_stats=on" \
    pgbench -h 127.0.0.1 -p 55491 -U postgres -n -M prepared -f $S -t $N $DB > /tmp/pgc1u-pg/pgb.out 2>&1 &
  BG=$!
  PID=""; for t in $(seq 1 50); do PID=$($P -c "select pid from pg_stat_activity where application_name='$A' limit 1"); [ -n "$PID" ] && break; sleep 0.05; done
  K0=$(awk '{print $14+$15}' /proc/$PID/stat 2>/dev/null); W0=$(date +%s%N)
  K1=$K0; while kill -0 $BG 2>/dev/null; do K=$(awk '{print $14+$15}' /proc/$PID/stat 2>/dev/null); [ -n "$K" ] && K1=$K; sleep 0.2; done
  wait $BG; W1=$(date +%s%N)
  LAT=$(grep "latency average" /tmp/pgc1u-pg/pgb.out | awk '{print $4}')
  PGSS=$($P -c "select round(sum(total_exec_time)::numeric*1000/$N,1) from pg_stat_statements where query not like '%pg_stat%' and query not like 'select pid%' and calls >= $N")
  tail -c +$((OFF+1)) $LOG | awk -v a="$A" -v n=$N -v s=$S -v k=$((K1-K0)) -v t=$TCK -v lat="$LAT" -v pgss="$PGSS" -v two=$(grep -c "^WITH" $S) '
    index($0, a "|LOG:") == 1 { title = $0; sub(/^[^|]*\|LOG:  /, "", title); want = 1; next }
    want && /s user, .* s system, .* s elapsed/ {
      gsub(/!/, "")
      # a statement with data-modifying CTEs logs EXECUTOR twice per execution: first ProcessQuery inside the
      # portal fill (ExecutorStart..ExecutorEnd), then the whole PortalRun (timed from the first one'"'"'s start)
      if (title == "EXECUTOR STATISTICS" && pair) { title = "EXECUTOR STATISTICS (portal)"; }
      else if (title == "EXECUTOR STATISTICS") { title = "EXECUTOR STATISTICS (query)"; }
      if (two && title == "EXECUTOR STATISTICS (query)") pair = 1; else pair = 0
      u[title] += $1; sy[title] += $4; el[title] += $7; c[title]++; want = 0 }
    END {
      printf "%-12s N %d  latency %s ms  pgss exec %s us/tx  backend cpu (proc, 10 ms ticks) %.1f us/tx\n", s, n, lat, pgss, k*1e6/t/n
      for (x in c) printf "    %-28s %6.2f /tx  cpu %7.1f us (user %6.1f sys %6.1f)  elapsed %7.1f us per message\n", x, c[x]/n, (u[x]+sy[x])*1e6/c[x], u[x]*1e6/c[x], sy[x]*1e6/c[x], el[x]*1e6/c[x]
    }'
done
