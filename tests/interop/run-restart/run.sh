#!/usr/bin/env bash
# ./run.sh as a newcomer uses it: start, use, stop with a signal (as Ctrl-C does), start again, and
# find every piece of data and every credential as it was. Runs its own ./run.sh on spare ports and
# a temporary state folder, beside the platform test.sh started.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
PASS=0; FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

STATE=$(mktemp -d /tmp/sparkle-restart.XXXXXX)
chmod 755 "$STATE" # PostgreSQL runs as postgres and keeps its data in here
export SPARKLE_STATE="$STATE" SPARKLE_PG_PORT=5464 SPARKLE_HTTP_PORT=18480 SPARKLE_SIP_PORT=15460 SPARKLE_SIP_TLS_PORT=15461 \
  SPARKLE_SILO_PORT=21411 SPARKLE_SILO_GATEWAY_PORT=31400 SPARKLE_RTP_MIN=46000 SPARKLE_RTP_MAX=46999 SPARKLE_AZURITE_PORT=10460 SPARKLE_SKIP_BUILD=1
RUN_PID=""
cleanup() { [ -n "$RUN_PID" ] && kill -TERM "$RUN_PID" 2>/dev/null; sleep 1; rm -rf "$STATE"; }
trap cleanup EXIT

start() { # LOG -> waits until ./run.sh says it is running
  setsid "$ROOT/run.sh" >"$1" 2>&1 &
  RUN_PID=$!
  for _ in $(seq 1 120); do
    grep -q "Sparkle.Cloud is running" "$1" && return 0
    kill -0 "$RUN_PID" 2>/dev/null || break
    sleep 1
  done
  tail -20 "$1"; return 1
}
stop() { # sends TERM (Ctrl-C's effect) and waits for a clean exit
  kill -TERM "$RUN_PID"
  local rc=0
  wait "$RUN_PID" || rc=$?
  RUN_PID=""
  return "$rc"
}
gql() { # QUERY -> response body, as the demo tenant's owner
  python3 - "$STATE/demo.json" "$1" <<'PY'
import json, sys, urllib.request
demo = json.load(open(sys.argv[1]))
token = demo["tenants"][0]["users"][0]["token"]
req = urllib.request.Request(demo["graphql"], json.dumps({"query": sys.argv[2]}).encode(),
                             {"Content-Type": "application/json", "Authorization": "Bearer " + token})
print(urllib.request.urlopen(req, timeout=15).read().decode())
PY
}

if ! start "$STATE/first.log"; then fail "first start prints where everything listens"; echo "$PASS passed, $FAIL failed"; exit 1; fi
pass "first start prints where everything listens"
check "demo.json names both demo tenants" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [t["sipDomain"] for t in d["tenants"]]==["demo.sparkle.test","demo2.sparkle.test"]; assert all(len(t["users"])==10 for t in d["tenants"])' "$STATE/demo.json"
check "the owner's token answers me" grep -q '"role":"owner"' <(gql '{ me { tenantId userNumber role } }')
plan=$(gql 'mutation { createMeetingPlan(input: { title: "Kept across restarts", participants: [{ number: "1004" }] }) { id } }' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["createMeetingPlan"]["id"])')
check "a meeting plan is created ($plan)" test -n "$plan"
cp "$STATE/demo.json" "$STATE/demo.before.json"
check "a signal stops everything with status 0" stop
check "nothing of it is left listening" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$SPARKLE_HTTP_PORT) 2>/dev/null"

check "second start" start "$STATE/second.log"
check "demo.json (passwords, tokens) is unchanged" cmp -s "$STATE/demo.before.json" "$STATE/demo.json"
check "the plan is still there, read with the same token" grep -q "$plan" <(gql '{ meetingPlans(first: 200) { nodes { id title } } }')
check "second stop" stop
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
