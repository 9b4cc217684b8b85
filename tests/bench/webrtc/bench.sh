#!/usr/bin/env bash
# WebRTC figures in real Chromium against the platform test.sh starts (its own PostgreSQL, Azurite and processes):
# joinMeetingWebRtc to the first audio the browser hears (BENCH_JOINS, default 10), and the media worker's and
# Chromium's CPU with 1, 3 and 6 browsers in one meeting (BENCH_BROWSERS, BENCH_VIDEO=0 for audio only,
# BENCH_SECONDS per step). The DTLS handshake figure comes from the unit test
# DtlsSrtpServerTests (it prints it). Writes tests/bench/out/webrtc-bench.txt.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
OUT="$ROOT/tests/bench/out"
mkdir -p "$OUT"
cd "$ROOT"
export BENCH_JOINS BENCH_BROWSERS BENCH_VIDEO BENCH_SECONDS
SPARKLE_WEBRTC_FILTER="Category=Bench" SPARKLE_SKIP_BUILD="${SPARKLE_SKIP_BUILD:-1}" ./test.sh webrtc >"$OUT/webrtc-bench.log" 2>&1
grep -hE "first audio heard|browsers \(" .sparkle-test/results/webrtc/xunit.txt | grep -v "xUnit.net" | sed 's/^ *//' | sort -u | tee "$OUT/webrtc-bench.txt"
