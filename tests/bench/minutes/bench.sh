#!/usr/bin/env bash
# Automatic minutes' recogniser (issue 10): WER on pocketsphinx-testdata's LibriVox clips, direct and through
# G.711 / G.722 / Opus round trips, with and without each audio preparation step; recognition speed.
# Writes tests/bench/out/minutes.csv. Needs: apt-get install libpocketsphinx3 pocketsphinx-en-us pocketsphinx-testdata
# Usage: tests/bench/minutes/bench.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="$root/tests/bench/out"
mkdir -p "$out"
# -c Release: a #:property in the file does not optimize the projects it references.
dotnet run -c Release --file "$root/tests/bench/minutes/bench.cs" -- "$out/minutes.csv"
