#!/usr/bin/env bash
# Tenant API benchmark (issue 6): mute mutation round trip p50/p99 with 100 meetings live at once (one in
# flight, then one client per meeting), and directory sync throughput in contacts/s (10,000 contacts:
# create, unchanged, replace). Starts its own PostgreSQL on a private port and folder, stops it at the end.
# Writes tests/bench/out/graphql.csv.
# Usage: tests/bench/graphql/bench.sh [meetings=100] [mutesPerMeeting=50]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
meetings="${1:-100}"
mutes="${2:-50}"
out="$root/tests/bench/out"
pg_port="${BENCH_PG_PORT:-55432}"
pg_dir="$out/pg-graphql"
mkdir -p "$out"

dotnet build -c Release "$root/tests/bench/graphql/Sparkle.GraphQL.Bench/Sparkle.GraphQL.Bench.csproj" -nologo -v:q -clp:ErrorsOnly \
  >"$out/graphql-build.log" 2>&1 || { cat "$out/graphql-build.log" >&2; exit 1; }
"$root/infra/scripts/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true
rm -rf "$pg_dir"
trap '"$root/infra/scripts/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
"$root/infra/scripts/postgres.sh" start "$pg_dir" "$pg_port" >/dev/null
export SPARKLE_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=sparkle;Database=sparkle"
# The figures go to stdout; the hosts' own logging (Orleans warnings and the like) to tests/bench/out/graphql.log.
dotnet "$root/tests/bench/graphql/Sparkle.GraphQL.Bench/bin/Release/net10.0/Sparkle.GraphQL.Bench.dll" \
  "$meetings" "$mutes" "$out/graphql.csv" >"$out/graphql.log" 2>&1 || { tail -30 "$out/graphql.log" >&2; exit 1; }
grep -E '^(mute|directory)' "$out/graphql.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
