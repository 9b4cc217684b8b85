#!/usr/bin/env bash
# Helpers shared by the interop suites. They run against a platform that ./test.sh (or ./run.sh)
# started; these variables say where: SPARKLE_SIP_HOST, SPARKLE_SIP_PORT, SPARKLE_SIP_TLS_PORT,
# SPARKLE_DEMO (demo.json), SPARKLE_GRAPHQL.
INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${SPARKLE_SIP_HOST:=127.0.0.1}" "${SPARKLE_SIP_PORT:=5060}" "${SPARKLE_SIP_TLS_PORT:=5061}"
: "${SPARKLE_DEMO:=$INTEROP_DIR/../../.sparkle/demo.json}"
[ -f "$SPARKLE_DEMO" ] || { echo "FAIL: demo file $SPARKLE_DEMO not found (is the platform running?)"; exit 1; }

PASS=0; FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { # description command...
  local what="$1"; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

# demo_field TENANT_INDEX NUMBER FIELD -> value from demo.json (FIELD: password, token, ...; or sipDomain/id with NUMBER "-")
demo_field() {
  python3 - "$SPARKLE_DEMO" "$1" "$2" "$3" <<'PY'
import json, sys
demo = json.load(open(sys.argv[1]))
tenant = demo["tenants"][int(sys.argv[2])]
if sys.argv[3] == "-":
    print(tenant[sys.argv[4]])
else:
    print(next(u for u in tenant["users"] if u["number"] == sys.argv[3])[sys.argv[4]])
PY
}
