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

# How many of each process start_platform starts, and every worker's leg capacity (empty: the worker's own default).
MEDIA_WORKERS="${SPARKLE_MEDIA_WORKERS:-1}"
SILOS="${SPARKLE_SILOS:-1}"
WORKER_LEGS="${SPARKLE_WORKER_LEGS:-}"

# What every process of the platform is given: the cluster (PostgreSQL membership), the environment, blob storage.
platform_common_env() {
  local pg="Host=127.0.0.1;Port=$PG_PORT;Username=sparkle;Database=sparkle"
  printf '%s\n' "Cluster__ConnectionString=$pg" "Cluster__ClusterId=${CLUSTER_ID:-sparkle}" "DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Production}"
  # Without blob storage (a suite that starts no Azurite) recording is refused with a clear error.
  [ -n "${AZURITE_PORT:-}" ] && printf '%s\n' "Recordings__BlobConnectionString=$(azurite_connection "$AZURITE_PORT")"
  return 0
}

# Process names, so a test can find one process's log and pid file ($STATE/logs/NAME.log, NAME.pid):
# silo I is "silo-I", media worker I is "worker-I" (its id too).
silo_name() { echo "silo-$1"; }
worker_name() { echo "worker-$1"; }

# start_silo I: silo I listens on SILO_PORT+I-1 (silo to silo) and SILO_GATEWAY_PORT+I-1 (clients). Silo 1
# seeds the demo data; the others join it through the membership table.
start_silo() {
  local i="$1" logs="$STATE/logs" name common=()
  name=$(silo_name "$i")
  mapfile -t common < <(platform_common_env)
  local seed=("Seed__Demo=false")
  [ "$i" -eq 1 ] && seed=("Seed__DemoFile=$STATE/demo.json" "Seed__GraphQL=http://127.0.0.1:$HTTP_PORT/graphql"
    "Seed__SipUdp=127.0.0.1:$SIP_PORT" "Seed__SipTls=127.0.0.1:$SIP_TLS_PORT")
  start_process "$name" "$logs/$name.log" "$SPARKLE_ROOT/silo/Sparkle.Silo/bin/Release/net10.0/Sparkle.Silo.dll" "${common[@]}" \
    "Silo__SiloPort=$((SILO_PORT + i - 1))" "Silo__GatewayPort=$((SILO_GATEWAY_PORT + i - 1))" "${seed[@]}" \
    "Recordings__KeyFolder=$STATE/keys/tenants" "Metrics__Port=$(metrics_port "$name")" || return 1
  wait_tcp 127.0.0.1 "$((SILO_GATEWAY_PORT + i - 1))" 120 || { tail -30 "$logs/$name.log" >&2; log "$name did not start"; return 1; }
}

# The RTP ports of worker I: RTP_MIN..RTP_MAX split evenly among the MEDIA_WORKERS started with the platform;
# a worker started later (I > MEDIA_WORKERS, see tests/interop/lib.sh) takes the next slice of that width above RTP_MAX.
worker_rtp_range() {
  local i="$1" width=$(((RTP_MAX - RTP_MIN + 1) / MEDIA_WORKERS))
  local first=$((RTP_MIN + (i - 1) * width))
  local last=$((first + width - 1))
  [ "$i" -eq "$MEDIA_WORKERS" ] && last=$RTP_MAX
  echo "$first $last"
}

# start_media_worker_process I [LEGS]: media worker I ("worker-I") with its own RTP slice and recording spool;
# LEGS (or SPARKLE_WORKER_LEGS) sets its leg capacity.
start_media_worker_process() {
  local i="$1" legs="${2:-$WORKER_LEGS}" name range common=()
  name=$(worker_name "$i")
  read -r -a range < <(worker_rtp_range "$i")
  mapfile -t common < <(platform_common_env)
  local extra=()
  [ -n "$legs" ] && extra+=("Media__CapacityLegs=$legs")
  start_process "$name" "$STATE/logs/$name.log" "$SPARKLE_ROOT/media-workers/Sparkle.MediaWorker/bin/Release/net10.0/Sparkle.MediaWorker.dll" \
    "${common[@]}" "Media__WorkerId=$name" "Media__Address=127.0.0.1" "Media__RtpPortMin=${range[0]}" "Media__RtpPortMax=${range[1]}" \
    "Media__Recording__SpoolFolder=$STATE/spool/$name" "Metrics__Port=$(metrics_port "$name")" "${extra[@]}"
}

