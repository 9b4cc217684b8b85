#!/usr/bin/env bash
# Recording through the real platform with real clients. A meeting with per-utterance recording is joined
# by two baresip video clients (fakevideo's picture, a steady 400 / 500 Hz tone) and one audio-only baresip
# that plays a file with two 1 s bursts of 700 Hz. The chair starts recording over GraphQL; blob storage
# (Azurite) is stopped while the recording runs and started again; then the recording is stopped and
# fetched through recordingPlayback like a browser would. Checked: the recording's streams and duration
# (ffprobe), every talker's tone in its audio, the composite's tiles in its video, HTTP ranges, the
# 1003 utterances (two, of the right length and spacing, each playable with only 1003's voice), that
# nothing was lost while storage was down (DEGRADED, then recording again), that the raw blobs Azurite
# keeps are ciphertext, that a flipped byte is refused, and that forgetting the tenant's old keys makes
# the recording unplayable.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }
command -v ffprobe >/dev/null || { echo "FAIL: ffprobe is not installed"; exit 1; }
: "${SPARKLE_STATE:?SPARKLE_STATE must name the state folder of the running platform (./test.sh sets it)}"
ROOT="$(cd "$INTEROP_DIR/../.." && pwd)"
CHECKS="$INTEROP_DIR/tools/media_checks.py"
AZURITE_PORT="${SPARKLE_AZURITE_PORT:-10100}"

WORK=$(mktemp -d /tmp/sparkle-recording.XXXXXX)
CLIENTS=()
stop_clients() { local pid; for pid in "${CLIENTS[@]}"; do kill "$pid" 2>/dev/null; done; wait "${CLIENTS[@]}" 2>/dev/null; CLIENTS=(); }
restore_storage() { "$ROOT/infra/scripts/azurite.sh" start "$SPARKLE_STATE/blobs" "$AZURITE_PORT" >/dev/null 2>&1; }
trap 'stop_clients; restore_storage; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
DOMAIN=$(demo_field 0 - sipDomain)

gql() { # QUERY -> response JSON, as the demo tenant's owner (1001)
  python3 - "$SPARKLE_DEMO" "${SPARKLE_GRAPHQL:-}" "$1" <<'PY'
import json, sys, urllib.request
demo = json.load(open(sys.argv[1]))
url = sys.argv[2] or demo["graphql"]
token = demo["tenants"][0]["users"][0]["token"]
request = urllib.request.Request(url, json.dumps({"query": sys.argv[3]}).encode(),
                                 {"Content-Type": "application/json", "Authorization": "Bearer " + token})
print(urllib.request.urlopen(request, timeout=30).read().decode())
PY
}
# field JSON PYTHON-EXPRESSION-ON-d -> value (empty on error)
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# until SECONDS COMMAND...: runs COMMAND every half second until it succeeds (true) or time is up (false).
until_true() { local end=$((SECONDS + $1)); shift; while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.5; done; "$@"; }

# 1003's voice: 3 s of silence, 1 s of 700 Hz, 2 s of silence, 1 s of 700 Hz, then silence (48 kHz stereo,
# as baresip's aufile wants it for its 48 kHz source).
python3 - "$WORK/bursts.wav" <<'PY'
import math, struct, sys, wave
rate = 48000
def seg(seconds, freq):
    return [int(12000 * math.sin(2 * math.pi * freq * i / rate)) if freq else 0 for i in range(int(seconds * rate))]
samples = seg(3, 0) + seg(1, 700) + seg(2, 0) + seg(1, 700) + seg(40, 0)
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b"".join(struct.pack("<hh", s, s) for s in samples))
PY

video_lines=("module vp8.so" "module fakevideo.so" "video_source fakevideo,nil" "video_display fakevideo,nil"
  "video_size 320x240" "video_bitrate 500000" "video_fps 15")
baresip_config "$WORK/c1" 1001 udp "$SPARKLE_SIP_PORT" "ausine,400" "module ausine.so" "${video_lines[@]}"
baresip_config "$WORK/c2" 1002 udp "$SPARKLE_SIP_PORT" "ausine,500" "module ausine.so" "${video_lines[@]}"
baresip_config "$WORK/c3" 1003 udp "$SPARKLE_SIP_PORT" "aufile,$WORK/bursts.wav" "module aufile.so"

created=$(gql 'mutation { createMeeting(input: { title: "Recorded", recording: { perUtteranceRecording: true } }) { id conferenceNumber } }')
MEETING=$(field "$created" 'd["data"]["createMeeting"]["id"]')
NUMBER=$(field "$created" 'd["data"]["createMeeting"]["conferenceNumber"]')
check "a meeting with per-utterance recording is created ($NUMBER)" test -n "$MEETING"
[ -n "$MEETING" ] || { echo "  createMeeting answered: $created"; summary; exit 1; }

meeting_json() { gql "{ meeting(id: \"$MEETING\") { recording recordingState participants { userNumber state }
  recordings { id kind startedAt endedAt durationMs sizeBytes partCount }
  utterances { id speakerNumber startedAt endedAt durationMs } } }"; }
