#!/usr/bin/env bash
# A local PostgreSQL server for the sample app's `postgres` profile, from the PostgreSQL server binaries
# installed on this machine (Debian's `postgresql` package: /usr/lib/postgresql/<version>/bin); no Docker,
# no system service.
#
#   sample-app/scripts/postgres.sh start    # initdb on first use, start, create the database
#   sample-app/scripts/postgres.sh status
#   sample-app/scripts/postgres.sh stop     # fast shutdown; the data stays for the next start
#   sample-app/scripts/postgres.sh destroy  # stop and delete the data directory
#
# Settings (environment; the defaults match application-postgres.yml):
#   COUCH_PG_PORT      55432, on 127.0.0.1 only
#   COUCH_PG_DATABASE  couch
#   COUCH_PG_DIR       ${TMPDIR:-/tmp}/level-mutex-sample-pg (data directory, socket, server.log)
#   LEVEL_MUTEX_PG_BIN the directory holding initdb and pg_ctl (default: the newest /usr/lib/postgresql/N/bin)
# The superuser is `postgres`, trusted without a password on loopback (a development server: never expose it).
# initdb refuses to run as root: as root, every server command runs as the OS user `postgres`
# (LEVEL_MUTEX_PG_OS_USER to change it), which owns the directory.
set -euo pipefail

port="${COUCH_PG_PORT:-55432}"
database="${COUCH_PG_DATABASE:-couch}"
dir="${COUCH_PG_DIR:-${TMPDIR:-/tmp}/level-mutex-sample-pg}"
data="$dir/data"

find_binaries() {
  if [ -n "${LEVEL_MUTEX_PG_BIN:-}" ]; then
    echo "$LEVEL_MUTEX_PG_BIN"
    return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/[0-9]*/bin 2>/dev/null | sort -t/ -k4 -n | tail -n 1)"
  if [ -z "$newest" ] || [ ! -x "$newest/initdb" ]; then
    echo "No PostgreSQL server binaries: install Debian's 'postgresql' package or set LEVEL_MUTEX_PG_BIN" >&2
    exit 1
  fi
  echo "$newest"
}

bin="$(find_binaries)"
os_user=""
if [ "$(id -u)" = 0 ]; then
  os_user="${LEVEL_MUTEX_PG_OS_USER:-postgres}"
fi

# Runs a server binary, as the unprivileged OS user when this script runs as root.
pg() {
  local command="$1"
  shift
  if [ -n "$os_user" ]; then
    runuser -u "$os_user" -- "$bin/$command" "$@"
  else
    "$bin/$command" "$@"
  fi
}

running() {
  pg pg_ctl -D "$data" status >/dev/null 2>&1
}

case "${1:-}" in
  start)
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$dir"
      if [ -n "$os_user" ]; then
        chown "$os_user" "$dir"
      fi
      pg initdb -D "$data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
      echo "initialised $data"
    fi
    if running; then
      echo "already running on 127.0.0.1:$port ($data)"
    else
      pg pg_ctl -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -h 127.0.0.1 -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=200" start \
        >/dev/null
      echo "started PostgreSQL on 127.0.0.1:$port (log: $dir/server.log)"
    fi
    if [ "$(pg psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
      pg createdb -h 127.0.0.1 -p "$port" -U postgres "$database"
      echo "created database $database"
    fi
    echo "jdbc:postgresql://127.0.0.1:$port/$database"
    ;;
  stop)
    if running; then
      pg pg_ctl -D "$data" -m fast -w stop >/dev/null
      echo "stopped"
    else
      echo "not running"
    fi
    ;;
  status)
    if running; then
      echo "running on 127.0.0.1:$port, database $database ($data)"
    else
      echo "not running ($data)"
      exit 3
    fi
    ;;
  destroy)
    if running; then
      pg pg_ctl -D "$data" -m fast -w stop >/dev/null
    fi
    rm -rf "$dir"
    echo "deleted $dir"
    ;;
  *)
    echo "usage: $0 start|stop|status|destroy" >&2
    exit 2
    ;;
esac
