#!/usr/bin/env bash
# linphonec (liblinphone 5, Debian's linphone-cli) in a conference with baresip clients, over UDP with
# RTP/AVP, then over TLS with SRTP (SDES) made mandatory. A baresip creates an ad-hoc conference through
# the RFC 4579 factory; linphonec dials the conference URI exactly as the focus gave it in its isfocus
# Contact, and a second baresip joins too. Each plays its own tone and records what it hears: linphonec
# must hear the two others and never itself, and both baresips must hear linphonec.
#
# liblinphone is also a real subscriber to the conference event package: seeing ;isfocus in the 200 OK,
# it SUBSCRIBEs (Event: conference) to that Contact URI by itself. Its SIP log (-d 6) shows every NOTIFY
# it got, so the suite checks RFC 4575 as a real client saw it: a full document first, then partial ones
# with the second baresip connected and then disconnected, and that liblinphone took them: the participant
# added, then removed (a departed user is sent in state="deleted").
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v linphonec >/dev/null || { echo "FAIL: linphonec is not installed (Debian package linphone-cli)"; exit 1; }
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }

STATE_DIR="${SPARKLE_STATE:-$INTEROP_DIR/../../.sparkle}"
CA="$STATE_DIR/keys/sip-tls.crt"
WORK=$(mktemp -d /tmp/sparkle-linphone.XXXXXX)
PIDS=()   # the clients still running, stopped on exit
LP_PID=
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
DOMAIN=$(demo_field 0 - sipDomain)
# 1001 (baresip) creates the conference, 1004 (linphonec) and 1002 (baresip) join it.
TONES=(440 700 1100)
USERS=(1001 1004 1002)

for t in "${TONES[@]}"; do
  sox -n -r 48000 -c 2 -b 16 "$WORK/tone$t.wav" synth 40 sine "$t" vol 0.4
done
# linphonec plays a 16-bit PCM WAV as its microphone, resampled to whatever codec the call uses.
sox -n -r 8000 -c 1 -b 16 "$WORK/lp-tone${TONES[1]}.wav" synth 40 sine "${TONES[1]}" vol 0.4

