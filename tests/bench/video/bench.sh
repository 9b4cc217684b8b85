#!/usr/bin/env bash
# Video MCU benchmark (issue 5): 100 x 320x180@15 H.264 senders -> 1280x720 + 640x360 H.264,
# against ffmpeg decoding the same 100 streams, xstack-compositing them and encoding x264 ultrafast.
# Usage: tests/bench/video/bench.sh [participants=100] [frames=75]
#        tests/bench/video/bench.sh --worker [participants=100] [seconds=30]
#          the same streams as RTP over UDP into the real media worker (worker-bench.cs), beside the same
#          ffmpeg reference (75 frames, 5 s of media); BENCH_SENDRECV=1: every sender also receives the composite;
#          BENCH_RECORD=whole|utterances|both: the meeting is recorded (files sealed to local disk, then deleted)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
mode=inprocess
if [ "${1:-}" = --worker ]; then mode=worker; shift; fi
n="${1:-100}"
frames="${2:-75}"
seconds=30
if [ "$mode" = worker ]; then seconds="${2:-30}"; frames=75; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v ffmpeg >/dev/null || { echo "ffmpeg is required (apt-get install ffmpeg)" >&2; exit 1; }

# One sender's stream: testsrc, 320x180, 15 fps, baseline H.264 as a phone or browser would send.
ffmpeg -v error -f lavfi -i "testsrc=size=320x180:rate=15" -frames:v "$frames" -c:v libx264 -preset veryfast \
  -tune zerolatency -profile:v baseline -pix_fmt yuv420p -g 150 -bf 0 -b:v 300k -f h264 "$work/in.h264"
if [ "$mode" = worker ]; then
  # Sender 0's stream: the same, white for 3 frames each second (the latency marker).
  ffmpeg -v error -f lavfi -i "testsrc=size=320x180:rate=15" -vf "drawbox=x=0:y=0:w=320:h=180:color=white:t=fill:enable='lt(mod(n\,15)\,3)'" \
    -frames:v "$frames" -c:v libx264 -preset veryfast -tune zerolatency -profile:v baseline -pix_fmt yuv420p -g 150 -bf 0 \
    -b:v 300k -f h264 "$work/flash.h264"
fi

echo "== ffmpeg reference: decode $n streams, xstack, x264 ultrafast 1280x720 + 640x360 =="
side=$(awk -v n="$n" 'BEGIN { s = int(sqrt(n)); if (s * s < n) s++; print s }')
tw=$((1280 / side / 2 * 2)); th=$((720 / side / 2 * 2))
inputs=(); filter=""; layout=""
for ((i = 0; i < n; i++)); do
  inputs+=(-i "$work/in.h264")
  filter+="[$i:v]scale=${tw}x${th}[v$i];"
  x=$(( (i % side) * tw )); y=$(( (i / side) * th ))
  layout+="${x}_${y}|"
done
stack=""; for ((i = 0; i < n; i++)); do stack+="[v$i]"; done
filter+="${stack}xstack=inputs=$n:layout=${layout%|}:fill=black,scale=1280x720,split[a][b];[b]scale=640x360[c]"
/usr/bin/time -o "$work/ffmpeg.time" -f "%e %U %S" \
  ffmpeg -v error -y "${inputs[@]}" -filter_complex "$filter" \
  -map "[a]" -c:v libx264 -preset ultrafast -tune zerolatency -b:v 1500k -f null - \
  -map "[c]" -c:v libx264 -preset ultrafast -tune zerolatency -b:v 500k -f null -
read -r ff_wall ff_user ff_sys < "$work/ffmpeg.time"
echo "ffmpeg wall=${ff_wall}s cpu_user=${ff_user}s cpu_sys=${ff_sys}s"

ff_cpu="$(awk -v u="$ff_user" -v s="$ff_sys" 'BEGIN { print u + s }')"
if [ "$mode" = worker ]; then
  chart="$root/tests/bench/video/worker-results.png"
  [ "$n" = 100 ] && [ "${BENCH_SENDRECV:-0}" != 1 ] && [ "${BENCH_RECORD:-off}" = off ] || chart="${TMPDIR:-/tmp}/sparkle-video-worker-bench-$n.png"
  echo "== Sparkle media worker: $n legs over UDP, $seconds s =="
  # -c Release: a #:property in the file does not optimize the projects it references.
  dotnet run -c Release --file "$root/tests/bench/video/worker-bench.cs" -- load "$work/in.h264" "$work/flash.h264" \
    "$n" "$seconds" "$ff_cpu" "$(awk -v f="$frames" 'BEGIN { print f / 15 }')" "$chart"
  exit 0
fi

# Only the reference configuration (100 participants) updates the chart kept in the repo.
chart="$root/tests/bench/video/results.png"
[ "$n" = 100 ] || chart="${TMPDIR:-/tmp}/sparkle-video-bench-$n.png"

echo "== Sparkle.Video (one thread) =="
dotnet run --file "$root/tests/bench/video/bench.cs" -- "$work/in.h264" "$n" "$frames" \
  "$(awk -v u="$ff_user" -v s="$ff_sys" 'BEGIN { print u + s }')" "$chart"
