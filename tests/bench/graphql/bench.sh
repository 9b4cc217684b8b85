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

dotnet build -c Release "$root/tests/bench/graphql/Sparkle.GraphQL.Bench/Sparkle.GraphQL.Bench.csproj" -nologo -v:q -clp:ErrorsOnly >&2
"$root/infra/scripts/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true
rm -rf "$pg_dir"
trap '"$root/infra/scripts/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
"$root/infra/scripts/postgres.sh" start "$pg_dir" "$pg_port" >/dev/null
export SPARKLE_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=sparkle;Database=sparkle"
# Orleans and ASP.NET warnings (ServerGC notes and the like) go to stderr; the figures to stdout.
dotnet "$root/tests/bench/graphql/Sparkle.GraphQL.Bench/bin/Release/net10.0/Sparkle.GraphQL.Bench.dll" \
  "$meetings" "$mutes" "$out/graphql.csv" 2> >(grep -v -E 'ServerGC|^warn: Orleans.Runtime.Silo' >&2)
