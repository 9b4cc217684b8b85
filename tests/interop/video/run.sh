#!/usr/bin/env bash
# Video through the real platform with real clients: two baresip instances send video (fakevideo's
# red/green/blue picture, VP8) and a third joins audio-only, all through the gateway's RFC 4579 focus.
# The worker answers their m=video, decodes, composes one shared picture and encodes it; baresip's
# snapshot module saves what the second client receives, and we look at its tiles: the two video
# senders show their picture, the audio-only one the "video off" tile. Then the chair's controls over
# GraphQL act on the picture: forbidVideo/allowVideo, and a fixed one-tile layout with a participant placed.
# The console's preview (Meeting.previewUrl, a JPEG of the composite) must show the same tiles as the client.
# Run over UDP with RTP/AVP, then over TLS with SRTP (SDES) for audio and video.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }
command -v ffmpeg >/dev/null || { echo "FAIL: ffmpeg is not installed"; exit 1; }

WORK=$(mktemp -d /tmp/sparkle-video.XXXXXX)
CLIENTS=()   # the baresip processes of the current run, ended by id
stop_clients() { local pid; for pid in "${CLIENTS[@]}"; do kill "$pid" 2>/dev/null; done; wait "${CLIENTS[@]}" 2>/dev/null; CLIENTS=(); }
trap 'stop_clients; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
DOMAIN=$(demo_field 0 - sipDomain)
USERS=(1001 1002 1003)   # 1001 owns the ad hoc conference (and may control it)
VIDEO=(yes yes no)
SECONDS_IN_CALL=120   # an upper bound: the clients are ended as soon as the checks are done (a loaded machine takes longer)
WORKER_LOG="${SPARKLE_STATE:-}/logs/worker-1.log"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

gql() { # QUERY -> response JSON, as the demo tenant's owner (1001)
  python3 - "$SPARKLE_DEMO" "${SPARKLE_GRAPHQL:-}" "$1" <<'PY'
import json, sys, urllib.request
demo = json.load(open(sys.argv[1]))
url = sys.argv[2] or demo["graphql"]
token = demo["tenants"][0]["users"][0]["token"]
request = urllib.request.Request(url, json.dumps({"query": sys.argv[3]}).encode(),
                                 {"Content-Type": "application/json", "Authorization": "Bearer " + token})
print(urllib.request.urlopen(request, timeout=15).read().decode())
PY
}

# make_client DIR USER VIDEO(yes|no) TRANSPORT(udp|tls) PORT CTRL_PORT: a sine as its voice, a ctrl_tcp
# port for commands, and with VIDEO=yes a VP8 test picture sent and snapshots of what it receives.
make_client() {
  local video_lines=()
  [ "$3" = yes ] && video_lines=("module vp8.so" "module fakevideo.so" "module snapshot.so" "video_source fakevideo,nil"
    "video_display fakevideo,nil" "video_size 320x240" "video_bitrate 500000" "video_fps 15")
  baresip_config "$1" "$2" "$4" "$5" "ausine,$((300 + ${2: -1} * 100))" "module ausine.so" "module ctrl_tcp.so" \
    "ctrl_tcp_listen 127.0.0.1:$6" "${video_lines[@]}"
}

# snapshot DIR CTRL_PORT -> path of a new PNG of what the client receives (empty when none came)
snapshot() {
  local dir="$1" ctrl="$2" before after
  before=$(ls "$dir"/snapshot-recv-*.png 2>/dev/null | wc -l)
  python3 - "$ctrl" <<'PY' >/dev/null 2>&1
import json, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
message = json.dumps({"command": "snapshot", "params": "", "token": "video"}).encode()
s.sendall(str(len(message)).encode() + b":" + message + b",")
s.recv(1000)
PY
  for _ in $(seq 1 50); do
    after=$(ls -t "$dir"/snapshot-recv-*.png 2>/dev/null | head -1)
    [ "$(ls "$dir"/snapshot-recv-*.png 2>/dev/null | wc -l)" -gt "$before" ] && { sleep 0.3; echo "$after"; return; }
    sleep 0.2
  done
}

# tiles PNG COLUMNS ROWS -> e.g. "bars bars off empty"
tiles() {
  [ -f "$1" ] && python3 "$INTEROP_DIR/tools/composite_tiles.py" "$1" "$2" "$3" --words
}

count() { tr ' ' '\n' <<<"${2%%@*}" | grep -cx "$1"; }

# until_tiles DIR CTRL_PORT COLUMNS ROWS BARS OFF: snapshots (for up to ~8 s, as controls take a moment
# to go through the meeting grain) until BARS tiles show the senders' picture and OFF tiles the video-off
# fill; prints the last tiles seen; fails when that never happened.
until_tiles() {
  local seen="" png attempt
  for attempt in 1 2 3 4 5 6; do
    png=$(snapshot "$1" "$2")
    seen=$(tiles "$png" "$3" "$4")
    if [ "$(count bars "$seen")" -eq "$5" ] && [ "$(count off "$seen")" -eq "$6" ]; then echo "$seen"; return 0; fi
    sleep 1
  done
  echo "$seen"
  return 1
}