connected() { # N: at least N participants connected
  [ "$(field "$(meeting_json)" 'sum(1 for p in d["data"]["meeting"]["participants"] if p["state"]=="connected")')" -ge "$1" ] 2>/dev/null
}
state_is() { [ "$(field "$(meeting_json)" 'd["data"]["meeting"]["recordingState"]')" = "$1" ]; }

for i in 1 2; do
  (cd "$WORK/c$i" && exec baresip -f "$WORK/c$i" -e "/dial sip:$NUMBER@$DOMAIN" -t 90 >"$WORK/c$i.log" 2>&1) &
  CLIENTS+=($!)
done
check "the two video clients are connected" until_true 30 connected 2

answer=$(gql "mutation { startRecording(meetingId: \"$MEETING\") { recording recordingState } }")
check "startRecording starts it ($(field "$answer" 'd["data"]["startRecording"]'))" test "$(field "$answer" 'd["data"]["startRecording"]["recording"]')" = True
again=$(gql "mutation { startRecording(meetingId: \"$MEETING\") { recording } }")
check "starting again while it runs is a clear error" grep -q "already running" <<<"$again"

# Blob storage goes away while the meeting records: utterances and parts wait in the worker's spool.
"$ROOT/infra/scripts/azurite.sh" stop "$SPARKLE_STATE/blobs" >/dev/null 2>&1
(cd "$WORK/c3" && exec baresip -f "$WORK/c3" -e "/dial sip:$NUMBER@$DOMAIN" -t 90 >"$WORK/c3.log" 2>&1) &
CLIENTS+=($!)
check "the audio-only client is connected" until_true 30 connected 3
check "with storage down the meeting shows recordingState DEGRADED" until_true 40 state_is degraded
restore_storage
check "with storage back the recording is healthy again" until_true 60 state_is recording
sleep 4   # a few more seconds of everyone on the record
answer=$(gql "mutation { stopRecording(meetingId: \"$MEETING\") { recording recordingState } }")
check "stopRecording stops it" test "$(field "$answer" 'd["data"]["stopRecording"]["recording"]')" = False
stopped_again=$(gql "mutation { stopRecording(meetingId: \"$MEETING\") { recording } }")
check "stopping a recording that is not running is a clear error" grep -q "No recording is running" <<<"$stopped_again"

finished() { [ "$(field "$(meeting_json)" 'sum(1 for r in d["data"]["meeting"]["recordings"] if r["endedAt"] and r["partCount"] > 0)')" = 1 ]; }
check "the recording is listed, ended and stored" until_true 60 finished
stop_clients
info=$(meeting_json)
echo "  $(field "$info" 'd["data"]["meeting"]["recordings"]')"
RECORDING=$(field "$info" 'd["data"]["meeting"]["recordings"][0]["id"]')
DURATION_MS=$(field "$info" 'd["data"]["meeting"]["recordings"][0]["durationMs"]')

# Play it as a browser would: a short-lived link to the API host, streamed decrypted, with ranges.
link=$(gql "mutation { recordingPlayback(recordingId: \"$RECORDING\") { url expiresAt parts { index url } } }")
URL=$(field "$link" 'd["data"]["recordingPlayback"]["url"]')
check "recordingPlayback gives a link to the platform" grep -q "^http://127.0.0.1" <<<"$URL"
code=$(curl -s -o "$WORK/recording" -w '%{http_code} %{content_type}' "$URL")
echo "  GET recording: $code, $(stat -c %s "$WORK/recording" 2>/dev/null) bytes"
check "the link streams the recording with a media Content-Type" grep -qE '^200 (video|audio)/' <<<"$code"
probe=$(python3 "$CHECKS" probe "$WORK/recording")
echo "  ffprobe: $probe"
check "ffprobe sees Opus audio" grep -q '"codec": "opus"' <<<"$probe"
check "ffprobe sees the 1280x720 composite (H.264 or VP8)" python3 -c 'import json,sys; p=json.loads(sys.argv[1]); assert any(s["type"]=="video" and s["codec"] in ("h264","vp8") and (s["width"],s["height"])==(1280,720) for s in p["streams"])' "$probe"
check "its duration is within 0.5 s of the recording's ($DURATION_MS ms)" python3 -c 'import json,sys; p=json.loads(sys.argv[1]); assert abs(p["duration"] - int(sys.argv[2]) / 1000) <= 0.5' "$probe" "$DURATION_MS"
levels=$(python3 "$CHECKS" tones "$WORK/recording" 400 500 700)
echo "  tones (loudest second, dBFS): $levels"
check "every talker is in the recorded mix (400, 500 and 700 Hz above -40 dBFS)" python3 -c 'import json,sys; l=json.loads(sys.argv[1]); assert all(l[f] > -40 for f in ("400","500","700"))' "$levels"
python3 "$CHECKS" frame "$WORK/recording" 4 "$WORK/frame.png" >/dev/null 2>&1
tiles=$(python3 "$INTEROP_DIR/tools/composite_tiles.py" "$WORK/frame.png" 2 2 --words 2>/dev/null)
echo "  recorded composite at 4 s: $tiles"
check "the recorded video shows both senders' pictures" test "$(tr ' ' '\n' <<<"${tiles%%@*}" | grep -cx bars)" -eq 2
range=$(curl -s -r 100-199 -o "$WORK/range" -w '%{http_code}' -D "$WORK/range.headers" "$URL")
check "a range request gets 206 with exactly those 100 bytes" bash -c "[ '$range' = 206 ] && [ \$(stat -c %s '$WORK/range') = 100 ] && cmp -s <(tail -c +101 '$WORK/recording' | head -c 100) '$WORK/range'"

