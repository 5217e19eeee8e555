#!/bin/bash
# usage: cpu.sh db script [seconds] -> backend CPU us per statement (utime+stime over a window / pg_stat_statements calls)
DB=$1; S=$2; T=${3:-8}; B=/usr/lib/postgresql/15/bin; P="$B/psql -h 127.0.0.1 -p 55471 -U postgres -qAt -d $DB"
$B/pgbench -h 127.0.0.1 -p 55471 -U postgres -n -M prepared -f $S -T $T $DB >/tmp/pgc1pg/pgb.out 2>&1 &
BG=$!
sleep 1.5
PID=$($P -c "select pid from pg_stat_activity where application_name='pgbench' and datname='$DB' limit 1")
calls() { $P -c "select coalesce(sum(calls),0) from pg_stat_statements where query like 'WITH p AS%' or query like 'INSERT INTO kv%'"; }
ticks() { awk '{print $14+$15}' /proc/$PID/stat; }
C0=$(calls); K0=$(ticks); W0=$(date +%s%N)
sleep $((T-3))
C1=$(calls); K1=$(ticks); W1=$(date +%s%N)
wait $BG
TCK=$(getconf CLK_TCK)
awk -v c=$((C1-C0)) -v k=$((K1-K0)) -v w=$((W1-W0)) -v t=$TCK -v s=$S 'BEGIN{printf "%-14s backend cpu %6.1f us/op  wall %6.1f us/op  ops %d\n", s, k*1e6/t/c, w/1000/c, c}'