# Minutes: the transcription worker reads stored utterances, so it runs only with blob storage.
start_transcriber() {
  [ -n "${AZURITE_PORT:-}" ] || return 0
  local common=()
  mapfile -t common < <(platform_common_env)
  start_process transcriber "$STATE/logs/transcriber.log" "$SPARKLE_ROOT/media-workers/Sparkle.Transcriber/bin/Release/net10.0/Sparkle.Transcriber.dll" \
    "${common[@]}" "Transcriber__WorkerId=transcriber-1" "Metrics__Port=$(metrics_port transcriber)"
}

start_gateway() {
  local common=()
  mapfile -t common < <(platform_common_env)
  start_process gateway "$STATE/logs/gateway.log" "$SPARKLE_ROOT/gateway/Sparkle.Gateway/bin/Release/net10.0/Sparkle.Gateway.dll" "${common[@]}" \
    "Sip__Address=127.0.0.1" "Sip__UdpPort=$SIP_PORT" "Sip__TcpPort=$SIP_PORT" "Sip__TlsPort=$SIP_TLS_PORT" \
    "Sip__CertificatePath=$STATE/keys/sip-tls.pfx" "Sip__GatewayId=gateway-1" "Metrics__Port=$(metrics_port gateway)"
}

start_graphql() {
  local common=()
  mapfile -t common < <(platform_common_env)
  start_process graphql "$STATE/logs/graphql.log" "$SPARKLE_ROOT/graphql/Sparkle.GraphQL/bin/Release/net10.0/Sparkle.GraphQL.dll" "${common[@]}" \
    "Http__Url=http://127.0.0.1:$HTTP_PORT" "Identity__KeyFolder=$STATE/keys" "Seed__DemoFile=$STATE/demo.json"
}

# What a test needs to start one more process of this platform later with the same conventions
# (tests/interop/lib.sh reads it): written by start_platform as $STATE/platform.env.
write_platform_env() {
  {
    local v
    for v in STATE PG_PORT AZURITE_PORT HTTP_PORT SIP_PORT SIP_TLS_PORT SILO_PORT SILO_GATEWAY_PORT RTP_MIN RTP_MAX \
      CLUSTER_ID DOTNET_ENVIRONMENT MEDIA_WORKERS SILOS WORKER_LEGS; do
      printf '%s=%q\n' "$v" "${!v:-}"
    done
  } >"$STATE/platform.env"
}

# Starts SILOS silos, MEDIA_WORKERS media workers, the transcriber (with blob storage), the SIP gateway and the
# GraphQL host against the PostgreSQL on $PG_PORT and the Azurite on $AZURITE_PORT (recordings; optional).
# Needs: STATE (data folder), PG_PORT, HTTP_PORT, SIP_PORT, SIP_TLS_PORT, SILO_PORT, SILO_GATEWAY_PORT, RTP_MIN, RTP_MAX.
# Every Orleans client finds every silo through the PostgreSQL membership table.
start_platform() {
  local i
  [[ "$MEDIA_WORKERS" =~ ^[1-9][0-9]*$ ]] || { log "SPARKLE_MEDIA_WORKERS must be a positive number (got '$MEDIA_WORKERS')"; return 1; }
  [[ "$SILOS" =~ ^[1-9][0-9]*$ ]] || { log "SPARKLE_SILOS must be a positive number (got '$SILOS')"; return 1; }
  [[ -z "$WORKER_LEGS" || "$WORKER_LEGS" =~ ^[1-9][0-9]*$ ]] || { log "SPARKLE_WORKER_LEGS must be a positive number (got '$WORKER_LEGS')"; return 1; }
  (((RTP_MAX - RTP_MIN + 1) / MEDIA_WORKERS >= 4)) || { log "RTP_MIN..RTP_MAX is too small for $MEDIA_WORKERS media workers"; return 1; }
  mkdir -p "$STATE/logs" "$STATE/blobs"
  ensure_dev_certificate "$STATE/keys"
  write_platform_env

  for ((i = 1; i <= SILOS; i++)); do start_silo "$i" || return 1; done
  for ((i = 1; i <= MEDIA_WORKERS; i++)); do start_media_worker_process "$i" || return 1; done
  start_transcriber
  start_gateway
  start_graphql

  wait_http "http://127.0.0.1:$HTTP_PORT/health" 90 || { tail -30 "$STATE/logs/graphql.log" >&2; log "GraphQL host did not become healthy"; return 1; }
  wait_tcp 127.0.0.1 "$SIP_PORT" 60 || { tail -30 "$STATE/logs/gateway.log" >&2; log "SIP gateway did not start"; return 1; }
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
