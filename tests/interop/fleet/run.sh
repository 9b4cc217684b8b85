#!/usr/bin/env bash
# Several media workers on one machine and the operator's drain, through the GraphQL API: a second worker
# started beside the platform's (lib.sh's start_media_worker) is listed with its capacity, and a new meeting
# (a sipp call to the conference factory) is placed on whichever of the two is not draining. Draining the last
# worker taking meetings is refused (LAST_WORKER); a tenant owner may not drain (FORBIDDEN). Leaves the platform
# as it found it: worker-1 in service, worker-2 stopped.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib.sh"
: "${SPARKLE_GRAPHQL:=http://127.0.0.1:8080/graphql}"
WORK=$(mktemp -d /tmp/sparkle-fleet.XXXXXX)
EXTRA_LEGS=8

json_get() { # PYTHON_EXPRESSION over `r` (the parsed response), read from stdin
  python3 -c 'import json, sys; r = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" 2>/dev/null
}
worker_field() { # WORKER_ID FIELD -> the field from mediaWorkers, empty when the worker is not listed
  gql_as operator '{ mediaWorkers { id capacity legs draining } }' \
    | json_get "next((str(w['$2']) for w in r['data']['mediaWorkers'] if w['id'] == '$1'), '')"
}
set_draining() { # MUTATION WORKER_ID -> response body
  gql_as operator "mutation(\$id: ID!) { $1(id: \$id) { id draining } }" "{\"id\": \"$2\"}"
}

cleanup() {
  set_draining undrainMediaWorker worker-1 >/dev/null 2>&1
  stop_media_worker 2
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

DOMAIN=$(demo_field 0 - sipDomain)
PASSWORD=$(demo_field 0 1003 password)
# factory_call NAME HOLD_MS: an ad hoc conference held for HOLD_MS (sipp, G.711 audio), in the background.
factory_call() {
  sipp "$SPARKLE_SIP_HOST:$SPARKLE_SIP_PORT" -sf "$HERE/../sipp/invite_factory.xml" -t u1 -i 127.0.0.1 -m 1 -l 1 -nostdin \
    -timeout 60 -timeout_error -key domain "$DOMAIN" -key user 1003 -au 1003 -ap "$PASSWORD" \
    -d "$2" -trace_logs -log_file "$WORK/$1.log" >"$WORK/$1.out" 2>&1
}
# placed_on SINCE -> the media worker of the demo tenant's active meeting created since SINCE (as its owner sees it)
placed_on() {
  gql_as owner 'query($from: DateTimeOffset) { meetings(status: active, createdFrom: $from, first: 5) { nodes { mediaWorkerId } } }' \
    "{\"from\": \"$1\"}" | json_get "next((n['mediaWorkerId'] for n in r['data']['meetings']['nodes'] if n['mediaWorkerId']), '')"
}
# meeting_lands_on EXPECTED_WORKER NAME: holds a factory call and waits until its meeting shows a worker and that
# worker reports the leg in its heartbeat.
meeting_lands_on() {
  local since worker="" legs="" call
  since=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
  sleep 1 # createdFrom compares with the creation time: keep the call strictly after it
  factory_call "$2" 15000 &
  call=$!
  for _ in $(seq 1 24); do
    worker=$(placed_on "$since")
    [ -n "$worker" ] && legs=$(worker_field "$worker" legs)
    [ -n "$worker" ] && [ "${legs:-0}" -ge 1 ] && break
    sleep 0.5
  done
  wait "$call"
  local ended=$?
  echo "  $2: placed on '$worker', which reports ${legs:-?} leg(s); the call ended with status $ended"
  [ "$worker" = "$1" ] && [ "${legs:-0}" -ge 1 ] && [ "$ended" -eq 0 ]
}

check "a second media worker starts beside the platform's (start_media_worker 2 $EXTRA_LEGS)" start_media_worker 2 "$EXTRA_LEGS"
check "worker-2 has its own pid" test -n "$(worker_pid 2)" -a "$(worker_pid 2)" != "$(worker_pid 1)"
# Worker 1's capacity as its own log says it registered.
capacity_1=$(sed -nE 's/.*Media worker worker-1 registered \(.*, ([0-9]+) legs(, generation [0-9]+)?\).*/\1/p' "$(worker_log 1)" | tail -1)
check "the API lists worker-1 with the capacity it registered (${capacity_1:-?} legs)" test -n "$capacity_1" -a "$(worker_field worker-1 capacity)" = "$capacity_1"
check "the API lists worker-2 with its capacity of $EXTRA_LEGS legs" test "$(worker_field worker-2 capacity)" = "$EXTRA_LEGS"
check "neither is draining" test "$(worker_field worker-1 draining)/$(worker_field worker-2 draining)" = "False/False"

forbidden=$(gql_as owner 'mutation { drainMediaWorker(id: "worker-1") { id } }' | json_get "r['errors'][0]['extensions']['code']")
check "a tenant owner may not drain a worker (${forbidden:-no error})" test "$forbidden" = FORBIDDEN
check "and worker-1 is still in service" test "$(worker_field worker-1 draining)" = False

check "the operator drains worker-1" test "$(set_draining drainMediaWorker worker-1 | json_get "r['data']['drainMediaWorker']['draining']")" = True
check "the API shows worker-1 draining" test "$(worker_field worker-1 draining)" = True
check "a new meeting lands on worker-2 while worker-1 drains" meeting_lands_on worker-2 on-worker-2
last=$(set_draining drainMediaWorker worker-2)
check "draining worker-2 too is refused: it is the last worker taking meetings ($(json_get "r['errors'][0]['message']" <<<"$last"))" \
  test "$(json_get "r['errors'][0]['extensions']['code']" <<<"$last")" = LAST_WORKER
check "and worker-2 is still in service" test "$(worker_field worker-2 draining)" = False

check "the operator puts worker-1 back in service" test "$(set_draining undrainMediaWorker worker-1 | json_get "r['data']['undrainMediaWorker']['draining']")" = False
check "then drains worker-2" test "$(set_draining drainMediaWorker worker-2 | json_get "r['data']['drainMediaWorker']['draining']")" = True
check "a new meeting lands on worker-1 while worker-2 drains" meeting_lands_on worker-1 on-worker-1
check "worker-2 back in service" test "$(set_draining undrainMediaWorker worker-2 | json_get "r['data']['undrainMediaWorker']['draining']")" = False

stop_media_worker 2
for _ in $(seq 1 30); do [ -z "$(worker_field worker-2 id)" ] && break; sleep 0.5; done
check "a stopped worker-2 leaves the list (it unregisters)" test -z "$(worker_field worker-2 id)"
summary
