#!/usr/bin/env bash
# Builds the product image with podman and checks the running container, on a machine with no
# Docker engine and no Docker Hub: the Dockerfile's base images are replaced by local stand-ins
# (Debian bookworm from debootstrap plus Node from the npm registry), built once and kept.
# Not part of CI. Needs root on Debian or Ubuntu (installs podman, runc, debootstrap and curl if
# missing) and node and npm on the host.
#
# Settings (environment):
#   IMAGE            tag of the product image            (localhost/paper-search:check)
#   HOST_PORT        loopback port published for it       (a free one)
#   NODE_MAJOR       Node major of the base images        (24)
#   NPM_MAJOR        npm major of the base images         (11)
#   DEBIAN_MIRROR    mirror for debootstrap               (http://deb.debian.org/debian)
#   WORK_DIR         cache for the base images' parts     (/var/tmp/paper-search-container)
#   REBUILD_BASE=1   rebuild the base images even if present
#   EXTRA_CA_CERTS   CA files the build stand-in trusts too  (/usr/local/share/ca-certificates/*.crt)
#   PODMAN_GLOBAL    extra global podman options, e.g. "--storage-driver vfs"
#   PODMAN_OPTIONS   options for every build and run; unset: the first set under which a
#                    container starts here, of none, explicit --ulimit values, --runtime runc
#   BUILD_TIMEOUT    seconds for the product build         (3600)
#   READY_TIMEOUT    seconds to wait for /readyz            (300)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
image=${IMAGE:-localhost/paper-search:check}
host_port=${HOST_PORT:-}
node_major=${NODE_MAJOR:-24}
npm_major=${NPM_MAJOR:-11}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=${WORK_DIR:-/var/tmp/paper-search-container}
build_timeout=${BUILD_TIMEOUT:-3600}
ready_timeout=${READY_TIMEOUT:-300}
read -r -a podman_global <<<"${PODMAN_GLOBAL:-}"
container_options=()

debian_image=localhost/paper-search-base/debian:bookworm
node_image=localhost/node:${node_major}-bookworm
node_slim_image=localhost/node:${node_major}-bookworm-slim
container=paper-search-check-$$
volume=paper-search-check-$$

results=()
failures=0
build_seconds=n/a
image_size=n/a

say() { printf '[check] %s\n' "$*" >&2; }
pass() { results+=("PASS  $1"); say "PASS $1"; }
fail() { results+=("FAIL  $1"); say "FAIL $1"; failures=$((failures + 1)); }
podman() { command podman "${podman_global[@]}" "$@"; }

summary() {
  printf '\n== container check summary ==\n'
  printf 'image:       %s\n' "$image"
  printf 'build:       %s s\n' "$build_seconds"
  printf 'image size:  %s\n' "$image_size"
  printf 'podman:      %s\n' "${podman_global[*]} ${container_options[*]:-(defaults)}"
  for line in "${results[@]}"; do printf '%s\n' "$line"; done
  if [ "$failures" -eq 0 ]; then printf 'result: all checks passed\n'; else printf 'result: %d check(s) failed\n' "$failures"; fi
}

cleanup() {
  podman rm -f -t 5 "$container" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
}

finish() {
  local status=$?
  cleanup
  [ "$status" -ne 0 ] && [ "$failures" -eq 0 ] && fail "script stopped early (exit $status)"
  summary
  [ "$failures" -eq 0 ] || exit 1
  exit "$status"
}
trap finish EXIT

# --- tools ------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || { say 'run as root (podman storage, debootstrap)'; exit 2; }
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# crun refuses hosts whose cgroup v2 tree has controllers while v1 is mounted too (hybrid mode).
command -v runc >/dev/null 2>&1 || missing+=(runc)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || { say "missing ${missing[*]} and no apt-get to install them"; exit 2; }
  say "installing ${missing[*]}"
  timeout 900 apt-get update -q
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q "${missing[@]}"
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { say 'node and npm are needed on the host (npm pack, JSON checks)'; exit 2; }

# --- base images --------------------------------------------------------------------------------
case "$(uname -m)" in
  x86_64) node_arch=x64 ;;
  aarch64) node_arch=arm64 ;;
  *) say "no Node package for $(uname -m)"; exit 2 ;;
esac

build_debian_image() {
  local rootfs=$work/rootfs-bookworm
  if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
    say "debootstrap bookworm (minbase) from $mirror"
    rm -rf "$rootfs"
    timeout 1800 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { say "debootstrap failed; see $work/debootstrap.log"; return 1; }
    # As in Debian's own images: updates and security too.
    cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  fi
  say "importing $debian_image"
  tar -C "$rootfs" --numeric-owner -c . | podman import --change 'CMD ["bash"]' - "$debian_image" >/dev/null
}

