"""End to end on Airflow's CeleryExecutor: PostgreSQL, Redis, two Celery workers, SeaweedFS.

The deployment is ``tools/airflow_celery.py`` (what ``make airflow-celery`` starts), here on
free ports with a temp home and the session SeaweedFS, driven only through the REST API v2.
One ``docpipe_ingest`` run takes 500 generated documents (HTML and plain text in three
languages, plus the hostile corpus of tests/badinput.py) in 13 mapped batches; once worker1
has finished a batch and is running another, every process of worker1's session gets SIGKILL.
The scheduler notices the missing heartbeats (lowered to 20 s here), fails the instance and
the retry runs on worker2. Then: batches on both workers, the killed batch finished on the
other worker, exactly one outcome per input (``docpipe verify``), every document counted once
in the run manifest, and a ``docpipe_reprocess`` by prefix. Takes a few minutes; CI runs it
(marker ``celery``).

GPU routing runs too (on CPU): ``DOCPIPE_GPU_QUEUE=gpu`` and worker2 also serves the ``gpu``
queue, so the batches the plan finds translation-heavy (two folders hold only Arabic and Pashto,
two only English) run as ``process_batch_gpu`` on worker2, and nowhere else.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow_helpers import deployment_env
from badinput import ARABIC, ENGLISH, PASHTO, cases
from seaweed import SeaweedServer

from pipeline.ids import doc_id_for

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from airflow_celery import session_members, signal_session  # noqa: E402 - tools/ is not a package
from launch import Launched, NotReady  # noqa: E402

pytestmark = [pytest.mark.airflow, pytest.mark.celery, pytest.mark.slow]

DOCUMENTS = 500
BATCH_DOCS = 40  # 500 documents → 13 batches
REPROCESS_PREFIX = "b/"
REPROCESS_DOCS = 30
HEARTBEAT_TIMEOUT = 20
GPU_TASK = "process_batch_gpu"
ENGLISH_FOLDERS = ("a/04/", "a/05/")  # English only: their batches stay on the default queue
FOREIGN_FOLDERS = ("a/06/", "a/07/")  # Arabic and Pashto only: their batches go to the gpu queue


class Api:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.token: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: HTTP {exc.code} {exc.read()[:2000]!r}") from None

    def run_path(self, dag_id: str, run_id: str) -> str:
        return f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"

    def task_instances(self, dag_id: str, run_id: str, task_id: str) -> list[dict[str, Any]]:
        reply = self.call("GET", f"{self.run_path(dag_id, run_id)}/taskInstances?task_id={task_id}&limit=100")
        return list(reply["task_instances"])

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.call("GET", self.run_path(dag_id, run_id))
            if run["state"] in ("success", "failed"):
                return dict(run)
            time.sleep(2)
        raise AssertionError(f"{dag_id} {run_id} not finished after {timeout:.0f}s")


def landing_documents() -> dict[str, bytes]:
    """Key (relative to landing/) → bytes: generated HTML and plain text, and the hostile corpus."""
    docs: dict[str, bytes] = {}
    for number, case in enumerate(cases(big=False)):
        # Hostile bytes under plain names (SeaweedFS refuses some of the hostile names, like backslashes).
        plain = case.name.isprintable() and "\\" not in case.name and len(case.name) < 200
        name = case.name if plain else f"case-{number:02d}"
        docs[f"a/hostile/{number:02d}-{name}"] = case.data
    texts = (ENGLISH, ARABIC, PASHTO)
    number = 0
    while len(docs) < DOCUMENTS:
        area = REPROCESS_PREFIX if number < REPROCESS_DOCS else "a/"
        folder = f"{area}{number // 50:02d}/"
        first, second = texts[number % 3], texts[(number + 1) % 3]
        if folder in ENGLISH_FOLDERS:
            first = second = ENGLISH
        elif folder in FOREIGN_FOLDERS:
            first, second = (ARABIC, PASHTO) if number % 2 else (PASHTO, ARABIC)
        body = f"{first} ({number})\n\n{second} {number * 7}\n"
        if number % 2:
            nav = "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/contact'>Contact</a></nav>"
            html = f"<html><head><title>Page {number}</title></head><body>{nav}<article><h1>Story {number}</h1>"
            html += "".join(f"<p>{line}</p>" for line in body.splitlines() if line)
            html += "</article><footer>© 2025 Example News. All rights reserved.</footer></body></html>"
            docs[f"{folder}page-{number:04d}.html"] = html.encode()
        else:
            docs[f"{folder}note-{number:04d}.txt"] = body.encode()
        number += 1
    return docs


@pytest.fixture(scope="session")
def celery_deployment(seaweed: SeaweedServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``tools/airflow_celery.py`` with the landing documents already in a fresh bucket.

    docpipe_ingest gets a yearly schedule: unpausing it (the launcher does) starts exactly one
    run at once (catchup=False runs the latest past slot) and no other during the tests.
    """
    home = tmp_path_factory.mktemp("celery")
    bucket = seaweed.create_bucket(f"celery-{secrets.token_hex(4)}")
    client = seaweed.client()
    docs = landing_documents()
    for key, data in docs.items():
        client.put_object(Bucket=bucket, Key=f"landing/{key}", Body=data)
    env = deployment_env(
        seaweed.env(),
        home,
        {
            "DOCPIPE_BATCH_DOCS": str(BATCH_DOCS),
            "DOCPIPE_INGEST_SCHEDULE": "0 0 1 1 *",
            "DOCPIPE_TASK_RETRIES": "2",
            "DOCPIPE_RETRY_DELAY_SECONDS": "1",
            "DOCPIPE_GPU_QUEUE": "gpu",
            # Only-Arabic/Pashto batches measure ≥ 0.68 (HTML chrome is English), mixed ones ~0.5.
            "DOCPIPE_GPU_MIN_SHARE": "0.6",
        },
    )
    command = [
        sys.executable,
        str(ROOT / "tools" / "airflow_celery.py"),
        "--home",
        str(home / "airflow"),
        "--port",
        "0",
        "--bucket",
        bucket,
        "--s3-endpoint",
        seaweed.endpoint_url,
        "--heartbeat-timeout",
        str(HEARTBEAT_TIMEOUT),
        "--worker-grace",
        "10",
        # worker1 may die holding a task it received but had not started: requeue it soon.
        "--queued-timeout",
        "90",
        "--gpu-workers",
        "1",  # worker2 serves default and gpu
    ]
    started = time.monotonic()
    launched = Launched(command, env, home)
    proc, info = launched.proc, None
    try:
        info = launched.ready(400)
        api = Api(info["url"])
        reply = api.call("POST", "/auth/token", {"username": info["username"], "password": info["password"]})
        api.token = reply["access_token"]
        print(f"celery deployment up in {time.monotonic() - started:.0f}s", file=sys.stderr)
        yield {**info, "api": api, "s3": client, "bucket": bucket, "docs": docs, "env": env, "home": home}
    except NotReady as exc:
        pytest.fail(str(exc))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the launcher stops every component's session
            try:
                proc.wait(120)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        for pid in (info or {}).get("pids", {}).values():  # nothing of any session may outlive the tests
            leftovers = session_members(pid)
            signal_session(pid, signal.SIGKILL)
            assert not leftovers, f"processes of session {pid} outlived the launcher: {leftovers}"
        seaweed.discard_bucket(bucket)


