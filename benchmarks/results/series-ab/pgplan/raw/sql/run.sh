#!/bin/bash
# usage: run.sh SCRIPT CALLS: one pgbench run (one new backend, so its generic plans are built on the table as it is);
# prints the backend's CPU per call (the postmaster's reaped-children CPU), the function call's server time, WAL
# records and bytes per call (pg_stat_statements, track = all: the top-level statement, its nested statements included)
PORT=55931; PM=$(head -1 /tmp/pgplan-scratch/data/postmaster.pid)
T=$(getconf CLK_TCK)
P="psql -h 127.0.0.1 -p $PORT -U postgres -X -q -d b"
c() { awk '{print $16+$17}' /proc/$PM/stat; }
$P -c "select pg_stat_statements_reset()" >/dev/null
a=$(c)
lat=$(/usr/lib/postgresql/15/bin/pgbench -h 127.0.0.1 -p $PORT -U postgres -n -M prepared -t $2 -f $1 b 2>&1 | grep -E "^latency" | awk '{print $4}')
sleep 0.3
b=$(c)
s=$($P -At -F' ' -c "select round(total_exec_time::numeric/calls*1000), round(wal_records::numeric/calls,1), round(wal_bytes/calls) from pg_stat_statements where (query like '%level_mutex_commit%' or query like 'WITH last%') and toplevel and calls >= $2")
i=$($P -At -F' ' -c "select round(total_exec_time::numeric/calls*1000) from pg_stat_statements where query like '%WITH last%' and not toplevel and calls >= $2")
echo "$1 load=$(cut -d' ' -f1 /proc/loadavg) lat_ms=$lat backend_cpu_us=$(( (b-a)*1000000/T/$2 )) call_us/walrec/walbytes=$s apply_us=$i"
