#!/bin/bash
# SQL-level fillfactor experiment (no engine): the engine's entry-table shape (keyspace_id integer, key bytea,
# value bytea, seq bigint, PRIMARY KEY (keyspace_id, key)), 100k 8-byte keys preloaded with 100-byte values,
# then multi-row upserts of 256 distinct keys (stride 389 from a random start: every row on its own page) with
# the commit function's ON CONFLICT DO UPDATE, one pgbench client, fsync and synchronous_commit on.
# Variants "LOAD/RUN": the table loaded (CREATE TABLE ... WITH fillfactor=LOAD) and then run with fillfactor=RUN
# (ALTER TABLE ... SET before the warm-up; 100/100, 90/90, 80/80, 70/70 are the plain settings; 70/100 is the
# table loaded with room but pruned at PostgreSQL's default threshold: not a schema setting, a reference).
# Per variant: warm-up W transactions, then M measured: server CPU (postmaster's reaped children + its live
# children's schedstat), pg_stat_statements' upsert time, HOT ratio, WAL bytes, table size, autovacuum runs,
# and perf's inclusive share of heap_page_prune_opt in the measured backend (perf record -g on its pid).
# Usage: ffsql.sh OUTDIR [W] [M] [ROUNDS] [VARIANTS...]
set -euo pipefail
OUT=${1:?outdir}; W=${2:-800}; M=${3:-800}; ROUNDS=${4:-2}; shift 4 || true
VARIANTS=("$@"); [ ${#VARIANTS[@]} -eq 0 ] && VARIANTS=(100/100 90/90 80/80 70/70 70/100)
mkdir -p "$OUT"
B=/usr/lib/postgresql/15/bin
D=$(mktemp -d /tmp/pgff-sql.XXXXXX); chown postgres "$D"; chmod 700 "$D"
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
echo "cluster $D port $PORT" | tee "$OUT/cluster.txt"
runuser -u postgres -- $B/initdb -D "$D/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
runuser -u postgres -- $B/pg_ctl -D "$D/data" -l "$D/server.log" -w -o "-p $PORT -h 127.0.0.1 -k $D -c fsync=on -c synchronous_commit=on -c shared_preload_libraries=pg_stat_statements" start >/dev/null
cleanup() { runuser -u postgres -- $B/pg_ctl -D "$D/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$D"; }
trap cleanup EXIT
PSQL=(psql -X -q -At -h 127.0.0.1 -p $PORT -U postgres -d postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE EXTENSION pg_stat_statements"
cat > "$D/upsert.sql" <<'SQL'
\set s random(0, 99999)
INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
SELECT 1, int8send(((:s + i * 389) % 100000)::int8), convert_to(rpad(:s::text || '-' || i::text, 100, 'v'), 'UTF8'), :s
FROM generate_series(1, 256) AS i
ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
SQL
chmod 644 "$D/upsert.sql"
PM=$(head -1 "$D/data/postmaster.pid")
cpu_ns() { # postmaster's own + reaped children's CPU (ticks) + live children's schedstat
  local t; t=$(awk '{print ($14+$15+$16+$17)}' /proc/$PM/stat)
  local live=0 c
  for c in $(cat /proc/$PM/task/*/children); do
    [ -r /proc/$c/schedstat ] && live=$((live + $(cut -d' ' -f1 /proc/$c/schedstat)))
  done
  echo $(( t * 10000000 + live ))
}
TPS=$(getconf CLK_TCK); [ "$TPS" = 100 ] || { echo "CLK_TCK $TPS"; exit 1; }
for r in $(seq 1 "$ROUNDS"); do
  ORDER=("${VARIANTS[@]}")
  if [ $((r % 2)) -eq 0 ]; then ORDER=($(printf '%s\n' "${VARIANTS[@]}" | tac)); fi
  for v in "${ORDER[@]}"; do
    L=${v%/*}; R=${v#*/}
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS level_mutex_entry;
CREATE TABLE level_mutex_entry (keyspace_id integer NOT NULL, key bytea NOT NULL, value bytea, seq bigint NOT NULL,
  PRIMARY KEY (keyspace_id, key)) WITH (fillfactor = $L);
INSERT INTO level_mutex_entry SELECT 1, int8send(g::int8), convert_to(rpad(g::text, 100, 'p'), 'UTF8'), 0
  FROM generate_series(0, 99999) AS g;
ALTER TABLE level_mutex_entry SET (fillfactor = $R);
VACUUM ANALYZE level_mutex_entry;
CHECKPOINT;
SQL
    SIZE0=$("${PSQL[@]}" -c "SELECT pg_relation_size('level_mutex_entry')")
    pgbench -n -h 127.0.0.1 -p $PORT -U postgres -f "$D/upsert.sql" -c 1 -t "$W" postgres >/dev/null 2>&1
    sleep 1.2 # stats flush
    "${PSQL[@]}" -c "SELECT pg_stat_statements_reset()" >/dev/null
    S0=$("${PSQL[@]}" -c "SELECT n_tup_upd||' '||n_tup_hot_upd||' '||n_tup_ins||' '||autovacuum_count||' '||pg_current_wal_lsn()-'0/0' FROM pg_stat_user_tables WHERE relname='level_mutex_entry'")
    C0=$(cpu_ns); T0=$(date +%s.%N)
    pgbench -n -h 127.0.0.1 -p $PORT -U postgres -f "$D/upsert.sql" -c 1 -t "$M" postgres > "$OUT/pgbench-r$r-${L}-${R}.txt" 2>&1 &
    BG=$!
    sleep 0.5
    BPID=$("${PSQL[@]}" -c "SELECT pid FROM pg_stat_activity WHERE application_name='pgbench' LIMIT 1")
    if [ -n "$BPID" ]; then
      timeout 600 perf record -q -g -p "$BPID" -o "$D/perf-r$r-${L}-${R}.data" 2>/dev/null &
      PERF=$!
    fi
    wait $BG
    [ -n "${PERF:-}" ] && { kill -INT $PERF 2>/dev/null || true; wait $PERF 2>/dev/null || true; }
    C1=$(cpu_ns); T1=$(date +%s.%N)
    sleep 1.2
    S1=$("${PSQL[@]}" -c "SELECT n_tup_upd||' '||n_tup_hot_upd||' '||n_tup_ins||' '||autovacuum_count||' '||pg_current_wal_lsn()-'0/0' FROM pg_stat_user_tables WHERE relname='level_mutex_entry'")
    Q=$("${PSQL[@]}" -c "SELECT calls||' '||rows||' '||round(total_exec_time::numeric,1) FROM pg_stat_statements WHERE query LIKE 'INSERT INTO level_mutex_entry%' ORDER BY calls DESC LIMIT 1")
    SIZE1=$("${PSQL[@]}" -c "SELECT pg_relation_size('level_mutex_entry')")
    PRUNE=-
    if [ -s "$D/perf-r$r-${L}-${R}.data" ]; then
      PRUNE=$(perf report -i "$D/perf-r$r-${L}-${R}.data" --children --sort symbol --stdio 2>/dev/null \
        | grep -m1 -E '^ +[0-9.]+% +[0-9.]+% .*heap_page_prune_opt' | awk '{print $1}' || true)
      [ -n "$PRUNE" ] || PRUNE=0%
    fi
    python3 - "$v" "$r" "$S0" "$S1" "$C0" "$C1" "$T0" "$T1" "$Q" "$SIZE0" "$SIZE1" "$PRUNE" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY' | tee -a "$OUT/ffsql.md"
import sys
v, r, s0, s1, c0, c1, t0, t1, q, z0, z1, prune, load = sys.argv[1:]
a = list(map(int, s0.split())); b = list(map(int, s1.split()))
upd, hot, ins, av, wal = [y - x for x, y in zip(a, b)]
calls, rows, ms = q.split()
rows = int(rows)
cpu = (int(c1) - int(c0)) / 1000
print(f"| {v} | {r} | {rows} | {cpu / rows:.2f} | {float(ms) * 1000 / rows:.2f} | {hot / max(upd, 1):.3f} | {wal / rows:.0f} | {int(z0) // 8192} -> {int(z1) // 8192} | {av} | {prune} | {float(t1) - float(t0):.1f} | {load} |")
PY
  done
done
