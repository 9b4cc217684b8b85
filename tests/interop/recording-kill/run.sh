#!/usr/bin/env bash
# A media worker killed (kill -9) in the middle of a recording (issue 9: "a worker killed mid-recording keeps every part
# written before it died"). Two baresip phones talk in a meeting held by worker-8, which cuts recording parts every 3 s;
# the chair records; once two parts are stored the worker is killed. Checked: the recording keeps the parts stored
# before the kill, each plays on its own with both talkers in it; the meeting goes on at worker-1 and records on there
# as a new recording; the killed worker, started again, removes the plaintext of the part it was writing (it can never
# be sealed: its key died with the process) and registers again; the new recording plays after it is stopped.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }
command -v ffprobe >/dev/null || { echo "FAIL: ffprobe is not installed"; exit 1; }
: "${SPARKLE_STATE:?SPARKLE_STATE must name the state folder of the running platform (./test.sh sets it)}"
CHECKS="$INTEROP_DIR/tools/media_checks.py"

WORK=$(mktemp -d /tmp/sparkle-recording-kill.XXXXXX)
SPARE=8 # the worker that is killed (worker-8: its own RTP slice and spool)
PHONE_PORTS=36000-36999
cleanup() {
  pkill -f "baresip -f $WORK" 2>/dev/null
  set_draining undrainMediaWorker worker-1 2>/dev/null
  stop_media_worker "$SPARE" 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
DOMAIN=$(demo_field 0 - sipDomain)
for t in 440 700; do sox -n -r 48000 -c 2 -b 16 "$WORK/tone$t.wav" synth 60 sine "$t" vol 0.4 tremolo 0.5 100; done

: "${SPARKLE_GRAPHQL:=http://127.0.0.1:8080/graphql}"
set_draining() { gql_as operator "mutation(\$id: ID!) { $1(id: \$id) { id draining } }" "{\"id\": \"$2\"}" >/dev/null; }
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
recordings() { gql_as owner 'query($id: ID!) { meeting(id: $id) { recordings { id partCount endedAt } } }' "{\"id\": \"$MEETING\"}"; }
until_true() { local end=$((SECONDS + $1)); shift; while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.5; done; "$@"; }

# worker-8 cuts a part every 3 s (the platform's workers keep the default 300 s).
(export Media__Recording__PartMaxSeconds=3; start_media_worker "$SPARE") || { fail "worker-$SPARE starts"; summary; exit 1; }
pass "worker-$SPARE (3 s recording parts) registered beside worker-1"

for c in 0 1; do
  user=$((1001 + c)) tone=$((c == 0 ? 440 : 700))
  baresip_config "$WORK/c$c" "$user" udp "$SPARKLE_SIP_PORT" "aufile,$WORK/tone$tone.wav" "module aufile.so" "rtp_ports $PHONE_PORTS"
done
# The meeting lands on worker-8: worker-1 is drained while the calls are placed, and back in service before the kill.
set_draining drainMediaWorker worker-1
baresip -f "$WORK/c0" -s -e "/dial sip:factory@$DOMAIN" -t 60 >"$WORK/c0.log" 2>&1 &
CONF=""
for _ in $(seq 1 50); do
  CONF=$(grep -aoE 'Contact: *<sips?:[^>]+>[^[:cntrl:]]*;isfocus' "$WORK/c0.log" | head -1 | sed -E 's/Contact: *<//; s/[;>].*//')
  [ -n "$CONF" ] && break
  sleep 0.2
done
check "the conference is up ($CONF)" test -n "$CONF"
[ -n "$CONF" ] || { summary; exit 1; }
baresip -f "$WORK/c1" -s -e "/dial sip:$(sed -E 's/^sips?://; s/@.*//' <<<"$CONF")@$DOMAIN" -t 58 >"$WORK/c1.log" 2>&1 &
MEETING=""
for _ in $(seq 1 75); do
  MEETING=$(grep -aoE "Meeting [0-9a-f-]{36}: leg [^ ]+ on port" "$(worker_log $SPARE)" 2>/dev/null | tail -1 | sed -E 's/Meeting ([0-9a-f-]{36}).*/\1/')
  [ -n "$MEETING" ] && [ "$(grep -c "Meeting $MEETING: leg .* on port" "$(worker_log $SPARE)")" -ge 2 ] && break
  sleep 0.2
done
set_draining undrainMediaWorker worker-1
check "both phones are in one meeting on worker-$SPARE ($MEETING)" test -n "$MEETING"
[ -n "$MEETING" ] || { summary; exit 1; }

started=$(gql_as owner 'mutation($id: ID!) { startRecording(meetingId: $id) { recording } }' "{\"id\": \"$MEETING\"}")
check "the chair starts recording" test "$(field "$started" 'd["data"]["startRecording"]["recording"]')" = True
two_parts() { [ "$(field "$(recordings)" 'd["data"]["meeting"]["recordings"][0]["partCount"]')" -ge 2 ] 2>/dev/null; }
check "two 3 s parts are stored while the meeting goes on" until_true 40 two_parts
FIRST=$(field "$(recordings)" 'd["data"]["meeting"]["recordings"][0]["id"]')
INCOMPLETE="$SPARKLE_STATE/spool/worker-$SPARE/incomplete"
check "worker-$SPARE is writing the next part (plaintext in its work folder)" bash -c "[ -n \"\$(find '$INCOMPLETE' -type f 2>/dev/null)\" ]"
PARTS_BEFORE=$(field "$(recordings)" 'd["data"]["meeting"]["recordings"][0]["partCount"]')

kill -KILL "$(worker_pid "$SPARE")"
echo "  worker-$SPARE killed with $PARTS_BEFORE parts stored"
moved() { [ "$(grep -c "Meeting $MEETING: leg .* answered" "$(worker_log 1)")" -ge 2 ]; }
check "the calls moved to worker-1" until_true 30 moved
restarted() { [ "$(field "$(recordings)" 'len(d["data"]["meeting"]["recordings"])')" -ge 2 ] 2>/dev/null; }
check "the recording goes on at worker-1 as a new recording" until_true 30 restarted
info=$(recordings)
echo "  recordings: $(field "$info" 'd["data"]["meeting"]["recordings"]')"
check "the first recording ended at the kill and keeps the $PARTS_BEFORE parts stored before it" python3 -c '
import json, sys
r = [x for x in json.loads(sys.argv[1])["data"]["meeting"]["recordings"] if x["id"] == sys.argv[2]][0]
assert r["endedAt"] and r["partCount"] >= int(sys.argv[3]), r' "$info" "$FIRST" "$PARTS_BEFORE"

# Each stored part plays on its own and holds both talkers.
links=$(gql_as owner 'mutation($id: ID!) { recordingPlayback(recordingId: $id) { parts { index url } } }' "{\"id\": \"$FIRST\"}")
count=$(field "$links" 'len(d["data"]["recordingPlayback"]["parts"])')
check "recordingPlayback lists the stored parts ($count)" test "${count:-0}" -ge "$PARTS_BEFORE"
for i in $(seq 0 $((${count:-0} - 1))); do
  curl -s -o "$WORK/part$i" "$(field "$links" "d['data']['recordingPlayback']['parts'][$i]['url']")"
  probe=$(python3 "$CHECKS" probe "$WORK/part$i")
  check "part $i plays on its own (Opus, 2-4 s): $probe" python3 -c 'import json,sys; p=json.loads(sys.argv[1]); assert any(s["codec"]=="opus" for s in p["streams"]) and 2.0 <= p["duration"] <= 4.5' "$probe"
done
levels=$(python3 "$CHECKS" tones "$WORK/part1" 440 700)
check "the second part holds both talkers ($levels)" python3 -c 'import json,sys; l=json.loads(sys.argv[1]); assert l["440"] > -40 and l["700"] > -40' "$levels"

# Started again, the killed worker clears what it was writing, and serves again.
check "worker-$SPARE starts again after the kill" start_media_worker "$SPARE"
check "it removed the unsealed part the kill left (logged, work folder empty)" bash -c \
  "grep -q 'Removed [1-9][0-9]* unsealed recording files' '$(worker_log $SPARE)' && [ -z \"\$(find '$INCOMPLETE' -type f 2>/dev/null)\" ]"

sleep 3 # the new recording holds a few seconds of both
stopped=$(gql_as owner 'mutation($id: ID!) { stopRecording(meetingId: $id) { recording } }' "{\"id\": \"$MEETING\"}")
check "the chair stops the recording" test "$(field "$stopped" 'd["data"]["stopRecording"]["recording"]')" = False
second_stored() { field "$(recordings)" '[r for r in d["data"]["meeting"]["recordings"] if r["id"] != "'"$FIRST"'"][0]' | grep -q "'partCount': [1-9]"; }
check "the recording made at worker-1 is stored" until_true 30 second_stored
SECOND=$(field "$(recordings)" '[r["id"] for r in d["data"]["meeting"]["recordings"] if r["id"] != "'"$FIRST"'"][0]')
link=$(gql_as owner 'mutation($id: ID!) { recordingPlayback(recordingId: $id) { url } }' "{\"id\": \"$SECOND\"}")
curl -s -o "$WORK/second" "$(field "$link" 'd["data"]["recordingPlayback"]["url"]')"
levels=$(python3 "$CHECKS" tones "$WORK/second" 440 700)
check "it plays with both talkers ($levels)" python3 -c 'import json,sys; l=json.loads(sys.argv[1]); assert l["440"] > -40 and l["700"] > -40' "$levels"
summary