@pytest.fixture(scope="module")
def ingest_run(celery_deployment: dict[str, Any]) -> dict[str, Any]:
    """The ingest run with worker1 killed mid-run; what the tests below check."""
    api: Api = celery_deployment["api"]
    deadline = time.monotonic() + 120
    runs: list[dict[str, Any]] = []
    while not runs and time.monotonic() < deadline:
        runs = api.call("GET", "/api/v2/dags/docpipe_ingest/dagRuns")["dag_runs"]
        time.sleep(1)
    assert len(runs) == 1, runs
    run_id = runs[0]["dag_run_id"]

    # Kill worker1 once it has finished a batch and is running another (so both workers ran some).
    victim, survivor = "worker1", "worker2"
    killed: list[int] = []
    deadline = time.monotonic() + 600
    while not killed and time.monotonic() < deadline:
        tis = api.task_instances("docpipe_ingest", run_id, "process_batch")
        done = [t for t in tis if t["hostname"] == victim and t["state"] == "success"]
        running = [t["map_index"] for t in tis if t["hostname"] == victim and t["state"] == "running"]
        if done and running:
            signal_session(celery_deployment["workers"][victim]["pid"], signal.SIGKILL)
            killed = running
            killed_at = time.monotonic()
        elif api.call("GET", api.run_path("docpipe_ingest", run_id))["state"] != "running":
            break
        time.sleep(0.5)
    assert killed, f"worker1 never ran a second batch: {tis}"
    run = api.wait_for_run("docpipe_ingest", run_id, 900)
    recovered_after = time.monotonic() - killed_at
    tis = api.task_instances("docpipe_ingest", run_id, "process_batch")
    gpu_tis = api.task_instances("docpipe_ingest", run_id, GPU_TASK)
    plans = {
        task: _xcom(api, f"{api.run_path('docpipe_ingest', run_id)}/taskInstances/{task}/xcomEntries/return_value")
        for task in ("discover", "gpu_batches")
    }
    tries = {
        index: api.call("GET", f"{api.run_path('docpipe_ingest', run_id)}/taskInstances/process_batch/{index}/tries")[
            "task_instances"
        ]
        for index in killed
    }
    summary = _xcom(api, f"{api.run_path('docpipe_ingest', run_id)}/taskInstances/summarize/xcomEntries/return_value")
    print(f"ingest run finished {recovered_after:.0f}s after the kill", file=sys.stderr)
    return {
        "run": run,
        "tis": tis,
        "gpu_tis": gpu_tis,
        "plans": plans,
        "killed": killed,
        "tries": tries,
        "victim": victim,
        "survivor": survivor,
        "summary": summary,
    }


