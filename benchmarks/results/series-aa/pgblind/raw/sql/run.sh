#!/bin/bash
# usage: run.sh script txns ; prints backend cpu us per txn (postmaster's reaped children)
PM=7811
T=$(getconf CLK_TCK)
c() { awk '{print $16+$17}' /proc/$PM/stat; }
psql -h 127.0.0.1 -p 55771 -U postgres -X -q -d b -c "select pg_stat_statements_reset()" >/dev/null
a=$(c)
lat=$(/usr/lib/postgresql/15/bin/pgbench -h 127.0.0.1 -p 55771 -U postgres -n -M prepared -t $2 -f $1.sql b 2>&1 | grep -E "latency" | awk '{print $4}')
sleep 0.3
b=$(c)
s=$(psql -h 127.0.0.1 -p 55771 -U postgres -X -q -d b -At -F' ' -c "select round(total_exec_time::numeric/calls*1000), round(wal_records::numeric/calls,1), round(wal_bytes/calls) from pg_stat_statements where query not like '%pg_stat%' and calls > 10 and toplevel order by total_exec_time desc limit 1")
echo "$1 load=$(cut -d' ' -f1 /proc/loadavg) lat_ms=$lat backend_cpu_us=$(( (b-a)*1000000/T/$2 )) exec_us/walrec/walbytes=$s"
