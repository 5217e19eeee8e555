#!/bin/bash
# usage: wal2.sh DB SCRIPT N : WAL records and full-page images for N transactions right after a CHECKPOINT
B=/usr/lib/postgresql/15/bin; D=/tmp/pgput
P="$B/psql -h $D -p 55441 -X -q -A -t -d $1"
su postgres -c "$P -c CHECKPOINT"
a=$(su postgres -c "$P -c 'SELECT pg_current_wal_insert_lsn()'")
su postgres -c "$B/pgbench -h $D -p 55441 -n -M prepared -t $3 -f $D/v/$2 $1" >/dev/null 2>&1
b=$(su postgres -c "$P -c 'SELECT pg_current_wal_insert_lsn()'")
echo "## $1 $2 $3 tx after a checkpoint, $a .. $b, bytes $(su postgres -c "$P -c \"SELECT pg_wal_lsn_diff('$b', '$a')\"")"
su postgres -c "$B/pg_waldump -p $D/data/pg_wal -s $a -e $b --stats=record" 2>&1 | awk 'NR<=3 || $2+0 > 0' | grep -v '^WAL stat'
