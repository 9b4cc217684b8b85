#!/usr/bin/env bash
# SIP benchmark (issue 3). Starts its own platform (PostgreSQL, silo, media worker, gateway, GraphQL host) on
# private ports and folder, like ./test.sh does, and stops it at the end. Then:
#   (a) call setup rate with sipp, INVITE / 200 / ACK / BYE, each run with the same concurrency and number of calls:
#       - ceiling: sipp against sipp's own UAS (`sipp -sn uas`), the fastest peer sipp can drive here;
#       - factory: INVITE sip:factory@demo.sparkle.test with digest auth (401, then credentials): every call creates
#         an ad-hoc meeting and a media leg, and its BYE ends the meeting;
#       - join:    guests joining one existing conference (held open by the chair's factory call) by its number.
#       Each prints calls/s, the ratio to the ceiling and the setup time (first INVITE to 200) p50/p99.
#   (b) one-click start: the demo tenant's SIP trunk points at a sipp UAS on loopback (TCP); a meeting plan of N typed
#       numbers (none a tenant user, so each is dialled through the trunk) is started with startMeeting(planId:),
#       and meeting(id:) is polled until all N are connected.
# Writes tests/bench/out/sip.csv, tests/bench/out/sip-oneclick.csv and tests/bench/sip/results.png.
# Usage: tests/bench/sip/bench.sh [calls=1000] [concurrency=20] [participants=100]
#   BENCH_SKIP_BUILD=1 skips the Release build of the solution; BENCH_ONLY=oneclick runs (b) alone;
#   BENCH_TRACE=1 keeps the trunk's SIP messages (tests/bench/out/sip-state/sipp/trunk-messages.log).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../../infra/scripts/common.sh"
cd "$SPARKLE_ROOT"
CALLS="${1:-1000}"
CONCURRENCY="${2:-20}"
PARTICIPANTS="${3:-100}"
OUT="$SPARKLE_ROOT/tests/bench/out"
mkdir -p "$OUT"

# The platform on ports of its own (neither ./run.sh's nor ./test.sh's).
STATE="$OUT/sip-state"
PG_PORT=55433
HTTP_PORT=18280
SIP_PORT=15260
SIP_TLS_PORT=15261
SILO_PORT=21311
SILO_GATEWAY_PORT=31200
RTP_MIN=46000
RTP_MAX=47999
CLUSTER_ID=sparkle-bench
UAS_PORT=17000      # the ceiling's UAS
TRUNK_PORT=17010    # the trunk's UAS
DOMAIN=demo.sparkle.test
GRAPHQL="http://127.0.0.1:$HTTP_PORT/graphql"

command -v sipp >/dev/null || ensure_packages sip-tester
ensure_packages "${RUNTIME_PACKAGES[@]}" jq
ensure_dotnet
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || build_all