# participant_id MEETING_JSON USER_NUMBER -> the id of that user's connected participant
participant_id() {
  python3 -c 'import json,sys; m=json.loads(sys.argv[1]); print(next(p["id"] for p in m["participants"] if p["userNumber"]==sys.argv[2] and p["state"]=="connected"))' "$1" "$2"
}

# same_tiles "bars off bars empty @ 1280x720" -> the tiles sorted, with the size: "bars bars empty off @ 1280x720"
same_tiles() {
  echo "$(echo "${1%%@*}" | tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' ')@${1#*@}"
}

# preview_matches TRANSPORT RUN_DIR MEETING_ID CTRL_PORT_OF_1002: fetches Meeting.previewUrl, GETs it twice (the
# second time with "&t=2" appended, as a console's <img> refreshes), and compares the JPEG's tiles with what
# 1002 receives (both are the same composite; a snapshot is retaken when a control moved it in between).
preview_matches() {
  local transport="$1" run="$2" id="$3" ctrl1="$4" url status seen expected attempt size
  url=$(gql "{ meeting(id: \"$id\") { previewUrl } }" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["meeting"]["previewUrl"] or "")')
  check "$transport: a running meeting with video has a previewUrl" test -n "$url"
  [ -n "$url" ] || return
  # The layout is automatic here: the floor moves to the loudest talker, so between the two grabs the same tiles
  # may have swapped places. The same tiles in the same places is tried for first; the same tiles, in any places,
  # is what the check requires.
  for attempt in 1 2 3 4 5 6; do
    status=$(curl -s -o "$run/preview.jpg" -w '%{http_code} %{content_type}' "$url")
    [ "$status" = "200 image/jpeg" ] || { sleep 1; continue; }
    ffmpeg -v error -y -i "$run/preview.jpg" "$run/preview.png" || continue
    seen=$(tiles "$run/preview.png" 2 2)
    expected=$(tiles "$(snapshot "$run/c1" "$ctrl1")" 2 2)
    echo "  preview: $seen; ${USERS[1]} receives: $expected"
    [ "${seen%%@*}" = "${expected%%@*}" ] && break
    sleep 1
  done
  check "$transport: GET previewUrl answers 200 image/jpeg" test "$status" = "200 image/jpeg"
  size=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$run/preview.jpg" 2>/dev/null)
  check "$transport: the preview is 1280x720 ($size)" test "$size" = "1280x720"
  check "$transport: the preview's tiles are those the SIP client receives" test -n "$seen" -a "$(same_tiles "$seen")" = "$(same_tiles "$expected")"
  check "$transport: the preview is not cached (Cache-Control: no-store)" \
    bash -c "curl -s -D - -o /dev/null '$url' | grep -qi '^cache-control:.*no-store'"
  check "$transport: an appended &t=2 still passes the signature check" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "$url&t=2")" = 200
  # The second-to-last character of the MAC: the last one also carries base64's unused low bits.
  local last="${url: -1}" second="${url: -2:1}" tampered
  [ "$second" = A ] && tampered="${url%??}B$last" || tampered="${url%??}A$last"
  check "$transport: a tampered preview link is refused (403)" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "$tampered")" = 403
}

# run_conference TRANSPORT PORT
run_conference() {
  local transport="$1" port="$2" run="$WORK/$1" conf="" ctrl=() i logged=0
  [ -f "$WORKER_LOG" ] && logged=$(wc -l <"$WORKER_LOG")
  for i in 0 1 2; do
    ctrl[$i]=$(free_port)
    make_client "$run/c$i" "${USERS[$i]}" "${VIDEO[$i]}" "$transport" "$port" "${ctrl[$i]}"
  done
  # baresip's snapshots land in its working directory.
  (cd "$run/c0" && exec baresip -f "$run/c0" -s -e "/dial sip:factory@$DOMAIN" -t $((SECONDS_IN_CALL + 4)) >"$run/c0.log" 2>&1) &
  CLIENTS+=($!)
  for _ in $(seq 1 50); do
    conf=$(grep -aoE 'Contact: *<sips?:[^>]+>[^[:cntrl:]]*;isfocus' "$run/c0.log" | head -1 | sed -E 's/Contact: *<//; s/[;>].*//')
    [ -n "$conf" ] && break
    sleep 0.2
  done
  check "$transport: factory INVITE answered with an isfocus conference URI ($conf)" test -n "$conf"
  [ -n "$conf" ] || { stop_clients; return; }
  local number
  number=$(sed -E 's/^sips?://; s/@.*//' <<<"$conf")
  conf="sip:$number@$DOMAIN"
  (cd "$run/c1" && exec baresip -f "$run/c1" -e "/dial $conf" -t "$SECONDS_IN_CALL" >"$run/c1.log" 2>&1) &
  CLIENTS+=($!)
  sleep 1
  (cd "$run/c2" && exec baresip -f "$run/c2" -e "/dial $conf" -t "$SECONDS_IN_CALL" >"$run/c2.log" 2>&1) &
  CLIENTS+=($!)
  sleep 8
  look_at_the_composite "$transport" "$run" "$number" "${ctrl[1]}" "$logged"
  stop_clients
}

