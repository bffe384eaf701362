#!/usr/bin/env python3
"""Run docpipe's Airflow locally without Docker: ``airflow standalone`` plus a local SeaweedFS.

    .venv/bin/python tools/airflow_local.py            # UI on http://127.0.0.1:8080
    .venv/bin/python tools/airflow_local.py --seed     # ...and drop seeds/ into the landing prefix

It prepares an ``AIRFLOW_HOME`` (default ``.airflow/``; SQLite, no example DAGs, this repo's
``dags/``), starts ``weed mini`` on loopback with a ``docpipe`` bucket (or uses ``--s3-endpoint``
with the ``AWS_*`` credentials from the environment), runs ``airflow db migrate``, creates the
``translate`` pool, passes the ``aws_default`` connection and ``DOCPIPE_*`` settings through the
environment, starts ``airflow standalone`` in its own process group, unpauses
``docpipe_ingest`` (unless ``--paused``) and ``docpipe_reprocess``, and prints the UI address
and login, and how to open the bucket: its endpoint and credentials are written to
``<home>/s3.env`` (mode 0600). Ctrl-C stops everything. The line ``READY {json}`` on stdout is
for scripts (the end-to-end tests use it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
POOL = "translate"
DAG_IDS = ("docpipe_ingest", "docpipe_reprocess")
STOPPING = threading.Event()  # set by SIGINT/SIGTERM; checked while waiting for Airflow, too


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def airflow_environment(home: Path, port: int, s3: dict[str, str], bucket: str, pool_slots: int) -> dict[str, str]:
    """Everything standalone and its children need, with nothing inherited from another Airflow."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    base_url = f"http://127.0.0.1:{port}"
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),  # the records viewer (/docpipe)
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": base_url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "AIRFLOW__CORE__PARALLELISM": str(max(pool_slots * 2, 4)),
            "AIRFLOW_CONN_AWS_DEFAULT": json.dumps(
                {
                    "conn_type": "aws",
                    "login": s3["access_key"],
                    "password": s3["secret_key"],
                    "extra": {"endpoint_url": s3["endpoint_url"], "region_name": s3.get("region", "us-east-1")},
                }
            ),
            "DOCPIPE_BUCKET": bucket,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def admin_password(home: Path) -> str:
    """The admin password, kept across restarts in the simple auth manager's passwords file."""
    path = home / "passwords.json"
    if path.exists():
        return str(json.loads(path.read_text())["admin"])
    password = secrets.token_urlsafe(12)
    path.write_text(json.dumps({"admin": password}))
    path.chmod(0o600)
    return password


