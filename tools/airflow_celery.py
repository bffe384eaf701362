#!/usr/bin/env python3
"""Run docpipe on Airflow's CeleryExecutor without Docker: the deployment of docker-compose.yml
as local processes.

    .venv/bin/python tools/airflow_celery.py            # UI on http://127.0.0.1:8080
    .venv/bin/python tools/airflow_celery.py --seed     # ...and drop seeds/ into the landing prefix

Starts, all on loopback: PostgreSQL (Debian's ``postgresql``; the metadata database and Celery's
result backend), Redis (Debian's ``redis-server``; the Celery broker), SeaweedFS with a
``docpipe`` bucket (or ``--s3-endpoint``), then ``airflow db migrate`` and the API server,
scheduler, DAG processor, triggerer and ``--workers`` Celery workers (default two, named
``worker1``, ``worker2``: the name is the Celery node name *and* the ``hostname`` Airflow records
on each task instance, so the UI and the REST API say which worker ran a batch). It creates the
``translate`` pool, unpauses the DAGs like ``tools/airflow_local.py`` and prints ``READY {json}``
(for scripts and the end-to-end test) with the UI address, login and each component's pid.

Every component is started in its own session (``setsid``) because a task runs in its own
process group under the worker: stopping a worker's group alone would orphan the task. Ctrl-C
or SIGTERM stops every process of every session (SIGTERM, then SIGKILL after a grace period),
workers first, PostgreSQL last. Data (PostgreSQL, logs, SeaweedFS) stays in ``--home``
(default ``.airflow-celery/``) for the next start.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The standalone launcher's tested parts, reused as they are.
from airflow_local import (
    ROOT,
    STOPPING,
    VENV_BIN,
    Api,
    admin_password,
    airflow_environment,
    free_port,
    open_airflow,
    open_bucket,
    run_airflow,
    seed_landing,
    wait_until,
)

WORKER_NAME_ENV = "DOCPIPE_WORKER_NAME"


def worker_hostname() -> str:
    """``[core] hostname_callable`` of the workers: the name this launcher gave the worker.

    Several workers on one host would otherwise all record the machine's name on their task
    instances. Falls back to the fully qualified host name outside a named worker.
    """
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()


# -- processes and their sessions ------------------------------------------------------------------


def session_members(sid: int) -> list[int]:
    """Every live process whose session id is *sid* (from /proc; Linux)."""
    members = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # After "pid (comm)": state ppid pgrp session ...; zombies have exited already.
        if int(fields[3]) == sid and fields[0] != b"Z":
            members.append(int(stat.split("/")[2]))
    return members


def signal_session(sid: int, sig: int) -> None:
    for pid in session_members(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


@dataclass
class Component:
    """One long-running process, the leader of its own session."""

    name: str
    proc: subprocess.Popen[bytes]
    stop_signal: int = signal.SIGTERM
    grace: float = 20.0
    tier: int = 0  # stopped by descending tier: workers, then Airflow's services, then the stores
    essential: bool = True  # whether the deployment stops when it exits (a lost worker is survivable)
    reported: bool = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        self.proc.poll()  # reap the leader so it does not count as alive
        return bool(session_members(self.pid))


def stop_together(components: list[Component]) -> None:
    """Each component's stop signal to every process of its session at once, then SIGKILL to
    whatever outlives the longest grace period."""
    for component in components:
        signal_session(component.pid, component.stop_signal)
    deadline = time.monotonic() + max((c.grace for c in components), default=0)
    while time.monotonic() < deadline and any(c.alive() for c in components):
        time.sleep(0.2)
    for component in components:
        signal_session(component.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            component.proc.wait(5)


@dataclass
class Stack:
    """The started components; :meth:`stop` stops them tier by tier, each tier at once."""

    logs: Path
    components: list[Component] = field(default_factory=list)
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def start(
        self,
        name: str,
        command: list[str],
        env: dict[str, str] | None = None,
        *,
        user: str | None = None,
        stop_signal: int = signal.SIGTERM,
        grace: float = 20.0,
        tier: int = 0,
        essential: bool = True,
    ) -> Component:
        with open(self.logs / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                command,
                env=env,
                cwd=self.logs,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # setsid: the session holds everything it starts
                user=user,
            )
        component = Component(name, proc, stop_signal, grace, tier, essential)
        self.components.append(component)
        return component

    def check(self) -> None:
        """Raise when an essential component has exited; report a lost worker once and go on
        (its tasks are retried on the others, as in any Celery deployment)."""
        for component in self.components:
            if component.proc.poll() is None or component.reported:
                continue
            message = f"{component.name} exited ({component.proc.returncode}); see {self.logs / component.name}.log"
            if component.essential:
                raise SystemExit(message)
            component.reported = True
            print(message, file=sys.stderr, flush=True)

    def stop(self) -> None:
        for tier in sorted({c.tier for c in self.components}, reverse=True):
            stop_together([c for c in self.components if c.tier == tier])
        for cleanup in reversed(self.cleanups):
            cleanup()


def wait_for(what: str, check: Callable[[], Any], timeout: float, stack: Stack) -> Any:
    """:func:`airflow_local.wait_until` while every component of *stack* runs."""
    return wait_until(what, check, timeout, stack.check, interval=0.5)


# -- PostgreSQL and Redis --------------------------------------------------------------------------


def postgres_bindir(given: str | None) -> Path:
    candidates = [given] if given else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key)
    for candidate in reversed(candidates):
        if candidate and (Path(candidate) / "postgres").exists():
            return Path(candidate)
    raise SystemExit("PostgreSQL not found: install Debian's postgresql package (make setup) or pass --postgres-bin")


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(p) for p in Path(path).parent.name.split(".") if p.isdigit())


def _reachable_by_others(path: Path) -> bool:
    """Whether a non-root user can reach *path* (every existing parent traversable by 'other')."""
    return all(not p.exists() or p.stat().st_mode & 0o001 for p in [path, *path.parents])


def postgres_data_dir(home: Path, stack: Stack) -> tuple[Path, str | None]:
    """The data directory and the user to run PostgreSQL as (it refuses to run as root).

    As root, the server runs as Debian's ``postgres`` user; when that user cannot reach *home*
    (a 0700 temp dir), the data goes to a private temp dir removed on stop.
    """
    wanted = home / "postgres"
    if os.geteuid() != 0:
        return wanted, None
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        raise SystemExit("running as root needs the 'postgres' user (Debian's postgresql package)") from None
    if _reachable_by_others(home):
        data = wanted
    else:
        scratch = Path(tempfile.mkdtemp(prefix="docpipe-pg-"))
        os.chown(scratch, owner.pw_uid, owner.pw_gid)
        stack.cleanups.append(lambda: shutil.rmtree(scratch, ignore_errors=True))
        data = scratch / "data"
        print(f"PostgreSQL data in {scratch} (the postgres user cannot reach {home}); removed on stop", file=sys.stderr)
    data.mkdir(mode=0o700, exist_ok=True)
    os.chown(data, owner.pw_uid, owner.pw_gid)
    return data, "postgres"


def start_postgres(home: Path, port: int, bindir: Path, stack: Stack) -> str:
    """A loopback PostgreSQL (trust auth, TCP only, fsync off) with an ``airflow`` database; its URL."""
    data, user = postgres_data_dir(home, stack)
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"],
            check=True,
            capture_output=True,
            user=user,
            cwd="/",
        )
    settings = ["listen_addresses=127.0.0.1", f"port={port}", "unix_socket_directories=", "fsync=off"]
    command = [str(bindir / "postgres"), "-D", str(data)]
    for setting in settings:
        command += ["-c", setting]
    # SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
    stack.start("postgres", command, user=user, stop_signal=signal.SIGINT)
    isready = [str(bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]
    wait_for("PostgreSQL", lambda: subprocess.run(isready).returncode == 0, 60, stack)
    psql = [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-tA"]
    exists = subprocess.run([*psql, "-c", "SELECT 1 FROM pg_database WHERE datname = 'airflow'"], capture_output=True)
    if exists.stdout.strip() != b"1":
        subprocess.run([*psql, "-c", "CREATE DATABASE airflow"], check=True, capture_output=True)
    return f"postgres@127.0.0.1:{port}/airflow"


def start_redis(home: Path, port: int, stack: Stack) -> str:
    """A loopback Redis without persistence (the broker's queue is rebuilt by the scheduler)."""
    redis_server = shutil.which("redis-server")
    if not redis_server:
        raise SystemExit("redis-server not found: install Debian's redis-server package (make setup)")
    (home / "redis").mkdir(exist_ok=True)
    command = [redis_server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    stack.start("redis", [*command, "--dir", str(home / "redis")])

    def ping() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    wait_for("Redis", ping, 30, stack)
    return f"redis://127.0.0.1:{port}/0"


# -- Airflow ---------------------------------------------------------------------------------------


def jwt_secret(home: Path) -> str:
    """One JWT secret shared by the API server and the workers (their task tokens), kept in *home*."""
    path = home / "jwt_secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))  # ≥ 64 bytes: HS512 wants no fewer
        path.chmod(0o600)
    return path.read_text().strip()


def celery_environment(
    base: dict[str, str], home: Path, database: str, broker: str, args: argparse.Namespace
) -> dict[str, str]:
    env = dict(base)
    env.update(
        {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{database}",
            "AIRFLOW__CELERY__BROKER_URL": broker,
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://{database}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(args.worker_concurrency),
            "AIRFLOW__API_AUTH__JWT_SECRET": jwt_secret(home),
            "AIRFLOW__API__WORKERS": "1",
            # Free ports for the log servers: the defaults (8793, 8794) may be taken by another Airflow.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            # How long a task may go without a heartbeat (a killed worker) before the scheduler
            # fails it and, retries permitting, queues it again for another worker.
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(args.heartbeat_timeout),
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
            # A task a dead worker had received but not started stays "queued" (its message sits
            # unacknowledged in Redis): after this many seconds the scheduler queues it again.
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": str(args.queued_timeout),
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL": str(max(5, min(120, args.queued_timeout // 4))),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), base.get("PYTHONPATH")])),
        }
    )
    return env


def worker_queues(index: int, args: argparse.Namespace) -> str:
    """Every worker serves ``default``; the last ``--gpu-workers`` also serve the ``gpu`` queue."""
    return "default,gpu" if index > args.workers - args.gpu_workers else "default"


def start_airflow(stack: Stack, env: dict[str, str], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    airflow = str(VENV_BIN / "airflow")
    for name in ("api-server", "scheduler", "dag-processor", "triggerer"):
        stack.start(name, [airflow, name], env, tier=1)
    workers: dict[str, dict[str, Any]] = {}
    for index in range(1, args.workers + 1):
        name = f"worker{index}"
        queues = worker_queues(index, args)
        worker_env = {**env, WORKER_NAME_ENV: name}
        worker_env["AIRFLOW__CORE__HOSTNAME_CALLABLE"] = "airflow_celery.worker_hostname"
        command = [airflow, "celery", "worker", "--celery-hostname", f"{name}@%h", "--queues", queues]
        # Two workers on one host: a pid file each, and no log server (the API server reads the
        # shared local log folder); --concurrency comes from AIRFLOW__CELERY__WORKER_CONCURRENCY.
        command += ["--pid", str(Path(env["AIRFLOW_HOME"]) / f"{name}.pid"), "--skip-serve-logs"]
        # A warm shutdown waits for running tasks; give them a while before SIGKILL.
        component = stack.start(name, command, worker_env, grace=args.worker_grace, tier=2, essential=False)
        workers[name] = {"pid": component.pid, "queues": queues.split(",")}
    return workers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=ROOT / ".airflow-celery", help="AIRFLOW_HOME and data")
    parser.add_argument("--port", type=int, default=8080, help="API/UI port (0: a free one; default 8080)")
    parser.add_argument("--bucket", default="docpipe", help="bucket for landing/ and the outputs (default docpipe)")
    parser.add_argument("--s3-endpoint", help="use this S3 endpoint (AWS_* credentials from env) instead of SeaweedFS")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers, named worker1.. (default 2)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="task slots per worker (default 2)")
    parser.add_argument(
        "--gpu-workers",
        type=int,
        default=0,
        help="how many of the workers also serve 'gpu' (export DOCPIPE_GPU_QUEUE=gpu to route batches there)",
    )
    parser.add_argument("--pool-slots", type=int, default=4, help="slots of the translate pool (default 4)")
    parser.add_argument(
        "--heartbeat-timeout",
        type=int,
        default=60,
        help="seconds without a task heartbeat before a task on a lost worker is failed and retried "
        "(Airflow's default is 300; default here 60)",
    )
    parser.add_argument(
        "--queued-timeout",
        type=int,
        default=600,
        help="seconds a task may stay queued (e.g. received by a worker that then died) before it is "
        "queued again (Airflow's default, 600)",
    )
    parser.add_argument("--worker-grace", type=float, default=60, help="seconds a stopping worker may finish tasks")
    parser.add_argument("--postgres-bin", help="PostgreSQL's bin directory (default: newest /usr/lib/postgresql/*)")
    parser.add_argument("--seed", action="store_true", help="copy seeds/ into <bucket>/landing/ first")
    parser.add_argument("--paused", action="store_true", help="leave docpipe_ingest paused")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for Airflow to come up")
    args = parser.parse_args(argv)
    if not 0 <= args.gpu_workers <= args.workers or args.workers < 1:
        parser.error("need 1 <= --workers and 0 <= --gpu-workers <= --workers")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = args.home.resolve()
    (home / "logs").mkdir(parents=True, exist_ok=True)
    stack = Stack(home / "logs")
    signal.signal(signal.SIGTERM, lambda *_: STOPPING.set())
    signal.signal(signal.SIGINT, lambda *_: STOPPING.set())
    try:
        seaweed, s3 = open_bucket(home, args.s3_endpoint, args.bucket)
        if seaweed is not None:
            stack.cleanups.append(seaweed.stop)
        if args.seed:
            print(f"seeded {seed_landing(s3, args.bucket, 'landing')} documents into s3://{args.bucket}/landing/")
        database = start_postgres(home, free_port(), postgres_bindir(args.postgres_bin), stack)
        broker = start_redis(home, free_port(), stack)
        port = args.port or free_port()
        standalone_env = airflow_environment(home, port, s3, args.bucket, args.pool_slots)
        env = celery_environment(standalone_env, home, database, broker, args)
        password = admin_password(home)
        run_airflow(env, "db", "migrate")
        workers = start_airflow(stack, env, args)
        api = Api(f"http://127.0.0.1:{port}", password)
        open_airflow(api, args, stack.check, interval=0.5)
        info = {
            "url": api.base_url,
            "username": "admin",
            "password": password,
            "airflow_home": str(home),
            "s3_endpoint": s3["endpoint_url"],
            "bucket": args.bucket,
            "database": f"postgresql://{database}",
            "broker": broker,
            "logs": str(stack.logs),
            "pids": {c.name: c.pid for c in stack.components},
            "workers": workers,
        }
        worker_list = ", ".join(f"{name} ({'+'.join(w['queues'])})" for name, w in workers.items())
        print(
            f"\nAirflow (CeleryExecutor) is up: {info['url']}  (login: admin / {password})\n"
            f"workers: {worker_list}\n"
            f"metadata: {info['database']}   broker: {broker}\n"
            f"S3 ({'given' if args.s3_endpoint else 'SeaweedFS'}): {s3['endpoint_url']}  bucket {args.bucket}\n"
            f"logs: {stack.logs}/   Ctrl-C to stop\n",
            file=sys.stderr,
        )
        print("READY " + json.dumps(info), flush=True)
        while not STOPPING.wait(1):
            stack.check()
        return 0
    except SystemExit as exc:
        if exc.code not in (0, None, "interrupted"):
            print(exc.code, file=sys.stderr)
            return 1
        return 0
    finally:
        print("stopping...", file=sys.stderr)
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
