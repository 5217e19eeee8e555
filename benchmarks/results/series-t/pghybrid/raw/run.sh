#!/bin/bash
# usage: run.sh STATE SIZES PAIRS SECS FNS
B=$(cat /tmp/pghybrid/bin); P="$B/psql -h /tmp/pghybrid -p 55491 -U postgres -X -q -d $DB"
PB="$B/pgbench -h /tmp/pghybrid -p 55491 -U postgres -n -M prepared"
for u in $2; do for pair in $(seq 1 $3); do for f in $5; do
  $P -c "select pg_stat_reset(), pg_stat_statements_reset()" >/dev/null
  echo "== $1 updates=$u keys=$((2*u)) $f pair $pair $(date -u +%T) load $(cat /proc/loadavg)"
  su postgres -c "cd /tmp/pghybrid && $PB -d $DB -T $4 -f $f-u$u.sql" 2>&1 | grep -E "^tps|error"
  $P -At -F ' ' -c "select 'fn', calls, round((total_time*1000/calls)::numeric,1) as us_per_call from pg_stat_user_functions where funcname='$f'" \
     -c "select 'validation', calls, round((total_exec_time*1000/calls)::numeric,1) exec_us, round((total_plan_time*1000/calls)::numeric,1) plan_us, plans, left(regexp_replace(query,'\s+',' ','g'),40) from pg_stat_statements where query like '%FROM unnest(p_key_update, p_key_read, p_key)%' and calls > 0"
done; done; done
