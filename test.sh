#!/usr/bin/env bash
# Installs what the tests need, starts PostgreSQL and the platform, and runs every test:
# the xunit suites (unit, grains on a TestCluster and on real PostgreSQL, GraphQL over HTTP),
# then the interop suites against the running platform (sipp scenarios, baresip, ...).
# Exit status is non-zero on any failure. The last line reads "N passed, N failed".
#   ./test.sh                  every suite
#   ./test.sh baresip Sip      only the suites whose name contains one of the words (while developing)
set -uo pipefail
ONLY=("$@")
selected() { # suite name
  [ ${#ONLY[@]} -eq 0 ] && return 0
  local w; for w in "${ONLY[@]}"; do [[ "$1" == *"$w"* ]] && return 0; done
  return 1
}
source "$(dirname "$0")/infra/scripts/common.sh"
cd "$SPARKLE_ROOT"

# chromium (and a CJK font for the console in Chinese) for the browser tests of the web console; tcpdump to show
# that a browser's media on the wire is not plain RTP.
TEST_PACKAGES=(sip-tester baresip linphone-cli ffmpeg sox espeak-ng procps python3 pocketsphinx-testdata chromium fonts-noto-cjk tcpdump)
ensure_packages "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_dotnet
[ "${SPARKLE_SKIP_BUILD:-0}" = 1 ] || build_all

STATE="$SPARKLE_ROOT/.sparkle-test"
# One test run at a time on a machine, from any checkout (the suites use fixed ports): the lock is machine-wide.
exec 9>"${TMPDIR:-/tmp}/sparkle-test.lock"
if ! flock -n 9; then
  log "another ./test.sh is running here; waiting for it to finish"
  flock 9
fi
PG_PORT=5434
AZURITE_PORT=10100
HTTP_PORT=18080
SIP_PORT=15060
SIP_TLS_PORT=15061
SILO_PORT=21111
SILO_GATEWAY_PORT=31000
RTP_MIN=42000
RTP_MAX=43999
CLUSTER_ID=sparkle-test
DOTNET_ENVIRONMENT=Development

"$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$STATE/pg" >/dev/null 2>&1 || true
"$SPARKLE_ROOT/infra/scripts/azurite.sh" stop "$STATE/blobs" >/dev/null 2>&1 || true
rm -rf "$STATE"; mkdir -p "$STATE/results"
cleanup() {
  stop_platform
  "$SPARKLE_ROOT/infra/scripts/azurite.sh" stop "$STATE/blobs" >/dev/null 2>&1 || true
  "$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$STATE/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$SPARKLE_ROOT/infra/scripts/postgres.sh" start "$STATE/pg" "$PG_PORT" || die "PostgreSQL did not start"
export SPARKLE_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=sparkle;Database=sparkle"
"$SPARKLE_ROOT/infra/scripts/azurite.sh" start "$STATE/blobs" "$AZURITE_PORT" || die "Azurite did not start"
export SPARKLE_TEST_AZURITE="$(azurite_connection "$AZURITE_PORT")"

PASSED=0; FAILED=0; FAILED_SUITES=()
count_suite() { # name passed failed
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3))
  [ "$3" -gt 0 ] && FAILED_SUITES+=("$1")
  return 0
}

# 1. xunit suites, one project at a time (2 cores), with the results counted from the runner's summary.
for proj in tests/Sparkle.*.Tests/*.csproj; do
  name=$(basename "$proj" .csproj)
  selected "$name" || continue
  log "dotnet test $name"
  out="$STATE/results/$name.txt"
  # Category=Scale tests (a 10,000-meeting tenant) are too slow for CI's machine; they run by hand.
  dotnet test "$proj" -c Release --no-build -nologo --filter "Category!=Scale" --logger "console;verbosity=normal" >"$out" 2>&1
  rc=$?
  # The runner's closing summary: "Total tests: N" then "     Passed: N" / "     Failed: N" lines.
  p=$(sed -nE 's/^ +Passed: *([0-9]+)$/\1/p' "$out" | tail -1); f=$(sed -nE 's/^ +Failed: *([0-9]+)$/\1/p' "$out" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # a crash or build error counts as a failure
  if [ $((p + f)) -eq 0 ]; then f=1; fi                # a suite that ran nothing is a failure too
  # Each failed test with the first lines of its error message, so that CI's log says why.
  awk '/^ +Failed [A-Za-z]/ {n = 12} /^ +(Passed|Skipped) [A-Za-z]/ {n = 0} n > 0 {print; n--}' "$out" | head -120 >&2
  [ $rc -ne 0 ] && tail -20 "$out" >&2
  echo "  $name: $p passed, $f failed" >&2
  count_suite "$name" "$p" "$f"
done

# 2. Interop suites against the real platform: each tests/interop/*/run.sh prints "N passed, N failed".
log "starting the platform for interop tests"
if start_platform; then
  export SPARKLE_STATE="$STATE" SPARKLE_SIP_HOST=127.0.0.1 SPARKLE_SIP_PORT="$SIP_PORT" SPARKLE_SIP_TLS_PORT="$SIP_TLS_PORT" \
    SPARKLE_GRAPHQL="http://127.0.0.1:$HTTP_PORT/graphql" SPARKLE_DEMO="$STATE/demo.json" SPARKLE_AZURITE_PORT="$AZURITE_PORT"
  for suite in tests/interop/*/run.sh; do
    [ -f "$suite" ] || continue
    name="interop/$(basename "$(dirname "$suite")")"
    selected "$name" || continue
    log "$name"
    out="$STATE/results/$(basename "$(dirname "$suite")").txt"
    bash "$suite" >"$out" 2>&1
    rc=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
    p=$(sed -nE 's/^([0-9]+) passed.*/\1/p' <<<"$line"); f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
    p=${p:-0}; f=${f:-0}
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    grep -E '^(FAIL|not ok)' "$out" >&2
    [ "$f" -gt 0 ] && tail -30 "$out" >&2
    echo "  $name: $p passed, $f failed" >&2
    count_suite "$name" "$p" "$f"
  done
else
  count_suite "platform start" 0 1
  for f in "$STATE"/logs/*.log; do echo "--- $f" >&2; tail -15 "$f" >&2; done
fi

[ ${#FAILED_SUITES[@]} -gt 0 ] && log "failing suites: ${FAILED_SUITES[*]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
