#!/usr/bin/env bash
# A two-silo cluster survives the restart of either silo: the platform is started as ./run.sh starts it
# (silo, media worker, gateway, GraphQL host), a second silo joins through the PostgreSQL membership
# table, and the first silo is stopped while a conference is held. Calls, the API and the held conference
# then go on through the second silo (grains reactivate there from PostgreSQL; gateway and worker
# re-register), and the first silo rejoins. Runs its own platform on spare ports beside test.sh's.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../../infra/scripts/common.sh"
PASS=0; FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

STATE=$(mktemp -d /tmp/sparkle-failover.XXXXXX)
chmod 755 "$STATE" # PostgreSQL runs as postgres and keeps its data in here
PG_PORT=5466 HTTP_PORT=18580 SIP_PORT=15560 SIP_TLS_PORT=15561 SILO_PORT=21511 SILO_GATEWAY_PORT=31500
RTP_MIN=47000 RTP_MAX=47999 CLUSTER_ID=sparkle-failover
SILO_B_PORT=21512 SILO_B_GATEWAY_PORT=31501
cleanup() {
  stop_platform
  "$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$STATE/pg" >/dev/null 2>&1
  rm -rf "$STATE"
}
trap cleanup EXIT

"$SPARKLE_ROOT/infra/scripts/postgres.sh" start "$STATE/pg" "$PG_PORT" >/dev/null || { fail "PostgreSQL starts"; summary; exit 1; }
if ! start_platform 2>"$STATE/start.log"; then fail "the platform starts"; tail -20 "$STATE/start.log"; summary; exit 1; fi
pass "the platform starts (silo A)"
SILO_A_PID=$(cat "$STATE/logs/silo-1.pid")
pg="Host=127.0.0.1;Port=$PG_PORT;Username=sparkle;Database=sparkle"
silo_b() {
  start_process silo-b "$STATE/logs/silo-b.log" "$SPARKLE_ROOT/silo/Sparkle.Silo/bin/Release/net10.0/Sparkle.Silo.dll" \
    "Cluster__ConnectionString=$pg" "Cluster__ClusterId=$CLUSTER_ID" "Silo__SiloPort=$SILO_B_PORT" "Silo__GatewayPort=$SILO_B_GATEWAY_PORT" 2>/dev/null
}
silo_b
check "silo B listens for clients" wait_tcp 127.0.0.1 "$SILO_B_GATEWAY_PORT" 120
active_silos() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U sparkle -d sparkle -tAc \
    "select count(*) from orleansmembershiptable where deploymentid = '$CLUSTER_ID' and status = 3"
}
for _ in $(seq 1 60); do [ "$(active_silos)" = 2 ] && break; sleep 1; done
check "the membership table shows two active silos" test "$(active_silos)" = 2
sleep 6 # clients refresh their gateway list every 5 s

DEMO="$STATE/demo.json"
password() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next(u["password"] for u in d["tenants"][0]["users"] if u["number"]==sys.argv[2]))' "$DEMO" "$1"; }
gql() { # QUERY -> body, as the owner of the first demo tenant
  python3 - "$DEMO" "http://127.0.0.1:$HTTP_PORT/graphql" "$1" <<'PY'
import json, sys, urllib.request
demo = json.load(open(sys.argv[1]))
token = demo["tenants"][0]["users"][0]["token"]
req = urllib.request.Request(sys.argv[2], json.dumps({"query": sys.argv[3]}).encode(),
                             {"Content-Type": "application/json", "Authorization": "Bearer " + token})
print(urllib.request.urlopen(req, timeout=20).read().decode())
PY
}
factory_call() { # NAME HOLD_MS: one authenticated call to the factory through the gateway
  sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/../sipp/invite_factory.xml" -t u1 -i 127.0.0.1 -m 1 -l 1 -nostdin \
    -timeout 40 -timeout_error -key domain demo.sparkle.test -key user 1003 -au 1003 -ap "$(password 1003)" \
    -d "$2" -trace_logs -log_file "$STATE/$1.log" >"$STATE/$1.out" 2>&1
}

check "a factory call succeeds with both silos up" factory_call before 500
# A conference held across the stop: the chair stays in it for 25 s while silo A goes away.
factory_call held 25000 &
held_pid=$!
sleep 4
plan=$(gql 'mutation { createMeetingPlan(input: { title: "Made before the stop" }) { id } }' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["createMeetingPlan"]["id"])' 2>/dev/null)
check "a plan is stored with both silos up" test -n "$plan"

kill -TERM "$SILO_A_PID"
for _ in $(seq 1 60); do kill -0 "$SILO_A_PID" 2>/dev/null || break; sleep 1; done
check "silo A stops" bash -c "! kill -0 $SILO_A_PID 2>/dev/null"
sleep 6
ok_after=0
for attempt in 1 2 3; do factory_call "after-$attempt" 500 && { ok_after=1; break; }; sleep 5; done
check "a factory call succeeds with silo A gone (attempts: $attempt)" test "$ok_after" = 1
check "the plan made before the stop is read through silo B" grep -q "$plan" <(gql '{ meetingPlans(first: 200) { nodes { id } } }')
wait "$held_pid"
check "the conference held across the stop ends cleanly (BYE answered)" test $? -eq 0

start_process silo-a2 "$STATE/logs/silo-a2.log" "$SPARKLE_ROOT/silo/Sparkle.Silo/bin/Release/net10.0/Sparkle.Silo.dll" \
  "Cluster__ConnectionString=$pg" "Cluster__ClusterId=$CLUSTER_ID" "Silo__SiloPort=$SILO_PORT" "Silo__GatewayPort=$SILO_GATEWAY_PORT" 2>/dev/null
for _ in $(seq 1 60); do [ "$(active_silos)" = 2 ] && break; sleep 1; done
check "silo A rejoins: two active silos again" test "$(active_silos)" = 2
summary
