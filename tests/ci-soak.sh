#!/usr/bin/env bash
# Runs the whole suite N times the way CI does (a fresh clone of HEAD each time, ./test.sh) and reports
# every failing test of every run, so that a flaky test shows up here before it throws away a submission.
#   tests/ci-soak.sh 5            five runs of HEAD
#   tests/ci-soak.sh 3 baresip    three runs of the suites matching "baresip" (./test.sh's filter)
# The logs stay under $SOAK_DIR (default /tmp/sparkle-ci-soak): run-K.log and run-K-failures.txt.
set -uo pipefail
RUNS="${1:-5}"; shift || true
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SOAK_DIR="${SOAK_DIR:-/tmp/sparkle-ci-soak}"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
mkdir -p "$SOAK_DIR"
summary=()
for run in $(seq 1 "$RUNS"); do
  clone="$SOAK_DIR/clone"
  rm -rf "$clone"
  git clone -q "$ROOT" "$clone" && git -C "$clone" checkout -q "$COMMIT"
  log="$SOAK_DIR/run-$run.log"
  start=$(date +%s)
  (cd "$clone" && ./test.sh "$@") >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  # Failing xunit tests ("  Failed Name [..]") and interop checks ("FAIL - ...") with the suite line before them.
  grep -E '^\s+Failed [A-Za-z]|^FAIL|: [0-9]+ passed, [1-9][0-9]* failed' "$log" >"$SOAK_DIR/run-$run-failures.txt"
  last=$(tail -1 "$log")
  summary+=("run $run: exit $rc, ${took}s, $last")
  echo "run $run of $RUNS ($COMMIT): exit $rc in ${took}s: $last"
  sed 's/^/    /' "$SOAK_DIR/run-$run-failures.txt"
done
rm -rf "$SOAK_DIR/clone"
echo "== $RUNS runs of $COMMIT"
printf '%s\n' "${summary[@]}"
! grep -q . "$SOAK_DIR"/run-*-failures.txt
