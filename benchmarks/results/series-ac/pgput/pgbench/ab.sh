#!/bin/bash
# usage: [MODE=prepared|extended|simple] ab.sh PORT DB N ROUNDS script...   (private server on 127.0.0.1:PORT with pg_stat_statements)
# Per round, every script in rotated order: N transactions through pgbench -M MODE (default prepared: extended protocol, named
# prepared statements: pgjdbc after prepareThreshold), one connection. Per script and round: pgbench's mean latency,
# pg_stat_statements' execution time (ExecutorRun+Finish) and WAL records/bytes per call, WAL records per
# transaction from pg_stat_wal (incl. COMMIT), and the backend's whole CPU per transaction (/proc/PID/schedstat: ns on CPU).
PORT=$1; DB=$2; N=$3; R=$4; shift 4
P="psql -h 127.0.0.1 -p $PORT -U postgres -qAt -d $DB"
TCK=$(getconf CLK_TCK)
S=("$@"); K=${#S[@]}
echo "# $(date -u +%FT%TZ) $(uptime)"
for r in $(seq 1 $R); do
  for j in $(seq 0 $((K-1))); do
    F=${S[$(( (j + r - 1) % K ))]}
    A=ab_$(basename $F .sql)_$$
    pgbench -h 127.0.0.1 -p $PORT -U postgres -n -M ${MODE:-prepared} -f $F -t 200 $DB >/dev/null 2>&1   # warm
    $P -c "select pg_stat_statements_reset(), pg_stat_reset_shared('wal')" >/dev/null
    PGAPPNAME=$A pgbench -h 127.0.0.1 -p $PORT -U postgres -n -M ${MODE:-prepared} -f $F -t $N $DB > /tmp/pgput-pg/pgb.out 2>&1 &
    BG=$!
    PID=""; for t in $(seq 1 100); do PID=$($P -c "select pid from pg_stat_activity where application_name='$A' limit 1"); [ -n "$PID" ] && break; sleep 0.02; done
    K0=$(awk '{print $1}' /proc/$PID/schedstat 2>/dev/null); K1=$K0
    while kill -0 $BG 2>/dev/null; do Kx=$(awk '{print $1}' /proc/$PID/schedstat 2>/dev/null); [ -n "$Kx" ] && K1=$Kx; sleep 0.1; done
    wait $BG
    LAT=$(grep "latency average" /tmp/pgput-pg/pgb.out | awk '{print $4}')
    ST=$($P -c "select round(sum(total_exec_time)::numeric*1000/$N,1) || ' us, wal ' || round(sum(wal_records)::numeric/$N,2) || ' rec ' || round(sum(wal_bytes)::numeric/$N) || ' B' from pg_stat_statements where calls >= $N and query not like '%pg_stat%'")
    W=$($P -c "select round(wal_records::numeric/$N,2) from pg_stat_wal")
    printf "round %d %-9s %-20s lat %s ms  pgss exec %s/call  wal(all) %s rec/tx  backend cpu %.1f us/tx\n" $r ${MODE:-prepared} $(basename $F) "$LAT" "$ST" "$W" $(echo "($K1-$K0)/1000/$N" | bc -l)
  done
done
echo "# $(date -u +%FT%TZ) $(uptime)"
