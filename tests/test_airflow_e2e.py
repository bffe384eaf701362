"""End to end: the real ``airflow standalone``, driven only through its REST API v2.

Started the documented way (``tools/airflow_local.py``, here on a free port, a temp
``AIRFLOW_HOME`` and the session SeaweedFS), in its own process group; the test logs in at
``/auth/token``, triggers ``docpipe_reprocess`` with ``"logical_date": null`` as a client would,
waits for the run, reads the summary XCom over the API, checks the bucket, and stops everything.
Takes 1.5-3 minutes: deselect locally with ``-m "not airflow"``; CI runs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from seaweed import SeaweedServer

from pipeline.ids import doc_id_for

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").iterdir())[:2]

pytestmark = [pytest.mark.airflow, pytest.mark.slow]


class Api:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.token: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")


@pytest.fixture
def standalone(seaweed: SeaweedServer, tmp_path: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """``tools/airflow_local.py`` against a fresh bucket; yields its READY info and the bucket."""
    bucket = seaweed.create_bucket(f"e2e-{secrets.token_hex(4)}")
    for seed in SEEDS:
        seaweed.client().put_object(Bucket=bucket, Key=f"landing/{seed.name}", Body=seed.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_", "DOCPIPE_"))}
    env.update(seaweed.env())
    env.update(
        {
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
            "DOCPIPE_MODELS_DIR": str(tmp_path / "models"),
            "DOCPIPE_TRANSLATION_MEMORY": str(tmp_path / "memory.sqlite3"),
            "DOCPIPE_TASK_RETRIES": "0",
        }
    )
    command = [
        sys.executable,
        str(ROOT / "tools" / "airflow_local.py"),
        "--home",
        str(tmp_path / "airflow"),
        "--port",
        "0",
        "--bucket",
        bucket,
        "--s3-endpoint",
        seaweed.endpoint_url,
        "--paused",
        "--pool-slots",
        "1",
    ]
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, whatever happens to this one
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    info: dict[str, Any] | None = None
    output: list[str] = []
    deadline = time.monotonic() + 300
    try:
        while info is None:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            if line is None:
                pytest.fail("airflow_local.py exited before READY:\n" + "".join(output[-100:]))
            output.append(line)
            if line.startswith("READY "):
                info = json.loads(line[len("READY ") :])
        yield info, bucket
    except queue.Empty:
        log = tmp_path / "airflow" / "standalone.log"
        tail = log.read_text(errors="replace")[-5000:] if log.exists() else ""
        pytest.fail("Airflow not ready within 300 s:\n" + "".join(output[-50:]) + tail)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # the tool stops standalone's process group itself
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        if info is not None:  # belt and braces: nothing of standalone's group may outlive the test
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(info["pid"]), signal.SIGKILL)
        seaweed.discard_bucket(bucket)


def test_reprocess_through_the_rest_api(standalone: tuple[dict[str, Any], str], seaweed: SeaweedServer) -> None:
    info, bucket = standalone
    api = Api(info["url"])
    status, token = api.call("POST", "/auth/token", {"username": info["username"], "password": info["password"]})
    assert status == 201, token
    api.token = token["access_token"]

    status, dags = api.call("GET", "/api/v2/dags?dag_id_pattern=docpipe")
    assert status == 200
    assert {d["dag_id"]: d["is_paused"] for d in dags["dags"]} == {"docpipe_ingest": True, "docpipe_reprocess": False}

    # The trigger form's validation applies to API clients too.
    status, error = api.call(
        "POST", "/api/v2/dags/docpipe_reprocess/dagRuns", {"logical_date": None, "conf": {"status": "bogus"}}
    )
    assert status == 400, error

    ids = [doc_id_for(f"s3://{bucket}/landing/{seed.name}") for seed in SEEDS]
    status, run = api.call(
        "POST", "/api/v2/dags/docpipe_reprocess/dagRuns", {"logical_date": None, "conf": {"doc_ids": ids}}
    )
    assert status == 200, run
    assert run["logical_date"] is None
    run_path = f"/api/v2/dags/docpipe_reprocess/dagRuns/{urllib.parse.quote(run['dag_run_id'], safe='')}"

    deadline = time.monotonic() + 240
    while run["state"] not in ("success", "failed") and time.monotonic() < deadline:
        time.sleep(2)
        status, run = api.call("GET", run_path)
        assert status == 200
    assert run["state"] == "success", run

    status, tis = api.call("GET", f"{run_path}/taskInstances")
    states = {(t["task_id"], t["map_index"]): t["state"] for t in tis["task_instances"]}
    assert states == {("select", -1): "success", ("process_batch", 0): "success", ("summarize", -1): "success"}
    status, xcom = api.call("GET", f"{run_path}/taskInstances/summarize/xcomEntries/return_value")
    assert status == 200, xcom
    summary = xcom["value"] if isinstance(xcom["value"], dict) else json.loads(xcom["value"])
    assert summary["counts"] == {"seen": 2, "written": 2, "skipped": 0, "failed": 0}

    client = seaweed.client()
    for doc_id in ids:
        record = json.loads(client.get_object(Bucket=bucket, Key=f"clean/{doc_id}.json")["Body"].read())
        assert record["doc_id"] == doc_id
    manifest_key = summary["manifest"].split("/", 3)[3]
    manifest = json.loads(client.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    assert sorted(manifest["documents"]["written"]) == sorted(ids)
    assert manifest["pipeline"]["orchestrator"]["run_id"] == run["dag_run_id"]
