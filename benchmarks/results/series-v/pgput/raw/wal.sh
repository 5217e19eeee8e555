#!/bin/bash
# usage: wal.sh DB SCRIPT N : WAL records per transaction of N transactions
B=/usr/lib/postgresql/15/bin; D=/tmp/pgput
P="$B/psql -h $D -p 55441 -X -q -A -t -d $1"
su postgres -c "$P -c CHECKPOINT"
# warm-up past the checkpoint's full-page images
su postgres -c "$B/pgbench -h $D -p 55441 -n -M prepared -t 200 -f $D/v/$2 $1" >/dev/null 2>&1
a=$(su postgres -c "$P -c 'SELECT pg_current_wal_insert_lsn()'")
su postgres -c "$B/pgbench -h $D -p 55441 -n -M prepared -t $3 -f $D/v/$2 $1" >/dev/null 2>&1
b=$(su postgres -c "$P -c 'SELECT pg_current_wal_insert_lsn()'")
echo "## $1 $2 $3 tx, $a .. $b"
su postgres -c "$B/pg_waldump -p $D/data/pg_wal -s $a -e $b --stats=record" 2>&1 | awk 'NR<=3 || $2+0 > 0' | head -30
