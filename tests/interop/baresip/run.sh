#!/usr/bin/env bash
# Real clients in a real conference: three baresip instances join one meeting through the gateway,
# each sending its own tone and recording what it hears. Each must hear the two others' tones and
# never its own. Run over UDP with RTP/AVP, then over TLS with SRTP (SDES).
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }

WORK=$(mktemp -d /tmp/sparkle-baresip.XXXXXX)
trap 'pkill -f "baresip -f $WORK" 2>/dev/null; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
DOMAIN=$(demo_field 0 - sipDomain)
TONES=(440 700 1100)
USERS=(1001 1002 1003)
SECONDS_IN_CALL=14

for i in 0 1 2; do
  sox -n -r 48000 -c 2 -b 16 "$WORK/tone${TONES[$i]}.wav" synth 40 sine "${TONES[$i]}" vol 0.4
done

# make_client DIR USER TONE TRANSPORT(udp|tls) PORT: plays its tone, records what it hears in DIR/rec.
make_client() {
  mkdir -p "$1/rec"
  baresip_config "$1" "$2" "$4" "$5" "aufile,$WORK/tone$3.wav" "module aufile.so" "module sndfile.so" "snd_path $1/rec"
}

# run_conference TRANSPORT PORT
run_conference() {
  local transport="$1" port="$2" run="$WORK/$1" conf=""
  for i in 0 1 2; do make_client "$run/c$i" "${USERS[$i]}" "${TONES[$i]}" "$transport" "$port"; done

  # The first client creates an ad-hoc conference through the RFC 4579 factory; the others join the
  # conference URI that the focus returned in its Contact.
  baresip -f "$run/c0" -s -e "/dial sip:factory@$DOMAIN" -t $((SECONDS_IN_CALL + 6)) >"$run/c0.log" 2>&1 &
  for _ in $(seq 1 50); do
    conf=$(grep -aoE 'Contact: *<sips?:[^>]+>[^[:cntrl:]]*;isfocus' "$run/c0.log" | head -1 | sed -E 's/Contact: *<//; s/[;>].*//')
    [ -n "$conf" ] && break
    sleep 0.2
  done
  check "$transport: factory INVITE answered with an isfocus conference URI ($conf)" test -n "$conf"
  [ -n "$conf" ] || return
  # baresip 1.0 takes any URI not starting with "sip:" as a user name, so the others dial the
  # conference by its user part at the tenant's domain, through their outbound proxy.
  conf="sip:$(sed -E 's/^sips?://; s/@.*//' <<<"$conf")@$DOMAIN"
  baresip -f "$run/c1" -e "/dial $conf" -t "$SECONDS_IN_CALL" >"$run/c1.log" 2>&1 &
  baresip -f "$run/c2" -e "/dial $conf" -t "$SECONDS_IN_CALL" >"$run/c2.log" 2>&1 &
  wait

  if [ "$transport" = tls ]; then
    for i in 0 1 2; do
      check "$transport: ${USERS[$i]} negotiated SRTP (SDES) with the focus" grep -aq "SRTP is Enabled" "$run/c$i.log"
    done
  fi
  for i in 0 1 2; do
    local rec
    rec=$(ls "$run/c$i/rec/"*-dec.wav 2>/dev/null | head -1)
    if [ -z "$rec" ]; then fail "$transport: client ${USERS[$i]} recorded nothing (call not established?)"; tail -5 "$run/c$i.log"; continue; fi
    local levels
    levels=$(python3 "$INTEROP_DIR/tools/tone_levels.py" "$rec" "${TONES[@]}")
    echo "  ${USERS[$i]} (sends ${TONES[$i]} Hz) heard: $levels"
    python3 - "$levels" "$i" "${TONES[@]}" <<'PY'
import json, sys
levels = json.loads(sys.argv[1]); me = int(sys.argv[2]); tones = sys.argv[3:]
own = max(levels["levels"][tones[me]])
others = [max(levels["levels"][t]) for j, t in enumerate(tones) if j != me]
print(f"  own tone peak {own} dBFS, others' peaks {others} dBFS")
# Others are heard clearly; the own tone is at least 30 dB below the quietest other.
sys.exit(0 if min(others) > -30 and own < min(others) - 30 else 1)
PY
    check "$transport: ${USERS[$i]} hears the others and never itself" test $? -eq 0
  done
}

# sipp plays its G.711 A-law speech capture into a conference; a baresip client must hear it.
run_pcap_conference() {
  local run="$WORK/pcap" conf=""
  # The listener's own tone sits at 3100 Hz, where the speech capture has little energy.
  sox -n -r 48000 -c 2 -b 16 "$WORK/tone3100.wav" synth 40 sine 3100 vol 0.4
  make_client "$run/c0" 1004 3100 udp "$SPARKLE_SIP_PORT"
  baresip -f "$run/c0" -s -e "/dial sip:factory@$DOMAIN" -t 14 >"$run/c0.log" 2>&1 &
  for _ in $(seq 1 50); do
    conf=$(grep -aoE 'Contact: *<sips?:[^>]+>[^[:cntrl:]]*;isfocus' "$run/c0.log" | head -1 | sed -E 's/Contact: *<sips?://; s/@.*//')
    [ -n "$conf" ] && break
    sleep 0.2
  done
  check "pcap: factory conference for the sipp player ($conf)" test -n "$conf"
  [ -n "$conf" ] || { wait; return; }
  sipp "$SPARKLE_SIP_HOST:$SPARKLE_SIP_PORT" -sf "$(dirname "$0")/sipp_play_g711.xml" -t u1 -i 127.0.0.1 -mi 127.0.0.1 -mp 47000 \
    -m 1 -nostdin -timeout 30 -timeout_error -key domain "$DOMAIN" -key user guest -au guest -ap unused \
    -key conference "$conf" >"$run/sipp.out" 2>&1
  check "pcap: sipp joined, played and left cleanly" test $? -eq 0
  wait
  local rec levels
  rec=$(ls "$run/c0/rec/"*-dec.wav 2>/dev/null | head -1)
  [ -n "$rec" ] || { fail "pcap: 1004 recorded nothing"; return; }
  levels=$(python3 "$INTEROP_DIR/tools/tone_levels.py" "$rec" 3100)
  echo "  1004 heard: $levels"
  python3 - "$levels" <<'PY'
import json, sys
levels = json.loads(sys.argv[1])
rms = levels["rms"]; own = max(levels["levels"]["3100"])
loud = sum(1 for r in rms if r > -40)
print(f"  seconds above -40 dBFS: {loud} of {len(rms)}; own tone peak {own} dBFS")
# The 7 s capture is heard for most of its length, and the listener's own tone never comes back.
sys.exit(0 if loud >= 4 and own < -55 else 1)
PY
  check "pcap: 1004 hears sipp's G.711 speech and not itself" test $? -eq 0
}

run_conference udp "$SPARKLE_SIP_PORT"
run_conference tls "$SPARKLE_SIP_TLS_PORT"
run_pcap_conference
summary
