#!/bin/bash
# usage: ins.sh db script -> backend instructions (user+kernel) per statement, over a window of a pgbench -T 7 run
DB=$1; S=$2; B=/usr/lib/postgresql/15/bin; P="$B/psql -h 127.0.0.1 -p 55471 -U postgres -qAt -d $DB"
$B/pgbench -h 127.0.0.1 -p 55471 -U postgres -n -M prepared -f $S -T 7 $DB >/dev/null 2>&1 &
BG=$!
sleep 1.5
PID=$($P -c "select pid from pg_stat_activity where application_name='pgbench' and datname='$DB' limit 1")
calls() { $P -c "select coalesce(sum(calls),0) from pg_stat_statements where query like 'WITH p AS%' or query like 'INSERT INTO kv%'"; }
C0=$(calls)
OUT=$(perf stat -e instructions:u,instructions:k,task-clock -x, -p $PID -- sleep 4 2>&1)
C1=$(calls)
wait $BG
echo "$OUT" | awk -F, -v c=$((C1-C0)) -v s=$S '{v[$3]=$1} END{printf "%-18s instr/op user %8.0f kernel %8.0f  task-clock %6.1f us/op  ops %d\n", s, v["instructions:u"]/c, v["instructions:k"]/c, v["task-clock"]*1000/c, c}'
