#!/usr/bin/env bash
# A two-node Weaviate cluster on 127.0.0.1 for development, tests and fault drills.
# Usage: cluster.sh build|start|stop|status|env|start-node N|stop-node N [--kill]
# See scripts/weaviate/README.md for the environment variables.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

version="${WEAVIATE_VERSION:-v1.38.6}"
# A tag of the Go module: "1.38.6" (as this script printed it once) is read as "v1.38.6".
version="v${version#v}"
cache_dir="${WEAVIATE_CACHE:-${HOME:?set HOME or WEAVIATE_CACHE}/.cache/paper-search/weaviate}"
bin="${WEAVIATE_BIN:-$cache_dir/$version/weaviate-server}"
data_root="${WEAVIATE_DATA_DIR:-$repo_root/.weaviate-data}"
start_timeout="${WEAVIATE_START_TIMEOUT:-120}"
stop_timeout="${WEAVIATE_STOP_TIMEOUT:-30}"
build_timeout="${WEAVIATE_BUILD_TIMEOUT:-3600}"

http_port_1="${WEAVIATE_HTTP_PORT_1:-18080}"
http_port_2="${WEAVIATE_HTTP_PORT_2:-18081}"
grpc_port_1="${WEAVIATE_GRPC_PORT_1:-15051}"
grpc_port_2="${WEAVIATE_GRPC_PORT_2:-15052}"
# Gossip uses this port (TCP and UDP); the internal data API uses port + 1.
gossip_port_1="${WEAVIATE_GOSSIP_PORT_1:-17100}"
gossip_port_2="${WEAVIATE_GOSSIP_PORT_2:-17102}"
# Raft uses this port; its RPC uses port + 1 (Weaviate derives it that way when the
# nodes share a host, so the pair must stay adjacent).
raft_port_1="${WEAVIATE_RAFT_PORT_1:-18300}"
raft_port_2="${WEAVIATE_RAFT_PORT_2:-18302}"

log() { printf 'weaviate-cluster: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

port_of() { # port_of KIND N
  local var="${1}_port_${2}"
  printf '%s' "${!var}"
}

node_dir() { printf '%s/node%s' "$data_root" "$1"; }
pid_file() { printf '%s/weaviate.pid' "$(node_dir "$1")"; }
log_file() { printf '%s/weaviate.log' "$(node_dir "$1")"; }

require_tools() {
  local tool
  for tool in curl jq ss flock awk; do
    command -v "$tool" >/dev/null || die "$tool is needed (packages: curl, jq, iproute2, util-linux, gawk or mawk)"
  done
}

check_node_arg() {
  [[ "${1:-}" == 1 || "${1:-}" == 2 ]] || die "node must be 1 or 2, got '${1:-}'"
}

# The pid of node N if its recorded process is alive and is a weaviate-server; a stale
# pid file (process gone, or pid reused by another program) is removed.
running_pid() {
  local file pid cmdline
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]]; then
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    if [[ "$cmdline" == *weaviate-server* ]]; then
      printf '%s' "$pid"
      return 0
    fi
  fi
  log "node $1: removing stale pid file (pid $pid is not running weaviate-server)"
  rm -f "$file"
  return 1
}

http_get() { # http_get URL: body on stdout, fails on non-2xx or no answer
  curl -fsS --max-time 3 "$1" 2>/dev/null
}

node_ready() {
  http_get "http://127.0.0.1:$(port_of http "$1")/v1/.well-known/ready" >/dev/null
}

# How many nodes node N sees as HEALTHY in /v1/nodes.
healthy_count() {
  http_get "http://127.0.0.1:$(port_of http "$1")/v1/nodes" |
    jq '[.nodes[] | select(.status == "HEALTHY")] | length' 2>/dev/null || printf '0'
}

port_in_use() {
  ss -Hltnu "sport = :$1" 2>/dev/null | grep -q .
}

wait_until() { # wait_until SECONDS COMMAND...: polls COMMAND until it succeeds or time runs out
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
}

cluster_has_two_healthy() { [[ "$(healthy_count "$1")" == 2 ]]; }

