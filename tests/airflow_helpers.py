"""Run real Airflow for tests, in subprocesses with an isolated ``AIRFLOW_HOME``.

Airflow reads its configuration once, at import, and reconfigures logging and signal handling
for the whole process; importing it into the pytest process would leak into every other test.
So each Airflow step runs as ``python tests/airflow_helpers.py COMMAND ...`` with an environment
built here (SQLite in a temp dir, no example DAGs, ``dags/`` as the DAGs folder), and reports
back as one JSON line on stdout.

Commands (run as a script): ``parse`` (DagBag import errors, DAG facts, modules the parse
imported), ``dag-test DAG_ID CONF_JSON`` (one ``dag.test()`` run: states, summary, events).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DAGS = REPO / "dags"
VENV_BIN = Path(sys.executable).parent
POOL = "translate"
RESULT_MARK = "@@RESULT@@ "


def airflow_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for an Airflow subprocess: nothing from the developer's Airflow or AWS setup."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_", "DOCPIPE_"))}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            # Failing tasks must fail now, not after minutes of backoff.
            "DOCPIPE_TASK_RETRIES": "0",
            "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    env.update(extra or {})
    return env


def deployment_env(s3_env: dict[str, str], home: Path, settings: dict[str, str]) -> dict[str, str]:
    """Environment for ``tools/airflow_local.py`` / ``airflow_celery.py`` in a test: nothing from the
    developer's Airflow, AWS or docpipe setup; the loopback bucket's keys (*s3_env*); models and
    translation memory under *home*; then the test's docpipe *settings*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_", "DOCPIPE_"))}
    env.update(s3_env)
    env.update(
        {
            "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
            "DOCPIPE_MODELS_DIR": str(home / "models"),
            "DOCPIPE_TRANSLATION_MEMORY": str(home / "memory.sqlite3"),
        }
    )
    env.update(settings)
    return env


def aws_connection(endpoint_url: str, access_key: str, secret_key: str) -> str:
    """``AIRFLOW_CONN_AWS_DEFAULT`` value (JSON form) for an S3-compatible endpoint."""
    return json.dumps(
        {
            "conn_type": "aws",
            "login": access_key,
            "password": secret_key,
            "extra": {"endpoint_url": endpoint_url, "region_name": "us-east-1"},
        }
    )


def airflow(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the ``airflow`` CLI; raise with its output if it fails."""
    proc = subprocess.run(
        [str(VENV_BIN / "airflow"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=env["AIRFLOW_HOME"],
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"airflow {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def prepare(env: dict[str, str]) -> None:
    """``airflow db migrate`` and the ``translate`` pool: what ``dag.test()`` needs first."""
    airflow(env, "db", "migrate")
    airflow(env, "pools", "set", POOL, "2", "docpipe batches (heavy: models, CPU)")


def run_helper(env: dict[str, str], *args: str, timeout: float = 300) -> dict[str, Any]:
    """Run this file as a script in *env*; return the JSON it reports."""
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=env["AIRFLOW_HOME"],
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK) :])
            result["_log"] = proc.stdout[-20000:] + proc.stderr[-20000:]
            return result
    raise RuntimeError(
        f"helper {args} reported nothing ({proc.returncode}):\n{proc.stdout[-5000:]}\n{proc.stderr[-5000:]}"
    )


class AirflowSession:
    """One long-lived ``serve`` subprocess: Airflow imported and the DAGs parsed once.

    Each :meth:`dag_test` is then only the run itself (a fresh process per run would add
    ~10 s of imports and parsing). *env* overrides apply to that run only, so tests can
    point the DAGs at their own bucket.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._proc = subprocess.Popen(
            [sys.executable, __file__, "serve"],
            env=env,
            cwd=env["AIRFLOW_HOME"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def call(self, command: str, *args: Any, env: dict[str, str] | None = None, timeout: float = 240) -> dict[str, Any]:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({"command": command, "args": list(args), "env": env or {}}) + "\n")
        self._proc.stdin.flush()
        deadline = time.monotonic() + timeout
        log: list[str] = []
        while True:
            try:
                line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise TimeoutError(f"{command} {args} took over {timeout}s:\n{''.join(log[-200:])}") from None
            if line is None:
                raise RuntimeError(f"airflow helper exited ({self._proc.wait()}):\n{''.join(log[-200:])}")
            if line.startswith(RESULT_MARK):
                result: dict[str, Any] = json.loads(line[len(RESULT_MARK) :])
                result["_log"] = "".join(log)
                return result
            log.append(line)

    def dag_test(
        self, dag_id: str, conf: dict[str, Any] | None = None, env: dict[str, str] | None = None
    ) -> dict[str, Any]:
        return self.call("dag-test", dag_id, conf or {}, env=env)

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            for sig in (signal.SIGTERM, signal.SIGKILL):  # Airflow's exit hooks can linger
                try:
                    self._proc.wait(5)
                    break
                except subprocess.TimeoutExpired:
                    os.killpg(self._proc.pid, sig)
            self._proc.wait(10)


# -- inside the subprocess ------------------------------------------------------------------------


def _report(result: dict[str, Any]) -> None:
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)


def _guard_network() -> list[str]:
    """Record (and refuse) every non-Unix socket connection or DNS lookup from now on."""
    import socket

    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(sock: socket.socket, address: Any) -> None:
        if sock.family != socket.AF_UNIX:
            attempts.append(f"connect {address!r}")
            raise ConnectionRefusedError(f"network blocked during DAG parsing: {address!r}")

    def connect(sock: socket.socket, address: Any) -> None:
        refuse(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        refuse(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"getaddrinfo {host!r}")
        raise OSError(f"DNS blocked during DAG parsing: {host!r}")

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    return attempts


def _parse() -> dict[str, Any]:
    before = set(sys.modules)
    from airflow import settings  # noqa: F401 - configure Airflow itself before guarding parsing

    attempts = _guard_network()
    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS, bundle_name="dags-folder")
    imported = sorted(set(sys.modules) - before)
    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "tasks": sorted(dag.task_ids),
            "schedule": None if dag.schedule is None else str(dag.schedule),
            "max_active_runs": dag.max_active_runs,
            "catchup": dag.catchup,
            "params": {k: {**v.schema, "description": v.description} for k, v in dag.params.items()},
            "pools": {t.task_id: t.pool for t in dag.tasks},
            "queues": {t.task_id: t.queue for t in dag.tasks},
            "outlets": {t.task_id: [getattr(o, "name", str(o)) for o in t.outlets] for t in dag.tasks},
            "map_index_template": {t.task_id: getattr(t, "map_index_template", None) for t in dag.tasks},
            "retries": {t.task_id: t.retries for t in dag.tasks},
            "execution_timeout": {
                t.task_id: t.execution_timeout and t.execution_timeout.total_seconds() for t in dag.tasks
            },
            "retry_exponential_backoff": {t.task_id: t.retry_exponential_backoff for t in dag.tasks},
        }
    return {
        "import_errors": {k: str(v) for k, v in bag.import_errors.items()},
        "dags": dags,
        "modules": imported,
        "network": attempts,
    }


