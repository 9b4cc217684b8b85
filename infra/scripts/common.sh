#!/usr/bin/env bash
# Shared by ./run.sh and ./test.sh: install what is missing, build, start and stop the platform.
# Everything a fresh Debian 12 machine needs is installed here, so CI on a clean clone passes.

SPARKLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '\033[1;34m[sparkle]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[sparkle] %s\033[0m\n' "$*" >&2; exit 1; }

# Installs Debian packages that are not installed yet (one apt-get update per run at most).
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
}

# What the platform itself needs at run time. The media worker loads its codecs itself: Opus (libopus0),
# G.722 and G.711 concealment (libspandsp2), H.264 through libavcodec with libx264 (libavcodec59,
# libavutil57, libx264-164), VP8 (libvpx7), scaling (libswscale6); minutes: speech recognition (libpocketsphinx3,
# the US English model pocketsphinx-en-us).
RUNTIME_PACKAGES=(postgresql-15 openssl libopus0 libspandsp2 libvpx7 libavcodec59 libavutil57 libavformat59 libswscale6 libx264-164 libpocketsphinx3 pocketsphinx-en-us iproute2 curl)

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
  dotnet --list-sdks | grep -q '^10\.' || die "the .NET 10 SDK is required (found: $(dotnet --list-sdks | tr '\n' ' '))"
}

build_all() {
  log "building (Release)"
  dotnet build "$SPARKLE_ROOT/Sparkle.Cloud.sln" -c Release -nologo -v:q -clp:ErrorsOnly >&2 \
    || die "build failed"
}

# A development TLS certificate for SIP over TLS, generated once into the keys folder.
ensure_dev_certificate() {
  local keys="$1"
  mkdir -p "$keys"; chmod 700 "$keys"
  [ -f "$keys/sip-tls.pfx" ] && return 0
  log "generating a development TLS certificate in $keys"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=sparkle.test" \
    -addext "subjectAltName=DNS:localhost,DNS:*.sparkle.test,DNS:demo.sparkle.test,DNS:demo2.sparkle.test,IP:127.0.0.1" \
    -keyout "$keys/sip-tls.key" -out "$keys/sip-tls.crt" >/dev/null 2>&1 || die "openssl failed"
  openssl pkcs12 -export -passout pass: -inkey "$keys/sip-tls.key" -in "$keys/sip-tls.crt" \
    -out "$keys/sip-tls.pfx" >/dev/null 2>&1 || die "openssl pkcs12 failed"
  chmod 600 "$keys"/sip-tls.*
}