build() {
  if [[ -x "$bin" ]]; then
    return 0
  fi
  if [[ -n "${WEAVIATE_BIN:-}" ]]; then
    die "WEAVIATE_BIN=$WEAVIATE_BIN is not an executable file"
  fi
  command -v go >/dev/null || die "the Go toolchain is needed to build weaviate-server $version (go not found)"
  mkdir -p "$cache_dir"
  # One build at a time per cache: a second caller waits for the lock, then finds the binary.
  exec 9>"$cache_dir/.build.lock"
  flock -w "$build_timeout" 9 || die "timed out waiting for another build of weaviate-server"
  if [[ ! -x "$bin" ]]; then
    local staging="$cache_dir/.build-$version" started=$SECONDS
    rm -rf "$staging"
    mkdir -p "$staging"
    log "building weaviate-server $version with $(go version | cut -d' ' -f3) into $(dirname "$bin") (takes minutes)"
    # Tried three times: a module download the proxy resets is kept for the next attempt by Go's
    # module cache, so a retry picks up where the first stopped. A build out of time is not retried.
    local attempt status
    for attempt in 1 2 3; do
      status=0
      GOBIN="$staging" GOFLAGS="${GOFLAGS:-} -buildvcs=false" timeout "$build_timeout" \
        go install -trimpath -ldflags='-s -w' "github.com/weaviate/weaviate/cmd/weaviate-server@$version" >&2 || status=$?
      [[ "$status" -ne 0 ]] || break
      [[ "$status" -ne 124 ]] || die "go install of weaviate-server $version timed out after $build_timeout s"
      [[ "$attempt" -lt 3 ]] || die "go install of weaviate-server $version failed (3 attempts)"
      log "go install failed (attempt $attempt of 3); trying again in $((attempt * 20)) s"
      sleep $((attempt * 20))
    done
    mkdir -p "$(dirname "$bin")"
    mv "$staging/weaviate-server" "$bin"
    rm -rf "$staging"
    log "built $bin in $((SECONDS - started)) s ($(du -h "$bin" | cut -f1))"
  fi
  exec 9>&-
}

check_ports_free() {
  local n="$1" port
  for port in "$(port_of http "$n")" "$(port_of grpc "$n")" "$(port_of gossip "$n")" \
    "$(($(port_of gossip "$n") + 1))" "$(port_of raft "$n")" "$(($(port_of raft "$n") + 1))"; do
    if port_in_use "$port"; then
      die "node $n: port $port is already in use by another process (see README for the port variables)"
    fi
  done
}

