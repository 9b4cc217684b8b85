#!/usr/bin/env bash
# Media worker failover with real clients: two baresip phones in one meeting, a second media worker started beside the
# platform's, and the worker holding the meeting killed (kill -9) or paused (SIGSTOP, a frozen VM) mid-call. The meeting
# re-homes the calls onto the live worker: a re-INVITE to each phone moves its RTP there; nobody redials, the API lists
# the same participants, and each phone hears the other's tone again. The gap each phone sees is measured on the wire
# (tcpdump on lo: the longest silence between RTP packets arriving at its port) and printed; the suite asserts that
# media came back, and tests/bench/failover reports the figures. A paused worker that resumes keeps none of the moved
# legs: it sends those phones nothing more.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }
command -v tcpdump >/dev/null || { echo "FAIL: tcpdump is not installed"; exit 1; }

WORK=$(mktemp -d /tmp/sparkle-failover.XXXXXX)
SPARE=9 # the extra worker's number (worker-9: its own RTP slice above the platform's)
cleanup() {
  pkill -f "baresip -f $WORK" 2>/dev/null
  pkill -f "tcpdump -i lo -w $WORK" 2>/dev/null
  for n in 1 $SPARE; do kill -CONT "$(worker_pid "$n")" 2>/dev/null; done
  set_draining undrainMediaWorker worker-1 2>/dev/null
  stop_media_worker "$SPARE" 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
DOMAIN=$(demo_field 0 - sipDomain)

# Tones that swell and fade like speech: the mixer's speaker detector takes a steady tone held for seconds for noise.
for t in 440 700; do sox -n -r 48000 -c 2 -b 16 "$WORK/tone$t.wav" synth 60 sine "$t" vol 0.4 tremolo 0.5 100; done

: "${SPARKLE_GRAPHQL:=http://127.0.0.1:8080/graphql}"
set_draining() { # MUTATION WORKER_ID
  gql_as operator "mutation(\$id: ID!) { $1(id: \$id) { id draining } }" "{\"id\": \"$2\"}" >/dev/null
}
# participants MEETING_ID -> "id:state id:state ..." of the participants with a call, as the tenant's owner sees them
participants() {
  gql_as owner 'query($id: ID!) { meeting(id: $id) { participants { id state } } }' "{\"id\": \"$1\"}" \
    | python3 -c 'import json, sys; r = json.load(sys.stdin); print(" ".join(sorted("%s:%s" % (p["id"], p["state"]) for p in r["data"]["meeting"]["participants"] if p["state"] != "DISCONNECTED")))'
}

start_media_worker "$SPARE" || { fail "a second media worker starts"; summary; exit 1; }
pass "a second media worker (worker-$SPARE) registered beside worker-1"

# run_case NAME SIGNAL(KILL|STOP): two phones call in; the meeting is made to land on worker-SPARE (worker-1 drains
# while the calls are placed, and is back in service before the signal), which gets the signal 8 s into the call.
run_case() {
  local name="$1" signal="$2" run="$WORK/$1" conf="" meeting="" pcap
  mkdir -p "$run"
  pcap="$run/rtp.pcap"
  tcpdump -i lo -w "$pcap" -U -s 64 udp portrange $PHONE_PORTS >/dev/null 2>&1 &
  sleep 1
  for c in 0 1; do
    local user=$((1001 + c)) tone=$((c == 0 ? 440 : 700))
    mkdir -p "$run/c$c/rec"
    baresip_config "$run/c$c" "$user" udp "$SPARKLE_SIP_PORT" "aufile,$WORK/tone$tone.wav" "module aufile.so" "module sndfile.so" \
      "snd_path $run/c$c/rec" "rtp_ports $PHONE_PORTS"
  done
  set_draining drainMediaWorker worker-1
  baresip -f "$run/c0" -s -e "/dial sip:factory@$DOMAIN" -t 30 >"$run/c0.log" 2>&1 &
  for _ in $(seq 1 50); do
    conf=$(grep -aoE 'Contact: *<sips?:[^>]+>[^[:cntrl:]]*;isfocus' "$run/c0.log" | head -1 | sed -E 's/Contact: *<//; s/[;>].*//')
    [ -n "$conf" ] && break
    sleep 0.2
  done
  check "$name: the conference is up ($conf)" test -n "$conf"
  [ -n "$conf" ] || { set_draining undrainMediaWorker worker-1; return; }
  baresip -f "$run/c1" -s -e "/dial sip:$(sed -E 's/^sips?://; s/@.*//' <<<"$conf")@$DOMAIN" -t 27 >"$run/c1.log" 2>&1 &

  for _ in $(seq 1 75); do
    meeting=$(grep -aoE "Meeting [0-9a-f-]{36}: leg [^ ]+ on port" "$(worker_log $SPARE)" 2>/dev/null | tail -1 | sed -E 's/Meeting ([0-9a-f-]{36}).*/\1/')
    [ -n "$meeting" ] && [ "$(grep -c "Meeting $meeting: leg .* on port" "$(worker_log $SPARE)")" -ge 2 ] && break
    sleep 0.2
  done
  set_draining undrainMediaWorker worker-1
  check "$name: both phones are in one meeting on worker-$SPARE ($meeting)" test -n "$meeting"
  [ -n "$meeting" ] || return
  sleep 6
  local before after
  before=$(participants "$meeting")
  echo "  $name: participants before: $before"
  local signalled_at resumed_at=""
  signalled_at=$(date +%s.%N)
  kill -"$signal" "$(worker_pid "$SPARE")"
  echo "  $name: worker-$SPARE got SIG$signal"

  local moved=0
  for _ in $(seq 1 100); do
    [ "$(grep -c "Meeting $meeting: leg .* answered" "$(worker_log 1)")" -ge 2 ] && { moved=1; break; }
    sleep 0.2
  done
  check "$name: both calls re-homed onto worker-1 by re-INVITE" test "$moved" = 1
  sleep 2
  after=$(participants "$meeting")
  check "$name: the API lists the same participants, all in the call ($after)" test -n "$before" -a "$before" = "$after"
  if [ "$signal" = STOP ]; then
    resumed_at=$(date +%s.%N)
    kill -CONT "$(worker_pid "$SPARE")"
    local fenced=0
    for _ in $(seq 1 60); do
      grep -q "released 2 legs of meeting $meeting that moved" "$(worker_log "$SPARE")" && { fenced=1; break; }
      sleep 0.25
    done
    check "$name: resumed worker-$SPARE released the legs that moved (generation fence)" test "$fenced" = 1
  fi
  for _ in $(seq 1 80); do pgrep -f "baresip -f $run/c" >/dev/null || break; sleep 0.5; done
  pkill -INT -f "tcpdump -i lo -w $pcap"; sleep 1

  for c in 0 1; do
    check "$name: phone $c's call was established once (nobody redialled)" test "$(grep -aci 'call established' "$run/c$c.log")" -eq 1
  done

  # The gap on the wire, per phone: from the old worker's last packet before the signal to the new worker's first.
  python3 "$INTEROP_DIR/tools/rtp_gaps.py" "$pcap" "$signalled_at" "$PHONE_PORTS" >"$run/gaps.json"
  echo "  $name: $(cat "$run/gaps.json")"
  check "$name: RTP reached both phones again from the new worker" python3 - "$run/gaps.json" <<'PY'
import json, sys
phones = [p for p in json.load(open(sys.argv[1]))["phones"] if p["packets_before"] > 100]
sys.exit(0 if len(phones) == 2 and all(p["new_source"] and p["packets_after_gap"] > 100 for p in phones) else 1)
PY
  if [ -n "$resumed_at" ]; then
    check "$name: the resumed worker sent the moved phones nothing a second after it woke" python3 - "$run/gaps.json" "$signalled_at" "$resumed_at" <<'PY'
import json, sys
awake_ms = (float(sys.argv[3]) - float(sys.argv[2])) * 1000
phones = json.load(open(sys.argv[1]))["phones"]
sys.exit(0 if all(p["old_last_ms"] is None or p["old_last_ms"] < awake_ms + 1000 for p in phones) else 1)
PY
  fi
  # And what flows is the other phone's tone.
  for c in 0 1; do
    local rec want
    rec=$(ls "$run/c$c/rec/"*-dec.wav 2>/dev/null | head -1)
    want=$([ "$c" = 0 ] && echo 700 || echo 440)
    [ -n "$rec" ] || { fail "$name: phone $c recorded nothing"; continue; }
    check "$name: phone $c hears the other's $want Hz tone in the seconds after the move" python3 - "$(python3 "$INTEROP_DIR/tools/tone_levels.py" "$rec" "$want")" "$want" <<'PY'
import json, sys
levels = json.loads(sys.argv[1])["levels"][sys.argv[2]]
# baresip records decoded frames only, so the move's gap is not in the file: the call went on the new worker from about
# its ninth second (the signal comes 8 s after both phones are in), so seconds 12 to 16 are well after the move.
after = levels[12:16]
print(f"  levels {[round(x) for x in levels]}")
sys.exit(0 if len(after) == 4 and max(after) > -30 and sorted(after)[1] > -40 else 1)
PY
  done
  # worker-SPARE serves the next case: started again after a kill (a new instance, a new generation).
  if [ "$signal" = KILL ]; then
    stop_media_worker "$SPARE" 2>/dev/null
    start_media_worker "$SPARE" >/dev/null || fail "$name: worker-$SPARE starts again"
  fi
}

PHONE_PORTS=35000-35999
run_case kill KILL
run_case pause STOP
summary
