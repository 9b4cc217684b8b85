#!/usr/bin/env bash
# Automatic minutes through the real platform: a meeting whose plan asks for minutes is joined by two baresip
# clients over G.722 that take turns reading LibriVox clips (real human speech with reference texts, Debian's
# pocketsphinx-testdata). The media worker cuts utterances, the transcriber (its own process) recognises
# them. Checked: one entry per utterance, the right speakers in the right order, times within 300 ms of when
# each clip was played relative to the other, the word error rate against the references, every audioUrl
# playing back Opus, editing, finalizing, and the DOCX export.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }
command -v ffmpeg >/dev/null || { echo "FAIL: ffmpeg is not installed"; exit 1; }
: "${SPARKLE_STATE:?SPARKLE_STATE must name the state folder of the running platform (./test.sh sets it)}"
LIBRIVOX=/usr/share/pocketsphinx/test/data/librivox
[ -f "$LIBRIVOX/transcription" ] || { echo "FAIL: pocketsphinx-testdata is not installed"; exit 1; }

WORK=$(mktemp -d /tmp/sparkle-minutes.XXXXXX)
CLIENTS=()
trap 'for pid in "${CLIENTS[@]}"; do kill "$pid" 2>/dev/null; done; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
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
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
until_true() { local end=$((SECONDS + $1)); shift; while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.5; done; "$@"; }

# Turns: 1001 reads clip A at 3 s, 1002 reads clip B 2 s after A ends, 1001 reads clip C 2 s after B ends.
# Each client's file is 48 kHz stereo (baresip's aufile source) with silence where the other speaks.
A=sense_and_sensibility_01_austen_64kb-0870 B=sense_and_sensibility_01_austen_64kb-0880 C=sense_and_sensibility_01_austen_64kb-0890
for id in $A $B $C; do ffmpeg -v error -y -i "$LIBRIVOX/$id.wav" -ar 48000 -ac 2 "$WORK/$id.wav" || { echo "FAIL: ffmpeg"; exit 1; }; done
python3 - "$WORK" "$A" "$B" "$C" <<'PY' >"$WORK/plan.json"
import json, sys, wave
work, a, b, c = sys.argv[1:]
def frames(name):
    with wave.open(f"{work}/{name}.wav") as w:
        return w.readframes(w.getnframes())
clips = {n: frames(n) for n in (a, b, c)}
seconds = {n: len(clips[n]) / 4 / 48000 for n in clips}
start_a = 3.0; start_b = start_a + seconds[a] + 2.0; start_c = start_b + seconds[b] + 2.0
def silence(s): return b"\0" * (int(s * 48000) * 4)
one = silence(start_a) + clips[a] + silence(start_c - start_a - seconds[a]) + clips[c] + silence(30)
two = silence(start_b) + clips[b] + silence(30 + start_c + seconds[c] - start_b - seconds[b])
for name, data in (("1001", one), ("1002", two)):
    with wave.open(f"{work}/{name}.wav", "wb") as w:
        w.setnchannels(2); w.setsampwidth(2); w.setframerate(48000); w.writeframes(data)
print(json.dumps({"order": [["1001", a, start_a], ["1002", b, start_b], ["1001", c, start_c]], "end": start_c + seconds[c]}))
PY

# G.722 first: the en-us model needs wideband audio.
# baresip offers its codecs in module load order: G.722 is loaded before G.711 so the call is wideband (a first
# run with G.711 first gave narrowband legs, whose entries are flagged and their text withheld).
baresip_config "$WORK/c1" 1001 udp "$SPARKLE_SIP_PORT" "aufile,$WORK/1001.wav" "module aufile.so"
baresip_config "$WORK/c2" 1002 udp "$SPARKLE_SIP_PORT" "aufile,$WORK/1002.wav" "module aufile.so"
sed -i 's/^module g711.so$/module g722.so\nmodule g711.so/' "$WORK/c1/config" "$WORK/c2/config"

created=$(gql 'mutation { createMeeting(input: { title: "Minuted", recording: { minutes: true } }) { id conferenceNumber } }')
MEETING=$(field "$created" 'd["data"]["createMeeting"]["id"]')
NUMBER=$(field "$created" 'd["data"]["createMeeting"]["conferenceNumber"]')
check "a meeting with minutes is created ($NUMBER)" test -n "$MEETING"
[ -n "$MEETING" ] || { echo "  createMeeting answered: $created"; summary; exit 1; }

minutes_json() { gql "{ meeting(id: \"$MEETING\") { recording participants { userNumber state }
  utterances { id speakerNumber startedAt endedAt }
  minutes { status lagMs entries { id utteranceId speakerNumber startedAt endedAt text originalText confidence narrowband status reason audioUrl } } } }"; }
connected() { [ "$(field "$(minutes_json)" 'sum(1 for p in d["data"]["meeting"]["participants"] if p["state"]=="connected")')" -ge "$1" ] 2>/dev/null; }

# Both dial within a fraction of a second, so their files' time lines line up to within the join skew.
for i in 1 2; do
  (cd "$WORK/c$i" && exec baresip -f "$WORK/c$i" -e "/dial sip:$NUMBER@$DOMAIN" -t 120 >"$WORK/c$i.log" 2>&1) &
  CLIENTS+=($!)