start_node() {
  local n="$1" pid
  if pid="$(running_pid "$n")"; then
    log "node $n already running (pid $pid)"
    return 0
  fi
  build
  check_ports_free "$n"
  # Node 2 can be running but not "ready" while node 1 (the Raft leader) is away: its process
  # decides, not its readiness.
  local peer_up=no
  if [[ "$n" == 1 ]] && running_pid 2 >/dev/null; then
    peer_up=yes
  fi
  mkdir -p "$(node_dir "$n")/data"
  {
    printf '\n==== %s: starting node %s (%s)\n' "$(date -u +%FT%TZ)" "$n" "$version"
  } >>"$(log_file "$n")"
  (
    export CLUSTER_HOSTNAME="node$n"
    export CLUSTER_IN_LOCALHOST=true
    export CLUSTER_BIND_ADDR=127.0.0.1
    export CLUSTER_ADVERTISE_ADDR=127.0.0.1
    export CLUSTER_GOSSIP_BIND_PORT="$(port_of gossip "$n")"
    export CLUSTER_DATA_BIND_PORT="$(($(port_of gossip "$n") + 1))"
    # Gossip only learns of peers by joining one: node 2 joins node 1; node 1 joins node 2
    # when it restarts while node 2 is up (a join to a stopped node would stall start-up).
    if [[ "$n" == 2 ]]; then
      export CLUSTER_JOIN="127.0.0.1:$gossip_port_1"
    elif [[ "$peer_up" == yes ]]; then
      export CLUSTER_JOIN="127.0.0.1:$gossip_port_2"
    fi
    export RAFT_PORT="$(port_of raft "$n")"
    export RAFT_INTERNAL_RPC_PORT="$(($(port_of raft "$n") + 1))"
    # Node 1 is the only Raft voter, so schema changes keep working while node 2 is down
    # (with two voters, losing either one loses the Raft quorum). Node 2 is listed so the
    # leader can map its name to its Raft port on a shared host.
    export RAFT_JOIN="node1:$raft_port_1,node2:$raft_port_2"
    export RAFT_BOOTSTRAP_EXPECT=1
    export GRPC_PORT="$(port_of grpc "$n")"
    export PERSISTENCE_DATA_PATH="$(node_dir "$n")/data"
    export AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true
    # We bring our own vectors: no vectorizer, and none of the API-based modules (which would
    # otherwise all be registered, though unused).
    export DEFAULT_VECTORIZER_MODULE=none
    export API_BASED_MODULES_DISABLED=true
    export AUTOSCHEMA_ENABLED=false
    export DISABLE_TELEMETRY=true
    export GO_PROFILING_DISABLE=true
    export PROMETHEUS_MONITORING_ENABLED=false
    export LOG_LEVEL="${WEAVIATE_LOG_LEVEL:-info}"
    export LOG_FORMAT=text
    exec "$bin" --host 127.0.0.1 --port "$(port_of http "$n")" --scheme http \
      </dev/null >>"$(log_file "$n")" 2>&1
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$(pid_file "$n")"
  log "node $n started (pid $pid, log $(log_file "$n"))"
  if ! wait_until "$start_timeout" node_ready_or_dead "$n" "$pid"; then
    die "node $n not ready after ${start_timeout}s (still running as pid $pid; see $(log_file "$n"))"
  fi
  if process_gone "$pid"; then
    rm -f "$(pid_file "$n")"
    die "node $n exited during start-up; last log lines:
$(tail -n 20 "$(log_file "$n")")"
  fi
  log "node $n ready"
}

# Ends the wait early when the process died, so start-up failures report at once.
node_ready_or_dead() {
  node_ready "$1" || process_gone "$2"
}

stop_node() {
  local n="$1" mode="${2:-}" pid
  [[ -z "$mode" || "$mode" == --kill ]] || die "stop-node takes --kill or nothing, got '$mode'"
  if ! pid="$(running_pid "$n")"; then
    log "node $n is not running"
    return 0
  fi
  if [[ "$mode" == "--kill" ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    log "node $n killed (SIGKILL, pid $pid)"
  else
    kill -TERM "$pid" 2>/dev/null || true
  fi
  if ! wait_until "$stop_timeout" process_gone "$pid"; then
    log "node $n did not stop within ${stop_timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 process_gone "$pid" || die "node $n (pid $pid) survived SIGKILL"
  fi
  rm -f "$(pid_file "$n")"
  log "node $n stopped"
}

# A dead process stays a zombie until its parent reaps it (this script, while it waits for a
# node it started): a zombie counts as gone.
process_gone() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 0
  [[ -z "$state" || "$state" == Z ]]
}

print_env() {
  cat <<EOF
WEAVIATE_URL=http://127.0.0.1:$http_port_1
WEAVIATE_GRPC=127.0.0.1:$grpc_port_1
WEAVIATE_HTTP_HOST=127.0.0.1
WEAVIATE_HTTP_PORT=$http_port_1
WEAVIATE_GRPC_PORT=$grpc_port_1
WEAVIATE_NODE2_URL=http://127.0.0.1:$http_port_2
WEAVIATE_NODE2_GRPC=127.0.0.1:$grpc_port_2
WEAVIATE_NODES=2
WEAVIATE_VERSION=$version
WEAVIATE_DATA_DIR=$data_root
EOF
}

start_cluster() {
  if running_pid 1 >/dev/null && running_pid 2 >/dev/null && node_ready 1 && node_ready 2; then
    log "cluster already running"
  else
    # Refuse before starting anything when a port of a stopped node is taken.
    local n
    for n in 1 2; do
      running_pid "$n" >/dev/null || check_ports_free "$n"
    done
    start_node 1
    start_node 2
  fi
  wait_until "$start_timeout" cluster_has_two_healthy 1 ||
    die "node 1 does not report 2 healthy nodes after ${start_timeout}s (see logs in $data_root/node*/)"
  log "cluster ready: node 1 reports 2 healthy nodes"
  print_env
}

status() {
  local n pid all_up=0
  for n in 1 2; do
    if pid="$(running_pid "$n")"; then
      if node_ready "$n"; then
        printf 'node %s: running, ready (pid %s, http %s, grpc %s)\n' "$n" "$pid" "$(port_of http "$n")" "$(port_of grpc "$n")"
      else
        printf 'node %s: running, not ready (pid %s)\n' "$n" "$pid"
        all_up=1
      fi
    else
      printf 'node %s: stopped\n' "$n"
      all_up=1
    fi
  done
  local n_from
  for n_from in 1 2; do
    if node_ready "$n_from"; then
      printf 'members seen by node %s: ' "$n_from"
      http_get "http://127.0.0.1:$(port_of http "$n_from")/v1/nodes" |
        jq -r '[.nodes[] | "\(.name)=\(.status)"] | join(" ")' 2>/dev/null || printf 'unknown\n'
      break
    fi
  done
  printf 'data: %s\n' "$data_root"
  return "$all_up"
}

case "${1:-}" in
  build | start | stop | status | start-node | stop-node) require_tools ;;
esac

case "${1:-}" in
  build) build; printf '%s\n' "$bin" ;;
  start) start_cluster ;;
  stop) stop_node 2; stop_node 1 ;;
  status) status ;;
  env) print_env ;;
  start-node)
    check_node_arg "${2:-}"
    start_node "$2"
    other=$((3 - $2))
    if running_pid "$other" >/dev/null; then
      wait_until "$start_timeout" cluster_has_two_healthy "$other" ||
        die "node $other does not see node $2 as healthy after ${start_timeout}s"
      log "node $other reports 2 healthy nodes"
    fi
    ;;
  stop-node) check_node_arg "${2:-}"; stop_node "$2" "${3:-}" ;;
  *)
    cat >&2 <<EOF
usage: $0 build|start|stop|status|env|start-node N|stop-node N [--kill]
  build        build weaviate-server $version into the cache if missing; prints its path
  start        start both nodes (building first if needed), wait for readiness, print settings
  stop         stop both nodes cleanly (SIGTERM, SIGKILL after ${stop_timeout}s)
  status       show each node and the cluster membership; exit 1 unless both are ready
  env          print the KEY=value settings without starting anything
  start-node N start one node (1 or 2) and wait until it is ready
  stop-node N  stop one node; --kill sends SIGKILL at once (crash drill)
EOF
    exit 2
    ;;
esac
