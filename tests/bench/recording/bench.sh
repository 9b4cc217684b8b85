#!/usr/bin/env bash
# Recording encryption benchmark (issue 9): seal and open a 256 MB stream in the chunked AES-256-GCM format,
# one thread, MB/s wall and per core (CPU time); raw AesGcm on the same chunks as the ceiling.
# Writes tests/bench/out/recording.csv.
# Usage: tests/bench/recording/bench.sh [megabytes=256] [runs=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="$root/tests/bench/out"
mkdir -p "$out"
cd "$root/tests/bench/recording"
dotnet run -c Release --file bench.cs -- "${1:-256}" "${2:-3}" "$out/recording.csv"
