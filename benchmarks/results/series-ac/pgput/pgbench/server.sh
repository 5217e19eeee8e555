#!/bin/bash
# usage: server.sh start|stop DIR PORT REPO
# A private PostgreSQL 15 cluster for the pgbench scripts here, set as series Q's (fsync and synchronous_commit on),
# with pg_stat_statements and log_line_prefix '%a|' (mixlog.sh reads the log), in DIR (created; as root the server
# runs as the OS user postgres). start also creates database b: schema-v3.sql from REPO, setup.sql (1k keys in
# the engine's table and in kv), putfn-setup.sql (variant (a), the put as a PL/pgSQL function).
set -e
CMD=$1; D=$2; PORT=$3; REPO=$4
B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
R=""; [ "$(id -u)" = 0 ] && R="runuser -u postgres --"
H=$(cd "$(dirname "$0")" && pwd)
if [ "$CMD" = stop ]; then $R $B/pg_ctl -D $D/data stop -m fast; exit; fi
mkdir -p $D; [ -n "$R" ] && chown postgres $D
$R $B/initdb -D $D/data -U postgres -A trust >/dev/null
cat >> $D/data/postgresql.conf <<CONF
port=$PORT
listen_addresses='127.0.0.1'
unix_socket_directories='$D'
shared_preload_libraries='pg_stat_statements'
fsync=on
synchronous_commit=on
log_line_prefix='%a|'
CONF
$R $B/pg_ctl -D $D/data -l $D/log start >/dev/null
sleep 2
P="psql -h 127.0.0.1 -p $PORT -U postgres -qAt"
$P -c "create database b"
$P -d b -f $REPO/level-mutex-postgres/src/main/resources/META-INF/level-mutex/postgres/schema-v3.sql >/dev/null
$P -d b -f $H/setup.sql >/dev/null
$P -d b -f $H/putfn-setup.sql >/dev/null
echo "server on 127.0.0.1:$PORT, log $D/log"
