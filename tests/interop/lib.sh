#!/usr/bin/env bash
# Helpers shared by the interop suites. They run against a platform that ./test.sh (or ./run.sh)
# started; these variables say where: SPARKLE_SIP_HOST, SPARKLE_SIP_PORT, SPARKLE_SIP_TLS_PORT,
# SPARKLE_DEMO (demo.json), SPARKLE_GRAPHQL, SPARKLE_STATE (its data folder: logs/, platform.env).
INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${SPARKLE_SIP_HOST:=127.0.0.1}" "${SPARKLE_SIP_PORT:=5060}" "${SPARKLE_SIP_TLS_PORT:=5061}"
: "${SPARKLE_STATE:=$INTEROP_DIR/../../.sparkle}"
: "${SPARKLE_DEMO:=$SPARKLE_STATE/demo.json}"
[ -f "$SPARKLE_DEMO" ] || { echo "FAIL: demo file $SPARKLE_DEMO not found (is the platform running?)"; exit 1; }

PASS=0; FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { # description command...
  local what="$1"; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

# demo_field TENANT_INDEX NUMBER FIELD -> value from demo.json (FIELD: password, token, ...; or sipDomain/id with NUMBER "-")
demo_field() {
  python3 - "$SPARKLE_DEMO" "$1" "$2" "$3" <<'PY'
import json, sys
demo = json.load(open(sys.argv[1]))
tenant = demo["tenants"][int(sys.argv[2])]
if sys.argv[3] == "-":
    print(tenant[sys.argv[4]])
else:
    print(next(u for u in tenant["users"] if u["number"] == sys.argv[3])[sys.argv[4]])
PY
}

# baresip_config DIR USER TRANSPORT(udp|tls) PORT AUDIO_SOURCE [CONFIG LINE...]
# A headless baresip 1.0 in DIR that calls as USER of the first demo tenant through the gateway at
# $SPARKLE_SIP_HOST:PORT (its outbound proxy), with SRTP (SDES) mandatory over TLS. AUDIO_SOURCE is
# baresip's audio_source value; the extra lines (modules, settings) are appended to the config.
# Found by trying: account.so must load after srtp.so (else "mediaenc not found"), net_interface
# takes an address (not "lo"), and the accounts file is read only with account.so.
baresip_config() {
  local dir="$1" user="$2" transport="$3" port="$4" source="$5" pass extra=""
  shift 5
  pass=$(demo_field 0 "$user" password)
  mkdir -p "$dir"
  [ "$transport" = tls ] && extra=";mediaenc=srtp-mand"
  {
    cat <<CFG
poll_method epoll
sip_listen 127.0.0.1:0
net_interface 127.0.0.1
audio_source $source
audio_player alsa,null
audio_alert alsa,null
ausrc_srate 48000
ausrc_channels 2
auplay_srate 48000
auplay_channels 2
rtp_stats no
module_path /usr/lib/baresip/modules
module stdio.so
module menu.so
module g711.so
module alsa.so
module srtp.so
module account.so
CFG
    printf '%s\n' "$@"
  } >"$dir/config"
  echo "<sip:$user@$(demo_field 0 - sipDomain)>;auth_pass=$pass;outbound=\"sip:$SPARKLE_SIP_HOST:$port;transport=$transport\";regint=0$extra" >"$dir/accounts"
}

# The platform's processes (see start_platform in infra/scripts/common.sh): media worker N is "worker-N", with
# its log and pid file in $SPARKLE_STATE/logs.
worker_log() { echo "$SPARKLE_STATE/logs/worker-$1.log"; }
worker_pid() { cat "$SPARKLE_STATE/logs/worker-$1.pid" 2>/dev/null; }

# start_media_worker N [LEGS]: starts one more media worker, "worker-N", as start_platform starts its workers (own
# RTP slice and spool, LEGS or the platform's SPARKLE_WORKER_LEGS as its capacity), and waits until it has
# registered with the cluster. The caller stops it (stop_media_worker N) before it exits.
start_media_worker() {
  local n="$1" legs="${2:-}"
  [ -f "$SPARKLE_STATE/platform.env" ] || { echo "no $SPARKLE_STATE/platform.env: was the platform started by start_platform?"; return 1; }
  (
    source "$INTEROP_DIR/../../infra/scripts/common.sh"
    source "$SPARKLE_STATE/platform.env"
    start_media_worker_process "$n" "$legs"
  ) || return 1
  local _
  for _ in $(seq 1 120); do
    grep -q "Media worker worker-$n registered" "$(worker_log "$n")" 2>/dev/null && return 0
    kill -0 "$(worker_pid "$n")" 2>/dev/null || break
    sleep 0.5
  done
  echo "worker-$n did not register:"; tail -20 "$(worker_log "$n")"
  return 1
}

# stop_media_worker N: a clean stop (TERM: the worker unregisters), then KILL after 10 s.
stop_media_worker() {
  local pid _
  pid=$(worker_pid "$1") || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

# gql_as WHO(operator|owner) QUERY [VARIABLES_JSON] -> response body: the platform operator, or the demo tenant's owner (1001).
gql_as() {
  local variables="${3:-}"
  [ -n "$variables" ] || variables='{}'
  python3 - "$SPARKLE_DEMO" "${SPARKLE_GRAPHQL:-http://127.0.0.1:8080/graphql}" "$1" "$2" "$variables" <<'PY'
import json, sys, urllib.request
demo = json.load(open(sys.argv[1]))
token = demo["operatorToken"] if sys.argv[3] == "operator" else demo["tenants"][0]["users"][0]["token"]
body = json.dumps({"query": sys.argv[4], "variables": json.loads(sys.argv[5])}).encode()
req = urllib.request.Request(sys.argv[2], body, {"Content-Type": "application/json", "Authorization": "Bearer " + token})
print(urllib.request.urlopen(req, timeout=20).read().decode())
PY
}
