#!/usr/bin/env bash
# Meeting state benchmark (issue 15): storage bytes per join after 10, 100 and 1,000 joins (see bench.cs).
# Starts a private PostgreSQL under tests/bench/out/state-pg and stops it at the end.
# Usage: tests/bench/state/bench.sh [joins=1000]; writes tests/bench/out/state.csv.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../../infra/scripts/common.sh"
cd "$SPARKLE_ROOT"
OUT="$SPARKLE_ROOT/tests/bench/out"
mkdir -p "$OUT"
PG_PORT=55437
"$SPARKLE_ROOT/infra/scripts/postgres.sh" start "$OUT/state-pg" "$PG_PORT" >/dev/null
trap '"$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$OUT/state-pg" >/dev/null 2>&1 || true' EXIT
BENCH_PG="Host=127.0.0.1;Port=$PG_PORT;Username=sparkle;Database=sparkle" \
  dotnet run -c Release --file "$HERE/bench.cs" -- "${1:-1000}" | tee "$OUT/state.csv"
