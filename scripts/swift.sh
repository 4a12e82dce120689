#!/usr/bin/env bash
# A single-node OpenStack Swift with its S3 API (s3api + tempauth) on loopback, for the S3 blob store's tests.
#
#   scripts/swift.sh start       installs Debian's swift packages when missing, starts memcached and the four
#                                Swift servers in a fresh temporary directory, creates the bucket, and prints
#                                the variables below as export lines (eval "$(scripts/swift.sh start)")
#   scripts/swift.sh env [DIR]   prints them again while it runs
#   scripts/swift.sh stop [DIR]  stops everything start started there and removes the directory
#
# Variables: WHARF_SWIFT_HOME (the directory; its log/ folder has each server's output), WHARF_TEST_S3_ENDPOINT,
# WHARF_TEST_S3_BUCKET, WHARF_TEST_S3_REGION, WHARF_TEST_S3_ACCESS_KEY, WHARF_TEST_S3_SECRET_KEY. The S3 access
# key is tempauth's "account:user" (test:tester), the secret its key. DIR defaults to $WHARF_SWIFT_HOME.
set -uo pipefail

home="${2:-${WHARF_SWIFT_HOME:-}}"
bucket="${WHARF_SWIFT_BUCKET:-wharf-test}"
account=test user=tester key=testing

say() { echo "swift: $*" >&2; }

