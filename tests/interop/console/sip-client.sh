#!/usr/bin/env bash
# One registered baresip that answers calls by itself, for the console's browser tests: it sends a sine of
# TONE Hz and records what it hears under DIR/rec. The tests start it, read its log, and end it by its id.
# With CTRL_PORT it also sends video (fakevideo's colour bars, VP8) and takes snapshots of the composite it
# receives when asked on that ctrl_tcp port (as tests/interop/video does).
# Usage: sip-client.sh DIR USER TONE [CTRL_PORT]   (environment as for every interop suite: SPARKLE_DEMO, SPARKLE_SIP_*)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dir="$1" user="$2" tone="$3" ctrl="${4:-}"
mkdir -p "$dir/rec"
video=()
[ -n "$ctrl" ] && video=("module ctrl_tcp.so" "ctrl_tcp_listen 127.0.0.1:$ctrl" "module vp8.so" "module fakevideo.so" "module snapshot.so"
  "video_source fakevideo,nil" "video_display fakevideo,nil" "video_size 320x240" "video_bitrate 500000" "video_fps 15")
# Swelling and fading every 2 s, like speech with pauses: the mixer's speaker detector lets its noise floor creep up
# under a steady sound (to -20 dBov, voiced 9 dB above it), so a steady tone at this level stops counting as speech
# after about 8 s; the quiet moments bring the floor back down.
sox -n -r 48000 -c 2 -b 16 "$dir/tone.wav" synth 600 sine "$tone" vol 0.4 tremolo 0.5 100
baresip_config "$dir" "$user" udp "$SPARKLE_SIP_PORT" "aufile,$dir/tone.wav" "module aufile.so" "module sndfile.so" "snd_path $dir/rec" "${video[@]}"
# Registered (so that the meeting's dial-out finds it) and answering at once.
sed -i 's/;regint=0/;regint=600;answermode=auto/' "$dir/accounts"
cd "$dir"   # snapshots land in the working folder
exec baresip -f "$dir"
