#!/usr/bin/env python3
"""Wharf vs the reference registry (CNCF distribution, Debian's docker-registry), side by side.

Started by bench/run.sh, which installs the tools and builds Wharf. This script starts the two registries and
nginx on loopback, generates the test data, runs the same workload against both, measures the machine's
ceilings, and prints the table (also written to bench/results/). Standard library only.

Environment (all optional):
  BENCH_RUNS=3            repetitions of each throughput measurement (the median is reported)
  BENCH_WRK_SECONDS=10    duration of each wrk / ab run
  BENCH_QUICK=1           small sizes, 1 run, short load runs: checks that the harness works (results/quick.md)
  BENCH_SHAPE=scale-out   Wharf as three replicas on PostgreSQL + an S3 endpoint behind an nginx balancer
                          (run.sh starts PostgreSQL and Swift and passes WHARF_TEST_POSTGRES, WHARF_TEST_S3_*)
  BENCH_KEEP=1            keep the temp dir (data, logs) for inspection
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
MB = 1_000_000  # throughput is reported in MB/s = 10^6 bytes per second

QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = int(os.environ.get("BENCH_RUNS", "1" if QUICK else "3"))
LOAD_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "3" if QUICK else "10"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
SHAPE = os.environ.get("BENCH_SHAPE") or "default"
if SHAPE not in ("default", "scale-out"):
    sys.exit(f"BENCH_SHAPE={SHAPE!r}: known shapes are default and scale-out")
SCALE_OUT = SHAPE == "scale-out"
REPLICAS = 3                                           # Wharf processes behind the balancer in the scale-out shape

BIG = 256 * MiB if QUICK else 1 * GiB                 # single push / pull
CHUNK = 64 * MiB                                       # chunked push PATCH size
RANGE = 32 * MiB if QUICK else 100 * MiB               # ranged pull: the last RANGE bytes
CONC_N, CONC_SIZE = 8, (16 * MiB if QUICK else 64 * MiB)
SKOPEO_LAYERS = [8 * MiB] * 4 + [48 * MiB] if QUICK else [50 * MiB] * 4 + [300 * MiB]
MEM_SIZES = [100 * MiB, BIG, 1 * GiB if QUICK else 5 * GiB]
TAGS = 100                                             # tags in the repository whose tag list is fetched
TAIL = 4 * KiB                                         # unique tail that makes each generated file distinct

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def size_label(n: int) -> str:
    if n % GiB == 0:
        return f"{n // GiB} GiB"
    return f"{n // MiB} MiB"


# ---------------------------------------------------------------------------------------------------------------
# processes

class Proc:
    """A server this script started: killed by its own pid at the end."""

    def __init__(self, name: str, argv: list[str], logfile: str, cwd: str | None = None, pidfile: str | None = None,
                 env: dict[str, str] | None = None):
        self.name = name
        self.log = open(logfile, "ab")
        self.popen = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, cwd=cwd, env=env,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.popen.pid
        if pidfile:
            with open(pidfile, "a") as f:
                f.write(f"{self.pid}\n")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self.log.close()

    def status(self, key: str) -> int:
        """A kB field of /proc/PID/status (VmHWM, VmRSS), in bytes."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        raise KeyError(key)

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_stats() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, user + system CPU seconds of the process and its reaped children) for every process."""
    tck = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry)] = (int(fields[1]), sum(int(x) for x in fields[11:15]) / tck)
    return stats


def tree_cpu_seconds(roots: set[int], stats: dict[int, tuple[int, float]] | None = None) -> float:
    """CPU seconds of the processes in `roots` and all their live descendants (and the children they reaped)."""
    stats = proc_stats() if stats is None else stats
    mine = set(roots)
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                changed = True
    return sum(stats[pid][1] for pid in mine if pid in stats)


def backend_pids() -> dict[str, set[int]]:
    """The scale-out shape's PostgreSQL and Swift (+ memcached) server processes, which run.sh started outside this
    script: their CPU is this benchmark's own work, not other load on the machine."""
    pids: dict[str, set[int]] = {"PostgreSQL": set(), "Swift": set()}
    pg = os.environ.get("WHARF_PG_DIR")
    if pg and os.path.exists(f"{pg}/data/postmaster.pid"):
        pids["PostgreSQL"].add(int(open(f"{pg}/data/postmaster.pid").readline()))
    swift = os.environ.get("WHARF_SWIFT_HOME")
    if swift and os.path.isdir(f"{swift}/run"):
        for f in os.listdir(f"{swift}/run"):
            if f.endswith(".pid"):
                try:
                    pids["Swift"].add(int(open(f"{swift}/run/{f}").read().strip()))
                except ValueError:
                    pass
    return pids


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def own_busy_seconds() -> float:
    """CPU seconds used by this script and every process under it (live ones, and those already reaped), and in
    the scale-out shape by the PostgreSQL and Swift servers run.sh started for it."""
    return tree_cpu_seconds({os.getpid()}.union(*backend_pids().values()) if SCALE_OUT else {os.getpid()})


class Noise:
    """How busy the machine was with work that is not this benchmark (other sessions, kernel threads)."""

    def __init__(self):
        self.t, self.busy, self.own = time.monotonic(), machine_busy_seconds(), own_busy_seconds()

    def other_fraction(self) -> float:
        """Share of the machine's CPU capacity used by others since this object was made (0..1)."""
        dt = time.monotonic() - self.t
        other = (machine_busy_seconds() - self.busy) - (own_busy_seconds() - self.own)
        return max(other, 0.0) / (dt * os.cpu_count()) if dt > 0 else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: Proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.popen.returncode}; see {proc.log.name}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{proc.name} did not answer {url} within {timeout}s")


class Cluster:
    """The scale-out shape's Wharf: replicas behind an nginx balancer, read as one server. CPU time is the sum over
    the replicas and the balancer (its workers included); memory (VmHWM, VmRSS) is the largest replica's."""

    def __init__(self, name: str, replicas: list[Proc], balancer: Proc):
        self.name, self.replicas, self.balancer = name, replicas, balancer

    def cpu_seconds(self) -> float:
        stats = proc_stats()
        return sum(p.cpu_seconds() for p in self.replicas) + tree_cpu_seconds({self.balancer.pid}, stats)

    def status(self, key: str) -> int:
        return max(p.status(key) for p in self.replicas)

    def procs(self) -> list[Proc]:
        return [self.balancer, *self.replicas]


@dataclass
class Registry:
    key: str            # "ref" or "wharf"
    label: str
    base: str           # http://127.0.0.1:PORT
    data: str | None    # storage root on the local disk (None: blobs are in the S3 endpoint)
    proc: Proc | Cluster

    def url(self, path: str) -> str:
        return self.base + path