# wait_for FILE REGEX SECONDS: until an extended regex matches a line of FILE.
wait_for() {
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    grep -aqE "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# make_baresip DIR USER TONE TRANSPORT(udp|tls) PORT: plays its tone, records what it hears in DIR/rec.
make_baresip() {
  mkdir -p "$1/rec"
  baresip_config "$1" "$2" "$4" "$5" "aufile,$WORK/tone$3.wav" "module aufile.so" "module sndfile.so" "snd_path $1/rec"
}

# make_linphonec DIR USER TRANSPORT PORT: a home folder with the rc file linphonec is started with.
make_linphonec() {
  local dir="$1" user="$2" transport="$3" port="$4" pass udp=-1 tls=0 crypto="media_encryption=none"
  local proxy="$SPARKLE_SIP_HOST"
  pass=$(demo_field 0 "$user" password)
  # liblinphone opens no SIP socket at all (every request fails with "no listening point") unless its
  # message database can be created, and that needs this folder.
  mkdir -p "$dir/.local/share/linphone"
  if [ "$transport" = tls ]; then
    # TLS only, and SRTP (SDES) mandatory. The server certificate must chain to the development
    # certificate (self-signed: it is its own root) and name the host dialled. The TLS library under
    # liblinphone matches names only, not IP subjectAltNames, so the loopback gateway is reached as
    # "localhost", a name the certificate lists.
    udp=0 tls=-1
    local verify_name=1
    if [ "$proxy" = 127.0.0.1 ]; then
      proxy=localhost
    elif [[ "$proxy" =~ ^[0-9.]+$ || "$proxy" == *:* ]]; then
      verify_name=0   # another address: only the chain can be checked
    fi
    crypto="media_encryption=srtp
media_encryption_mandatory=1
root_ca=$CA
verify_server_certs=1
verify_server_cn=$verify_name"
  fi
  cat >"$dir/rc" <<CFG
[sip]
sip_port=$udp
sip_tcp_port=0
sip_tls_port=$tls
default_proxy=0
$crypto

[rtp]
audio_rtp_port=-1

[sound]
echocancellation=0

[proxy_0]
reg_proxy=<sip:$proxy:$port;transport=$transport>
reg_route=<sip:$proxy:$port;transport=$transport;lr>
reg_identity=sip:$user@$DOMAIN
reg_expires=600
reg_sendregister=1

[auth_info_0]
username=$user
passwd=$pass
realm=$DOMAIN
domain=$DOMAIN
CFG
}

# The meaning of a recording: "others" heard clearly, the own tone at least 30 dB below the quietest.
hears() { # WAV OWN_INDEX OTHER_INDEX...
  local rec="$1" me="$2"; shift 2
  local levels
  levels=$(python3 "$INTEROP_DIR/tools/tone_levels.py" "$rec" "${TONES[@]}") || return 1
  echo "  ${USERS[$me]} (sends ${TONES[$me]} Hz) heard: $levels"
  python3 - "$levels" "$me" "${TONES[*]}" "$@" <<'PY'
import json, sys
levels = json.loads(sys.argv[1])["levels"]; me = int(sys.argv[2]); tones = sys.argv[3].split()
others = [max(levels[tones[int(j)]]) for j in sys.argv[4:]]
own = max(levels[tones[me]])
print(f"  own tone peak {own} dBFS, others' peaks {others} dBFS")
sys.exit(0 if min(others) > -30 and own < min(others) - 30 else 1)
PY
}

# notifies LOG: the conference-info documents in the NOTIFYs that linphonec received, one per line.
notifies() {
  python3 - "$1" <<'PY'
import re, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
# belle-sip logs each message it receives in full; keep the NOTIFY requests with an XML body.
for m in re.finditer(r"NOTIFY sip:[^\n]* SIP/2\.0\n(.*?)\n\n(<\?xml.*?</conference-info>)", log, re.S):
    if re.search(r"^Event: *conference", m.group(1), re.M | re.I):
        print(re.sub(r"\s*\n\s*", "", m.group(2)))
PY
}

# documents_show_join_and_leave FILE USER_URI: the first document is the full state (RFC 4575 §4.2: at
# once, with the description and the users), versions start at 1 and rise by one, and later partial
# documents show USER_URI's endpoint connected, then disconnected (departed).
documents_show_join_and_leave() {
  python3 - "$1" "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = {"ci": "urn:ietf:params:xml:ns:conference-info"}
docs = [ET.fromstring(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
user = sys.argv[2]
def fail(why):
    print(f"  {why}"); sys.exit(1)
if not docs:
    fail("no conference-info document received")
first = docs[0]
if first.get("state") != "full" or first.find("ci:conference-description", ns) is None or first.find("ci:users", ns) is None:
    fail("the first document is not the full state")
versions = [int(d.get("version")) for d in docs]
if versions != list(range(1, len(docs) + 1)):
    fail(f"versions {versions} do not start at 1 and rise by one")
def status(doc):
    for u in doc.iterfind(".//ci:user", ns):
        if u.get("entity") == user:
            s = u.find("ci:endpoint/ci:status", ns)
            return s.text if s is not None else None
seen = [(d.get("state"), status(d)) for d in docs[1:]]
seen = [s for s in seen if s[1] is not None]
print(f"  {user} in the later documents: {seen}")
try:
    joined = seen.index(("partial", "connected"))
    seen[joined + 1:].index(("partial", "disconnected"))
except ValueError:
    fail(f"no partial document with {user} connected, then one with it disconnected")
PY
}

# quit_linphonec: asks the running linphonec (LP_PID, commands on fd 7) to quit, and makes sure it did.
quit_linphonec() {
  local i
  echo "quit" >&7
  exec 7>&-
  for ((i = 0; i < 50; i++)); do kill -0 "$LP_PID" 2>/dev/null || return 0; sleep 0.2; done
  echo "  linphonec did not quit; stopping it"; kill "$LP_PID" 2>/dev/null
}

# run_conference TRANSPORT PORT
run_conference() {
  local transport="$1" port="$2" run="$WORK/$1" conf="" lp
  make_baresip "$run/c0" "${USERS[0]}" "${TONES[0]}" "$transport" "$port"
  make_baresip "$run/c2" "${USERS[2]}" "${TONES[2]}" "$transport" "$port"
  lp="$run/lp"
  make_linphonec "$lp" "${USERS[1]}" "$transport" "$port"

  # linphonec reads its commands from a FIFO, kept open here, so they can be sent at any time.
  mkfifo "$lp/in"
  HOME="$lp" linphonec -c "$lp/rc" -d 6 -l "$lp/linphonec.log" <"$lp/in" >"$lp/out.txt" 2>&1 &
  LP_PID=$!
  PIDS+=($LP_PID)
  exec 7>"$lp/in"
  printf 'soundcard use files\nplay %s\nrecord %s\n' "$WORK/lp-tone${TONES[1]}.wav" "$lp/heard.wav" >&7
  check "$transport: linphonec registered" wait_for "$lp/linphonec.log" "moving from state \[LinphoneRegistrationProgress\] to \[LinphoneRegistrationOk\]" 15

  baresip -f "$run/c0" -s -e "/dial sip:factory@$DOMAIN" -t 24 >"$run/c0.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do
    conf=$(grep -aoE 'Contact: *<sips?:[^>]+>[^[:cntrl:]]*;isfocus' "$run/c0.log" | head -1 | sed -E 's/Contact: *<//; s/>.*//')
    [ -n "$conf" ] && break
    sleep 0.2
  done
  check "$transport: factory INVITE answered with an isfocus conference URI ($conf)" test -n "$conf"
  if [ -z "$conf" ]; then quit_linphonec; return; fi

  # linphonec dials the conference URI as given; baresip 1.0 can only dial a user at its own domain.
  echo "call $conf" >&7
  check "$transport: linphonec joined $conf" wait_for "$lp/out.txt" "Media streams established" 15
  baresip -f "$run/c2" -e "/dial sip:$(sed -E 's/^sips?://; s/@.*//' <<<"$conf")@$DOMAIN" -t 11 >"$run/c2.log" 2>&1 &
  local c2=$!
  PIDS+=($c2)
  wait "$c2"
  sleep 3   # for the partial NOTIFY saying that it left
  echo "terminate" >&7
  wait_for "$lp/out.txt" "Call 1 with .* ended" 10
  quit_linphonec
  wait
  PIDS=()

  local log="$lp/linphonec.log"
  if [ "$transport" = tls ]; then
    check "$transport: linphonec signalled over TLS" grep -aqE "^Via: SIP/2.0/TLS .*branch" "$log"
    check "$transport: linphonec offered RTP/SAVP only" \
      eval 'grep -aqE "^m=audio [0-9]+ RTP/SAVP " "$log" && ! grep -aqE "^m=audio [0-9]+ RTP/AVP " "$log"'
    # The focus's answer (o=sparkle) as linphonec received it: RTP/SAVP and one crypto line echoing a tag.
    awk '/^o=sparkle/{p=1} p&&/^$/{exit} p' "$log" >"$lp/answer.sdp"
    check "$transport: the focus answered linphonec with SDES-SRTP (RTP/SAVP, one a=crypto line)" \
      test "$(grep -c '^m=audio [0-9]* RTP/SAVP ' "$lp/answer.sdp")" -eq 1 -a "$(grep -cE '^a=crypto:[0-9]+ [A-Z0-9_]+ inline:' "$lp/answer.sdp")" -eq 1
    check "$transport: liblinphone negotiated SRTP" grep -aq "Negotiated media encryption is LinphoneMediaEncryptionSRTP" "$log"
    for i in 0 2; do
      check "$transport: ${USERS[$i]} negotiated SRTP (SDES) with the focus" grep -aq "SRTP is Enabled" "$run/c$i.log"
    done
  fi

  # What each one heard.
  if [ -s "$lp/heard.wav" ]; then
    check "$transport: linphonec (${USERS[1]}) hears ${USERS[0]} and ${USERS[2]} and never itself" hears "$lp/heard.wav" 1 0 2
  else
    fail "$transport: linphonec recorded nothing"; tail -5 "$lp/out.txt"
  fi
  for i in 0 2; do
    local rec
    rec=$(ls "$run/c$i/rec/"*-dec.wav 2>/dev/null | head -1)
    if [ -z "$rec" ]; then fail "$transport: ${USERS[$i]} recorded nothing (call not established?)"; tail -5 "$run/c$i.log"; continue; fi
    check "$transport: ${USERS[$i]} hears linphonec (${USERS[1]}) and never itself" hears "$rec" "$i" 1
  done

  # The conference event package, as liblinphone subscribed to it and saw it.
  check "$transport: linphonec subscribed to the conference (Event: conference)" \
    grep -aqE "^SUBSCRIBE sip:conf-" "$log"
  notifies "$log" >"$lp/documents.txt"
  echo "  linphonec received $(grep -c . "$lp/documents.txt") conference-info documents:"
  sed -E 's/^(.{0,240}).*/    \1 .../' "$lp/documents.txt"
  check "$transport: linphonec got the full conference state, then partials with ${USERS[2]} connected then disconnected" \
    documents_show_join_and_leave "$lp/documents.txt" "sip:${USERS[2]}@$DOMAIN"
  check "$transport: liblinphone took the full state (its conference left CreationPending)" \
    grep -aqE "Switching conference \[[^]]+\] from state CreationPending to Created" "$log"
  check "$transport: liblinphone took the partial state (${USERS[2]} added to its participants)" \
    grep -aqE "Addition of participant with address IdentityAddress\(sip:${USERS[2]}@$DOMAIN\) to conference .* has been successful" "$log"
  check "$transport: liblinphone removed ${USERS[2]} when it left (user state=\"deleted\")" \
    grep -aqE "Removal of participant with address IdentityAddress\(sip:${USERS[2]}@$DOMAIN\) from conference .* has been successful" "$log"
}

run_conference udp "$SPARKLE_SIP_PORT"
run_conference tls "$SPARKLE_SIP_TLS_PORT"
summary