def _xcom(api: Api, path: str) -> Any:
    value = api.call("GET", path)["value"]
    return json.loads(value) if isinstance(value, str) else value


def test_batches_ran_on_both_workers_and_the_killed_ones_were_retried(ingest_run: dict[str, Any]) -> None:
    assert ingest_run["run"]["state"] == "success", ingest_run["run"]
    tis = ingest_run["tis"]
    assert len(tis) + len(ingest_run["gpu_tis"]) >= 10
    assert {t["state"] for t in tis + ingest_run["gpu_tis"]} == {"success"}
    assert {t["hostname"] for t in tis} == {ingest_run["victim"], ingest_run["survivor"]}
    for index, tries in ingest_run["tries"].items():
        first, *later = sorted(tries, key=lambda t: t["try_number"])
        assert first["hostname"] == ingest_run["victim"] and first["state"] != "success", first
        assert later and later[-1]["hostname"] == ingest_run["survivor"], (index, later)
        assert later[-1]["state"] == "success", later[-1]


def test_translation_heavy_batches_ran_on_the_gpu_queue_worker(ingest_run: dict[str, Any]) -> None:
    default, routed = ingest_run["plans"]["discover"], ingest_run["plans"]["gpu_batches"]
    assert routed and all(b["queue"] == "gpu" and b["translation_share"] >= 0.6 for b in routed)
    assert all(not b.get("queue") and b["translation_share"] < 0.6 for b in default)
    english = [b for b in default + routed if _all_under(b, ENGLISH_FOLDERS)]
    assert english and all(b in default for b in english)
    foreign = [b for b in default + routed if _all_under(b, FOREIGN_FOLDERS)]
    assert foreign and all(b in routed for b in foreign)
    gpu_tis = ingest_run["gpu_tis"]
    assert sorted(t["map_index"] for t in gpu_tis) == list(range(len(routed)))
    assert {(t["queue"], t["hostname"], t["state"]) for t in gpu_tis} == {("gpu", ingest_run["survivor"], "success")}
    assert {t["queue"] for t in ingest_run["tis"]} == {"default"}


def _all_under(batch: dict[str, Any], folders: tuple[str, ...]) -> bool:
    return all(key.startswith(tuple(f"landing/{f}" for f in folders)) for key in batch["keys"])


def test_every_input_has_exactly_one_outcome(ingest_run: dict[str, Any], celery_deployment: dict[str, Any]) -> None:
    bucket, docs = celery_deployment["bucket"], celery_deployment["docs"]
    verify = subprocess.run(
        [
            str(Path(sys.executable).parent / "docpipe"),
            "verify",
            f"s3://{bucket}",
            "--inputs",
            f"s3://{bucket}/landing/",
        ],
        env={**celery_deployment["env"], "DOCPIPE_MODELS_DIR": str(celery_deployment["home"] / "models")},
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # The run counted each document once: the killed batches' retries skipped what the dead
    # attempt had already written (same bytes and settings), nothing twice, nothing missing.
    summary = ingest_run["summary"]
    assert summary["counts"]["seen"] == len(docs)
    assert summary["counts"]["written"] + summary["counts"]["skipped"] + summary["counts"]["failed"] == len(docs)
    assert summary["failed_batches"] == 0 and summary["deferred"] == 0
    manifest = _read_json(celery_deployment, summary["manifest"])
    counted = [d if isinstance(d, str) else d["doc_id"] for ds in manifest["documents"].values() for d in ds]
    expected = {doc_id_for(f"s3://{bucket}/landing/{key}") for key in docs}
    assert sorted(counted) == sorted(expected)


def test_reprocess_by_prefix(ingest_run: dict[str, Any], celery_deployment: dict[str, Any]) -> None:
    api: Api = celery_deployment["api"]
    run = api.call(
        "POST",
        "/api/v2/dags/docpipe_reprocess/dagRuns",
        {"logical_date": None, "conf": {"prefix": REPROCESS_PREFIX}},
    )
    run = api.wait_for_run("docpipe_reprocess", run["dag_run_id"], 300)
    assert run["state"] == "success", run
    path = f"{api.run_path('docpipe_reprocess', run['dag_run_id'])}/taskInstances/summarize/xcomEntries/return_value"
    value = api.call("GET", path)["value"]
    summary = value if isinstance(value, dict) else json.loads(value)
    assert summary["counts"] == {"seen": REPROCESS_DOCS, "written": REPROCESS_DOCS, "skipped": 0, "failed": 0}
    bucket = celery_deployment["bucket"]
    manifest = _read_json(celery_deployment, summary["manifest"])
    assert sorted(manifest["documents"]["written"]) == sorted(
        doc_id_for(f"s3://{bucket}/landing/{key}") for key in celery_deployment["docs"] if key.startswith("b/")
    )


def _read_json(deployment: dict[str, Any], uri: str) -> dict[str, Any]:
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    body = deployment["s3"].get_object(Bucket=bucket, Key=key)["Body"]
    with contextlib.closing(body):
        return dict(json.loads(body.read()))
