#!/usr/bin/env bash
# Runs the sipp scenarios of this folder against a running Sparkle gateway.
#
#   SIP_TARGET          host:port of the gateway (default $SPARKLE_SIP_HOST:$SPARKLE_SIP_PORT, else 127.0.0.1:5060)
#   SIP_DOMAIN          a tenant's SIP domain (default demo.sparkle.test)
#   SIPP_TRANSPORT      sipp transport: u1 (UDP, default) or t1 (TCP)
#   SPARKLE_DEMO_FILE   demo users written by the silo's seeder (default $SPARKLE_DEMO, else <repo>/.sparkle/demo.json):
#                       the chair (1003) and a member (1004) of SIP_DOMAIN are taken from it, unless
#   SIP_CHAIR / SIP_CHAIR_PASSWORD / SIP_MEMBER / SIP_MEMBER_PASSWORD are given.
#   SIPP_LOG_DIR        where sipp's logs go (default a fresh temporary folder)
#
# Exits non-zero when any scenario fails, naming it. Needs sipp and python3.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TARGET="${SIP_TARGET:-${SPARKLE_SIP_HOST:-127.0.0.1}:${SPARKLE_SIP_PORT:-5060}}"
DOMAIN="${SIP_DOMAIN:-demo.sparkle.test}"
TRANSPORT="${SIPP_TRANSPORT:-u1}"
DEMO="${SPARKLE_DEMO_FILE:-${SPARKLE_DEMO:-$ROOT/.sparkle/demo.json}}"
LOGS="${SIPP_LOG_DIR:-$(mktemp -d /tmp/sparkle-sipp.XXXXXX)}"
mkdir -p "$LOGS"

