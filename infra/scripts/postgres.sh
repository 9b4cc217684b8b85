#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for Sparkle.Cloud (never the system cluster).
#
#   postgres.sh start DATA_DIR PORT        initialise (first time), start, create role/database, apply schema
#   postgres.sh stop DATA_DIR              stop the cluster (fast shutdown)
#   postgres.sh apply-schema PORT [DB]     apply infra/sql/postgresql/*.sql (idempotent) to DB (default sparkle)
#
# Listens on 127.0.0.1 only, trust authentication for local connections, role and database `sparkle`.
# PostgreSQL refuses to run as root: when started by root the server runs as the `postgres` user on a
# data folder it owns.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCHEMA_DIR="$(cd "$SCRIPT_DIR/../sql/postgresql" && pwd)"
ROLE=sparkle

die() { echo "postgres.sh: $*" >&2; exit 1; }

# Runs a command as the server's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL=psql

psql_admin() { # PORT DB SQL...
    local port=$1 db=$2; shift 2
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# The folder the cluster really lives in. Normally DATA_DIR itself; when the `postgres` user cannot
# reach DATA_DIR (a checkout under /root, say), the cluster lives under /var/lib/sparkle and DATA_DIR
# holds a LOCATION file naming it, so start and stop find the same cluster again.
cluster_dir() { # DATA_DIR
    local data=$1
    if [ -f "$data/LOCATION" ]; then
        cat "$data/LOCATION"
    elif [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
        local fallback
        fallback="/var/lib/sparkle/pg-$(printf '%s' "$data" | sha256sum | cut -c1-16)"
        echo "postgres.sh: user postgres cannot reach $data; keeping the cluster in $fallback" >&2
        if [ -f "$fallback/PG_VERSION" ]; then
            # Left over from a DATA_DIR that was deleted: its data went with it.
            runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$fallback" -m fast -w stop >/dev/null 2>&1 || true
            rm -rf "$fallback"
        fi
        mkdir -p "$fallback"
        echo "$fallback" >"$data/LOCATION"
        echo "$fallback"
    else
        echo "$data"
    fi
}

cmd_apply_schema() {
    local port=${1:?usage: postgres.sh apply-schema PORT [DB]} db=${2:-sparkle}
    # One transaction under an advisory lock, so concurrent starts do not race on CREATE statements.
    {
        echo "SET client_min_messages = warning;"
        echo "SELECT pg_advisory_xact_lock(7410012);"
        for f in "$SCHEMA_DIR"/*.sql; do
            cat "$f"
            echo
        done
    } | "$PSQL" -X -q -v ON_ERROR_STOP=1 --single-transaction -h 127.0.0.1 -p "$port" -U "$ROLE" -d "$db" -f - >/dev/null
    echo "postgres.sh: schema applied to database $db on port $port"
}

cmd_start() {
    local data=${1:?usage: postgres.sh start DATA_DIR PORT} port=${2:?usage: postgres.sh start DATA_DIR PORT}
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN (apt-get install postgresql-15)"
    mkdir -p "$data"
    data="$(cd "$data" && pwd)"
    data="$(cluster_dir "$data")"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres:postgres "$data"
        chmod 700 "$data"
        runuser -u postgres -- test -w "$data" || die "user postgres cannot write $data"
    fi

    if [ ! -f "$data/PG_VERSION" ]; then
        as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
            || { cat "$data.initdb.log" >&2; die "initdb failed"; }
        rm -f "$data.initdb.log"
        {
            echo "listen_addresses = '127.0.0.1'"
            echo "unix_socket_directories = ''"
            echo "timezone = 'UTC'"
            echo "max_connections = 200"
            echo "fsync = on"
        } >>"$data/postgresql.conf"
    fi

    if as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        echo "postgres.sh: already running ($data)"
    else
        as_owner "$PG_BIN/pg_ctl" -D "$data" -o "-p $port -k ''" -l "$data/server.log" -w -t 60 start >/dev/null \
            || { tail -n 30 "$data/server.log" >&2; die "could not start PostgreSQL (log: $data/server.log)"; }
    fi

    for _ in $(seq 1 60); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
        sleep 0.5
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" || die "PostgreSQL does not answer on 127.0.0.1:$port"

    if [ "$(psql_admin "$port" postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
        psql_admin "$port" postgres -c "CREATE ROLE $ROLE LOGIN"
    fi
    if [ "$(psql_admin "$port" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$ROLE'")" != 1 ]; then
        psql_admin "$port" postgres -c "CREATE DATABASE $ROLE OWNER $ROLE"
    fi
    cmd_apply_schema "$port" "$ROLE"
    echo "postgres.sh: PostgreSQL on 127.0.0.1:$port (data $data): Host=127.0.0.1;Port=$port;Username=$ROLE;Database=$ROLE"
}

cmd_stop() {
    local data=${1:?usage: postgres.sh stop DATA_DIR}
    [ -d "$data" ] || die "$data does not exist"
    [ -f "$data/LOCATION" ] && data="$(cat "$data/LOCATION")"
    [ -f "$data/PG_VERSION" ] || die "$data is not a PostgreSQL data folder"
    if as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
        echo "postgres.sh: stopped ($data)"
    else
        echo "postgres.sh: not running ($data)"
    fi
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    apply-schema) shift; cmd_apply_schema "$@" ;;
    *) echo "usage: postgres.sh start DATA_DIR PORT | stop DATA_DIR | apply-schema PORT [DB]" >&2; exit 2 ;;
esac
