#!/usr/bin/env bash
# Every process's Prometheus endpoint during a real meeting: three baresip clients call into one conference
# with tones, and while they talk each process is scraped as Prometheus would scrape it. The media worker's
# leg gauge must equal the callers, its mixer tick histogram must grow at the clock's pace with plausible
# times, and each leg's loss and jitter must be sampled; the gateway counts the calls and joins; the silo and
# the GraphQL host show grain call latency, and the GraphQL host its request latency on /graphql.
# Ports: metrics_port in infra/scripts/common.sh (from the GraphQL port that test.sh exports).
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
source "$INTEROP_DIR/../../infra/scripts/common.sh"
command -v baresip >/dev/null || { echo "FAIL: baresip is not installed"; exit 1; }

GRAPHQL="${SPARKLE_GRAPHQL:-http://127.0.0.1:8080/graphql}"
HTTP_PORT=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlparse(sys.argv[1]).port)' "$GRAPHQL")
WORK=$(mktemp -d /tmp/sparkle-metrics.XXXXXX)
CLIENTS=()
cleanup() {
  for pid in "${CLIENTS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
DOMAIN=$(demo_field 0 - sipDomain)
TONES=(440 700 1100)
USERS=(1001 1002 1003)
SECONDS_IN_CALL=60

scrape() { # URL -> the exposition text (empty on failure)
  curl -fsS --max-time 5 "$1" 2>/dev/null
}
# sample TEXT METRIC [LABEL_FILTER] -> the sum of the samples of that series (lines "name{...} value"), or nothing
sample() {
  python3 - "$1" "$2" "${3:-}" <<'PY'
import re, sys
text, name, label = sys.argv[1], sys.argv[2], sys.argv[3]
values = [float(m.group(2)) for m in re.finditer(r'^' + re.escape(name) + r'(\{[^}]*\})? ([^ \n]+)', text, re.M)
          if not label or label in (m.group(1) or "")]
print(sum(values) if values else "")
PY
}
has_series() { grep -q "^$2" <<<"$1"; }

WORKER_URL="http://127.0.0.1:$(metrics_port worker-1)/metrics"
GATEWAY_URL="http://127.0.0.1:$(metrics_port gateway)/metrics"
SILO_URL="http://127.0.0.1:$(metrics_port silo-1)/metrics"
TRANSCRIBER_URL="http://127.0.0.1:$(metrics_port transcriber)/metrics"
GRAPHQL_URL="http://127.0.0.1:$HTTP_PORT/metrics"
echo "  scraping worker $WORKER_URL, gateway $GATEWAY_URL, silo $SILO_URL, transcriber $TRANSCRIBER_URL, GraphQL $GRAPHQL_URL"

gateway_before=$(scrape "$GATEWAY_URL")
check "the gateway's endpoint answers before the meeting" test -n "$gateway_before"
calls_before=$(sample "$gateway_before" sparkle_gateway_calls_total); calls_before=${calls_before:-0}
joins_before=$(sample "$gateway_before" sparkle_gateway_joins_total); joins_before=${joins_before:-0}

# The meeting: the first client creates an ad-hoc conference through the factory, two more join it.
for i in 0 1 2; do
  sox -n -r 48000 -c 2 -b 16 "$WORK/tone${TONES[$i]}.wav" synth 60 sine "${TONES[$i]}" vol 0.4
  baresip_config "$WORK/c$i" "${USERS[$i]}" udp "$SPARKLE_SIP_PORT" "aufile,$WORK/tone${TONES[$i]}.wav" "module aufile.so"
done
baresip -f "$WORK/c0" -s -e "/dial sip:factory@$DOMAIN" -t $((SECONDS_IN_CALL + 4)) >"$WORK/c0.log" 2>&1 &
CLIENTS+=($!)
conf=""
for _ in $(seq 1 50); do
  conf=$(grep -aoE 'Contact: *<sips?:[^>]+>[^[:cntrl:]]*;isfocus' "$WORK/c0.log" | head -1 | sed -E 's/Contact: *<sips?://; s/@.*//')
  [ -n "$conf" ] && break
  sleep 0.2
done
check "factory conference created ($conf)" test -n "$conf"
[ -n "$conf" ] || { summary; exit 1; }
for i in 1 2; do
  baresip -f "$WORK/c$i" -e "/dial sip:$conf@$DOMAIN" -t "$SECONDS_IN_CALL" >"$WORK/c$i.log" 2>&1 &
  CLIENTS+=($!)
done

# Legs: the gauge reads the engine's count at each scrape; it reaches 3 once all three are placed.
legs=""
for _ in $(seq 1 60); do
  legs=$(sample "$(scrape "$WORKER_URL")" sparkle_media_legs)
  [ "${legs%.*}" = 3 ] && break
  sleep 0.5
done
check "the worker's leg gauge equals the 3 callers (read $legs)" test "${legs%.*}" = 3
meetings=$(sample "$(scrape "$WORKER_URL")" sparkle_media_meetings)
check "the worker's meeting gauge reads 1 (read $meetings)" test "${meetings%.*}" = 1

# Ticks: the mixer clock ticks every 20 ms, so the histogram's count grows by about 50 a second. Each scrape
# is bracketed by clock readings, so that a slow scrape (a loaded machine) cannot skew the bounds.
before1=$(date +%s.%N); worker1=$(scrape "$WORKER_URL"); after1=$(date +%s.%N)
sleep 4
before2=$(date +%s.%N); worker=$(scrape "$WORKER_URL"); after2=$(date +%s.%N)
count1=$(sample "$worker1" sparkle_media_mixer_tick_duration_seconds_count)
count2=$(sample "$worker" sparkle_media_mixer_tick_duration_seconds_count)
sum2=$(sample "$worker" sparkle_media_mixer_tick_duration_seconds_sum)
echo "  tick count $count1 -> $count2 between scrapes $(python3 -c "print(round($before2 - $after1, 2), '..', round($after2 - $before1, 2))") s apart; total tick time $sum2 s"
# At most one tick per 20 ms of the longest interval (and 10 of catching up after a stall: the clock skips
# a stall over 200 ms rather than burst); at least one per 100 ms of the shortest, so the clock runs even
# on a loaded machine.
check "the tick histogram grows with the 20 ms clock" \
  python3 -c "import sys; n=$count2-$count1; lo=($before2-$after1)/0.1; hi=($after2-$before1)/0.02+10; print(f'  {n:.0f} ticks, bounds {lo:.0f}..{hi:.0f}'); sys.exit(0 if lo <= n <= hi else 1)"
check "a tick's mean time is plausible (above 0, under the 20 ms period)" \
  python3 -c "import sys; mean=$sum2/$count2; print(f'  mean tick {mean*1e6:.0f} us'); sys.exit(0 if 0 < mean < 0.02 else 1)"
check "the tick histogram has buckets" has_series "$worker" 'sparkle_media_mixer_tick_duration_seconds_bucket{'

# Loss and jitter: sampled per leg every 5 s once RTP flows; wait for the first samples.
loss_count=""
for _ in $(seq 1 40); do
  worker=$(scrape "$WORKER_URL")
  loss_count=$(sample "$worker" sparkle_media_leg_loss_count)
  [ -n "$loss_count" ] && [ "${loss_count%.*}" -ge 3 ] && break
  sleep 0.5
done
jitter_count=$(sample "$worker" sparkle_media_leg_jitter_seconds_count)
loss_sum=$(sample "$worker" sparkle_media_leg_loss_sum)
echo "  loss samples $loss_count (sum $loss_sum), jitter samples $jitter_count"
check "every leg's loss is sampled (at least 3 samples)" test "${loss_count%.*}" -ge 3
check "as many jitter samples as loss samples" test "$jitter_count" = "$loss_count"
check "loopback loses next to nothing (mean loss under 5%)" python3 -c "import sys; sys.exit(0 if ${loss_sum:-1} / ${loss_count:-1} < 0.05 else 1)"

# The gateway counted the three INVITEs and the three joins.
gateway=$(scrape "$GATEWAY_URL")
calls=$(sample "$gateway" sparkle_gateway_calls_total); joins=$(sample "$gateway" sparkle_gateway_joins_total)
echo "  gateway calls $calls_before -> $calls, joins $joins_before -> $joins"
check "the gateway counted 3 more calls" python3 -c "import sys; sys.exit(0 if ${calls:-0} - $calls_before >= 3 else 1)"
check "the gateway counted 3 more joins" python3 -c "import sys; sys.exit(0 if ${joins:-0} - $joins_before == 3 else 1)"
check "the gateway shows grain call latency" has_series "$gateway" 'orleans_app_requests_latency'

# The silo: grain calls (to the worker and between grains) and the runtime.
silo=$(scrape "$SILO_URL")
check "the silo's endpoint answers" test -n "$silo"
check "the silo shows grain call latency" has_series "$silo" 'orleans_app_requests_latency'
check "the silo shows its activations" has_series "$silo" 'orleans_catalog_activations'

# The GraphQL host: a request, then its latency on the /graphql route.
token=$(demo_field 0 1001 token)
curl -fsS --max-time 10 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"query":"{ me { role } }"}' "$GRAPHQL" >/dev/null
check "a GraphQL request answers" test $? -eq 0
graphql=$(scrape "$GRAPHQL_URL")
check "the GraphQL host shows request latency on /graphql" has_series "$graphql" 'http_server_request_duration_seconds_count{.*http_route="/graphql"'
check "the GraphQL host shows grain call latency" has_series "$graphql" 'orleans_app_requests_latency'

# The transcriber runs only where recordings have blob storage (test.sh starts Azurite).
if [ -n "${SPARKLE_AZURITE_PORT:-}" ]; then
  transcriber=$(scrape "$TRANSCRIBER_URL")
  check "the transcriber's endpoint answers with the runtime's and Orleans' series" \
    bash -c 'grep -q "^dotnet_" <<<"$1" && grep -q "^orleans_" <<<"$1"' _ "$transcriber"
fi

summary
