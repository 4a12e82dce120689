#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's `postgresql` package (installed when missing).
#
#   eval "$(scripts/postgres.sh start)"   initdb + start in a new temporary directory on a free loopback port;
#                                         prints `export WHARF_PG_DIR=… WHARF_TEST_POSTGRES=…` to eval
#   scripts/postgres.sh env [DIR]         prints those exports again for a running cluster
#   scripts/postgres.sh stop [DIR]        stops the cluster and removes its directory (DIR or $WHARF_PG_DIR)
#
# The cluster trusts loopback connections (it lives minutes and listens on 127.0.0.1 only), its unix socket is
# inside the directory, and fsync is off: the tests need a real server, not durability across power loss.
# initdb refuses to run as root, so as root the cluster belongs to the package's `postgres` user.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

as_owner() { # runs a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_package() {
  [ -n "$(bindir)" ] && return 0
  log "installing Debian's postgresql package"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "not root and no sudo: install postgresql yourself"; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The package's own cluster is not wanted (ours lives in a temporary directory): do not create it.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/wharf.conf >/dev/null
  fi
  "${sudo[@]}" apt-get install -y -qq postgresql >/dev/null \
    || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq postgresql >/dev/null; }
  [ -n "$(bindir)" ] || { log "postgresql installed, but no initdb under /usr/lib/postgresql/*/bin"; exit 1; }
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    # Nothing answers: free (a race with another process is possible; pg_ctl then fails loudly).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  log "no free loopback port found"; exit 1
}

print_env() {
  local dir=$1
  [ -f "$dir/env" ] || { log "$dir is not a cluster started by this script"; exit 1; }
  cat "$dir/env"
}

start() {
  install_package
  local bin dir port
  bin=$(bindir)
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/wharf-pg.XXXXXX")
  chmod 755 "$dir"
  mkdir -p "$dir/socket"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
  port=$(free_port)

  as_owner "$bin/initdb" -D "$dir/data" -U wharf --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; log "initdb failed"; exit 1; }
  # Tests open many short-lived databases, each with its own pool: room for a few hundred connections.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
    start >/dev/null \
    || { cat "$dir/server.log" >&2; log "pg_ctl start failed"; exit 1; }

  cat >"$dir/env" <<EOF
export WHARF_PG_DIR='$dir'
export WHARF_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=wharf;Database=postgres'
EOF
  log "PostgreSQL $("$bin/postgres" --version | awk "{print \$3}") on 127.0.0.1:$port, data in $dir"
  print_env "$dir"
}

stop() {
  local dir=${1:-${WHARF_PG_DIR:-}}
  [ -n "$dir" ] || { log "stop: which cluster? pass its directory or set WHARF_PG_DIR"; exit 1; }
  [ -f "$dir/env" ] || { log "$dir is not a cluster started by this script"; exit 1; }
  local bin
  bin=$(bindir)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  env) print_env "${2:-${WHARF_PG_DIR:-}}" ;;
  *) echo "usage: $0 start|env [DIR]|stop [DIR]" >&2; exit 2 ;;
esac