# look_at_the_composite TRANSPORT RUN_DIR CONFERENCE_NUMBER CTRL_PORT_OF_1002 WORKER_LOG_LINES_BEFORE
look_at_the_composite() {
  local transport="$1" run="$2" number="$3" ctrl1="$4" logged="$5" i

  for i in 0 1; do
    check "$transport: ${USERS[$i]} negotiated VP8 video with the focus" grep -aq "Set video decoder: VP8" "$run/c$i.log"
    check "$transport: ${USERS[$i]} receives the composite" grep -aq "incoming rtp for 'video' established" "$run/c$i.log"
  done
  if [ "$transport" = tls ] && [ -f "$WORKER_LOG" ]; then
    check "$transport: the worker runs video over SRTP for both video legs" \
      test "$(tail -n +"$((logged + 1))" "$WORKER_LOG" | grep -ac "video Vp8 on port [0-9]*, SRTP")" -eq 2
  fi

  # 1. Everyone in the automatic grid: the two senders' pictures, the audio-only caller's name tile.
  local seen rc
  seen=$(until_tiles "$run/c1" "$ctrl1" 2 2 2 1); rc=$?
  echo "  composite as ${USERS[1]} receives it: $seen"
  check "$transport: ${USERS[1]} saved pictures of what it receives" test -n "$seen"
  check "$transport: both video senders appear in the shared composite, the audio-only participant as a video-off tile" test "$rc" -eq 0

  # 2. The chair forbids 1001's video: its tile turns to the video-off fill.
  local meeting p1001
  meeting=$(gql "{ meetings(status: active, first: 50) { nodes { id conferenceNumber participants { id userNumber state } } } }" \
    | python3 -c 'import json,sys; n=sys.argv[1]; print(next((json.dumps(m) for m in json.load(sys.stdin)["data"]["meetings"]["nodes"] if m["conferenceNumber"]==n), ""))' "$number")
  check "$transport: the meeting is listed over GraphQL" test -n "$meeting"
  [ -n "$meeting" ] || return
  p1001=$(participant_id "$meeting" 1001)
  local id
  id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$meeting")

  # 1b. The console's preview (Meeting.previewUrl, as 1001, who owns the ad hoc conference and chairs it):
  # a 1280x720 JPEG whose tiles are those 1002 receives; a refreshing <img> appends a query.
  preview_matches "$transport" "$run" "$id" "$ctrl1"
  gql "mutation { forbidVideo(meetingId: \"$id\", participantId: \"$p1001\") { id } }" >/dev/null
  seen=$(until_tiles "$run/c1" "$ctrl1" 2 2 1 2); rc=$?
  echo "  after forbidVideo(1001): $seen"
  check "$transport: a forbidden video shows the video-off tile" test "$rc" -eq 0

  # 3. 1001's video allowed again and 1002's forbidden; a fixed one-tile layout with 1001 placed in it:
  # 1001's picture fills the frame (anyone else there would be a video-off tile).
  gql "mutation { allowVideo(meetingId: \"$id\", participantId: \"$p1001\") { id } }" >/dev/null
  gql "mutation { forbidVideo(meetingId: \"$id\", participantId: \"$(participant_id "$meeting" 1002)\") { id } }" >/dev/null
  gql "mutation { setLayout(meetingId: \"$id\", layoutId: \"grid-1x1\") { id } }" >/dev/null
  gql "mutation { setLayoutMode(meetingId: \"$id\", mode: fixed) { id } }" >/dev/null
  gql "mutation { placeInSlot(meetingId: \"$id\", participantId: \"$p1001\", slot: 0) { id } }" >/dev/null
  seen=$(until_tiles "$run/c1" "$ctrl1" 1 1 1 0); rc=$?
  echo "  after grid-1x1 with 1001 placed: $seen"
  check "$transport: the chair's layout and placement apply (1001 fills the picture)" test "$rc" -eq 0
}

run_conference udp "$SPARKLE_SIP_PORT"
run_conference tls "$SPARKLE_SIP_TLS_PORT"
summary