install_packages() {
  local packages=(swift swift-proxy swift-account swift-container swift-object memcached)
  if command -v swift-proxy-server >/dev/null && command -v swift-object-server >/dev/null \
    && command -v swift-ring-builder >/dev/null && command -v memcached >/dev/null; then return 0; fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "not root and no sudo; cannot install ${packages[*]}"; return 1; }
    sudo=(sudo)
  fi
  say "installing ${packages[*]}"
  # The packages' own services (systemd units, init scripts) are not used: everything runs from the temp dir.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${packages[@]}" >/dev/null \
    || { "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=600 \
      && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${packages[@]}" >/dev/null; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts one long-running server in its own session (Swift's servers signal their whole process group on
# SIGTERM, which must not reach whoever called this script) with its output in log/NAME.log.
launch() {
  local name=$1; shift
  setsid "$@" >"$home/log/$name.log" 2>&1 </dev/null &
  echo $! >"$home/run/$name.pid"
}

write_configs() {
  local me; me=$(id -un)
  mkdir -p "$home"/{etc,srv/d1,log,run,cache}
  # swift.conf is read from /etc/swift whatever swift_dir says; the package ships one with a hash prefix/suffix.
  if [ ! -s /etc/swift/swift.conf ]; then
    local sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" mkdir -p /etc/swift
    printf '[swift-hash]\nswift_hash_path_suffix = wharf-test\nswift_hash_path_prefix = wharf-test\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' \
      | "${sudo[@]}" tee /etc/swift/swift.conf >/dev/null
  fi
  local common="swift_dir = $home/etc
devices = $home/srv
mount_check = false
bind_ip = 127.0.0.1
user = $me
log_level = INFO
"
  for server in account container object; do
    local port_var="${server}_port"
    cat >"$home/etc/$server-server.conf" <<EOF
[DEFAULT]
$common
bind_port = ${!port_var}
workers = 1

[pipeline:main]
pipeline = $server-server

[app:$server-server]
use = egg:swift#$server

[$server-replicator]
[$server-updater]
[$server-auditor]
EOF
  done
  cat >"$home/etc/proxy-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $proxy_port
workers = 1

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
max_upload_part_num = 10000
[filter:tempauth]
use = egg:swift#tempauth
user_${account}_${user} = $key .admin
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
max_manifest_segments = 10000
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
[filter:symlink]
use = egg:swift#symlink
EOF
}

build_rings() {
  # What `swift-ring-builder X.builder create 10 1 1; add …; rebalance` does for each ring, in one Python process:
  # nine separate runs of the tool take a minute on a busy machine, this takes seconds.
  # Swift's Python, as its tools' first line names it (a python3 earlier on PATH may lack the swift module).
  local python; python=$(head -n1 "$(command -v swift-ring-builder)" | sed 's/^#! *//; s/ .*//')
  (cd "$home/etc" && "$python" - "$account_port" "$container_port" "$object_port" <<'PY'
import sys
from swift.common.ring import RingBuilder
for name, port in zip(("account", "container", "object"), sys.argv[1:]):
    builder = RingBuilder(10, 1, 1)  # part power 10, one replica, min_part_hours 1
    builder.add_dev({"region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port), "device": "d1", "weight": 100})
    builder.rebalance()
    builder.save(name + ".builder")
    builder.get_ring().save(name + ".ring.gz")
PY
  ) >>"$home/log/rings.log" 2>&1 || { say "building the rings failed (see $home/log/rings.log)"; return 1; }
}

write_env() {
  cat >"$home/env" <<EOF
export WHARF_SWIFT_HOME=$home
export WHARF_TEST_S3_ENDPOINT=http://127.0.0.1:$proxy_port
export WHARF_TEST_S3_BUCKET=$bucket
export WHARF_TEST_S3_REGION=us-east-1
export WHARF_TEST_S3_ACCESS_KEY=$account:$user
export WHARF_TEST_S3_SECRET_KEY=$key
EOF
}

wait_ready() {
  local deadline=$((SECONDS + 90)) token=""
  while [ $SECONDS -lt $deadline ]; do
    for name in memcached account container object proxy; do
      if ! kill -0 "$(cat "$home/run/$name.pid")" 2>/dev/null; then
        say "$name exited; its output:"; tail -n 30 "$home/log/$name.log" >&2; return 1
      fi
    done
    # tempauth answers only once the proxy, memcached and the account server all work.
    token=$(curl -s -o /dev/null -D - -H "X-Auth-User: $account:$user" -H "X-Auth-Key: $key" \
      "http://127.0.0.1:$proxy_port/auth/v1.0" 2>/dev/null | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}')
    if [ -n "$token" ]; then
      # A bucket of the S3 API is a container of the account.
      local status
      status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $token" \
        "http://127.0.0.1:$proxy_port/v1/AUTH_$account/$bucket")
      case "$status" in 201|202) return 0 ;; esac
    fi
    sleep 0.3
  done
  say "not ready within 90 s; logs in $home/log"
  return 1
}

stop() {
  [ -n "$home" ] && [ -d "$home/run" ] || return 0
  local pidfile
  for pidfile in "$home"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    # Each server leads its own session (setsid), so its group is exactly its own processes.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  done
  sleep 0.5
  for pidfile in "$home"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  rm -rf "$home"
}

start() {
  local started=$SECONDS
  install_packages || return 1
  command -v curl >/dev/null || { say "curl is needed"; return 1; }
  # A directory of its own, so two runs on one machine never stop each other's servers.
  home=$(mktemp -d "${TMPDIR:-/tmp}/wharf-swift.XXXXXX") || return 1
  proxy_port=$(free_port) account_port=$(free_port) container_port=$(free_port) object_port=$(free_port) memcached_port=$(free_port)
  write_configs && build_rings || return 1
  say "rings built in $((SECONDS - started)) s"
  local mc_user=(); [ "$(id -u)" -eq 0 ] && mc_user=(-u root)
  launch memcached memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 "${mc_user[@]}"
  launch account swift-account-server "$home/etc/account-server.conf" -v
  launch container swift-container-server "$home/etc/container-server.conf" -v
  launch object swift-object-server "$home/etc/object-server.conf" -v
  launch proxy swift-proxy-server "$home/etc/proxy-server.conf" -v
  if ! wait_ready; then stop; return 1; fi
  write_env
  say "ready in $((SECONDS - started)) s at http://127.0.0.1:$proxy_port (bucket $bucket, logs in $home/log)"
  cat "$home/env"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) [ -n "$home" ] && [ -s "$home/env" ] && cat "$home/env" || { say "not running (no ${home:-WHARF_SWIFT_HOME}/env)"; exit 1; } ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
