#!/bin/bash
# Starts the scratch cluster of this harness (PostgreSQL 15 from /usr/lib/postgresql/15/bin, port 55931, directory
# /tmp/pgplan-scratch, autovacuum off so that the entry table stays never analysed, pg_stat_statements.track = all),
# creates database b with schema v3 (A = main's level_mutex_commit) and the variants B (fb.sql) and P (fp-pgblind.sql).
# As root the server runs as the OS user postgres (runuser), as the project's PostgresCluster does. stop.sh ends it.
set -e
cd "$(dirname "$0")"
D=/tmp/pgplan-scratch; BIN=/usr/lib/postgresql/15/bin; R=""
mkdir -p $D
if [ "$(id -u)" = 0 ]; then chown postgres $D; R="runuser -u postgres --"; fi
$R $BIN/initdb -D $D/data -U postgres -A trust >/dev/null
cat >> $D/data/postgresql.conf <<CONF
port = 55931
listen_addresses = '127.0.0.1'
unix_socket_directories = '$D'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
shared_buffers = 256MB
fsync = on
synchronous_commit = on
autovacuum = off
CONF
$R $BIN/pg_ctl -D $D/data -l $D/log -w start >/dev/null
P="psql -h 127.0.0.1 -p 55931 -U postgres -X -q"
$P -c "CREATE DATABASE b"
SCHEMA=${SCHEMA:-../../../../../../level-mutex-postgres/src/main/resources/META-INF/level-mutex/postgres/schema-v3.sql}
$P -d b -v ON_ERROR_STOP=1 -f $SCHEMA -f fb.sql -f fp-pgblind.sql 2>&1 | grep -v NOTICE || true
$P -d b -c "INSERT INTO level_mutex_keyspace (name) VALUES ('a') ON CONFLICT DO NOTHING"