class Bench:
    def __init__(self, tmp: str, wharf_dll: str, out_dir: str):
        self.tmp = tmp
        self.wharf_dll = wharf_dll
        self.out_dir = out_dir
        self.pidfile = os.path.join(tmp, "pids")
        self.procs: list[Proc] = []
        self.inputs = os.path.join(tmp, "inputs")
        self.logs = os.path.join(tmp, "logs")
        for d in (self.inputs, self.logs):
            os.makedirs(d, exist_ok=True)
        self.samples: dict[str, dict[str, list[float]]] = {}   # measurement -> who -> values
        self.cpu: dict[str, dict[str, list[float]]] = {}       # measurement -> registry -> server CPU s per run
        self.notes: list[str] = []
        self.extra: dict[str, object] = {}

    # -- processes ------------------------------------------------------------------------------------------

    def start(self, name: str, argv: list[str], cwd: str | None = None, env: dict[str, str] | None = None) -> Proc:
        p = Proc(name, argv, os.path.join(self.logs, f"{name}.log"), cwd=cwd, pidfile=self.pidfile, env=env)
        self.procs.append(p)
        return p

    def stop(self, p: Proc) -> None:
        p.stop()
        if p in self.procs:
            self.procs.remove(p)

    def stop_all(self) -> None:
        for p in reversed(list(self.procs)):
            try:
                self.stop(p)
            except Exception as e:  # keep cleaning up
                log(f"stopping {p.name}: {e}")

    def stop_registry(self, reg: Registry) -> None:
        for p in (reg.proc.procs() if isinstance(reg.proc, Cluster) else [reg.proc]):
            self.stop(p)

    def start_wharf(self, name: str) -> Registry:
        if SCALE_OUT:
            return self.start_cluster(name)
        port = free_port()
        data = os.path.join(self.tmp, name)
        cwd = os.path.join(self.tmp, name + "-cwd")  # empty: no ./wharf.yaml is picked up
        os.makedirs(cwd, exist_ok=True)
        p = self.start(name, ["dotnet", self.wharf_dll, "serve", "--listen", f"127.0.0.1:{port}", "--data", data], cwd=cwd)
        reg = Registry("wharf", "Wharf", f"http://127.0.0.1:{port}", data, p)
        wait_http(reg.url("/v2/"), p)
        return reg

    # -- the scale-out shape -------------------------------------------------------------------------------------

    def create_database(self, name: str) -> str:
        """A new empty database on run.sh's PostgreSQL (admin connection string in WHARF_TEST_POSTGRES); returns
        the Npgsql connection string of it. Each cluster gets its own, so each starts empty like a fresh --data."""
        admin = os.environ.get("WHARF_TEST_POSTGRES")
        if not admin:
            raise RuntimeError("WHARF_TEST_POSTGRES is not set: BENCH_SHAPE=scale-out is run through bench/run.sh")
        parts = {k.strip().lower(): v.strip() for k, v in (kv.split("=", 1) for kv in admin.split(";") if "=" in kv)}
        env = dict(os.environ)
        if "password" in parts:
            env["PGPASSWORD"] = parts["password"]
        argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", parts.get("host", "127.0.0.1"),
                "-p", parts.get("port", "5432"), "-U", parts.get("username", "postgres"), "-d", parts.get("database", "postgres"),
                "-c", f'CREATE DATABASE "{name}"']
        r = subprocess.run(argv, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise RuntimeError(f"creating database {name}: {r.stderr.strip()}")
        return ";".join(f"{k}={v}" for k, v in {**parts, "database": name}.items())

    def token_key(self) -> str:
        """One EC P-256 signing key shared by every replica (tokens issued by one must verify on the others)."""
        path = os.path.join(self.tmp, "token-key.pem")
        if not os.path.exists(path):
            subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path],
                           check=True, capture_output=True)
        return path

    def start_cluster(self, name: str) -> Registry:
        """REPLICAS Wharf processes on one new PostgreSQL database and a new key prefix in the S3 bucket, behind an
        nginx round-robin balancer; the Registry's address is the balancer's."""
        s3 = {k: os.environ.get(f"WHARF_TEST_S3_{k}") for k in ("ENDPOINT", "BUCKET", "REGION", "ACCESS_KEY", "SECRET_KEY")}
        if not all(s3.values()):
            raise RuntimeError("WHARF_TEST_S3_* are not set: BENCH_SHAPE=scale-out is run through bench/run.sh")
        unique = f"{name}_{os.getpid()}_{int(time.time())}"
        settings = {
            "WHARF__METADATA__KIND": "postgres",
            "WHARF__METADATA__CONNECTIONSTRING": self.create_database(f"bench_{unique}".lower()),
            "WHARF__STORAGE__KIND": "s3",
            "WHARF__STORAGE__S3__ENDPOINT": s3["ENDPOINT"],
            "WHARF__STORAGE__S3__BUCKET": s3["BUCKET"],
            "WHARF__STORAGE__S3__REGION": s3["REGION"],
            "WHARF__STORAGE__S3__ACCESSKEY": s3["ACCESS_KEY"],
            "WHARF__STORAGE__S3__SECRETKEY": s3["SECRET_KEY"],
            "WHARF__STORAGE__S3__FORCEPATHSTYLE": "true",
            "WHARF__STORAGE__S3__DISABLECHUNKENCODING": "true",  # Swift's s3api rejects aws-chunked bodies
            "WHARF__STORAGE__S3__PREFIX": f"bench/{unique}",
            "WHARF__AUTH__TOKENKEY": self.token_key(),
            "WHARF__HTTP__TRUSTEDPROXIES": "127.0.0.1",
        }
        replicas, ports = [], []
        for i in range(REPLICAS):
            port = free_port()
            data = os.path.join(self.tmp, f"{name}-r{i}")
            cwd = os.path.join(self.tmp, f"{name}-r{i}-cwd")  # empty: no ./wharf.yaml is picked up
            os.makedirs(cwd, exist_ok=True)
            replicas.append(self.start(f"{name}-r{i}", ["dotnet", self.wharf_dll, "serve", "--listen", f"127.0.0.1:{port}",
                                                        "--data", data], cwd=cwd, env={**os.environ, **settings}))
            ports.append(port)
            # One at a time: the first one migrates the database.
            wait_http(f"http://127.0.0.1:{port}/v2/", replicas[-1])
        balancer, base = self.start_balancer(name, ports)
        return Registry("wharf", f"Wharf ×{REPLICAS}", base, None, Cluster(name, replicas, balancer))

    def start_balancer(self, name: str, ports: list[int]) -> tuple[Proc, str]:
        """nginx as the load balancer: round robin, keepalive upstream connections, bodies streamed both ways
        (no request or response buffering, no size limit), long timeouts for slow large transfers."""
        port = free_port()
        prefix = os.path.join(self.tmp, f"{name}-lb")
        os.makedirs(prefix, exist_ok=True)
        conf = os.path.join(prefix, "nginx.conf")
        temps = "\n".join(f"  {k}_temp_path {prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        servers = "\n".join(f"    server 127.0.0.1:{p};" for p in ports)
        with open(conf, "w") as f:
            f.write(f"""daemon off;
master_process on;
worker_processes auto;
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
{temps}
  upstream wharf {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_http_version 1.1;
    proxy_read_timeout 1h;
    proxy_send_timeout 1h;
    location / {{
      proxy_pass http://wharf;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
""")
        p = self.start(f"{name}-lb", ["nginx", "-e", f"{prefix}/error.log", "-p", prefix, "-c", conf])
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/v2/", p)
        return p, base

    def start_reference(self, name: str) -> Registry:
        """docker-registry with Debian's packaged config, minus auth, with its own storage and port."""
        port = free_port()
        data = os.path.join(self.tmp, name)
        os.makedirs(data, exist_ok=True)
        config = os.path.join(self.tmp, name + ".yml")
        with open(config, "w") as f:
            f.write(f"""version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: {data}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
""")
        p = self.start(name, ["docker-registry", "serve", config])
        reg = Registry("ref", "reference", f"http://127.0.0.1:{port}", data, p)
        wait_http(reg.url("/v2/"), p)
        return reg

    def start_nginx(self) -> str:
        port = free_port()
        prefix = os.path.join(self.tmp, "nginx")
        os.makedirs(prefix, exist_ok=True)
        conf = os.path.join(prefix, "nginx.conf")
        temps = "\n".join(f"  {k}_temp_path {prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(conf, "w") as f:
            f.write(f"""daemon off;
master_process on;
worker_processes auto;
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
{temps}
  server {{
    listen 127.0.0.1:{port};
    root {self.inputs};
  }}
}}
""")
        p = self.start("nginx", ["nginx", "-e", f"{prefix}/error.log", "-p", prefix, "-c", conf])
        base = f"http://127.0.0.1:{port}"
        open(os.path.join(self.inputs, "small.txt"), "w").write("x" * 512)
        wait_http(base + "/small.txt", p)
        return base

    # -- data ---------------------------------------------------------------------------------------------------

    def generate(self) -> None:
        """Distinct inputs for every push (a registry that already holds a blob may skip work), made cheaply: one
        random base file, copies of a prefix of it, and a unique random tail per file. The sha256 state of the
        shared prefix is computed once and copied for each tail."""
        log("generating test data")
        t0 = time.monotonic()
        base = self.path("base.bin")
        subprocess.run(["openssl", "rand", "-out", base, str(BIG)], check=True)
        self.base = base

        prefix_hash: dict[int, "hashlib._Hash"] = {}

        def hash_prefix(n: int) -> None:
            h = hashlib.sha256()
            with open(base, "rb") as f:
                left = n
                while left:
                    b = f.read(min(left, 8 * MiB))
                    h.update(b)
                    left -= len(b)
            prefix_hash[n] = h

        def make(name: str, size: int) -> tuple[str, str]:
            """A file of `size` bytes: base[0:size-TAIL] + a random tail. Returns (path, digest)."""
            path = self.path(name)
            head = size - TAIL
            with open(base, "rb") as src, open(path, "wb") as dst:
                copied = 0
                while copied < head:
                    copied += os.copy_file_range(src.fileno(), dst.fileno(), head - copied, copied, copied)
                tail = os.urandom(TAIL)
                dst.seek(0, os.SEEK_END)  # copy_file_range with offsets leaves the position at 0
                dst.write(tail)
            h = prefix_hash[head].copy()
            h.update(tail)
            return path, "sha256:" + h.hexdigest()

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(hash_prefix, sorted({BIG - TAIL, CONC_SIZE - TAIL, MEM_SIZES[0] - TAIL})))

        # monolithic pushes: one file per run
        self.mono = [make(f"mono{i}.bin", BIG) for i in range(RUNS)]
        # chunked pushes: the first chunks are shared, the last chunk of each run is distinct
        n_chunks = BIG // CHUNK
        shared = []
        with open(base, "rb") as src:
            for c in range(n_chunks - 1):
                path = self.path(f"chunk{c:02d}.bin")
                with open(path, "wb") as dst:
                    copied = 0
                    while copied < CHUNK:
                        copied += os.copy_file_range(src.fileno(), dst.fileno(), CHUNK - copied, c * CHUNK + copied, copied)
                shared.append(path)
        self.chunked = []
        for i in range(RUNS):
            last = self.path(f"chunklast{i}.bin")
            with open(base, "rb") as src, open(last, "wb") as dst:
                start = (n_chunks - 1) * CHUNK
                copied = 0
                while copied < CHUNK - TAIL:
                    copied += os.copy_file_range(src.fileno(), dst.fileno(), CHUNK - TAIL - copied, start + copied, copied)
                tail = os.urandom(TAIL)
                dst.seek(0, os.SEEK_END)  # copy_file_range with offsets leaves the position at 0
                dst.write(tail)
            h = prefix_hash[BIG - TAIL].copy()
            h.update(tail)
            self.chunked.append((shared + [last], "sha256:" + h.hexdigest()))
        # concurrent pushes: CONC_N distinct files per run
        self.conc = [[make(f"conc{i}_{j}.bin", CONC_SIZE) for j in range(CONC_N)] for i in range(RUNS)]
        self.warmup = make("warmup.bin", CONC_SIZE)  # for the untimed warm-up requests only
        # memory: the small size now; the large one right before it is used (it is big)
        self.mem_small = make("mem_small.bin", MEM_SIZES[0])
        # skopeo: an OCI layout per run
        self.layouts = [self.make_layout(f"layout{i}", i) for i in range(RUNS)]
        os.sync()
        log(f"generated in {time.monotonic() - t0:.0f}s")

    def path(self, name: str) -> str:
        return os.path.join(self.inputs, name)

    def make_layout(self, name: str, run: int) -> dict:
        """An OCI image layout with len(SKOPEO_LAYERS) random layers, each a tar (one file) gzip'd at level 0
        (stored blocks), so skopeo sends it as it is instead of compressing it on the way."""
        root = self.path(name)
        blobs = os.path.join(root, "blobs", "sha256")
        os.makedirs(blobs)
        layers, diff_ids = [], []
        for i, size in enumerate(SKOPEO_LAYERS):
            tmp = os.path.join(root, f"layer{i}.tmp")
            tar_hash, gz_hash = hashlib.sha256(), hashlib.sha256()
            info = tarfile.TarInfo(f"weights/part{i}.bin")
            info.size, info.mtime, info.mode = size, 1700000000, 0o644
            header = info.tobuf(format=tarfile.PAX_FORMAT)
            pad = (-size) % 512
            gz = zlib.compressobj(0, zlib.DEFLATED, 31)
            written = 0
            with open(tmp, "wb") as out, open(self.base, "rb") as src:
                def put(b: bytes) -> None:
                    tar_hash.update(b)
                    c = gz.compress(b)
                    gz_hash.update(c)
                    out.write(c)
                put(header)
                put(os.urandom(TAIL))  # distinct per layer and run
                left = size - TAIL
                offset = (run * 7919 + i * 104729) * 4096 % max(BIG - left, 1)
                src.seek(offset)
                while left:
                    b = src.read(min(left, 4 * MiB))
                    if not b:
                        src.seek(0)
                        continue
                    put(b)
                    left -= len(b)
                    written += len(b)
                put(b"\0" * pad + b"\0" * 1024)
                c = gz.flush()
                gz_hash.update(c)
                out.write(c)
            digest = gz_hash.hexdigest()
            os.rename(tmp, os.path.join(blobs, digest))
            layers.append({"mediaType": OCI_LAYER_GZIP, "digest": "sha256:" + digest,
                           "size": os.path.getsize(os.path.join(blobs, digest))})
            diff_ids.append("sha256:" + tar_hash.hexdigest())
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                             "rootfs": {"type": "layers", "diff_ids": diff_ids},
                             "history": [{"created_by": f"wharf bench layer {i}"} for i in range(len(layers))]},
                            separators=(",", ":")).encode()
        cfg_digest = self.write_blob(blobs, config)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                               "config": {"mediaType": OCI_CONFIG, "digest": cfg_digest, "size": len(config)},
                               "layers": layers}, separators=(",", ":")).encode()
        man_digest = self.write_blob(blobs, manifest)
        with open(os.path.join(root, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)
        with open(os.path.join(root, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [{"mediaType": OCI_MANIFEST, "digest": man_digest,
                       "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, f)
        return {"root": root, "digests": [l["digest"] for l in layers] + [cfg_digest],
                "bytes": sum(l["size"] for l in layers)}

    @staticmethod
    def write_blob(blobs: str, data: bytes) -> str:
        d = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, d), "wb") as f:
            f.write(data)
        return "sha256:" + d

    # -- helpers ------------------------------------------------------------------------------------------------

    @staticmethod
    def warm(*paths: str) -> None:
        """Reads files into the page cache (they are dropped after about a minute untouched on these machines)."""
        for p in paths:
            if os.path.isdir(p):
                for dirpath, _, files in os.walk(p):
                    Bench.warm(*(os.path.join(dirpath, f) for f in files))
                continue
            with open(p, "rb", buffering=0) as f:
                buf = bytearray(8 * MiB)
                while f.readinto(buf):
                    pass

    def warm_stored(self, reg: Registry, repo: str, digests: list[str], size: int | None = None) -> None:
        """Brings blobs as the registry stores them into the page cache before a timed pull. On the local disk: reads
        the file. In the S3 endpoint (scale-out), where no file is named after the digest: one untimed GET of the
        blob through the balancer, which reads Swift's object files the same way the timed pull will."""
        if reg.data is not None:
            self.warm(*(self.stored_blob(reg, d, size) for d in digests))
            return
        for d in digests:
            r = subprocess.run(["curl", "-sS", "-f", "-o", "/dev/null", reg.url(f"/v2/{repo}/blobs/{d}")],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"{reg.label}: warming GET of {d}: {r.stderr.strip()}")

    @staticmethod
    def stored_blob(reg: Registry, digest: str, size: int | None = None) -> str:
        """The file in the registry's storage that holds a blob (to warm it before a pull)."""
        hexd = digest.split(":", 1)[1]
        best = None
        for dirpath, _, files in os.walk(reg.data):
            for f in files:
                p = os.path.join(dirpath, f)
                if hexd in p and "_layers" not in p and "uploads" not in p:
                    s = os.path.getsize(p)
                    if (size is None or s == size) and (best is None or s > best[1]):
                        best = (p, s)
        if best is None:
            raise RuntimeError(f"blob {digest} not found under {reg.data}")
        return best[0]

    def record(self, measurement: str, who: str, value: float) -> None:
        self.samples.setdefault(measurement, {}).setdefault(who, []).append(value)

    @staticmethod
    def cpu_mark(reg: Registry) -> dict[str, float]:
        """Server CPU seconds so far, and in the scale-out shape those of PostgreSQL and Swift (Wharf's backends)."""
        mark = {reg.key: reg.proc.cpu_seconds()}
        if isinstance(reg.proc, Cluster):
            stats = proc_stats()
            for name, pids in backend_pids().items():
                mark[f"wharf's {name}"] = tree_cpu_seconds(pids, stats)
        return mark

    def record_cpu_since(self, measurement: str, reg: Registry, mark: dict[str, float]) -> None:
        for who, seconds in self.cpu_mark(reg).items():
            self.cpu.setdefault(measurement, {}).setdefault(who, []).append(seconds - mark[who])

    def median(self, measurement: str, who: str) -> float | None:
        v = self.samples.get(measurement, {}).get(who)
        return statistics.median(v) if v else None

    # -- HTTP through curl --------------------------------------------------------------------------------------

    @staticmethod
    def curl(method: str, url: str, upload: str | None = None, headers: list[str] = (), body_empty: bool = False
             ) -> tuple[int, dict[str, str]]:
        argv = ["curl", "-sS", "-X", method, "-o", "/dev/null", "-D", "-", "-w", "\n%{http_code}", "-H", "Expect:"]
        for h in headers:
            argv += ["-H", h]
        if upload:
            argv += ["-H", "Content-Type: application/octet-stream", "-T", upload]
        elif body_empty:
            argv += ["-H", "Content-Type: application/octet-stream", "--data-binary", ""]
        argv.append(url)
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"curl {method} {url}: {r.stderr.strip()}")
        lines = r.stdout.replace("\r", "").split("\n")
        code = int(lines[-1])
        hdrs = {}
        for line in lines[:-1]:
            if ":" in line:
                k, v = line.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        return code, hdrs

    @staticmethod
    def absolute(reg: Registry, location: str) -> str:
        return location if location.startswith("http") else reg.base + location

    @staticmethod
    def with_digest(url: str, digest: str) -> str:
        return url + ("&" if "?" in url else "?") + "digest=" + digest

    def push_monolithic(self, reg: Registry, repo: str, path: str, digest: str) -> None:
        """POST to open a session, PUT the whole body with ?digest= (what the reference also accepts)."""
        code, h = self.curl("POST", reg.url(f"/v2/{repo}/blobs/uploads/"), body_empty=True)
        if code != 202:
            raise RuntimeError(f"{reg.label}: POST upload -> {code}")
        code, h = self.curl("PUT", self.with_digest(self.absolute(reg, h["location"]), digest), upload=path)
        if code != 201:
            raise RuntimeError(f"{reg.label}: PUT monolithic {os.path.basename(path)} -> {code}")

    def push_chunked(self, reg: Registry, repo: str, chunks: list[str], digest: str) -> None:
        code, h = self.curl("POST", reg.url(f"/v2/{repo}/blobs/uploads/"), body_empty=True)
        if code != 202:
            raise RuntimeError(f"{reg.label}: POST upload -> {code}")
        location, offset = self.absolute(reg, h["location"]), 0
        for c in chunks:
            size = os.path.getsize(c)
            code, h = self.curl("PATCH", location, upload=c, headers=[f"Content-Range: {offset}-{offset + size - 1}"])
            if code != 202:
                raise RuntimeError(f"{reg.label}: PATCH {offset} -> {code}")
            location, offset = self.absolute(reg, h["location"]), offset + size
        code, h = self.curl("PUT", self.with_digest(location, digest), body_empty=True)
        if code != 201:
            raise RuntimeError(f"{reg.label}: PUT chunked -> {code}")

    @staticmethod
    def pull(url: str, expect: int, range_from: int | None = None, headers: list[str] = ()) -> float:
        """GET to /dev/null; returns curl's time_total (seconds)."""
        argv = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}"]
        for h in headers:
            argv += ["-H", h]
        if range_from is not None:
            argv += ["-H", f"Range: bytes={range_from}-"]
        r = subprocess.run(argv + [url], capture_output=True, text=True)
        code, size, t = r.stdout.split()
        want = 206 if range_from is not None else 200
        if r.returncode != 0 or int(code) != want or int(size) != expect:
            raise RuntimeError(f"GET {url}: {r.stdout} {r.stderr.strip()} (wanted {want}, {expect} bytes)")
        return float(t)

    # -- small requests through urllib (setup only, not timed) --------------------------------------------------

    @staticmethod
    def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def put_small_blob(self, reg: Registry, repo: str, data: bytes) -> str:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        code, h, _ = self.http("POST", reg.url(f"/v2/{repo}/blobs/uploads/"), b"")
        loc = self.with_digest(self.absolute(reg, h["Location"]), digest)
        code, _, body = self.http("PUT", loc, data, {"Content-Type": "application/octet-stream"})
        if code != 201:
            raise RuntimeError(f"{reg.label}: small blob -> {code} {body[:200]!r}")
        return digest

    # -- the workload -------------------------------------------------------------------------------------------

    def timed(self, measurement: str, reg: Registry, fn) -> float:
        os.sync()
        mark = self.cpu_mark(reg)
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        self.record_cpu_since(measurement, reg, mark)
        return dt

    def run_pushes(self, regs: list[Registry]) -> None:
        log(f"warm-up (untimed): 3 monolithic and 3 chunked {size_label(CONC_SIZE)} pushes and 3 pulls on each registry")
        warm_path, warm_digest = self.warmup
        for k in range(3):
            for reg in regs:
                self.push_monolithic(reg, f"bench/warmup{k}", warm_path, warm_digest)
                self.push_chunked(reg, f"bench/warmup-chunked{k}", [warm_path], warm_digest)
                self.pull(reg.url(f"/v2/bench/warmup{k}/blobs/{warm_digest}"), CONC_SIZE)

        m = f"push {size_label(BIG)} monolithic"
        for i in range(RUNS):
            path, digest = self.mono[i]
            for reg in regs:
                self.warm(path)
                dt = self.timed(m, reg, lambda: self.push_monolithic(reg, "bench/big", path, digest))
                self.record(m, reg.key, BIG / dt / MB)
                log(f"{m} run {i + 1} {reg.label}: {BIG / dt / MB:.0f} MB/s")

        m = f"push {size_label(BIG)} chunked"
        for i in range(RUNS):
            chunks, digest = self.chunked[i]
            for reg in regs:
                self.warm(*chunks)
                dt = self.timed(m, reg, lambda: self.push_chunked(reg, "bench/chunked", chunks, digest))
                self.record(m, reg.key, BIG / dt / MB)
                log(f"{m} run {i + 1} {reg.label}: {BIG / dt / MB:.0f} MB/s")

    def run_pulls(self, regs: list[Registry], nginx: str) -> None:
        path, digest = self.mono[0]
        name = os.path.basename(path)
        for label, range_from, size in ((f"pull {size_label(BIG)}", None, BIG),
                                        (f"ranged pull last {size_label(RANGE)}", BIG - RANGE, RANGE)):
            for i in range(RUNS):
                self.warm(path)
                t = self.pull(f"{nginx}/{name}", size, range_from)
                self.record(label, "ceiling", size / t / MB)
                for reg in regs:
                    self.warm_stored(reg, "bench/big", [digest], BIG)
                    os.sync()
                    mark = self.cpu_mark(reg)
                    t = self.pull(reg.url(f"/v2/bench/big/blobs/{digest}"), size, range_from)
                    self.record_cpu_since(label, reg, mark)
                    self.record(label, reg.key, size / t / MB)
                log(f"{label} run {i + 1}: " + ", ".join(f"{w} {self.samples[label][w][-1]:.0f} MB/s"
                                                        for w in ("ceiling", *(r.key for r in regs))))

    def run_backend_alone(self) -> None:
        """Scale-out context, not a ceiling: the S3 endpoint's own speed for the same file without Wharf or the
        balancer — a PUT and a GET of one object through Swift's native API (tempauth token), from curl."""
        endpoint = os.environ["WHARF_TEST_S3_ENDPOINT"].rstrip("/")
        code, h = self.curl("GET", endpoint + "/auth/v1.0", headers=[f"X-Auth-User: {os.environ['WHARF_TEST_S3_ACCESS_KEY']}",
                                                                      f"X-Auth-Key: {os.environ['WHARF_TEST_S3_SECRET_KEY']}"])
        if code // 100 != 2 or "x-auth-token" not in h:
            raise RuntimeError(f"Swift tempauth -> {code}")
        auth = [f"X-Auth-Token: {h['x-auth-token']}"]
        container = h["x-storage-url"].rstrip("/") + "/" + os.environ["WHARF_TEST_S3_BUCKET"]
        for i in range(RUNS):
            path, _ = self.mono[i]
            url = f"{container}/bench-direct/run{i}"
            self.warm(path)
            os.sync()
            t0 = time.perf_counter()
            code, _ = self.curl("PUT", url, upload=path, headers=auth)
            put = BIG / (time.perf_counter() - t0) / MB
            if code != 201:
                raise RuntimeError(f"Swift PUT {url} -> {code}")
            get = BIG / self.pull(url, BIG, headers=auth) / MB
            self.record("S3 endpoint alone PUT", "swift", put)
            self.record("S3 endpoint alone GET", "swift", get)
            log(f"S3 endpoint alone (Swift native API) run {i + 1}: PUT {put:.0f} MB/s, GET {get:.0f} MB/s")

    def run_concurrent(self, regs: list[Registry]) -> None:
        m = f"{CONC_N} concurrent {size_label(CONC_SIZE)} pushes"
        total = CONC_N * CONC_SIZE
        for i in range(RUNS):
            files = self.conc[i]
            for reg in regs:
                self.warm(*(p for p, _ in files))

                def all_pushes():
                    with concurrent.futures.ThreadPoolExecutor(CONC_N) as pool:
                        futures = [pool.submit(self.push_monolithic, reg, f"bench/conc{j}", p, d)
                                   for j, (p, d) in enumerate(files)]
                        for f in futures:
                            f.result()

                dt = self.timed(m, reg, all_pushes)
                self.record(m, reg.key, total / dt / MB)
                log(f"{m} run {i + 1} {reg.label}: {total / dt / MB:.0f} MB/s")

    def setup_small(self, reg: Registry) -> dict:
        repo = "bench/small"
        config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        cfg = self.put_small_blob(reg, repo, config)
        layer_data = os.urandom(4096)
        layer = self.put_small_blob(reg, repo, layer_data)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                               "config": {"mediaType": OCI_CONFIG, "digest": cfg, "size": len(config)},
                               "layers": [{"mediaType": OCI_LAYER, "digest": layer, "size": len(layer_data)}],
                               "annotations": {"org.opencontainers.image.title": "wharf bench"}}).encode()
        for t in ["latest"] + [f"v{i:03d}" for i in range(TAGS - 1)]:
            code, _, body = self.http("PUT", reg.url(f"/v2/{repo}/manifests/{t}"), manifest, {"Content-Type": OCI_MANIFEST})
            if code != 201:
                raise RuntimeError(f"{reg.label}: manifest PUT {t} -> {code} {body[:200]!r}")
        urls = {"manifest": reg.url(f"/v2/{repo}/manifests/latest"),
                "head": reg.url(f"/v2/{repo}/blobs/{layer}"),
                "tags": reg.url(f"/v2/{repo}/tags/list")}
        code, _, body = self.http("GET", urls["tags"])
        n = len(json.loads(body)["tags"])
        if code != 200 or n != TAGS:
            raise RuntimeError(f"{reg.label}: tags list -> {code}, {n} tags")
        code, _, _ = self.http("GET", urls["manifest"], headers={"Accept": OCI_MANIFEST})
        if code != 200:
            raise RuntimeError(f"{reg.label}: manifest GET -> {code}")
        return urls

    @staticmethod
    def wrk(url: str, seconds: int, headers: list[str] = ()) -> tuple[float, float, str]:
        argv = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency"]
        for h in headers:
            argv += ["-H", h]
        r = subprocess.run(argv + [url], capture_output=True, text=True)
        out = r.stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        problems = []
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)):
            problems.append(f"{m.group(1)} non-2xx")
        if (m := re.search(r"Socket errors: (.*)", out)):
            problems.append("socket errors: " + m.group(1))
        return rps, p99, "; ".join(problems)

    @staticmethod
    def ab_head(url: str, seconds: int) -> tuple[float, float, str]:
        argv = ["ab", "-q", "-i", "-k", "-c", "64", "-t", str(seconds), "-n", "2000000", url]
        r = subprocess.run(argv, capture_output=True, text=True)
        out = r.stdout
        if r.returncode != 0:
            raise RuntimeError(f"ab: {r.stderr.strip()}")
        rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))
        p99 = float(re.search(r"^\s+99%\s+(\d+)", out, re.M).group(1))
        problems = []
        if (m := re.search(r"Failed requests:\s+(\d+)", out)) and m.group(1) != "0":
            problems.append(f"{m.group(1)} failed")
        if (m := re.search(r"Non-2xx responses:\s+(\d+)", out)):
            problems.append(f"{m.group(1)} non-2xx")
        return rps, p99, "; ".join(problems)

    def run_small(self, regs: list[Registry], nginx: str) -> None:
        urls = {reg.key: self.setup_small(reg) for reg in regs}
        ceiling = {"manifest": f"{nginx}/small.txt", "head": f"{nginx}/small.txt", "tags": f"{nginx}/small.txt"}
        accept = [f"Accept: {OCI_MANIFEST}"]
        kinds = [("manifest GET by tag", "manifest", accept), ("HEAD blob", "head", None), ("tags list", "tags", [])]
        # .NET's tiered JIT keeps recompiling hot paths for 10-30 s under load on 2 busy cores: warm up as long
        # as one measured run, both registries alike, so steady state is what gets measured.
        log(f"warm-up (untimed): {LOAD_SECONDS} s of each small request on each registry")
        for _, k, hdrs in kinds:
            for reg in regs:
                if hdrs is None:
                    self.ab_head(urls[reg.key][k], LOAD_SECONDS)
                else:
                    self.wrk(urls[reg.key][k], LOAD_SECONDS, hdrs)
        for label, k, hdrs in kinds:
            for i in range(RUNS):
                # nginx's figure is context, not a target: one run of it is enough
                targets = [("ceiling", ceiling[k], None)] if i == 0 else []
                targets += [(reg.key, urls[reg.key][k], reg) for reg in regs]
                for who, url, reg in targets:
                    mark = self.cpu_mark(reg) if reg else None
                    rps, p99, problems = self.ab_head(url, LOAD_SECONDS) if hdrs is None else self.wrk(url, LOAD_SECONDS, hdrs)
                    if reg:
                        self.record_cpu_since(label, reg, mark)
                    self.record(label + " req/s", who, rps)
                    self.record(label + " p99", who, p99)
                    if problems:
                        self.notes.append(f"{label} run {i + 1}, {who}: {problems}")
                    log(f"{label} run {i + 1} {who}: {rps:.0f} req/s, p99 {p99:.1f} ms {problems}")

    def run_skopeo(self, regs: list[Registry]) -> None:
        for i in range(RUNS):
            layout = self.layouts[i]
            for reg in regs:
                dest = f"docker://{reg.base.removeprefix('http://')}/bench/skopeo:run{i}"
                self.warm(layout["root"])
                dt = self.timed("skopeo copy push", reg, lambda: subprocess.run(
                    ["skopeo", "copy", "--quiet", "--retry-times", "0", "--dest-tls-verify=false",
                     f"oci:{layout['root']}:latest", dest], check=True))
                self.record("skopeo copy push", reg.key, dt)
                out = os.path.join(self.tmp, f"pulled-{reg.key}-{i}")
                self.warm_stored(reg, "bench/skopeo", layout["digests"])
                dt2 = self.timed("skopeo copy pull", reg, lambda: subprocess.run(
                    ["skopeo", "copy", "--quiet", "--retry-times", "0", "--src-tls-verify=false",
                     dest, f"oci:{out}:latest"], check=True))
                self.record("skopeo copy pull", reg.key, dt2)
                pulled = sum(os.path.getsize(os.path.join(out, "blobs", "sha256", d.split(":")[1]))
                             for d in layout["digests"])
                if pulled < layout["bytes"]:
                    raise RuntimeError(f"skopeo pull from {reg.label}: {pulled} bytes, wanted {layout['bytes']}")
                shutil.rmtree(out)
                log(f"skopeo run {i + 1} {reg.label}: push {dt:.2f} s, pull {dt2:.2f} s")

    def run_memory(self) -> None:
        """Peak RSS (VmHWM) of a freshly started server over one monolithic push."""
        big_path, big_digest = self.mono[0]
        cases = [("wharf", MEM_SIZES[0], self.mem_small), ("ref", BIG, (big_path, big_digest)),
                 ("wharf", BIG, (big_path, big_digest)), ("wharf", MEM_SIZES[2], None)]
        for n, (who, size, file) in enumerate(cases):
            if file is None:
                file = self.make_large(size)
            name = f"mem{n}-{who}"
            reg = self.start_wharf(name) if who == "wharf" else self.start_reference(name)
            try:
                idle = reg.proc.status("VmHWM")
                self.warm(file[0])
                dt = self.timed(f"memory push {size_label(size)}", reg,
                                lambda: self.push_monolithic(reg, "bench/memory", file[0], file[1]))
                peak = reg.proc.status("VmHWM")
            finally:
                self.stop_registry(reg)
                if reg.data is not None:
                    shutil.rmtree(reg.data, ignore_errors=True)
            self.record(f"peak memory, {size_label(size)} push", who, peak / MiB)
            self.extra[f"idle-{who}-{size}"] = idle / MiB
            self.record(f"push {size_label(size)} (fresh server, 1 run)", who, size / dt / MB)
            log(f"memory {reg.label} {size_label(size)}: VmHWM {peak / MiB:.0f} MiB (after start {idle / MiB:.0f} MiB),"
                f" {size / dt / MB:.0f} MB/s")
            if file[0].endswith("mem_large.bin"):
                os.remove(file[0])

    def make_large(self, size: int) -> tuple[str, str]:
        free = shutil.disk_usage(self.tmp).free
        if free < size * 2 + 2 * GiB:
            raise RuntimeError(f"{free / GiB:.1f} GiB free: not enough for a {size_label(size)} push")
        log(f"generating the {size_label(size)} file")
        path = self.path("mem_large.bin")
        h = hashlib.sha256()
        with open(self.base, "rb") as src, open(path, "wb") as dst:
            written = 0
            while written < size - TAIL:
                src.seek(0)
                while written < size - TAIL and (b := src.read(min(8 * MiB, size - TAIL - written))):
                    h.update(b)
                    dst.write(b)
                    written += len(b)
            tail = os.urandom(TAIL)
            h.update(tail)
            dst.write(tail)
        os.sync()
        return path, "sha256:" + h.hexdigest()

    # -- ceilings -----------------------------------------------------------------------------------------------

    def run_ceilings(self) -> None:
        path = self.mono[0][0]
        for i in range(RUNS):
            self.warm(path)
            t0 = time.perf_counter()
            subprocess.run(["openssl", "dgst", "-sha256", path], check=True, capture_output=True)
            hash_rate = BIG / (time.perf_counter() - t0) / MB
            self.warm(path)
            os.sync()
            target = os.path.join(self.tmp, "dd.out")
            t0 = time.perf_counter()
            subprocess.run(["dd", f"if={path}", f"of={target}", "bs=4M", "conv=fsync"], check=True, capture_output=True)
            write_rate = BIG / (time.perf_counter() - t0) / MB
            os.remove(target)
            self.record("sha256 (openssl dgst)", "machine", hash_rate)
            self.record("durable write (dd conv=fsync)", "machine", write_rate)
            log(f"ceiling run {i + 1}: sha256 {hash_rate:.0f} MB/s, dd conv=fsync {write_rate:.0f} MB/s")
        # the concurrent case: CONC_N hashes and CONC_N durable writes at once
        for i in range(RUNS):
            files = [p for p, _ in self.conc[i]]
            total = CONC_N * CONC_SIZE
            self.warm(*files)
            t0 = time.perf_counter()
            ps = [subprocess.Popen(["openssl", "dgst", "-sha256", p], stdout=subprocess.DEVNULL) for p in files]
            for p in ps:
                p.wait()
            hash_rate = total / (time.perf_counter() - t0) / MB
            self.warm(*files)
            os.sync()
            t0 = time.perf_counter()
            ps = [subprocess.Popen(["dd", f"if={p}", f"of={self.tmp}/dd{j}.out", "bs=4M", "conv=fsync"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for j, p in enumerate(files)]
            for p in ps:
                p.wait()
            write_rate = total / (time.perf_counter() - t0) / MB
            for j in range(len(files)):
                os.remove(f"{self.tmp}/dd{j}.out")
            self.record(f"{CONC_N} concurrent sha256", "machine", hash_rate)
            self.record(f"{CONC_N} concurrent durable writes", "machine", write_rate)
            log(f"concurrent ceiling run {i + 1}: sha256 {hash_rate:.0f} MB/s, dd conv=fsync {write_rate:.0f} MB/s")

    # -- the whole run ------------------------------------------------------------------------------------------

    def run(self) -> str:
        started = time.time()
        load_start = open("/proc/loadavg").read().split()[:3]
        self.generate()
        log("starting the registries and nginx")
        ref = self.start_reference("reference")
        wharf = self.start_wharf("wharf")
        nginx = self.start_nginx()
        regs = [ref, wharf]
        noise = {}
        for phase, fn in (("ceilings", self.run_ceilings), ("pushes", lambda: self.run_pushes(regs)),
                          ("pulls", lambda: self.run_pulls(regs, nginx)),
                          *([("S3 endpoint alone", self.run_backend_alone)] if SCALE_OUT else []),
                          ("small requests", lambda: self.run_small(regs, nginx)),
                          ("concurrent pushes", lambda: self.run_concurrent(regs)), ("skopeo", lambda: self.run_skopeo(regs))):
            n = Noise()
            fn()
            noise[phase] = n.other_fraction()
        for reg in regs:
            self.extra[f"whole-run-hwm-{reg.key}"] = reg.proc.status("VmHWM") / MiB
        self.stop_all()
        n = Noise()
        self.run_memory()
        noise["memory"] = n.other_fraction()
        self.extra["noise"] = noise
        load_end = open("/proc/loadavg").read().split()[:3]
        self.extra["load"] = (load_start, load_end)
        self.extra["elapsed"] = time.time() - started
        return self.report()

    # -- the table ----------------------------------------------------------------------------------------------

    def report(self) -> str:
        med = self.median
        push_ceiling = min(med("sha256 (openssl dgst)", "machine"), med("durable write (dd conv=fsync)", "machine"))
        conc_ceiling = min(med(f"{CONC_N} concurrent sha256", "machine"), med(f"{CONC_N} concurrent durable writes", "machine"))
        B = size_label(BIG)
        rows = []  # (workload, unit, ref, wharf, ceiling, higher_is_better, target text, check)

        def ratio_ok(need):
            return lambda r, w, c: w is not None and r is not None and w >= need * r

        def both(*checks):
            return lambda r, w, c: all(ch(r, w, c) for ch in checks)

        def frac_ok(need):
            return lambda r, w, c: c is None or (w is not None and w >= need * c)

        rows.append((f"push {B} monolithic (POST + PUT)", "MB/s", med(f"push {B} monolithic", "ref"),
                     med(f"push {B} monolithic", "wharf"), push_ceiling, True, "≥ 2× ref, ≥ 70 % of ceiling",
                     both(ratio_ok(2), frac_ok(0.7))))
        rows.append((f"push {B} chunked ({BIG // CHUNK} × {size_label(CHUNK)} PATCH + PUT)", "MB/s",
                     med(f"push {B} chunked", "ref"), med(f"push {B} chunked", "wharf"), push_ceiling, True, "≥ 2× ref",
                     ratio_ok(2)))
        for label in (f"pull {B}", f"ranged pull last {size_label(RANGE)}"):
            rows.append((label, "MB/s", med(label, "ref"), med(label, "wharf"), med(label, "ceiling"), True,
                         "≥ 1.2× ref, ≥ 75 % of ceiling", both(ratio_ok(1.2), frac_ok(0.75))))
        for label, tool in (("manifest GET by tag", "wrk"), ("HEAD blob", "ab -i -k"), ("tags list", "wrk")):
            rows.append((f"{label} ({tool}, 64 conn.)", "req/s", med(label + " req/s", "ref"), med(label + " req/s", "wharf"),
                         med(label + " req/s", "ceiling"), True, "≥ 5× ref", ratio_ok(5)))
            rows.append((f"{label} p99", "ms", med(label + " p99", "ref"), med(label + " p99", "wharf"),
                         med(label + " p99", "ceiling"), False, "≤ 20 ms", lambda r, w, c: w is not None and w <= 20))
        cm = f"{CONC_N} concurrent {size_label(CONC_SIZE)} pushes"
        rows.append((f"{cm} (aggregate)", "MB/s", med(cm, "ref"), med(cm, "wharf"), conc_ceiling, True, "≥ 2× ref",
                     ratio_ok(2)))
        sk = size_label(sum(SKOPEO_LAYERS))
        for label in ("skopeo copy push", "skopeo copy pull"):
            rows.append((f"{label}, 5 layers ({sk})", "s", med(label, "ref"), med(label, "wharf"), None, False,
                         "faster than ref", lambda r, w, c: w is not None and r is not None and w < r))
        small, large = MEM_SIZES[0], MEM_SIZES[2]
        hwm = f"VmHWM; Wharf: max of {REPLICAS} replicas" if SCALE_OUT else "VmHWM"
        rows.append((f"peak memory ({hwm}), {B} push", "MiB", med(f"peak memory, {B} push", "ref"),
                     med(f"peak memory, {B} push", "wharf"), None, False, "≤ 150 MiB",
                     lambda r, w, c: w is not None and w <= 150))
        small_peak = med(f"peak memory, {size_label(small)} push", "wharf")
        for s in (small, large):
            rows.append((f"peak memory ({hwm}), {size_label(s)} push", "MiB", None,
                         med(f"peak memory, {size_label(s)} push", "wharf"), None, False,
                         "≤ 150 MiB, flat (≤ +10 % vs 100 MiB)",
                         lambda r, w, c: w is not None and w <= 150 and (small_peak is None or w <= small_peak * 1.1)))
        lp = f"push {size_label(large)} (fresh server, 1 run)"
        rows.append((lp, "MB/s", None, med(lp, "wharf"), None, True, "(information)", None))

        def fmt(v, unit):
            if v is None:
                return "—"
            if unit == "ms":
                return f"{v:.1f}"
            if unit == "s":
                return f"{v:.2f}"
            return f"{v:,.0f}"

        lines = ["| workload | unit | reference | Wharf | Wharf / ref | ceiling | Wharf / ceiling | target | met |",
                 "|---|---|---:|---:|---:|---:|---:|---|:-:|"]
        misses = []
        for name, unit, r, w, c, higher, target, check in rows:
            ratio = f"{w / r:.2f}×" if (r and w is not None) else "—"
            frac = f"{w / c * 100:.0f} %" if (c and w is not None and higher) else "—"
            met = "" if check is None else ("yes" if check(r, w, c) else "**no**")
            if met == "**no**":
                misses.append(name)
            lines.append(f"| {name} | {unit}{'' if higher else ' ↓'} | {fmt(r, unit)} | {fmt(w, unit)} | {ratio} | "
                         f"{fmt(c, unit)} | {frac} | {target} | {met} |")
        table = "\n".join(lines)

        cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
        mem_total = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / (1 << 20)
        flags = open("/proc/cpuinfo").read()
        load_start, load_end = self.extra["load"]

        def version(argv, pattern=None):
            try:
                r = subprocess.run(argv, capture_output=True, text=True, timeout=20)
                out = (r.stdout + r.stderr).strip().splitlines()
                return out[0].strip() if out else "?"
            except Exception:
                return "?"

        ab_version = re.sub(r".*Version ([0-9.]+).*", r"\1", version(["ab", "-V"]))
        tools = ", ".join([
            " ".join(version(["curl", "--version"]).split()[:2]),
            version(["wrk", "-v"]).split(" [")[0],
            f"ApacheBench {ab_version}",
            version(["skopeo", "--version"]).replace(" version", ""),
            version(["nginx", "-v"]).split(": ")[-1],
            " ".join(version(["openssl", "version"]).split()[:2]),
            f".NET SDK {version(['dotnet', '--version'])}",
        ])
        wharf_commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "log", "-1",
                                       "--format=%h %s", "--", ":(top)src"], capture_output=True, text=True).stdout.strip()
        shape = []
        if SCALE_OUT:
            pg_version = version(["psql", "--version"]).split(" (Debian")[0]
            swift_version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "swift"], capture_output=True,
                                           text=True).stdout.strip() or "?"
            shape = [
                f"- shape: **scale-out**. \"Wharf\" is {REPLICAS} Wharf processes (`wharf serve`, each its own --data "
                f"and port) on one PostgreSQL database (metadata) and one Swift S3 endpoint (blobs, s3api, path-style, "
                f"chunk encoding off), behind an nginx round-robin load balancer that the workloads talk to; all of it "
                f"on this machine's loopback ({pg_version.replace('psql (PostgreSQL) ', 'PostgreSQL ')} from "
                f"scripts/postgres.sh, fsync off; single-node Swift {swift_version} from scripts/swift.sh, one proxy "
                f"worker). The reference is unchanged: one docker-registry process on the local filesystem. The ratios "
                f"therefore compare across shapes (a scale-out deployment against a single-node one on the same 2 "
                f"cores), and the ceilings are the single machine's, as in the default shape.",
            ]
        head = [
            f"# Wharf benchmark{' — scale-out shape' if SCALE_OUT else ''}"
            f"{' (QUICK mode: small sizes, not comparable)' if QUICK else ''}",
            "",
            f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"- machine: {os.cpu_count()} cores ({cpu_model}; SHA extensions: {'yes' if ' sha_ni' in flags else 'no'}), "
            f"{mem_total:.1f} GiB memory, {platform.system()} {platform.release()}",
            f"- load average (1/5/15 min) at start: {' '.join(load_start)}; at end: {' '.join(load_end)}"
            + ("  — the machine was not quiet; absolute figures are lower than on a quiet one"
               if max(float(load_start[0]), float(load_end[0])) > 1.0 else ""),
            f"- Wharf: src/ at commit {wharf_commit}, Release build; reference: {version(['docker-registry', '--version'])}",
            f"- tools: {tools}",
            "- CPU used by other work on the machine (other sessions, kernel writeback) while each phase ran, as a "
            "share of both cores: " + ", ".join(f"{k} {v * 100:.0f} %" for k, v in self.extra["noise"].items()),
            f"- runs per throughput figure: {RUNS} (median shown); load runs {LOAD_SECONDS} s each; "
            f"whole benchmark took {self.extra['elapsed'] / 60:.1f} min",
            *shape,
            "",
        ]
        legend = [
            "",
            "MB/s is 10^6 bytes per second. ↓ marks figures where lower is better (then Wharf / ref below 1 is better).",
            f"Push ceiling = min(sha256 with `openssl dgst -sha256`, durable write with `dd bs=4M conv=fsync`) of the "
            f"same {B} file: min({med('sha256 (openssl dgst)', 'machine'):.0f}, "
            f"{med('durable write (dd conv=fsync)', 'machine'):.0f}) MB/s. Concurrent push ceiling = the same with "
            f"{CONC_N} processes at once: min({med(f'{CONC_N} concurrent sha256', 'machine'):.0f}, "
            f"{med(f'{CONC_N} concurrent durable writes', 'machine'):.0f}) MB/s. Pull ceiling = nginx (sendfile on) "
            f"serving the same file to curl. Small-request ceiling = nginx serving a 512-byte static file with the "
            f"same load generator (GET with wrk, HEAD with ab).",
            f"Memory: each figure is VmHWM of a freshly started server after one monolithic push of that size "
            f"(after start, before any request: Wharf {self.extra.get(f'idle-wharf-{BIG}', 0):.0f} MiB, reference "
            f"{self.extra.get(f'idle-ref-{BIG}', 0):.0f} MiB). Over the whole run above (all workloads, "
            f"{f'the largest of Wharf’s {REPLICAS} replicas' if SCALE_OUT else 'one process each'}):"
            f" Wharf {self.extra['whole-run-hwm-wharf']:.0f} MiB, reference {self.extra['whole-run-hwm-ref']:.0f} MiB.",
        ]
        if SCALE_OUT:
            put, get = med("S3 endpoint alone PUT", "swift"), med("S3 endpoint alone GET", "swift")
            wput, wget = med(f"push {B} monolithic", "wharf"), med(f"pull {B}", "wharf")
            legend += [
                "",
                f"The S3 endpoint alone, for context (not a ceiling): the same {B} file PUT to and GET from Swift "
                f"through its native API with curl, no Wharf and no balancer: PUT {put:.0f} MB/s, GET {get:.0f} MB/s. "
                f"Wharf's monolithic push reached {wput / put * 100:.0f} % of that PUT, its pull "
                f"{wget / get * 100:.0f} % of that GET.",
                "",
                f"Scale-out: a fresh cluster means {REPLICAS} new replicas, a new database and a new S3 key prefix. Wharf's "
                f"memory figures are the largest VmHWM among its {REPLICAS} replicas (the replica that received the PUT); "
                f"nginx, PostgreSQL and Swift are not counted in them. Wharf's server CPU seconds below are the sum over "
                f"the replicas and the balancer; PostgreSQL's and Swift's (with memcached) are listed separately. Before a timed pull, "
                f"the blob is warmed by one untimed GET through the balancer (Swift's object files are not named after "
                f"the digest, so they cannot be read directly as the reference's are). Every request crosses the "
                f"balancer and, for blob bytes, Swift's proxy: two more loopback hops than the reference, on the same "
                f"2 cores.",
            ]
        if misses:
            legend += ["", "Targets missed in this run: " + "; ".join(misses) + "."]
        detail = ["", "## Samples", "", "Every run, in order (MB/s, req/s, ms, s or MiB as in the table).", ""]
        for m, by in self.samples.items():
            detail.append(f"- {m}: " + "; ".join(f"{w} " + ", ".join(f"{v:,.1f}" for v in vs) for w, vs in by.items()))
        detail += ["", "Server CPU seconds used during each timed run (user + system, from /proc/PID/stat):", ""]
        for m, by in self.cpu.items():
            detail.append(f"- {m}: " + "; ".join(f"{w} " + ", ".join(f"{v:.2f}" for v in vs) for w, vs in by.items()))
        if self.notes:
            detail += ["", "Load generator warnings:", ""] + [f"- {n}" for n in self.notes]
        return "\n".join(head + [table] + legend + detail) + "\n"


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: bench.py TMPDIR WHARF_DLL RESULTS_DIR (run bench/run.sh)", file=sys.stderr)
        return 2
    tmp, dll, out_dir = sys.argv[1:]
    bench = Bench(tmp, dll, out_dir)

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        text = bench.run()
    finally:
        bench.stop_all()
    os.makedirs(out_dir, exist_ok=True)
    stem = "scale-out" if SCALE_OUT else None
    out = os.path.join(out_dir, (f"{stem}-quick.md" if QUICK else f"{stem}.md") if stem else ("quick.md" if QUICK else "latest.md"))
    with open(out, "w") as f:
        f.write(text)
    print(text)
    log(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
