#!/usr/bin/env bash
# Media worker audio benchmark (issue 4): one meeting of N participants on loopback for S seconds,
# G.711 and then Opus, each run against ffmpeg's amix mixing N inputs of the same talk pattern.
# Writes tests/bench/out/media.csv and tests/bench/media/results.png.
# Usage: tests/bench/media/bench.sh [legs=100] [seconds=60] [talkers=3]
#   BENCH_SRTP=1                       every leg on SRTP (SDES)
#   BENCH_RECORD=whole|utterances|both record the meeting (files sealed to local disk, then deleted); with
#                                      utterances the other legs talk in quiet bursts too (BENCH_BURSTS=1)
#   BENCH_CODECS="pcmu opus"           which runs (default both)
# Only a plain run (no recording, no bursts) rewrites results.png.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
legs="${1:-100}"
seconds="${2:-60}"
talkers="${3:-3}"
out="$root/tests/bench/out"
mkdir -p "$out"
csv="$out/media.csv"
rm -f "$csv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v ffmpeg >/dev/null || { echo "ffmpeg is required (apt-get install ffmpeg)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (apt-get install time)" >&2; exit 1; }

# The talk pattern the load generator sends: a 200 ms tone burst once a second.
pattern="if(lt(mod(t\,1)\,0.2)\,0.25*sin(2*PI*400*t)\,0)"
ffmpeg -v error -y -f lavfi -i "aevalsrc=${pattern}:s=8000:d=${seconds}" -c:a pcm_mulaw "$work/talk-pcmu.wav"
ffmpeg -v error -y -f lavfi -i "aevalsrc=${pattern}:s=48000:d=${seconds}" -c:a libopus -b:a 32k -application voip "$work/talk-opus.ogg"

bench="$root/tests/bench/media/bench.cs"
dotnet build -c Release "$root/media-workers/Sparkle.MediaWorker/Sparkle.MediaWorker.csproj" -v q -nologo >/dev/null
for codec in ${BENCH_CODECS:-pcmu opus}; do
  if [ "$codec" = pcmu ]; then input="$work/talk-pcmu.wav"; encode=(-c:a pcm_mulaw -ar 8000); else input="$work/talk-opus.ogg"; encode=(-c:a libopus -b:a 32k); fi
  inputs=()
  for ((i = 0; i < legs; i++)); do inputs+=(-i "$input"); done
  echo "== ffmpeg reference ($codec): decode $legs inputs, amix, encode one output =="
  /usr/bin/time -o "$work/ffmpeg.time" -f "%e %U %S" \
    ffmpeg -v error -y "${inputs[@]}" -filter_complex "amix=inputs=$legs:normalize=0" "${encode[@]}" -f null -
  read -r ff_wall ff_user ff_sys < "$work/ffmpeg.time"
  ff_cpu="$(awk -v u="$ff_user" -v s="$ff_sys" 'BEGIN { print u + s }')"
  echo "ffmpeg wall=${ff_wall}s cpu=${ff_cpu}s"
  echo "== Sparkle media worker ($codec) =="
  # -c Release: a #:property in the file does not optimize the projects it references.
  dotnet run -c Release --file "$bench" -- load "$codec" "$legs" "$seconds" "$talkers" "$ff_cpu" "$csv"
done
chart="$root/tests/bench/media/results.png"
if [ "${BENCH_RECORD:-off}" != off ] || [ -n "${BENCH_BURSTS:-}" ]; then chart="${TMPDIR:-/tmp}/sparkle-media-bench-record.png"; fi
dotnet run -c Release --file "$bench" -- plot "$csv" "$chart"