def _dag_test(dag_id: str, conf: dict[str, Any]) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import BundleDagBag
    from airflow.models.asset import AssetEvent
    from airflow.models.xcom import XComModel
    from airflow.settings import Session
    from sqlalchemy import select

    bag = BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS, bundle_name="dags-folder")
    dag = bag.get_dag(dag_id)
    try:
        run = dag.test(run_conf=conf or None, logical_date=None)
    except Exception as exc:  # e.g. ParamValidationError for an invalid form
        return {"error_type": type(exc).__name__, "error": str(exc)}
    session = Session()
    tis = {
        f"{ti.task_id}[{ti.map_index}]" if ti.map_index >= 0 else ti.task_id: {
            "state": str(getattr(ti.state, "value", ti.state)),
            "rendered_map_index": ti.rendered_map_index,
        }
        for ti in run.get_task_instances(session=session)
    }
    rows = session.execute(
        select(XComModel.task_id, XComModel.map_index, XComModel.key, XComModel.value).where(
            XComModel.dag_id == dag_id, XComModel.run_id == run.run_id
        )
    ).all()
    xcoms: dict[str, Any] = {}  # return values
    xcom_keys: dict[str, list[str]] = {}  # every key each task instance pushed
    for task_id, map_index, key, value in rows:
        name = f"{task_id}[{map_index}]" if map_index >= 0 else task_id
        xcom_keys.setdefault(name, []).append(key)
        if key == "return_value":
            xcoms[name] = json.loads(value) if isinstance(value, str) else value
    events = [
        {"asset": e.asset.name, "extra": e.extra}
        for e in session.scalars(select(AssetEvent).where(AssetEvent.source_run_id == run.run_id))
    ]
    return {
        "run_id": run.run_id,
        "state": str(getattr(run.state, "value", run.state)),
        "logical_date": str(run.logical_date),
        "tasks": tis,
        "xcoms": xcoms,
        "xcom_keys": {name: sorted(keys) for name, keys in xcom_keys.items()},
        "events": events,
    }


def _serve() -> None:
    """Answer JSON commands from stdin, one per line, until stdin closes."""
    for line in sys.stdin:
        request = json.loads(line)
        saved = {k: os.environ.get(k) for k in request["env"]}
        os.environ.update(request["env"])
        try:
            if request["command"] == "dag-test":
                dag_id, conf = request["args"]
                _report(_dag_test(dag_id, conf))
            else:
                _report({"error_type": "UnknownCommand", "error": request["command"]})
        except Exception as exc:
            import traceback

            traceback.print_exc(file=sys.stdout)
            _report({"error_type": type(exc).__name__, "error": str(exc)})
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def main(argv: list[str]) -> int:
    command = argv[0]
    if command == "serve":
        _serve()
    elif command == "parse":
        _report(_parse())
    elif command == "dag-test":
        _report(_dag_test(argv[1], json.loads(argv[2]) if len(argv) > 2 else {}))
    else:
        raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