SIPP_PIDS=()
cleanup() {
  local pid
  for pid in "${SIPP_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_platform
  "$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$STATE/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$STATE/pg" >/dev/null 2>&1 || true
rm -rf "$STATE"; mkdir -p "$STATE/sipp"
for port in "$HTTP_PORT" "$SILO_GATEWAY_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "127.0.0.1:$port is in use"; fi
done
"$SPARKLE_ROOT/infra/scripts/postgres.sh" start "$STATE/pg" "$PG_PORT" >/dev/null || die "PostgreSQL did not start"
start_platform || die "the platform did not start; logs in $STATE/logs/"
for _ in $(seq 1 150); do [ -s "$STATE/demo.json" ] && break; sleep 0.2; done
DEMO="$STATE/demo.json"
user_field() { jq -r --arg d "$DOMAIN" --arg n "$1" '.tenants[] | select(.sipDomain == $d) | .users[] | select(.number == $n) | .'"$2" "$DEMO"; }
OWNER_TOKEN="$(user_field 1001 token)"
CHAIR=1003
CHAIR_PASSWORD="$(user_field "$CHAIR" password)"
[ -n "$OWNER_TOKEN" ] && [ -n "$CHAIR_PASSWORD" ] || die "no demo users in $DEMO"

BENCH=(dotnet run -c Release --file "$HERE/bench.cs" --)
# The trunk first: the gateway caches a tenant's policies for 30 s, and phase (a) takes longer than that.
# Over TCP: the focus's INVITE carries the media worker's full offer (audio and video), which RFC 3261 §18.1.1
# sends over a congestion-controlled transport once it passes 1300 bytes.
"${BENCH[@]}" trunk "$GRAPHQL" "$OWNER_TOKEN" "sip:127.0.0.1:$TRUNK_PORT;transport=tcp" trunk.bench.test

SUMMARY="$OUT/sip.csv"
echo "label,calls,concurrency,calls_per_s,failed,setup_p50_ms,setup_p99_ms,setup_mean_ms,load_avg,cpu_ms_per_call" >"$SUMMARY"

# CPU time (user + system, in clock ticks) of the platform's processes and of PostgreSQL (postmaster and
# backends), or of the given pids: per call it does not depend on what else the machine is running.
PG_MASTER="$(head -1 "$STATE/pg/postmaster.pid" 2>/dev/null || true)"
[ -f "$STATE/pg/LOCATION" ] && PG_MASTER="$(head -1 "$(cat "$STATE/pg/LOCATION")/postmaster.pid")"
TICKS="$(getconf CLK_TCK)"
cpu_ticks() { # [pid...]: the sum over the pids, or over the platform and PostgreSQL
  local pids=("$@")
  [ ${#pids[@]} -eq 0 ] && pids=("${PIDS[@]}" "$PG_MASTER" $(ps -o pid= --ppid "$PG_MASTER" 2>/dev/null))
  local total=0 pid
  for pid in "${pids[@]}"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  echo "$total"
}
# Per process: silo, media worker, gateway, GraphQL host (start_platform's order), PostgreSQL.
cpu_split() {
  local pid out=()
  for pid in "${PIDS[@]}"; do out+=("$(cpu_ticks "$pid")"); done
  out+=("$(cpu_ticks "$PG_MASTER" $(ps -o pid= --ppid "$PG_MASTER" 2>/dev/null))")
  echo "${out[*]}"
}
split_per_call() { # BEFORE AFTER CALLS: "silo X, worker X, gateway X, graphql X, postgres X" in ms per call
  awk -v a="$1" -v b="$2" -v n="$3" -v t="$TICKS" 'BEGIN { split(a, x, " "); split(b, y, " ");
    split("silo worker gateway graphql postgres", name, " ");
    for (i = 1; i <= 5; i++) printf "%s%s %.1f", (i > 1 ? ", " : ""), name[i], (y[i] - x[i]) * 1000 / t / n; print "" }'
}

# run_sipp LABEL TARGET [sipp options...]: CALLS calls, CONCURRENCY at once, as fast as the peer answers.
run_sipp() {
  local label=$1 target=$2; shift 2
  local dir="$STATE/sipp/$label"; mkdir -p "$dir"
  local rc=0 cpu_before split_before; cpu_before=$(cpu_ticks ${CPU_PIDS:-}); split_before=$(cpu_split)
  (cd "$dir" && sipp "$target" -t u1 -i 127.0.0.1 -mi 127.0.0.1 -key domain "$DOMAIN" \
    -r 10000 -l "$CONCURRENCY" -m "$CALLS" -d 0 -nostdin -timeout 300 -timeout_error \
    -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_err -error_file errors.log "$@" >sipp.out 2>&1) || rc=$?
  local cpu_after split_after; cpu_after=$(cpu_ticks ${CPU_PIDS:-}); split_after=$(cpu_split)
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  # The last statistics line: cumulative elapsed time, successful and failed calls (columns by header name).
  local stats
  stats=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { line = $0 } END { n = split(line, f, ";");
      split(f[col["ElapsedTime(C)"]], t, ":"); elapsed = t[1] * 3600 + t[2] * 60 + t[3] + (t[4] / 1000000);
      print f[col["SuccessfulCall(C)"]], f[col["FailedCall(C)"]], elapsed }' "$dir/stat.csv")
  local ok failed elapsed; read -r ok failed elapsed <<<"$stats"
  # Per-call setup times from the rtt trace; the elapsed time of sipp's statistics is whole seconds only, so the
  # rate comes from the first and last response times of the trace (ms since sipp started).
  local rtt; rtt=$(ls "$dir"/*_rtt.csv | head -1)
  local figures
  figures=$(awk -F';' 'NR > 1 { n++; v[n] = $2; sum += $2; at = $1 + 0; if (first == "" || at < first) first = at; if (at > last) last = at }
    END { if (n == 0) { print "0 0 0 0"; exit } ; print n, first, last, sum / n }' "$rtt")
  local n first last mean; read -r n first last mean <<<"$figures"
  local p50 p99
  p50=$(awk -F';' 'NR > 1 { print $2 }' "$rtt" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.50 + 0.999999); if (i < 1) i = 1; print v[i] + 0 }')
  p99=$(awk -F';' 'NR > 1 { print $2 }' "$rtt" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.999999); if (i < 1) i = 1; print v[i] + 0 }')
  local rate
  rate=$(awk -v n="$n" -v a="$first" -v b="$last" -v e="$elapsed" 'BEGIN { span = (b - a) / 1000; if (span <= 0) span = e; printf "%.1f", (n > 1 ? (n - 1) / span : 0) }')
  local cpu; cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" -v t="$TICKS" -v n="$ok" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) * 1000 / t / n : 0) }')
  echo "$label,$ok,$CONCURRENCY,$rate,$failed,$p50,$p99,$(printf '%.1f' "$mean"),$load,$cpu" >>"$SUMMARY"
  printf '%-8s %5s calls (%s failed), %s at once: %7s calls/s, setup p50 %s ms, p99 %s ms, CPU %s ms/call (sipp exit %s, load %s)\n' \
    "$label" "$ok" "$failed" "$CONCURRENCY" "$rate" "$p50" "$p99" "$cpu" "$rc" "$load"
  [ -n "${CPU_PIDS:-}" ] || echo "         CPU ms per call by process: $(split_per_call "$split_before" "$split_after" "$ok")"
}

if [ "${BENCH_ONLY:-}" != oneclick ]; then
echo "== (a) call setup: $CALLS calls, $CONCURRENCY at once =="
# Ceiling: sipp's own UAS answers at once (180, 200 with SDP, ACK, BYE).
sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -mi 127.0.0.1 -mp 17100 -nostdin -timeout 600 >"$STATE/sipp/uas.out" 2>&1 &
SIPP_PIDS+=($!)
sleep 0.5
CPU_PIDS="${SIPP_PIDS[-1]}" run_sipp ceiling "127.0.0.1:$UAS_PORT" -sf "$HERE/call.xml" -s bench -mp 16100
kill "${SIPP_PIDS[-1]}" 2>/dev/null || true

run_sipp factory "127.0.0.1:$SIP_PORT" -sf "$HERE/factory.xml" -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD" -mp 16200

# Joins: the chair holds one factory call open; guests join that conference by its number.
mkdir -p "$STATE/sipp/host"
sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/factory.xml" -t u1 -i 127.0.0.1 -mi 127.0.0.1 -mp 16300 \
  -key domain "$DOMAIN" -key user "$CHAIR" -au "$CHAIR" -ap "$CHAIR_PASSWORD" -m 1 -d 600000 -nostdin -timeout 700 \
  -trace_logs -log_file "$STATE/sipp/host/host.log" >"$STATE/sipp/host/sipp.out" 2>&1 &
SIPP_PIDS+=($!)
CONFERENCE=""
for _ in $(seq 1 100); do
  CONFERENCE="$(sed -n 's/.*CONFERENCE \([^ ]*\).*/\1/p' "$STATE/sipp/host/host.log" 2>/dev/null | head -1 || true)"
  [ -n "$CONFERENCE" ] && break
  sleep 0.2
done
[ -n "$CONFERENCE" ] || die "the chair's conference did not come up"
run_sipp join "127.0.0.1:$SIP_PORT" -sf "$HERE/call.xml" -s "$CONFERENCE" -mp 16400
# The chair's sipp goes; its conference stays up until the platform stops.
kill "${SIPP_PIDS[-1]}" 2>/dev/null || true
fi

echo "== (b) one-click start of $PARTICIPANTS participants through the trunk =="
WARMUP=10
sipp -sn uas -t t1 -i 127.0.0.1 -p "$TRUNK_PORT" -mi 127.0.0.1 -mp 17110 -m $((WARMUP + PARTICIPANTS)) -nostdin -timeout 300 \
  -trace_err -error_file "$STATE/sipp/trunk-errors.log" ${BENCH_TRACE:+-trace_msg -message_file "$STATE/sipp/trunk-messages.log"} >"$STATE/sipp/trunk.out" 2>&1 &
SIPP_PIDS+=($!)
sleep 0.5
# A first start of a small plan warms the plan and dial-out paths (JIT) in every process.
"${BENCH[@]}" oneclick "$GRAPHQL" "$OWNER_TOKEN" "$WARMUP" "$OUT/sip-oneclick-warmup.csv" >/dev/null || log "the warm-up start failed"
sleep 2
cpu_before=$(cpu_ticks); split_before=$(cpu_split)
"${BENCH[@]}" oneclick "$GRAPHQL" "$OWNER_TOKEN" "$PARTICIPANTS" "$OUT/sip-oneclick.csv" || log "not every participant connected"
cpu_after=$(cpu_ticks); split_after=$(cpu_split)
# (includes the plan's creation, the polling and the endMeeting hang-ups)
awk -v a="$cpu_before" -v b="$cpu_after" -v t="$TICKS" -v n="$PARTICIPANTS" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN { printf "one-click: platform + PostgreSQL CPU %.0f ms in all, %.1f ms per participant (load %s)\n", (b - a) * 1000 / t, (b - a) * 1000 / t / n, l }' \
  | tee "$OUT/sip-oneclick-cpu.txt"
echo "           CPU ms per participant by process: $(split_per_call "$split_before" "$split_after" "$PARTICIPANTS")" | tee -a "$OUT/sip-oneclick-cpu.txt"

"${BENCH[@]}" plot "$SUMMARY" "$OUT/sip-oneclick.csv" "$HERE/results.png"