done
check "both clients are connected" until_true 30 connected 2
check "the meeting records per utterance because it takes minutes" test "$(field "$(minutes_json)" 'd["data"]["meeting"]["recording"]')" = True

END=$(field "$(cat "$WORK/plan.json")" 'int(d["end"]) + 3')
sleep "$END"
three_entries() { [ "$(field "$(minutes_json)" 'len(d["data"]["meeting"]["minutes"]["entries"])')" -ge 3 ] 2>/dev/null; }
check "the three readings become minutes entries" until_true 120 three_entries
info=$(minutes_json)
echo "  minutes: $(field "$info" 'json.dumps([(e["speakerNumber"], e["startedAt"], e["text"]) for e in d["data"]["meeting"]["minutes"]["entries"]])' 2>/dev/null || python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print([(e["speakerNumber"], e["text"]) for e in d["data"]["meeting"]["minutes"]["entries"]])' "$info")"
check "one entry per utterance, none twice" python3 -c '
import json, sys
m = json.loads(sys.argv[1])["data"]["meeting"]
u = sorted(x["id"] for x in m["utterances"]); e = sorted(x["utteranceId"] for x in m["minutes"]["entries"])
assert u == e, (u, e)' "$info"
check "speakers in the right order (1001, 1002, 1001)" python3 -c '
import json, sys
e = [x for x in json.loads(sys.argv[1])["data"]["meeting"]["minutes"]["entries"] if x["text"] or x["originalText"]]
assert [x["speakerNumber"] for x in e] == ["1001", "1002", "1001"], [x["speakerNumber"] for x in e]' "$info"
check "entry times match the readings relative to the first (within 300 ms)" python3 -c '
import json, sys, datetime
e = json.loads(sys.argv[1])["data"]["meeting"]["minutes"]["entries"]; plan = json.loads(open(sys.argv[2]).read())
t = [datetime.datetime.fromisoformat(x["startedAt"]) for x in e]
for (speaker, clip, start), at in zip(plan["order"][1:], t[1:]):
    got = (at - t[0]).total_seconds(); want = start - plan["order"][0][2]
    assert abs(got - want) <= 0.3, (clip, got, want)' "$info" "$WORK/plan.json"
check "wideband entries (not narrowband, transcribed)" python3 -c '
import json, sys
e = json.loads(sys.argv[1])["data"]["meeting"]["minutes"]["entries"]
assert all(not x["narrowband"] and x["status"] == "transcribed" for x in e), e' "$info"
wer=$(python3 - "$info" "$LIBRIVOX/transcription" "$A" "$B" "$C" <<'PY'
import json, re, sys
e = json.loads(sys.argv[1])["data"]["meeting"]["minutes"]["entries"]
refs = {}
for line in open(sys.argv[2]):
    m = re.match(r"(.*)\((\S+)\)\s*$", line.strip())
    if m: refs[m.group(2)] = m.group(1).replace("<s>", "").replace("</s>", "")
def words(t): return re.sub(r"[^a-z' ]", " ", t.lower()).split()
def distance(r, h):
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
    return d[len(h)]
errors = total = 0
for entry, clip in zip(e, sys.argv[3:]):
    r = words(refs[clip]); errors += distance(r, words(entry["text"] or "")); total += len(r)
print(f"{100 * errors / total:.1f}")
PY
)
echo "  word error rate through the MCU (G.722): $wer% (PocketSphinx on the files directly: ~28%)"
check "word error rate under 50%" python3 -c 'import sys; assert float(sys.argv[1]) < 50' "${wer:-100}"

audio=$(field "$info" 'd["data"]["meeting"]["minutes"]["entries"][0]["audioUrl"]')
curl -s -o "$WORK/entry.ogg" -w '%{http_code}' "$audio" >"$WORK/code"
check "an entry's audioUrl plays its utterance (Opus)" bash -c "[ \$(cat '$WORK/code') = 200 ] && ffprobe -v error -show_streams '$WORK/entry.ogg' | grep -q codec_name=opus"

entry=$(field "$info" 'd["data"]["meeting"]["minutes"]["entries"][0]["id"]')
edited=$(gql "mutation { editMinutesEntry(entryId: \"$entry\", text: \"Corrected by the chair.\") { text originalText } }")
check "the owner edits an entry and the recognised text is kept" test "$(field "$edited" 'd["data"]["editMinutesEntry"]["text"]')" = "Corrected by the chair."
final=$(gql "mutation { finalizeMinutes(meetingId: \"$MEETING\") { status } }")
check "finalizeMinutes freezes them" test "$(field "$final" 'd["data"]["finalizeMinutes"]["status"]')" = final
url=$(field "$(gql "mutation { minutesDocument(meetingId: \"$MEETING\", format: docx) { url } }")" 'd["data"]["minutesDocument"]["url"]')
curl -s -o "$WORK/minutes.docx" "$url"
check "the DOCX export is a Word document with the corrected entry" python3 -c '
import sys, zipfile
assert "Corrected by the chair." in zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()' "$WORK/minutes.docx"
summary