# 1003's two bursts: two utterances of about a second (with the cut's lead-in and hangover), three seconds apart.
utterances=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(json.dumps([u for u in d["data"]["meeting"]["utterances"] if u["speakerNumber"]=="1003"]))' "$info")
echo "  1003's utterances: $utterances"
check "1003's two bursts are two utterances (stored while storage was down, none lost)" test "$(field "$utterances" 'len(d)')" = 2
check "each lasts about a second (0.8 to 2.0 s)" python3 -c 'import json,sys; assert all(800 <= u["durationMs"] <= 2000 for u in json.loads(sys.argv[1]))' "$utterances"
check "they start 3 s apart (within 200 ms)" python3 -c '
import json, sys
from datetime import datetime
u = json.loads(sys.argv[1]); t = [datetime.fromisoformat(x["startedAt"].replace("Z", "+00:00")) for x in u]
assert abs((t[1] - t[0]).total_seconds() - 3.0) <= 0.2' "$utterances"
first=$(field "$utterances" 'd[0]["id"]')
ulink=$(gql "mutation { utterancePlayback(utteranceId: \"$first\") { url } }")
curl -s -o "$WORK/utterance" "$(field "$ulink" 'd["data"]["utterancePlayback"]["url"]')"
uprobe=$(python3 "$CHECKS" probe "$WORK/utterance")
check "an utterance plays back as Opus ($uprobe)" grep -q '"codec": "opus"' <<<"$uprobe"
ulevels=$(python3 "$CHECKS" tones "$WORK/utterance" 400 500 700)
echo "  utterance tones: $ulevels"
check "it holds 1003's own voice only (700 Hz, the others 20 dB down or more)" python3 -c 'import json,sys; l=json.loads(sys.argv[1]); assert l["700"] > -40 and l["400"] < l["700"] - 20 and l["500"] < l["700"] - 20' "$ulevels"

# At rest: what Azurite keeps on disk is ciphertext.
rawinfo=$(python3 "$CHECKS" raw "$SPARKLE_STATE/blobs")
echo "  Azurite's blob data: $rawinfo"
check "the stored blobs hold no Ogg, WebM, MP4 or Opus signature" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["files"] > 0 and r["signatures"] == []' "$rawinfo"
check "and look random (over 7.9 bits per byte)" python3 -c 'import json,sys; assert json.loads(sys.argv[1])["entropy"] > 7.9' "$rawinfo"

# Tampering: one byte flipped in every 32 KiB of Azurite's data (every 64 KiB chunk of every blob is hit).
"$ROOT/infra/scripts/azurite.sh" stop "$SPARKLE_STATE/blobs" >/dev/null 2>&1
python3 - "$SPARKLE_STATE/blobs" <<'PY'
import os, sys
for root, _, names in os.walk(sys.argv[1]):
    for name in names:
        path = os.path.join(root, name)
        if "__blobstorage__" not in path:
            continue
        data = bytearray(open(path, "rb").read())
        for i in range(50, len(data), 32768):
            data[i] ^= 0x01
        open(path, "wb").write(data)
PY
restore_storage
link=$(gql "mutation { recordingPlayback(recordingId: \"$RECORDING\") { url } }")
tampered=$(curl -s -o "$WORK/tampered" -w '%{http_code}' "$(field "$link" 'd["data"]["recordingPlayback"]["url"]')"; echo " exit $?")
echo "  tampered recording: HTTP $tampered, $(stat -c %s "$WORK/tampered" 2>/dev/null || echo 0) bytes"
check "a tampered recording fails authentication (502) and no media is served" bash -c "grep -q '^502' <<<'$tampered' && ! ffprobe -v error '$WORK/tampered' 2>/dev/null"

# Crypto-shredding: the tenant's old keys forgotten, the recording can never be played again.
rotated=$(gql 'mutation { rotateRecordingKey(forgetOld: true) }')
link=$(gql "mutation { recordingPlayback(recordingId: \"$RECORDING\") { url } }")
url=$(field "$link" 'd["data"]["recordingPlayback"]["url"]')
gone=$(curl -s -o /dev/null -w '%{http_code}' "$url")
echo "  after rotateRecordingKey(forgetOld: true) ($rotated): link ${url:+issued}, HTTP $gone"
check "after the old keys are forgotten the recording is gone for good (410)" test "$gone" = 410

summary