# The official images put Node under /usr/local (headers included) and have a `node` user, uid 1000.
build_node_images() {
  local context=$work/node-context
  rm -rf "$context" && mkdir -p "$context/pack" "$context/usr/local/lib/node_modules/npm" "$context/extra-ca"
  say "npm pack node-linux-${node_arch}@${node_major} npm@${npm_major}"
  (cd "$context/pack" && timeout 600 npm pack --silent "node-linux-${node_arch}@${node_major}" "npm@${npm_major}" >/dev/null)
  tar -xzf "$context"/pack/node-linux-*.tgz -C "$context/usr/local" --strip-components=1 --exclude=package/package.json --exclude=package/LICENSE --exclude=package/README.md --exclude=package/CHANGELOG.md
  tar -xzf "$context"/pack/npm-*.tgz -C "$context/usr/local/lib/node_modules/npm" --strip-components=1
  rm -rf "$context/pack"
  # Where the network intercepts TLS, the host trusts a local CA; the build stand-in must too
  # (npm, Maven). Only the build stand-in gets it: the runtime makes no TLS connection.
  local ca_files=() file
  for file in ${EXTRA_CA_CERTS:-/usr/local/share/ca-certificates/*.crt}; do [ -f "$file" ] && ca_files+=("$file"); done
  [ ${#ca_files[@]} -gt 0 ] && cp "${ca_files[@]}" "$context/extra-ca/"

  node_containerfile() { # $1: apt packages beyond Debian's minimal base; $2: add the extra CAs (yes/no)
    printf 'FROM %s\n' "$debian_image"
    [ -n "$1" ] && printf 'RUN apt-get update && apt-get install -y --no-install-recommends %s && rm -rf /var/lib/apt/lists/*\n' "$1"
    if [ "$2" = yes ] && [ ${#ca_files[@]} -gt 0 ]; then
      printf 'COPY extra-ca/ /usr/local/share/ca-certificates/\n'
      printf 'RUN update-ca-certificates\n'
      printf 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt\n'
    fi
    cat <<'EOF'
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY usr /usr
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
EOF
  }
  # The full image stands in for node:*-bookworm (buildpack-deps); the product build installs its
  # own compilers, so certificates are the part of it that matters here.
  node_containerfile ca-certificates yes >"$context/Containerfile.full"
  node_containerfile '' no >"$context/Containerfile.slim"
  say "building $node_image and $node_slim_image (extra CAs: ${#ca_files[@]})"
  timeout 1800 podman build "${container_options[@]}" --format docker -f "$context/Containerfile.full" \
    -t "$node_image" "$context" >"$work/node-image.log" 2>&1 \
    || { say "see $work/node-image.log"; return 1; }
  timeout 1800 podman build "${container_options[@]}" --format docker -f "$context/Containerfile.slim" \
    -t "$node_slim_image" "$context" >"$work/node-slim-image.log" 2>&1 \
    || { say "see $work/node-slim-image.log"; return 1; }
}

# Podman as root asks for 1,048,576 open files and processes per container; where the runtime may
# not raise limits (no CAP_SYS_RESOURCE) that fails, so the fallbacks ask for what the host allows.
choose_container_options() {
  if [ -n "${PODMAN_OPTIONS+set}" ]; then read -r -a container_options <<<"$PODMAN_OPTIONS"; return 0; fi
  local nofile nproc pid_max limits candidate
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu); pid_max=$(cat /proc/sys/kernel/pid_max)
  [ "$nofile" = unlimited ] && nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc=$pid_max; fi
  limits="--ulimit nofile=$nofile:$nofile --ulimit nproc=$nproc:$nproc"
  : >"$work/probe.log"
  for candidate in "" "$limits" "--runtime runc" "--runtime runc $limits"; do
    read -r -a container_options <<<"$candidate"
    if timeout 120 podman run --rm "${container_options[@]}" "$debian_image" true >>"$work/probe.log" 2>&1; then
      say "containers start with: ${candidate:-(podman defaults)}"
      return 0
    fi
  done
  say "no container starts here; see $work/probe.log"
  return 1
}

mkdir -p "$work"
rebuild=${REBUILD_BASE:-0}
if [ "$rebuild" = 1 ] || ! podman image exists "$debian_image"; then
  [ "$rebuild" = 1 ] && rm -rf "$work/rootfs-bookworm"
  build_debian_image
fi
choose_container_options
if [ "$rebuild" = 1 ] || ! podman image exists "$node_image" || ! podman image exists "$node_slim_image"; then
  build_node_images
fi
pass "base images $node_image, $node_slim_image ($(podman run --rm "${container_options[@]}" "$node_slim_image" node --version))"

# --- product image ------------------------------------------------------------------------------
# Docker format: the OCI image format has no HEALTHCHECK, and podman would drop it.
say "building $image (log: $work/image-build.log)"
started=$(date +%s)
if timeout "$build_timeout" podman build "${container_options[@]}" --format docker \
  --build-arg NODE_IMAGE="$node_image" --build-arg NODE_SLIM_IMAGE="$node_slim_image" \
  -t "$image" "$repo" >"$work/image-build.log" 2>&1; then
  build_seconds=$(($(date +%s) - started))
  pass "image built in ${build_seconds} s"
else
  build_seconds=$(($(date +%s) - started))
  tail -n 30 "$work/image-build.log" >&2
  fail "image build (see $work/image-build.log)"
  exit 1
fi
size_bytes=$(podman image inspect --format '{{.Size}}' "$image")
image_size="$((size_bytes / 1000000)) MB ($size_bytes bytes)"

healthcheck=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$image")
if [[ "$healthcheck" == *readyz* ]]; then pass 'image carries the /readyz healthcheck'; else fail "image healthcheck: $healthcheck"; fi

# --- run ----------------------------------------------------------------------------------------
# Evaluates a JS expression over the JSON on stdin (as v); fails when it is false or undefined.
json_field() {
  local expression=$1; shift
  node -e "const v = JSON.parse(require('node:fs').readFileSync(0, 'utf8')); const r = ($expression); if (r === undefined || r === false) process.exit(1); if (r !== true) console.log(r);" "$@"
}

wait_ready() {
  local deadline=$(($(date +%s) + ready_timeout))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ "$(podman inspect --format '{{.State.Running}}' "$container" 2>/dev/null)" != true ]; then
      say 'container stopped while starting:'; podman logs --tail 30 "$container" >&2 || true; return 1
    fi
    if curl -fsS --max-time 3 "$base_url/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 2
  done
  say "not ready after ${ready_timeout} s:"; podman logs --tail 30 "$container" >&2 || true
  return 1
}

if [ -z "$host_port" ]; then
  host_port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
fi
base_url=http://127.0.0.1:${host_port}
podman volume create "$volume" >/dev/null
say "starting $container on $base_url"
podman run -d "${container_options[@]}" --name "$container" -p "127.0.0.1:${host_port}:8080" -v "$volume:/app/index-data" "$image" >/dev/null
started=$(date +%s)
if wait_ready; then
  sample=$(podman logs "$container" 2>/dev/null | grep '"sample index built"' | json_field '`${v.indexed} papers in ${v.seconds} s`') || sample='?'
  pass "ready on first start in $(($(date +%s) - started)) s (sample index: $sample)"
else
  fail 'first start: /readyz'; exit 1
fi

search=$(curl -fsS --max-time 30 "$base_url/v1/search" -H 'content-type: application/json' \
  -d '{"query": "neural networks for language modelling", "k": 3}') || search=''
first_id=$(printf '%s' "$search" | json_field 'v.hits.length === 3 && v.hits[0].id') || first_id=''
if [ -n "$first_id" ]; then pass "POST /v1/search: 3 hits, first $first_id"; else fail "POST /v1/search: $search"; fi

if [ -n "$first_id" ]; then
  encoded=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$first_id")
  related=$(curl -fsS --max-time 30 "$base_url/v1/papers/$encoded/related?k=3") || related=''
  if printf '%s' "$related" | json_field "v.hits.length === 3 && v.hits.every((h) => h.id !== process.argv[1])" "$first_id" >/dev/null; then
    pass "GET /v1/papers/$first_id/related: 3 other papers"
  else
    fail "GET /v1/papers/$first_id/related: $related"
  fi
fi

uid=$(podman exec "$container" awk '/^Uid:/ { print $2 }' /proc/1/status)
user=$(podman exec "$container" id -un)
if [ -n "$uid" ] && [ "$uid" != 0 ]; then pass "server runs as $user (uid $uid)"; else fail "server runs as uid '$uid'"; fi

if podman exec "$container" sh -c 'touch /app/index-data/.write-test && rm /app/index-data/.write-test'; then
  pass 'volume /app/index-data writable by the server user'
else
  fail 'volume /app/index-data not writable by the server user'
fi

# The image's own command, run the way the engine runs it (in the container, as its user).
if podman healthcheck run "$container" >/dev/null 2>&1; then pass 'healthcheck command: healthy'; else fail 'healthcheck command'; fi

# --- restart: the index on the volume is served, not rebuilt ----------------------------------
podman stop -t 30 "$container" >/dev/null
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
if [ "$exit_code" = 0 ]; then pass 'stops cleanly on SIGTERM (exit 0)'; else fail "exit code after stop: $exit_code"; fi
podman start "$container" >/dev/null
started=$(date +%s)
if wait_ready; then
  restart_seconds=$(($(date +%s) - started))
  builds=$(podman logs "$container" 2>&1 | grep -c 'building one from the sample' || true)
  if [ "$builds" = 1 ]; then pass "restart served the index from the volume (ready in ${restart_seconds} s)"; else fail "sample index built $builds times"; fi
else
  fail 'restart: /readyz'
fi
podman stop -t 30 "$container" >/dev/null
