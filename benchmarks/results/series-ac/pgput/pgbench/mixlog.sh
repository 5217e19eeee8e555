#!/bin/bash
# usage: mixlog.sh PORT DB LOGFILE N script...   (private server on 127.0.0.1:PORT, log_line_prefix '%a|', logging to LOGFILE)
# As mix.sh (scripts interleaved at random, transaction by transaction, one connection, -M prepared), with
# log_min_duration_statement = 0 for the session: the server's wall time per protocol message (bind, execute) of
# each statement, taken from the log. "execute" covers ExecutorStart .. ExecutorEnd of the statement but not the
# COMMIT at Sync (its WAL flush): the statement's server time without the flush, per script, interleaved.
PORT=$1; DB=$2; LOG=$3; N=$4; shift 4
echo "# $(date -u +%FT%TZ) $(uptime)"
F=(); for s in "$@"; do F+=(-f "$s"); done
pgbench -h 127.0.0.1 -p $PORT -U postgres -n -M prepared "${F[@]}" -t 500 $DB >/dev/null 2>&1   # warm
A=mixlog_$$
OFF=$(stat -c %s $LOG)
PGAPPNAME=$A PGOPTIONS="-c log_min_duration_statement=0" pgbench -h 127.0.0.1 -p $PORT -U postgres -n -M prepared "${F[@]}" -t $N $DB 2>&1 | grep -E "^SQL script|latency average"
tail -c +$((OFF+1)) $LOG | awk -v a="$A" '
  index($0, a "|LOG:  duration: ") == 1 {
    split($0, w, " "); d = w[3]; kind = w[5]
    if (kind != "execute" && kind != "bind") next
    q = "other"
    if (index($0, "WITH u AS (UPDATE level_mutex_entry")) q = "d-cte1.sql (one modifying CTE)"
    else if (index($0, "WITH k AS (UPDATE level_mutex_keyspace")) q = "d-cte3.sql (3 modifying CTEs, no lock step)"
    else if (index($0, ": UPDATE level_mutex_entry e SET value")) q = "d-plainupd.sql (plain UPDATE)"
    else if (index($0, "FOR UPDATE OF k SKIP LOCKED") && !index($0, "synchronous_commit")) q = "d-put-nosetconfig.sql"
    else
    if (index($0, "AS snap")) q = "update.sql (commitOneWrite)"
    else if (index($0, "INSERT INTO kv")) q = "upsert.sql"
    else if (index($0, "level_mutex_commit_put(")) q = "putfn.sql (function)"
    else if (index($0, "FOR UPDATE OF k SKIP LOCKED") && !index($0, " put AS (")) q = "put-noins.sql (no INSERT fallback)"
    else if (index($0, "FOR UPDATE OF k SKIP LOCKED") && !index($0, " logged AS (")) q = "put-nolog.sql (no batch-log row)"
    else if (index($0, "FOR UPDATE OF k SKIP LOCKED")) q = "put.sql (commitPut)"
    else if (index($0, "AS seq, set_config")) q = "put-noks.sql (no keyspace row)"
    else if (index($0, "k AS ( UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM p WHERE")) q = "put-nolockstep.sql"
    else if (index($0, "INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) VALUES")) q = "entry-upsert.sql"
    else if (index($0, "SELECT v, version")) q = "optimistic.sql SELECT"
    else if (index($0, "UPDATE kv SET")) q = "optimistic.sql UPDATE"
    else if (index($0, "BEGIN")) q = "BEGIN"
    else if (index($0, "COMMIT")) q = "COMMIT"
    k = kind " | " q; s[k] += d; c[k]++ }
  END { for (k in c) if (c[k] >= 100) printf "%6d calls  %8.1f us mean  %s\n", c[k], s[k] * 1000 / c[k], k }' | sort -t'|' -k2,2 -k1,1
echo "# $(date -u +%FT%TZ) $(uptime)"
