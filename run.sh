#!/usr/bin/env bash
# Starts the whole Sparkle.Cloud platform on this machine on embedded defaults:
# a private PostgreSQL under .sparkle/pg, local blob and key folders, a local token issuer.
# Ctrl-C stops everything; a second start keeps all data.
# SPARKLE_SILOS=N and SPARKLE_MEDIA_WORKERS=N start N silos and N media workers (each with its own ports and
# RTP slice), SPARKLE_WORKER_LEGS=K sets every worker's leg capacity; see README.md.
set -euo pipefail
source "$(dirname "$0")/infra/scripts/common.sh"
cd "$SPARKLE_ROOT"

STATE="${SPARKLE_STATE:-$SPARKLE_ROOT/.sparkle}"
PG_PORT="${SPARKLE_PG_PORT:-5433}"
AZURITE_PORT="${SPARKLE_AZURITE_PORT:-10000}"
HTTP_PORT="${SPARKLE_HTTP_PORT:-8080}"
SIP_PORT="${SPARKLE_SIP_PORT:-5060}"
SIP_TLS_PORT="${SPARKLE_SIP_TLS_PORT:-5061}"
SILO_PORT="${SPARKLE_SILO_PORT:-11111}"
SILO_GATEWAY_PORT="${SPARKLE_SILO_GATEWAY_PORT:-30000}"
RTP_MIN="${SPARKLE_RTP_MIN:-20000}"
RTP_MAX="${SPARKLE_RTP_MAX:-29999}"

ensure_packages "${RUNTIME_PACKAGES[@]}"
ensure_dotnet
[ "${SPARKLE_SKIP_BUILD:-0}" = 1 ] || build_all

mkdir -p "$STATE"
shutdown() { # [exit status]: Ctrl-C and TERM are a clean stop (0); otherwise keep the failing status
  local rc=${1:-$?}
  trap - INT TERM EXIT
  log "stopping"
  stop_platform
  "$SPARKLE_ROOT/infra/scripts/azurite.sh" stop "$STATE/blobs" >/dev/null 2>&1 || true
  "$SPARKLE_ROOT/infra/scripts/postgres.sh" stop "$STATE/pg" >/dev/null 2>&1 || true
  log "stopped; data kept in $STATE"
  exit "$rc"
}
trap 'shutdown 0' INT TERM
trap shutdown EXIT

for port in "$HTTP_PORT" "$SILO_GATEWAY_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    trap - EXIT; die "127.0.0.1:$port is already in use: is Sparkle already running? (stop it, or set SPARKLE_HTTP_PORT / SPARKLE_SILO_GATEWAY_PORT)"
  fi
done
"$SPARKLE_ROOT/infra/scripts/postgres.sh" start "$STATE/pg" "$PG_PORT"
"$SPARKLE_ROOT/infra/scripts/azurite.sh" start "$STATE/blobs" "$AZURITE_PORT" || die "Azurite (blob storage) did not start"
start_platform || die "the platform did not start; logs in $STATE/logs/"

cat <<INFO

  Sparkle.Cloud is running.
    GraphQL      http://127.0.0.1:$HTTP_PORT/graphql   (health: http://127.0.0.1:$HTTP_PORT/health)
    SIP          udp+tcp 127.0.0.1:$SIP_PORT, tls 127.0.0.1:$SIP_TLS_PORT
    Conference   sip:factory@demo.sparkle.test (ad hoc), sip:<meeting number>@demo.sparkle.test
    Media        RTP 127.0.0.1:$RTP_MIN-$RTP_MAX, $MEDIA_WORKERS worker(s)${WORKER_LEGS:+ of $WORKER_LEGS legs} (worker-1..$MEDIA_WORKERS)
    Silos        $SILOS (gateway ports from $SILO_GATEWAY_PORT)
    PostgreSQL   127.0.0.1:$PG_PORT, data in $STATE/pg
    Blobs        Azurite on 127.0.0.1:$AZURITE_PORT, data in $STATE/blobs (recordings, sealed)
    Demo users   $STATE/demo.json (SIP passwords and API tokens)
    Logs         $STATE/logs/
  Press Ctrl-C to stop.

INFO
# Stay in the foreground until Ctrl-C or until a process dies.
while true; do
  for pid in "${PIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "a process (pid $pid) exited; see $STATE/logs/"
      exit 1
    fi
  done
  sleep 1
done