def write_s3_env(home: Path, s3: dict[str, str], bucket: str) -> Path:
    """``<home>/s3.env``: what a shell needs to read the bucket (AWS CLI, boto3, ``docpipe``).

    SeaweedFS gets new random credentials on every start, so they are written here, readable
    by the owner only, rather than printed.
    """
    path = home / "s3.env"
    lines = [
        "# S3 access to the docpipe bucket of tools/airflow_local.py; rewritten on every start.",
        "# Use: . .airflow/s3.env   (then aws s3 ls, docpipe verify s3://..., boto3)",
        f"export AWS_ENDPOINT_URL={s3['endpoint_url']}",
        f"export AWS_ACCESS_KEY_ID={s3['access_key']}",
        f"export AWS_SECRET_ACCESS_KEY={s3['secret_key']}",
        f"export AWS_DEFAULT_REGION={s3.get('region', 'us-east-1')}",
        f"export DOCPIPE_BUCKET={bucket}",
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")
    path.chmod(0o600)  # an older file keeps its mode through O_TRUNC
    return path


def banner(info: dict[str, Any], given_endpoint: bool) -> str:
    """What a person reads once everything is up (docs/airflow.md shows the same)."""
    bucket, home = info["bucket"], Path(info["airflow_home"])
    s3_env, passwords = _shown(Path(info["s3_env"])), _shown(home / "passwords.json")
    return (
        f"\nAirflow is up: {info['url']}  (login: admin / {info['password']}, kept in {passwords})\n"
        f"S3 ({'given' if given_endpoint else 'SeaweedFS'}): {info['s3_endpoint']}  "
        f"bucket {bucket}: landing/ → clean/, errors/, runs/\n"
        f"S3 endpoint and credentials: {s3_env} (mode 0600). To look into the bucket:\n"
        f"  . {s3_env}\n"
        f"  aws s3 ls --recursive s3://{bucket}/runs/      # AWS CLI\n"
        f"  .venv/bin/docpipe verify s3://{bucket}          # docpipe: checks every record\n"
        f"logs: {_shown(Path(info['log']))}   Ctrl-C to stop\n"
    )


def _shown(path: Path) -> str:
    """*path* relative to the checkout when it is inside it (``.airflow/s3.env``), else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run_airflow(env: dict[str, str], *args: str) -> None:
    proc = subprocess.run([str(VENV_BIN / "airflow"), *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"airflow {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


class Api:
    """The few REST API v2 calls this script needs (token from /auth/token)."""

    def __init__(self, base_url: str, password: str) -> None:
        self.base_url = base_url
        self.password = password
        self.token: str | None = None

    def request(self, method: str, path: str, body: Any = None, timeout: float = 10) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return json.loads(response.read() or b"null")

    def login(self) -> None:
        self.token = None
        reply = self.request("POST", "/auth/token", {"username": "admin", "password": self.password})
        self.token = reply["access_token"]


def ensure_pool(api: Api, name: str, slots: int) -> None:
    """Create or resize the pool through the REST API (cheaper than another ``airflow`` CLI start)."""
    body = {"name": name, "slots": slots, "description": "docpipe batches (CPU-heavy: models)"}
    try:
        api.request("POST", "/api/v2/pools", body)
    except urllib.error.HTTPError as exc:
        if exc.code != 409:
            raise
        api.request("PATCH", f"/api/v2/pools/{name}", body)


def wait_until(
    what: str, check: Callable[[], Any], timeout: float, alive: Callable[[], None], interval: float = 1.0
) -> Any:
    """*check*'s first truthy result; *alive* raises SystemExit when a component the wait needs died."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if STOPPING.is_set():
            raise SystemExit("interrupted")
        try:
            alive()
        except SystemExit as exc:
            raise SystemExit(f"{exc} while waiting for {what}") from None
        try:
            result = check()
            if result:
                return result
        except (OSError, urllib.error.URLError, ValueError, KeyError) as exc:
            last = exc
        time.sleep(interval)
    raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last})")


def open_airflow(api: Api, args: argparse.Namespace, alive: Callable[[], None], interval: float = 1.0) -> None:
    """Wait for the API server and the login, create the pool, wait for both DAGs to be parsed and
    unpause them (``docpipe_ingest`` only without ``--paused``)."""
    wait_until("the API server", lambda: api.request("GET", "/api/v2/monitor/health"), args.timeout, alive, interval)
    wait_until("login", lambda: api.login() or True, 60, alive, interval)
    ensure_pool(api, POOL, args.pool_slots)
    for dag_id in DAG_IDS:
        parsed = partial(api.request, "GET", f"/api/v2/dags/{dag_id}")
        wait_until(f"{dag_id} to be parsed", parsed, 180, alive, interval)
        if dag_id != "docpipe_ingest" or not args.paused:
            api.request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})


def start_seaweed(home: Path, bucket: str) -> tuple[Any, dict[str, str]]:
    """A loopback SeaweedFS with *bucket*, via the tested helper the test suite uses."""
    sys.path.insert(0, str(ROOT / "tests"))
    from seaweed import SeaweedServer  # the same launcher as the tests: loopback only, no telemetry

    server = SeaweedServer(home / "seaweedfs", bucket=bucket)
    server.start()
    return server, {
        "endpoint_url": server.endpoint_url,
        "access_key": server.access_key,
        "secret_key": server.secret_key,
    }


def s3_client(s3: dict[str, str]) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3["endpoint_url"],
        aws_access_key_id=s3["access_key"] or None,
        aws_secret_access_key=s3["secret_key"] or None,
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        config=Config(s3={"addressing_style": "path"}),
    )


