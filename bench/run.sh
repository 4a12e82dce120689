#!/usr/bin/env bash
# Wharf vs the reference registry (Debian's docker-registry = CNCF distribution 2.8.2), side by side, on loopback.
# One command: installs what is missing (Debian packages), builds Wharf in Release, runs bench/bench.py, prints
# the table and writes it to bench/results/latest.md. See bench/README.md. Takes about 12-15 minutes on 2 cores.
#
#   bench/run.sh                 # the full benchmark
#   BENCH_QUICK=1 bench/run.sh   # small sizes, one run: checks the harness in ~3 minutes (results/quick.md)
#   BENCH_SHAPE=scale-out bench/run.sh   # Wharf as 3 replicas on PostgreSQL + Swift (S3) behind nginx
#                                        # (results/scale-out.md; with BENCH_QUICK=1: results/scale-out-quick.md)
set -euo pipefail

SHAPE="${BENCH_SHAPE:-default}"
case "$SHAPE" in
  default|scale-out) ;;
  *) echo "BENCH_SHAPE=$SHAPE: known shapes are default and scale-out" >&2; exit 2 ;;
esac

BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- tools ------------------------------------------------------------------------------------------------------
declare -A tool_package=(
  [docker-registry]=docker-registry [nginx]=nginx [wrk]=wrk [ab]=apache2-utils [skopeo]=skopeo
  [openssl]=openssl [curl]=curl [python3]=python3 [dd]=coreutils
)
missing=()
for tool in "${!tool_package[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("${tool_package[$tool]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages may start their system services; this benchmark runs its own instances on other ports.
  for svc in docker-registry nginx; do
    case " ${missing[*]} " in *" $svc "*) ;; *) continue ;; esac
    if [ -d /run/systemd/system ]; then
      $SUDO systemctl stop "$svc" 2>/dev/null || true
    elif [ -x "/etc/init.d/$svc" ]; then
      $SUDO "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi
export PATH="$PATH:/usr/sbin:/sbin"
command -v dotnet >/dev/null || { echo "the .NET SDK (dotnet) is needed to build Wharf" >&2; exit 1; }

# --- disk -------------------------------------------------------------------------------------------------------
TMP_PARENT="${BENCH_TMPDIR:-/var/tmp}"
need_gib=42
[ "${BENCH_QUICK:-}" = 1 ] && need_gib=8
# Scale-out: Swift keeps every pushed blob (under the temp dir) next to the inputs, and holds each blob twice
# while it is committed (the staged parts, then the multipart copy into its final key).
if [ "$SHAPE" = scale-out ]; then
  need_gib=56
  [ "${BENCH_QUICK:-}" = 1 ] && need_gib=14
fi
avail_gib=$(( $(df -B1 --output=avail "$TMP_PARENT" | tail -1) / 1073741824 ))
if [ "$avail_gib" -lt "$need_gib" ]; then
  echo "only ${avail_gib} GiB free under $TMP_PARENT; the benchmark needs about ${need_gib} GiB (set BENCH_TMPDIR)" >&2
  exit 1
fi

# --- temp dir, and cleanup on any exit -------------------------------------------------------------------------
TMP="$(mktemp -d "$TMP_PARENT/wharf-bench.XXXXXX")"
PY_PID=""
BUILD_PID=""
PG_DIR=""
SWIFT_HOME=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$BUILD_PID" ] && kill -0 "$BUILD_PID" 2>/dev/null; then
    kill -TERM "$BUILD_PID" 2>/dev/null || true
    wait "$BUILD_PID" 2>/dev/null || true
  fi
  if [ -n "$PY_PID" ] && kill -0 "$PY_PID" 2>/dev/null; then
    kill -TERM "$PY_PID" 2>/dev/null || true
    wait "$PY_PID" 2>/dev/null || true
  fi
  # Servers bench.py started (it stops them itself; this covers a bench.py that was killed outright).
  if [ -f "$TMP/pids" ]; then
    while read -r pid; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE 'wharf\.dll|docker-registry|nginx'; then
        kill -TERM "$pid" 2>/dev/null || true
      fi
    done <"$TMP/pids"
  fi
  # The scale-out shape's backends, started below with the project's scripts.
  if [ -n "$SWIFT_HOME" ]; then
    if [ "${BENCH_KEEP:-}" = 1 ]; then cp -r "$SWIFT_HOME/log" "$TMP/swift-log" 2>/dev/null || true; fi
    "$REPO/scripts/swift.sh" stop "$SWIFT_HOME" >/dev/null 2>&1 || say "stopping Swift in $SWIFT_HOME failed"
  fi
  if [ -n "$PG_DIR" ]; then
    if [ "${BENCH_KEEP:-}" = 1 ]; then cp "$PG_DIR/server.log" "$TMP/postgres.log" 2>/dev/null || true; fi
    "$REPO/scripts/postgres.sh" stop "$PG_DIR" >/dev/null 2>&1 || say "stopping PostgreSQL in $PG_DIR failed"
  fi
  if [ "${BENCH_KEEP:-}" = 1 ]; then
    say "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build ------------------------------------------------------------------------------------------------------
BUILD="$REPO/artifacts/bench-wharf"
say "building Wharf (Release) into $BUILD"
# In the background and waited for, so a signal to this script interrupts the build too.
dotnet build "$REPO/src/Wharf.Cli" -c Release --nologo -v quiet -o "$BUILD" >"$TMP/build.log" 2>&1 &
BUILD_PID=$!
wait "$BUILD_PID" || { cat "$TMP/build.log" >&2; exit 1; }
BUILD_PID=""

# --- scale-out backends -----------------------------------------------------------------------------------------
if [ "$SHAPE" = scale-out ]; then
  command -v psql >/dev/null || { echo "psql (Debian's postgresql-client) is needed for BENCH_SHAPE=scale-out" >&2; exit 1; }
  say "starting PostgreSQL (scripts/postgres.sh)"
  # Its directory stays under /tmp (as root the cluster belongs to the postgres user, who cannot enter $TMP).
  pg_env="$("$REPO/scripts/postgres.sh" start)" || { echo "scripts/postgres.sh start failed" >&2; exit 1; }
  eval "$pg_env"
  PG_DIR="$WHARF_PG_DIR"
  say "starting Swift with s3api (scripts/swift.sh)"
  # Under the temp dir: the blobs Swift stores count against the disk space checked above.
  swift_env="$(TMPDIR="$TMP" "$REPO/scripts/swift.sh" start)" || { echo "scripts/swift.sh start failed" >&2; exit 1; }
  eval "$swift_env"
  SWIFT_HOME="$WHARF_SWIFT_HOME"
  export BENCH_SHAPE=scale-out WHARF_PG_DIR WHARF_TEST_POSTGRES WHARF_SWIFT_HOME WHARF_TEST_S3_ENDPOINT \
    WHARF_TEST_S3_BUCKET WHARF_TEST_S3_REGION WHARF_TEST_S3_ACCESS_KEY WHARF_TEST_S3_SECRET_KEY
fi

# --- run --------------------------------------------------------------------------------------------------------
say "temp dir $TMP"
python3 "$BENCH_DIR/bench.py" "$TMP" "$BUILD/wharf.dll" "$BENCH_DIR/results" &
PY_PID=$!
wait "$PY_PID"
