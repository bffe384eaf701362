"""Airflow's per-task overhead: a real ``airflow standalone`` ingesting ≥ 1,000 documents from SeaweedFS.

    .venv/bin/python bench/airflow_overhead.py [--docs 1000] [--batch-docs N] [--pool-slots 2]

Starts ``tools/airflow_local.py`` (``airflow standalone`` with SQLite and the LocalExecutor, a
loopback SeaweedFS, a temporary ``AIRFLOW_HOME``), lands ``--docs`` generated news pages (the
corpus of ``bench/capacity.py``: Arabic, Persian and English paragraphs with navigation and
footer chrome; no translation models) under ``landing/``, triggers ``docpipe_ingest`` through
the REST API and waits for the run. A first run over the empty landing prefix warms the
API server up (see :func:`warm_up`). Then it reads every task instance (Airflow's own start and end)
and the ``timing`` each ``process_batch`` returned, and reports:

* per batch, **fixed cost** = the task instance's duration − the docpipe work in it, where the
  docpipe work is the runner (reading, the stages, writing each record, the batch manifest) plus
  the batch's Parquet part and discovery-index delta; the fixed cost is then the task start,
  imports, settings and stores, the translation stack, the return value (XCom) and the report
  of the task's state. Its parts are listed as measured inside the task.
* over the run, **Airflow's overhead share** = (all task time − docpipe work) / all task time,
  counting ``discover`` and ``summarize`` entirely as overhead (``overhead_share``), or only
  what of them is not their library work (listing and planning, merging and writing the run
  manifest; ``overhead_share_net``).

Long (a few minutes: Airflow's start-up alone takes one or two), so it is not in
``bench/run_all.py``. Wall seconds on a shared machine vary with its load: the load average is
recorded at the start and the end, and the task processes' own CPU seconds beside the wall time.
Results: ``bench/results/airflow_overhead.json`` (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "airflow_overhead.json"
DAG_ID = "docpipe_ingest"
sys.path.insert(0, str(BENCH))
from capacity import paragraphs  # noqa: E402  (the same generated pages as the capacity benchmark)

sys.path.insert(0, str(ROOT / "tools"))
from launch import Launched, NotReady  # noqa: E402  (tools/ is not a package)


def page(number: int) -> bytes:
    nav = "<nav><a href='/'>خانه</a> | <a href='/news'>اخبار</a> | <a href='/contact'>تماس</a></nav>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs(number))
    return (
        f"<html><head><title>Story {number}</title></head><body>{nav}<article><h1>Story {number}</h1>"
        f"{body}</article><footer>© 2025 Example News</footer></body></html>"
    ).encode()


class Api:
    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url
        self.token = ""
        self.token = self.call("POST", "/auth/token", {"username": username, "password": password})["access_token"]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"null")

    def run_path(self, run_id: str) -> str:
        return f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.parse.quote(run_id, safe='')}"

    def xcom(self, run_id: str, task_id: str, map_index: int, key: str = "return_value") -> Any:
        entry = self.call(
            "GET", f"{self.run_path(run_id)}/taskInstances/{task_id}/xcomEntries/{key}?map_index={map_index}"
        )
        value = entry["value"]
        return json.loads(value) if isinstance(value, str) else value


def start_airflow(home: Path, args: argparse.Namespace) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_", "DOCPIPE_"))}
    env.update(
        {
            "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
            "DOCPIPE_MODELS_DIR": str(home / "models"),  # none: no translation model
            "DOCPIPE_TRANSLATION_MEMORY": str(home / "memory.sqlite3"),
            "DOCPIPE_TASK_RETRIES": "0",  # a failure must show, not be hidden in a retry's time
            # No scheduled run may start while the documents are landing or the measured run is
            # queued (a */15 boundary did: it took 90 of them); only triggered runs, then.
            "DOCPIPE_INGEST_SCHEDULE": "0 0 1 1 *",
        }
    )
    if args.batch_docs:
        env["DOCPIPE_BATCH_DOCS"] = str(args.batch_docs)
    command = [
        sys.executable,
        str(ROOT / "tools" / "airflow_local.py"),
        "--home",
        str(home / "airflow"),
        "--port",
        "0",
        "--paused",
        "--pool-slots",
        str(args.pool_slots),
    ]
    launched = Launched(command, env, home)
    try:
        return launched.proc, launched.ready(600, tail=60)
    except NotReady as exc:
        stop_airflow(launched.proc)
        raise SystemExit(str(exc)) from None


def stop_airflow(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)  # the tool stops standalone's group and SeaweedFS itself
        try:
            proc.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def land(info: dict[str, Any], docs: int) -> None:
    from airflow_local import s3_client

    s3 = {"endpoint_url": info["s3_endpoint"], **_s3_keys(Path(info["s3_env"]))}
    client = s3_client(s3)
    for number in range(docs):
        client.put_object(Bucket=info["bucket"], Key=f"landing/news/page-{number:05d}.html", Body=page(number))


def _s3_keys(s3_env: Path) -> dict[str, str]:
    found = dict(line.removeprefix("export ").split("=", 1) for line in s3_env.read_text().splitlines() if "=" in line)
    return {"access_key": found["AWS_ACCESS_KEY_ID"], "secret_key": found["AWS_SECRET_ACCESS_KEY"]}


def wait_for(api: Api, run_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    run = api.call("GET", api.run_path(run_id))
    while run["state"] not in ("success", "failed"):
        if time.monotonic() > deadline:
            raise SystemExit(f"run {run_id} not finished after {timeout:.0f} s")
        time.sleep(3)
        run = api.call("GET", api.run_path(run_id))
    return run


def warm_up(api: Api, timeout: float) -> dict[str, Any]:
    """Unpause the ingest DAG, run it once over the still empty landing prefix, and wait until no
    run of it is queued or running (the yearly schedule may have added one when unpaused).

    A fresh API server answers its first Execution API call only after 10-25 s here (it sets
    that app up on first use, and the task's client retries meanwhile); a deployment pays that
    once, not per task, so it is measured here and kept out of the ingest's figures.
    """
    api.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
    run = wait_for(
        api, api.call("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None})["dag_run_id"], timeout
    )
    deadline = time.monotonic() + timeout
    while api.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns?state=queued&state=running&limit=1")["total_entries"]:
        if time.monotonic() > deadline:
            raise SystemExit(f"{DAG_ID} runs still active after {timeout:.0f} s")
        time.sleep(2)
    tis = api.call("GET", f"{api.run_path(run['dag_run_id'])}/taskInstances")["task_instances"]
    return {t["task_id"]: round(_seconds(t["start_date"], t["end_date"]), 3) for t in tis if t["start_date"]}


def run_ingest(api: Api, timeout: float) -> dict[str, Any]:
    """One triggered ingest run (as a schedule would start it), followed to its end."""
    run = api.call("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None})
    return wait_for(api, run["dag_run_id"], timeout)


def _seconds(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def measure(api: Api, run: dict[str, Any]) -> dict[str, Any]:
    tis = api.call("GET", f"{api.run_path(run['dag_run_id'])}/taskInstances?limit=1000")["task_instances"]
    batches: list[dict[str, Any]] = []
    others: dict[str, float] = {}
    others_work: dict[str, float] = {}
    for ti in tis:
        seconds = _seconds(ti["start_date"], ti["end_date"])
        if ti["state"] not in ("success", "skipped"):
            raise SystemExit(f"{ti['task_id']}[{ti['map_index']}] ended {ti['state']}: see its log in the UI")
        if ti["task_id"] != "process_batch":
            others[ti["task_id"]] = round(seconds, 3)
            if ti["state"] == "success":  # the library's share of discover and summarize
                others_work[ti["task_id"]] = api.xcom(run["dag_run_id"], ti["task_id"], -1, "timing")["work"]
            continue
        result = api.xcom(run["dag_run_id"], "process_batch", ti["map_index"])
        timing = result["timing"]
        work = timing["run"] + timing["finish"]
        batches.append(
            {
                "map_index": ti["map_index"],
                "documents": result["counts"]["seen"],
                "task_seconds": round(seconds, 3),
                "docpipe_work": round(work, 3),
                "fixed_cost": round(seconds - work, 3),
                "timing": timing,
            }
        )
    batches.sort(key=lambda b: b["map_index"])
    task_time = sum(b["task_seconds"] for b in batches) + sum(others.values())
    work = sum(b["docpipe_work"] for b in batches)
    fixed = [b["fixed_cost"] for b in batches]
    parts = sorted({k for b in batches for k in b["timing"]})
    return {
        "state": run["state"],
        "run_wall_seconds": round(_seconds(run["start_date"], run["end_date"]), 1),
        "documents": sum(b["documents"] for b in batches),
        "batches": len(batches),
        "other_tasks": others,
        "task_seconds": round(task_time, 2),
        "docpipe_work_seconds": round(work, 2),
        "other_tasks_docpipe_work": others_work,
        # discover and summarize counted entirely as Airflow's overhead (their listing, plan and
        # manifest too), and with only what is not their library work
        "overhead_share": round((task_time - work) / task_time, 3) if task_time else None,
        "overhead_share_net": round((task_time - work - sum(others_work.values())) / task_time, 3)
        if task_time
        else None,
        "batch_overhead_share": round(sum(fixed) / sum(b["task_seconds"] for b in batches), 3) if batches else None,
        "fixed_cost_per_batch": {
            "median": round(statistics.median(fixed), 3) if fixed else None,
            "min": min(fixed, default=None),
            "max": max(fixed, default=None),
        },
        "timing_medians": {
            k: round(statistics.median(b["timing"][k] for b in batches if b["timing"].get(k) is not None), 3)
            for k in parts
        },
        "per_batch": batches,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents to land and ingest (default 1000)")
    parser.add_argument("--batch-docs", type=int, help="DOCPIPE_BATCH_DOCS for the run (default: the setting's)")
    parser.add_argument("--pool-slots", type=int, default=2, help="slots of the translate pool (default 2)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the run (default 1800)")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (Airflow home, logs)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results JSON (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="airflow-overhead-") as tmp:
        home = Path(tmp) if args.keep is None else args.keep
        home.mkdir(parents=True, exist_ok=True)
        proc, info = start_airflow(home, args)
        try:
            api = Api(info["url"], info["username"], info["password"])
            warm = warm_up(api, args.timeout)
            print(f"warm-up run over an empty landing prefix: {warm}", flush=True)
            land(info, args.docs)
            print(f"landed {args.docs} documents; ingesting (load average {os.getloadavg()[0]:.1f})", flush=True)
            load_before = os.getloadavg()
            first = measure(api, run_ingest(api, args.timeout))
            load_after = os.getloadavg()
            api.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": True})
        finally:
            stop_airflow(proc)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "command": "bench/airflow_overhead.py " + " ".join(sys.argv[1:]),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "pool_slots": args.pool_slots,
        "batch_docs": args.batch_docs or "default",
        "stack_cpu_seconds": round(children.ru_utime + children.ru_stime, 1),  # Airflow + SeaweedFS, start to stop
        "warm_up_task_seconds": warm,
        "ingest": first,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    summary = {k: v for k, v in first.items() if k != "per_batch"}
    print(json.dumps(summary, indent=2))
    print(f"wrote {args.out}")
    if first["documents"] != args.docs:  # another run took some: the figures are not of this ingest
        print(f"the measured run processed {first['documents']} of {args.docs} documents", file=sys.stderr)
        return 1
    return 0 if first["state"] == "success" else 1


if __name__ == "__main__":
    raise SystemExit(main())