wait_tcp() { # host port seconds what
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

wait_http() { # url seconds
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

PIDS=()
start_process() { # name logfile dll [env...]
  local name="$1" logfile="$2" dll="$3"; shift 3
  [ -f "$dll" ] || { log "$name: $dll is not built"; return 1; }
  env "$@" dotnet "$dll" >"$logfile" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  echo "$pid" >"$(dirname "$logfile")/$name.pid"
  log "$name started (pid $pid, log $logfile)"
}

# The Azurite (blob storage) connection string for a port (the emulator's public development account).
azurite_connection() { "$SPARKLE_ROOT/infra/scripts/azurite.sh" connection-string "$1"; }

# Prometheus scrape port of a process (its Metrics__Port): METRICS_BASE (default HTTP_PORT + 1000, so 9080
# for run.sh and 19080 for test.sh) plus gateway +0, transcriber +1, silo-N +10+N, worker-N +30+N
# (run.sh: gateway 9080, transcriber 9081, silo-1 9091, worker-1 9111). The GraphQL host serves /metrics
# on HTTP_PORT itself.
metrics_port() { # gateway | transcriber | silo-N | worker-N
  local base="${METRICS_BASE:-$((HTTP_PORT + 1000))}"
  case "$1" in
    gateway) echo "$base" ;;
    transcriber) echo $((base + 1)) ;;
    silo-*) echo $((base + 10 + ${1#silo-})) ;;
    worker-*) echo $((base + 30 + ${1#worker-})) ;;
    *) die "metrics_port: unknown process $1" ;;
  esac
}

# Starts silo, gateway, GraphQL host and one media worker against the PostgreSQL on $PG_PORT and the
# Azurite on $AZURITE_PORT (recordings; optional).
# Needs: STATE (data folder), PG_PORT, HTTP_PORT, SIP_PORT, SIP_TLS_PORT, SILO_PORT, SILO_GATEWAY_PORT, RTP_MIN, RTP_MAX.
start_platform() {
  local bin="Release/net10.0" logs="$STATE/logs"
  mkdir -p "$logs" "$STATE/blobs"
  ensure_dev_certificate "$STATE/keys"
  local pg="Host=127.0.0.1;Port=$PG_PORT;Username=sparkle;Database=sparkle"
  local common=("Cluster__ConnectionString=$pg" "Cluster__ClusterId=${CLUSTER_ID:-sparkle}" "DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Production}")
  # Without blob storage (a suite that starts no Azurite) recording is refused with a clear error.
  [ -n "${AZURITE_PORT:-}" ] && common+=("Recordings__BlobConnectionString=$(azurite_connection "$AZURITE_PORT")")
  local sip_info="Seed__SipUdp=127.0.0.1:$SIP_PORT" sip_tls="Seed__SipTls=127.0.0.1:$SIP_TLS_PORT"

  start_process silo "$logs/silo.log" "$SPARKLE_ROOT/silo/Sparkle.Silo/bin/$bin/Sparkle.Silo.dll" "${common[@]}" \
    "Silo__SiloPort=$SILO_PORT" "Silo__GatewayPort=$SILO_GATEWAY_PORT" "Seed__DemoFile=$STATE/demo.json" \
    "Seed__GraphQL=http://127.0.0.1:$HTTP_PORT/graphql" "$sip_info" "$sip_tls" "Recordings__KeyFolder=$STATE/keys/tenants" \
    "Metrics__Port=$(metrics_port silo-1)"
  wait_tcp 127.0.0.1 "$SILO_GATEWAY_PORT" 120 || { tail -30 "$logs/silo.log" >&2; log "silo did not start"; return 1; }

  start_process media-worker "$logs/media-worker.log" "$SPARKLE_ROOT/media-workers/Sparkle.MediaWorker/bin/$bin/Sparkle.MediaWorker.dll" \
    "${common[@]}" "Media__WorkerId=worker-1" "Media__Address=127.0.0.1" "Media__RtpPortMin=$RTP_MIN" "Media__RtpPortMax=$RTP_MAX" \
    "Media__Recording__SpoolFolder=$STATE/spool/worker-1" \
    "Metrics__Port=$(metrics_port worker-1)"
  # Minutes: the transcription worker reads stored utterances, so it runs only with blob storage.
  [ -n "${AZURITE_PORT:-}" ] && start_process transcriber "$logs/transcriber.log" \
    "$SPARKLE_ROOT/media-workers/Sparkle.Transcriber/bin/$bin/Sparkle.Transcriber.dll" "${common[@]}" "Transcriber__WorkerId=transcriber-1" \
    "Metrics__Port=$(metrics_port transcriber)"
  start_process gateway "$logs/gateway.log" "$SPARKLE_ROOT/gateway/Sparkle.Gateway/bin/$bin/Sparkle.Gateway.dll" "${common[@]}" \
    "Sip__Address=127.0.0.1" "Sip__UdpPort=$SIP_PORT" "Sip__TcpPort=$SIP_PORT" "Sip__TlsPort=$SIP_TLS_PORT" \
    "Sip__CertificatePath=$STATE/keys/sip-tls.pfx" "Sip__GatewayId=gateway-1" \
    "Metrics__Port=$(metrics_port gateway)"
  start_process graphql "$logs/graphql.log" "$SPARKLE_ROOT/graphql/Sparkle.GraphQL/bin/$bin/Sparkle.GraphQL.dll" "${common[@]}" \
    "Http__Url=http://127.0.0.1:$HTTP_PORT" "Identity__KeyFolder=$STATE/keys" "Seed__DemoFile=$STATE/demo.json"

  wait_http "http://127.0.0.1:$HTTP_PORT/health" 90 || { tail -30 "$logs/graphql.log" >&2; log "GraphQL host did not become healthy"; return 1; }
  wait_tcp 127.0.0.1 "$SIP_PORT" 60 || { tail -30 "$logs/gateway.log" >&2; log "SIP gateway did not start"; return 1; }
}

stop_platform() {
  local pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  PIDS=()
}
