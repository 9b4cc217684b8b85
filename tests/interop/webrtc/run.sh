#!/usr/bin/env bash
# Browsers join meetings over WebRTC: the xunit project Sparkle.WebRtc.BrowserTests drives Debian's Chromium
# (headless; a fake camera, a 1000 Hz tone as its microphone) with PuppeteerSharp. Each page makes a complete offer,
# the test joins it through the API (joinMeetingWebRtc, as the console does) and hands the answer back; baresip
# clients dialled into the same meeting send their own tones. Checked: who hears whom (WebAudio in the page, the
# clients' recordings), the composite both ways, SRTP, a chair's mute, refused offers. Results and recordings go to
# $SPARKLE_STATE/results/webrtc (or .sparkle-test/results/webrtc). Built by the solution build; run with --no-build.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; echo "0 passed, 1 failed"; exit 1; }
CHROMIUM="${SPARKLE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "FAIL: $CHROMIUM is not installed"; echo "0 passed, 1 failed"; exit 1; }
ROOT="$(cd "$INTEROP_DIR/../.." && pwd)"
RESULTS="${SPARKLE_STATE:-$ROOT/.sparkle-test}/results/webrtc"
mkdir -p "$RESULTS"
export SPARKLE_CHROMIUM="$CHROMIUM" SPARKLE_CONSOLE_RESULTS="$RESULTS" SPARKLE_DEMO SPARKLE_SIP_HOST SPARKLE_SIP_PORT SPARKLE_SIP_TLS_PORT
export SPARKLE_SIP_CLIENT="$INTEROP_DIR/console/sip-client.sh" SPARKLE_TONE_LEVELS="$INTEROP_DIR/tools/tone_levels.py" SPARKLE_COMPOSITE_TILES="$INTEROP_DIR/tools/composite_tiles.py"

out="$RESULTS/xunit.txt"
dotnet test "$INTEROP_DIR/webrtc/Sparkle.WebRtc.BrowserTests/Sparkle.WebRtc.BrowserTests.csproj" -c Release --no-build -nologo \
  --filter "${SPARKLE_WEBRTC_FILTER:-Category!=Bench}" --logger "console;verbosity=detailed" >"$out" 2>&1
rc=$?
grep -E '^\s+(Passed|Failed) [A-Za-z]' "$out" | sed -E 's/^\s+Passed /ok - /; s/^\s+Failed /FAIL - /'
p=$(sed -nE 's/^ +Passed: *([0-9]+)$/\1/p' "$out" | tail -1); f=$(sed -nE 's/^ +Failed: *([0-9]+)$/\1/p' "$out" | tail -1)
p=${p:-0}; f=${f:-0}
if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; tail -30 "$out"; fi
[ "$f" -gt 0 ] && grep -A25 -E '^\s+Failed [A-Za-z]' "$out" | head -150
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
