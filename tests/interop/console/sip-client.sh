#!/usr/bin/env bash
# One registered baresip that answers calls by itself, for the console's browser tests: it sends a sine of
# TONE Hz and records what it hears under DIR/rec. The tests start it, read its log, and end it by its id.
# Usage: sip-client.sh DIR USER TONE   (environment as for every interop suite: SPARKLE_DEMO, SPARKLE_SIP_*)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dir="$1" user="$2" tone="$3"
mkdir -p "$dir/rec"
sox -n -r 48000 -c 2 -b 16 "$dir/tone.wav" synth 600 sine "$tone" vol 0.4
baresip_config "$dir" "$user" udp "$SPARKLE_SIP_PORT" "aufile,$dir/tone.wav" "module aufile.so" "module sndfile.so" "snd_path $dir/rec"
# Registered (so that the meeting's dial-out finds it) and answering at once.
sed -i 's/;regint=0/;regint=600;answermode=auto/' "$dir/accounts"
exec baresip -f "$dir"
