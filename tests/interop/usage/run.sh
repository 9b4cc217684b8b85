#!/usr/bin/env bash
# Usage records against the running platform: three sipp guests join one meeting of the demo tenant for 3, 5 and 7
# seconds; the tenant owner then reads exactly three records of that meeting whose durations are those, to the second
# (±1 s for signalling), through GraphQL and the CSV export; the other tenant's owner sees none of them (naming the
# demo tenant is NOT_FOUND). Variables as in ../lib.sh; SPARKLE_GRAPHQL is the API (default http://127.0.0.1:8080/graphql).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"
command -v sipp >/dev/null || { echo "FAIL: sipp is not installed (apt-get install sip-tester)"; exit 1; }

GRAPHQL="${SPARKLE_GRAPHQL:-http://127.0.0.1:8080/graphql}"
API="${GRAPHQL%/graphql}"
LOGS="$(mktemp -d /tmp/sparkle-usage.XXXXXX)"
DOMAIN="$(demo_field 0 - sipDomain)"
TENANT="$(demo_field 0 - id)"
OWNER="$(demo_field 0 1001 token)"
OTHER_OWNER="$(demo_field 1 1001 token)"

gql() { # TOKEN QUERY -> response JSON (errors included)
  python3 - "$GRAPHQL" "$1" "$2" <<'PY'
import json, sys, urllib.request, urllib.error
url, token, query = sys.argv[1:4]
req = urllib.request.Request(url, json.dumps({"query": query}).encode(), {"Content-Type": "application/json", "Authorization": "Bearer " + token})
try:
    print(urllib.request.urlopen(req, timeout=15).read().decode())
except urllib.error.HTTPError as e:
    print(e.read().decode())
PY
}
json() { # EXPR JSON -> python expression over `d`
  python3 -c 'import json,sys; d=json.loads(sys.argv[2]); print(eval(sys.argv[1]))' "$1" "$2"
}
free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

created="$(gql "$OWNER" 'mutation { createMeeting(input: { title: "Usage interop" }) { id conferenceNumber } }')"
meeting="$(json 'd["data"]["createMeeting"]["id"]' "$created" 2>/dev/null || true)"
number="$(json 'd["data"]["createMeeting"]["conferenceNumber"]' "$created" 2>/dev/null || true)"
[ -n "$meeting" ] || { fail "create a meeting (answered: $created)"; summary; exit 1; }
from="$(date -u -d '-10 seconds' +%Y-%m-%dT%H:%M:%SZ)"

# Three guests at once, connected for 3, 5 and 7 s.
pids=()
for seconds in 3 5 7; do
  sipp "$SPARKLE_SIP_HOST:$SPARKLE_SIP_PORT" -sf "$HERE/join_for.xml" -t u1 -i 127.0.0.1 -mi 127.0.0.1 -mp "$(free_port)" \
    -m 1 -l 1 -nostdin -timeout 30 -timeout_error -key domain "$DOMAIN" -key user "guest$seconds" -au "guest$seconds" -ap unused \
    -key conference "$number" -d $((seconds * 1000)) -trace_err -error_file "$LOGS/guest$seconds.errors.log" >"$LOGS/guest$seconds.out" 2>&1 &
  pids+=("$!")
done
for i in 0 1 2; do
  rc=0; wait "${pids[$i]}" || rc=$?
  check "guest $((3 + 2 * i)) s joined and hung up (sipp exit $rc; logs $LOGS)" test "$rc" = 0
done
to="$(date -u -d '+60 seconds' +%Y-%m-%dT%H:%M:%SZ)"

# The records are written in the background: wait for them (20 s at most).
records_query="{ usageRecords(from: \"$from\", to: \"$to\", first: 200) { nodes { meetingId durationSeconds direction transport audioCodec srtp imsChargingId } } }"
durations=""
for _ in $(seq 1 40); do
  answer="$(gql "$OWNER" "$records_query")"
  durations="$(json "' '.join(str(n['durationSeconds']) for n in sorted(d['data']['usageRecords']['nodes'], key=lambda n: n['durationSeconds']) if n['meetingId'] == '$meeting')" "$answer" 2>/dev/null || true)"
  [ "$(wc -w <<<"$durations")" -ge 3 ] && break
  sleep 0.5
done
echo "  ..    durations of meeting $meeting: [$durations] (scripted 3 5 7)"
check "three records for the three legs" test "$(wc -w <<<"$durations")" = 3
read -r d1 d2 d3 <<<"$durations"
within() { [ -n "$1" ] && [ "$1" -ge $(($2 - 1)) ] && [ "$1" -le $(($2 + 1)) ]; }
check "the 3 s leg lasted 3 s (±1): ${d1:-none}" within "${d1:-}" 3
check "the 5 s leg lasted 5 s (±1): ${d2:-none}" within "${d2:-}" 5
check "the 7 s leg lasted 7 s (±1): ${d3:-none}" within "${d3:-}" 7
kinds="$(json "sorted(set((n['direction'], n['transport'], n['audioCodec'], n['srtp'], n['imsChargingId']) for n in d['data']['usageRecords']['nodes'] if n['meetingId'] == '$meeting'))" "$answer" 2>/dev/null || true)"
check "dial-in over UDP with PCMU, no SRTP, no IMS charging id: $kinds" test "$kinds" = "[('dial_in', 'udp', 'PCMU', False, None)]"

# The CSV export holds the same three legs.
csv="$(curl -sS -H "Authorization: Bearer $OWNER" "$API/usage/legs.csv?from=$from&to=$to")"
check "the CSV export lists the meeting's three legs" test "$(grep -c ",$meeting," <<<"$csv")" = 3

# The other tenant's owner: nothing of the meeting in their own records, NOT_FOUND when naming the demo tenant.
theirs="$(gql "$OTHER_OWNER" "$records_query")"
check "another tenant's owner sees none of the records" test "$(json "sum(1 for n in d['data']['usageRecords']['nodes'] if n['meetingId'] == '$meeting')" "$theirs" 2>/dev/null || echo x)" = 0
named="$(gql "$OTHER_OWNER" "{ usageRecords(tenantId: \"$TENANT\", from: \"$from\", to: \"$to\") { nodes { meetingId } } }")"
check "another tenant's owner naming this tenant gets NOT_FOUND" test "$(json 'd["errors"][0]["extensions"]["code"]' "$named" 2>/dev/null || true)" = NOT_FOUND
status="$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $OTHER_OWNER" "$API/usage/legs.csv?from=$from&to=$to&tenantId=$TENANT")"
check "another tenant's owner exporting this tenant's CSV gets 404 (got $status)" test "$status" = 404

summary
