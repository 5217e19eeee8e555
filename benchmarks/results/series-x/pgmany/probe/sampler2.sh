#!/bin/bash
# every ~0.5 s: the benchmark JVM's CPU ticks, its private cluster's CPU ticks (postmaster, children, reaped children),
# pg_stat_wal syncs/writes/sync time, commits of all databases. Port and postmaster re-resolved each sample.
JPID=$1
echo "t port jvm_ticks pg_ticks wal_sync wal_write wal_sync_ms commits"
while kill -0 $JPID 2>/dev/null; do
  port=$(ss -tnp 2>/dev/null | grep "pid=$JPID," | awk '{print $5}' | grep -oP '127.0.0.1\]?:\K[0-9]+' | sort | uniq -c | sort -rn | awk '{print $2; exit}')
  j=$(awk '{print $14+$15}' /proc/$JPID/stat 2>/dev/null)
  if [ -n "$port" ]; then
    pm=$(ss -tlnp 2>/dev/null | grep ":$port " | grep -oP 'pid=\K[0-9]+' | head -1)
    p=0; for c in $pm $(ps --ppid $pm -o pid= 2>/dev/null); do v=$(awk '{print $14+$15}' /proc/$c/stat 2>/dev/null); p=$((p + ${v:-0})); done
    pc=$(awk '{print $16+$17}' /proc/$pm/stat 2>/dev/null)
    s=$(psql -qAt -F' ' -h 127.0.0.1 -p $port -U postgres -d postgres -c "select wal_sync, wal_write, round(wal_sync_time::numeric), (select sum(xact_commit) from pg_stat_database) from pg_stat_wal" 2>/dev/null)
    echo "$(date +%s.%N | cut -c1-14) $port $j $((p + ${pc:-0})) $s"
  fi
  sleep 0.5
done
