#!/usr/bin/env bash
# A private Azurite (the Azure Storage emulator), blob service only, for recordings at rest (issue 9).
#
#   azurite.sh start DATA_DIR PORT       install azurite@3.35.0 (first time), start it in the background on
#                                        127.0.0.1:PORT with its data in DATA_DIR, wait until it answers
#   azurite.sh stop DATA_DIR             stop the Azurite started on DATA_DIR (its data stays)
#   azurite.sh connection-string PORT    print the connection string of the development account
#
# Azurite is installed with npm into .sparkle-tools/azurite (ignored by git; AZURITE_PREFIX overrides).
# 3.35.0 is the newest release that runs on Node 20. The pid file and log are DATA_DIR/azurite.pid and
# DATA_DIR/azurite.log. The account key below is Microsoft's public, well-known development key.
#
# Example:
#   infra/scripts/azurite.sh start .sparkle/azurite 10000
#   export SPARKLE_TEST_AZURITE="$(infra/scripts/azurite.sh connection-string 10000)"
#   infra/scripts/azurite.sh stop .sparkle/azurite
set -euo pipefail

AZURITE_VERSION=3.35.0
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PREFIX="${AZURITE_PREFIX:-$ROOT/.sparkle-tools/azurite}"
BIN="$PREFIX/node_modules/.bin/azurite-blob"

die() { echo "azurite.sh: $*" >&2; exit 1; }

connection_string() { # PORT
    echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$1/devstoreaccount1;"
}

# Any HTTP answer counts (an anonymous request gets an error status): the service is up.
answers() { # PORT
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/devstoreaccount1?comp=list"
}

install() {
    [ -x "$BIN" ] && return 0
    command -v npm >/dev/null || die "npm not found (install Node 20 and npm)"
    mkdir -p "$PREFIX"
    # Concurrent test runs may both find it missing: one installs, the other waits for it.
    (
        flock 9
        if [ ! -x "$BIN" ]; then
            echo "azurite.sh: installing azurite@$AZURITE_VERSION into $PREFIX" >&2
            npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2 \
                || die "npm install azurite@$AZURITE_VERSION failed"
        fi
    ) 9>"$PREFIX/.install.lock"
    [ -x "$BIN" ] || die "azurite-blob missing after install ($BIN)"
}

running_pid() { # DATA_DIR: prints the pid when the Azurite started there still runs
    local pidfile="$1/azurite.pid" pid
    [ -f "$pidfile" ] || return 1
    pid="$(cat "$pidfile")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

cmd_start() {
    local data=${1:?usage: azurite.sh start DATA_DIR PORT} port=${2:?usage: azurite.sh start DATA_DIR PORT}
    install
    mkdir -p "$data"
    data="$(cd "$data" && pwd)"
    if pid="$(running_pid "$data")"; then
        answers "$port" || die "an Azurite runs on $data (pid $pid) but does not answer on port $port"
        echo "azurite.sh: already running (pid $pid, $data)"
        return 0
    fi
    answers "$port" && die "port $port is already taken by another server"
    # Its own session, so it outlives this script and a test host's process group; stop uses the pid file.
    setsid "$BIN" --blobHost 127.0.0.1 --blobPort "$port" --location "$data" --loose \
        --skipApiVersionCheck --disableTelemetry </dev/null >>"$data/azurite.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$data/azurite.pid"
    for _ in $(seq 1 120); do
        answers "$port" && break
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$data/azurite.log" >&2; rm -f "$data/azurite.pid"; die "Azurite exited (log: $data/azurite.log)"; }
        sleep 0.25
    done
    answers "$port" || { kill "$pid" 2>/dev/null || true; rm -f "$data/azurite.pid"; die "Azurite does not answer on 127.0.0.1:$port"; }
    echo "azurite.sh: Azurite blob on 127.0.0.1:$port (pid $pid, data $data)"
}

cmd_stop() {
    local data=${1:?usage: azurite.sh stop DATA_DIR} pid
    if ! pid="$(running_pid "$data")"; then
        rm -f "$data/azurite.pid"
        echo "azurite.sh: not running ($data)"
        return 0
    fi
    # SIGTERM lets Azurite write its metadata database before it exits.
    kill "$pid"
    for _ in $(seq 1 80); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$data/azurite.pid"
    echo "azurite.sh: stopped (pid $pid, $data)"
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    connection-string) shift; connection_string "${1:?usage: azurite.sh connection-string PORT}" ;;
    *) echo "usage: azurite.sh start DATA_DIR PORT | stop DATA_DIR | connection-string PORT" >&2; exit 2 ;;
esac