def ensure_bucket(s3: dict[str, str], bucket: str) -> None:
    client = s3_client(s3)
    try:
        client.head_bucket(Bucket=bucket)
    except Exception:  # missing (404) or not visible yet: try to create it, and let that fail loudly
        client.create_bucket(Bucket=bucket)


def open_bucket(home: Path, endpoint: str | None, bucket: str) -> tuple[Any, dict[str, str]]:
    """The bucket the DAGs use: on *endpoint* with the caller's AWS keys (created if missing), or
    on a new loopback SeaweedFS. Returns (the SeaweedFS server to stop, or None; S3 options)."""
    if not endpoint:
        return start_seaweed(home, bucket)
    s3 = {
        "endpoint_url": endpoint,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
    }
    ensure_bucket(s3, bucket)
    return None, s3


def seed_landing(s3: dict[str, str], bucket: str, prefix: str) -> int:
    client = s3_client(s3)
    seeds = sorted(p for p in (ROOT / "seeds").iterdir() if p.is_file())
    for path in seeds:
        client.put_object(Bucket=bucket, Key=f"{prefix.strip('/')}/{path.name}", Body=path.read_bytes())
    return len(seeds)


def stop_group(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM to the whole group (every component shuts down on it), then SIGKILL."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            continue
    # Components outlive the leader briefly; sweep what is left of the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=ROOT / ".airflow", help="AIRFLOW_HOME (default .airflow/)")
    parser.add_argument("--port", type=int, default=8080, help="API/UI port (0: a free one; default 8080)")
    parser.add_argument("--bucket", default="docpipe", help="bucket for landing/ and the outputs (default docpipe)")
    parser.add_argument("--s3-endpoint", help="use this S3 endpoint (AWS_* credentials from env) instead of SeaweedFS")
    parser.add_argument("--pool-slots", type=int, default=2, help="slots of the translate pool (default 2)")
    parser.add_argument("--seed", action="store_true", help="copy seeds/ into <bucket>/landing/ first")
    parser.add_argument("--paused", action="store_true", help="leave docpipe_ingest paused")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for Airflow to come up")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = args.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    port = args.port or free_port()
    seaweed, s3 = open_bucket(home, args.s3_endpoint, args.bucket)
    standalone: subprocess.Popen[str] | None = None
    signal.signal(signal.SIGTERM, lambda *_: STOPPING.set())
    signal.signal(signal.SIGINT, lambda *_: STOPPING.set())
    try:
        if args.seed:
            print(f"seeded {seed_landing(s3, args.bucket, 'landing')} documents into s3://{args.bucket}/landing/")
        s3_env = write_s3_env(home, s3, args.bucket)
        env = airflow_environment(home, port, s3, args.bucket, args.pool_slots)
        password = admin_password(home)
        run_airflow(env, "db", "migrate")  # before standalone, so a broken database fails here, clearly
        log_path = home / "standalone.log"
        with open(log_path, "ab") as log:
            standalone = subprocess.Popen(
                [str(VENV_BIN / "airflow"), "standalone"],
                env=env,
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: one signal stops every component
                text=True,
            )
        api = Api(f"http://127.0.0.1:{port}", password)

        def alive() -> None:
            if standalone.poll() is not None:
                raise SystemExit(f"airflow standalone exited ({standalone.returncode})")

        open_airflow(api, args, alive)
        info = {
            "url": api.base_url,
            "username": "admin",
            "password": password,
            "airflow_home": str(home),
            "s3_endpoint": s3["endpoint_url"],
            "bucket": args.bucket,
            "log": str(log_path),
            "s3_env": str(s3_env),
            "pid": standalone.pid,
        }
        print(banner(info, bool(args.s3_endpoint)), file=sys.stderr)
        print("READY " + json.dumps(info), flush=True)
        while not STOPPING.wait(1):
            if standalone.poll() is not None:
                print(f"airflow standalone exited ({standalone.returncode}); see {log_path}", file=sys.stderr)
                return 1
        return 0
    finally:
        if standalone is not None:
            stop_group(standalone)
        if seaweed is not None:
            seaweed.stop()


if __name__ == "__main__":
    raise SystemExit(main())
