#!/usr/bin/env bash
# start_platform with several processes of a kind, as ./run.sh starts it with SPARKLE_SILOS=2,
# SPARKLE_MEDIA_WORKERS=3 and SPARKLE_WORKER_LEGS=2: both silos join the membership table, the three workers
# register with their own RTP slices and the capacity asked for, every process has its own pid file, and a
# worker killed by its pid file (kill -9) leaves the fleet while the others stay. Runs its own platform on
# spare ports beside test.sh's.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export SPARKLE_SILOS=2 SPARKLE_MEDIA_WORKERS=3 SPARKLE_WORKER_LEGS=2
source "$HERE/../../../infra/scripts/common.sh"
PASS=0; FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

STATE=$(mktemp -d /tmp/sparkle-fleet-platform.XXXXXX)
chmod 755 "$STATE" # PostgreSQL runs as postgres and keeps its data in here
PG_PORT=5468 HTTP_PORT=18680 SIP_PORT=15660 SIP_TLS_PORT=15661 SILO_PORT=21611 SILO_GATEWAY_PORT=31600
RTP_MIN=48000 RTP_MAX=48999 CLUSTER_ID=sparkle-fleet-platform
cleanup() {
  stop_platform
  "$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$STATE/pg" >/dev/null 2>&1
  rm -rf "$STATE"
}
trap cleanup EXIT

"$SPARKLE_ROOT/infra/scripts/postgres.sh" start "$STATE/pg" "$PG_PORT" >/dev/null || { fail "PostgreSQL starts"; summary; exit 1; }
if ! start_platform 2>"$STATE/start.log"; then fail "the platform starts"; tail -20 "$STATE/start.log"; summary; exit 1; fi
pass "the platform starts with 2 silos and 3 media workers"

pids=()
for name in silo-1 silo-2 worker-1 worker-2 worker-3 gateway graphql; do
  pid=$(cat "$STATE/logs/$name.pid" 2>/dev/null)
  check "$name has its own pid file and runs (pid ${pid:-none})" kill -0 "${pid:-0}"
  pids+=("$pid")
done
check "every process has a different pid" test "$(printf '%s\n' "${pids[@]}" | sort -u | wc -l)" = "${#pids[@]}"

active_silos() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U sparkle -d sparkle -tAc \
    "select count(*) from orleansmembershiptable where deploymentid = '$CLUSTER_ID' and status = 3"
}
for _ in $(seq 1 60); do [ "$(active_silos)" = 2 ] && break; sleep 1; done
check "the membership table shows two active silos" test "$(active_silos)" = 2

ranges=$(sed -nE 's/.*Media worker (worker-[0-9]+) registered \(.*, ports ([0-9]+-[0-9]+), ([0-9]+) legs(, generation [0-9]+)?\).*/\1 \2 \3/p' "$STATE"/logs/worker-*.log | sort)
echo "$ranges" | sed 's/^/  /'
check "the workers took the RTP slices 48000-48332, 48333-48665, 48666-48999 and 2 legs each" test "$ranges" = \
  "$(printf '%s\n' 'worker-1 48000-48332 2' 'worker-2 48333-48665 2' 'worker-3 48666-48999 2')"

workers() { # -> "id:capacity" lines, from the API as the operator
  python3 - "$STATE/demo.json" "http://127.0.0.1:$HTTP_PORT/graphql" <<'PY'
import json, sys, urllib.request
token = json.load(open(sys.argv[1]))["operatorToken"]
req = urllib.request.Request(sys.argv[2], json.dumps({"query": "{ mediaWorkers { id capacity } }"}).encode(),
                             {"Content-Type": "application/json", "Authorization": "Bearer " + token})
for w in json.loads(urllib.request.urlopen(req, timeout=20).read())["data"]["mediaWorkers"]:
    print(f"{w['id']}:{w['capacity']}")
PY
}
check "the API lists the three workers with 2 legs each" test "$(workers 2>/dev/null | tr '\n' ' ')" = "worker-1:2 worker-2:2 worker-3:2 "

kill -KILL "$(cat "$STATE/logs/worker-2.pid")"
# The registry drops a worker silent for 5 s.
for _ in $(seq 1 40); do [ "$(workers 2>/dev/null | tr '\n' ' ')" = "worker-1:2 worker-3:2 " ] && break; sleep 0.5; done
check "worker-2 killed by its pid file leaves the fleet; worker-1 and worker-3 stay" test "$(workers 2>/dev/null | tr '\n' ' ')" = "worker-1:2 worker-3:2 "
summary
