#!/usr/bin/env bash
# The web console's figures against a running platform (./run.sh, or SPARKLE_DEMO/SPARKLE_GRAPHQL/SPARKLE_SIP_*
# pointing at one): the published app's compressed size, then in Chromium the first interactive page (cold
# cache), a SIP join (sipp) to it appearing in the open live view (p50/p99 over BENCH_JOINS, default 100),
# and a mute click to the row showing the muted leg. Writes tests/bench/out/console-bench.txt.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
OUT="$ROOT/tests/bench/out"
mkdir -p "$OUT"
: "${SPARKLE_DEMO:=$ROOT/.sparkle/demo.json}" "${SPARKLE_SIP_HOST:=127.0.0.1}" "${SPARKLE_SIP_PORT:=5060}"
rm -f "$OUT/console-bench.txt"

# 1. Size: what index.html makes the browser fetch, as the pre-compressed Brotli files the host serves. Only with
# BENCH_PUBLISH=1: publishing rewrites the console's build output, which a platform running from this tree serves
# (its app then fails to load until the GraphQL host is rebuilt and restarted). The Chromium run below measures
# the bytes actually transferred anyway.
if [ "${BENCH_PUBLISH:-0}" = 1 ]; then
PUB=$(mktemp -d /tmp/sparkle-console-publish.XXXXXX)
trap 'rm -rf "$PUB"' EXIT
dotnet publish "$ROOT/graphql/Sparkle.Console" -c Release -o "$PUB" -nologo -v:q >/dev/null || { echo "publish failed"; exit 1; }
python3 - "$PUB/wwwroot" <<'PY' | tee -a "$OUT/console-bench.txt"
import os, sys
root = sys.argv[1]
br = raw = 0
files = 0
for d, _, names in os.walk(root):
    for n in names:
        if n.endswith((".br", ".gz")) or n.endswith(".pdb"):
            continue
        p = os.path.join(d, n)
        raw += os.path.getsize(p); files += 1
        br += os.path.getsize(p + ".br") if os.path.exists(p + ".br") else os.path.getsize(p)
print(f"published app: {files} files, {raw/1024/1024:.2f} MiB raw, {br/1024/1024:.2f} MiB Brotli")
PY
fi

# 2. In Chromium.
export SPARKLE_DEMO SPARKLE_SIP_HOST SPARKLE_SIP_PORT SPARKLE_CONSOLE_BENCH_OUT="$OUT" SPARKLE_CONSOLE_RESULTS="$OUT/console"
export SPARKLE_CONSOLE_BENCH_SCENARIO="$HERE/join_hold.xml" SPARKLE_CONSOLE_BENCH_JOINS="${BENCH_JOINS:-100}"
dotnet test "$ROOT/tests/interop/console/Sparkle.Console.BrowserTests/Sparkle.Console.BrowserTests.csproj" -c Release --no-build -nologo \
  --filter "Category=Bench" --logger "console;verbosity=normal" >"$OUT/console-bench.log" 2>&1 || { tail -40 "$OUT/console-bench.log"; }
cat "$OUT/console-bench.txt"