command -v sipp >/dev/null || { echo "run.sh: sipp is not installed (apt-get install sip-tester)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "run.sh: python3 is needed to read $DEMO" >&2; exit 2; }

demo_password() { # NUMBER
  python3 - "$DEMO" "$DOMAIN" "$1" <<'PY'
import json, sys
path, domain, number = sys.argv[1:4]
for tenant in json.load(open(path))["tenants"]:
    if tenant["sipDomain"] == domain:
        for user in tenant["users"]:
            if user["number"] == number:
                print(user["password"]); sys.exit(0)
sys.exit("no user %s in %s" % (number, domain))
PY
}

CHAIR="${SIP_CHAIR:-1003}"
MEMBER="${SIP_MEMBER:-1004}"
if [ -z "${SIP_CHAIR_PASSWORD:-}" ] || [ -z "${SIP_MEMBER_PASSWORD:-}" ]; then
  [ -f "$DEMO" ] || { echo "run.sh: no $DEMO; set SIP_CHAIR_PASSWORD and SIP_MEMBER_PASSWORD" >&2; exit 2; }
fi
CHAIR_PASSWORD="${SIP_CHAIR_PASSWORD:-$(demo_password "$CHAIR")}"
MEMBER_PASSWORD="${SIP_MEMBER_PASSWORD:-$(demo_password "$MEMBER")}"

free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

FAILED=()
PASSED=()

# sipp_run NAME SCENARIO [sipp options...]: one call, 30 s at most; logs under $LOGS/NAME.*
sipp_run() {
  local name=$1 scenario=$2; shift 2
  sipp "$TARGET" -sf "$HERE/$scenario" -t "$TRANSPORT" -i 127.0.0.1 -mi 127.0.0.1 -mp "$(free_port)" \
    -m 1 -l 1 -nostdin -timeout 30 -timeout_error -key domain "$DOMAIN" \
    -trace_err -error_file "$LOGS/$name.errors.log" -trace_logs -log_file "$LOGS/$name.logs.log" \
    -trace_screen -screen_file "$LOGS/$name.screen.log" \
    "$@" >"$LOGS/$name.out" 2>&1
}

check() { # NAME STATUS
  if [ "$2" = 0 ]; then
    PASSED+=("$1"); echo "  ok    $1"
  else
    FAILED+=("$1"); echo "  FAIL  $1 (sipp exit $2; logs $LOGS/$1.*)"
  fi
}

scenario() { # NAME SCENARIO [options...]
  local name=$1 rc=0
  sipp_run "$@" || rc=$?
  check "$name" "$rc"
}

echo "sipp scenarios against $TARGET ($DOMAIN, transport $TRANSPORT); logs in $LOGS"

scenario register_auth register_auth.xml -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD" -key contact_port "$(free_port)"
scenario invite_factory invite_factory.xml -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD" -d 1000
scenario reinvite_hold reinvite_hold.xml -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD"
scenario session_refresh session_refresh.xml -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD"

# A conference that lives while a guest joins and a subscriber watches: the chair holds a factory call.
hold_rc=0
sipp_run conference_host invite_factory.xml -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD" -d 12000 &
host_pid=$!
conference=""
for _ in $(seq 1 50); do
  conference="$(sed -n 's/.*CONFERENCE \([^ ]*\).*/\1/p' "$LOGS/conference_host.logs.log" 2>/dev/null | head -1 || true)"
  [ -n "$conference" ] && break
  sleep 0.2
done
if [ -z "$conference" ]; then
  check conference_host 1
else
  echo "  ..    conference $conference is up"
  scenario subscribe_conference subscribe_conference.xml -key user "$MEMBER" -au "$MEMBER" -ap "$MEMBER_PASSWORD" -key conference "$conference"
  scenario join join.xml -key user guest -au guest -ap unused -key conference "$conference"
fi
wait "$host_pid" || hold_rc=$?
check conference_host "$hold_rc"

# PIN: a guest calls a PIN-protected meeting, waits in the lobby, keys the PIN as RFC 4733 events (join_pin)
# or in SIP INFO application/dtmf-relay (join_pin_info, which also asks for a picture as RFC 5168 does,
# then keys *6 to mute itself).
GRAPHQL="${SPARKLE_GRAPHQL:-http://127.0.0.1:8080/graphql}"
gql() { # TOKEN QUERY -> response JSON
  python3 - "$GRAPHQL" "$1" "$2" <<'PY'
import json, sys, urllib.request
url, token, query = sys.argv[1:4]
req = urllib.request.Request(url, json.dumps({"query": query}).encode(), {"Content-Type": "application/json", "Authorization": "Bearer " + token})
print(urllib.request.urlopen(req, timeout=10).read().decode())
PY
}
demo_token() { # NUMBER
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next(u["token"] for t in d["tenants"] if t["sipDomain"]==sys.argv[2] for u in t["users"] if u["number"]==sys.argv[3]))' "$DEMO" "$DOMAIN" "$1"
}
lobby_states() { # TOKEN MEETING_ID -> "inLobby/state/muted" of each guest, space-separated
  gql "$1" "{ meeting(id: \"$2\") { participants { userNumber inLobby state muted } } }" \
    | python3 -c 'import json,sys; print(" ".join(str(p["inLobby"]).lower() + "/" + p["state"] + "/" + str(p["muted"]).lower() for p in json.load(sys.stdin)["data"]["meeting"]["participants"] if p["userNumber"] is None))'
}
# pin_case NAME SCENARIO HOW MUTED_AFTER: a new PIN meeting; the scenario's guest must wait in the lobby
# (muted by the lobby), then be admitted, and end muted or not as the scenario keyed.
pin_case() {
  local name="$1" xml="$2" how="$3" muted_after="$4" created pin_meeting pin_number pin_pid pin_rc before="" after=""
  created="$(gql "$chair_token" "mutation { createMeeting(input: { title: \"PIN test ($how)\", pin: \"1234\" }) { id conferenceNumber } }" || true)"
  pin_meeting="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data"]["createMeeting"]["id"])' "$created" 2>/dev/null || true)"
  pin_number="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data"]["createMeeting"]["conferenceNumber"])' "$created" 2>/dev/null || true)"
  if [ -z "$pin_meeting" ]; then
    echo "  (createMeeting answered: $created)"; check "${name}_meeting_created" 1
    return
  fi
  sipp_run "$name" "$xml" -key user guest -au guest -ap unused -key conference "$pin_number" &
  pin_pid=$!
  for _ in $(seq 1 15); do sleep 0.2; before="$(lobby_states "$chair_token" "$pin_meeting" || true)"; [ -n "$before" ] && break; done
  sleep 7
  after="$(lobby_states "$chair_token" "$pin_meeting" || true)"
  pin_rc=0; wait "$pin_pid" || pin_rc=$?
  echo "  ..    guest before the PIN ($how): $before; after: $after"
  check "$name" "$pin_rc"
  [[ "${before,,}" == true/connected/* ]] && check "${name}_guest_waits_in_lobby" 0 || check "${name}_guest_waits_in_lobby" 1
  [[ "${after,,}" == false/connected/* ]] && check "${name}_admits_after_$how" 0 || check "${name}_admits_after_$how" 1
  if [ "$muted_after" = true ]; then
    [ "${after,,}" = "false/connected/true" ] && check "${name}_star6_mutes" 0 || check "${name}_star6_mutes" 1
  fi
}
if [ -f "$DEMO" ]; then
  chair_token="$(demo_token "$CHAIR")"
  pin_case join_pin join_pin.xml rfc4733 false
  pin_case join_pin_info join_pin_info.xml sip_info true
fi

# REFER: a sipp phone answers as the member; the member registers that phone's address first.
phone_port="$(free_port)"
phone_rc=0
sipp -sf "$HERE/uas_answer.xml" -t "$TRANSPORT" -i 127.0.0.1 -p "$phone_port" -mi 127.0.0.1 -mp "$(free_port)" -m 1 -nostdin \
  -timeout 45 -timeout_error -trace_err -error_file "$LOGS/phone.errors.log" >"$LOGS/phone.out" 2>&1 &
phone_pid=$!
scenario register_phone register_auth.xml -key user "$MEMBER" -au "$MEMBER" -ap "$MEMBER_PASSWORD" -key contact_port "$phone_port"
scenario refer_add_remove refer_add_remove.xml -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD" -key target "$MEMBER"
wait "$phone_pid" || phone_rc=$?
check phone_answered "$phone_rc"

# CANCEL: the member's phone now rings without answering; the chair removes the member while it rings.
phone_port="$(free_port)"
phone_rc=0
sipp -sf "$HERE/uas_ring_cancel.xml" -t "$TRANSPORT" -i 127.0.0.1 -p "$phone_port" -mi 127.0.0.1 -mp "$(free_port)" -m 1 -nostdin \
  -timeout 45 -timeout_error -trace_err -error_file "$LOGS/ringing_phone.errors.log" >"$LOGS/ringing_phone.out" 2>&1 &
phone_pid=$!
scenario register_ringing_phone register_auth.xml -key user "$MEMBER" -au "$MEMBER" -ap "$MEMBER_PASSWORD" -key contact_port "$phone_port"
scenario cancel cancel.xml -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD" -key target "$MEMBER"
wait "$phone_pid" || phone_rc=$?
check phone_cancelled "$phone_rc"

echo "${#PASSED[@]} passed, ${#FAILED[@]} failed"
if [ "${#FAILED[@]}" -gt 0 ]; then
  echo "failed: ${FAILED[*]}" >&2
  exit 1
fi
