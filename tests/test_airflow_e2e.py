"""End to end: the real ``airflow standalone``, driven through its REST API v2 and in a browser.

One Airflow for the whole module, started the documented way (``tools/airflow_local.py``,
here on a free port, a temp ``AIRFLOW_HOME`` and the session SeaweedFS), in its own process
group. The REST test triggers ``docpipe_reprocess`` with ``"logical_date": null`` as a client
would; the browser tests (headless Debian Chromium, ``tests/browser.py``) do what an operator
does: log in, find both DAGs, fill only the document ids in the trigger form, see the run
succeed; see an invalid id refused with a readable message; see a reprocess that matches
nothing say so in the run. Assertions are on the DOM, the REST API and the bucket; screenshots
go to ``DOCPIPE_SCREENSHOTS`` (a directory) when it is set, for a person to look at.
About 4-5 minutes together: deselect locally with ``-m "not airflow"``; CI runs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from airflow_helpers import deployment_env
from browser import chromium
from seaweed import SeaweedServer

from pipeline.ids import doc_id_for
from pipeline.orchestration import run_key

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from launch import Launched, NotReady  # noqa: E402 - tools/ is not a package

SEEDS = sorted((ROOT / "seeds").iterdir())[:2]
MISSING_ID = "gone-0123456789abcdef"

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
            with urllib.request.urlopen(request, timeout=120) as response:  # a loaded CI machine is slow
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def get(self, path: str) -> Any:
        status, body = self.call("GET", path)
        assert status == 200, (path, status, body)
        return body

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns?order_by=-run_after&limit=50")["dag_runs"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 300) -> dict[str, Any]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"
        deadline = time.monotonic() + timeout
        run = self.get(path)
        while run["state"] not in ("success", "failed") and time.monotonic() < deadline:
            time.sleep(2)
            run = self.get(path)
        return run

    def task_instances(self, dag_id: str, run_id: str) -> dict[str, dict[str, Any]]:
        quoted = urllib.parse.quote(run_id, safe="")
        tis = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{quoted}/taskInstances")["task_instances"]
        return {t["task_id"] if t["map_index"] < 0 else f"{t['task_id']}[{t['map_index']}]": t for t in tis}


@dataclass
class Standalone:
    info: dict[str, Any]
    bucket: str
    api: Api
    shots: Path | None

    def doc_id(self, seed: Path) -> str:
        return doc_id_for(f"s3://{self.bucket}/landing/{seed.name}")

    def manifest_key(self, run: dict[str, Any]) -> str:
        """``runs/<docpipe run id>.json`` of an Airflow run (the same derivation as the DAGs)."""
        from datetime import datetime

        run_after = datetime.fromisoformat(run["run_after"].replace("Z", "+00:00"))
        return f"runs/{run_key(run['dag_id'], run['dag_run_id'], run_after)}.json"


@pytest.fixture(scope="module")
def standalone(seaweed: SeaweedServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Standalone]:
    """``tools/airflow_local.py`` against a fresh bucket holding two seeds; shared by this module."""
    tmp_path = tmp_path_factory.mktemp("standalone")
    bucket = seaweed.create_bucket(f"e2e-{secrets.token_hex(4)}")
    for seed in SEEDS:
        seaweed.client().put_object(Bucket=bucket, Key=f"landing/{seed.name}", Body=seed.read_bytes())
    env = deployment_env(
        seaweed.env(),
        tmp_path,
        {
            # One quick retry: a task process lost to a loaded CI machine must not fail the test,
            # while a real failure still ends the run within seconds.
            "DOCPIPE_TASK_RETRIES": "1",
            "DOCPIPE_RETRY_DELAY_SECONDS": "2",
        },
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
    launched = Launched(command, env, tmp_path)
    proc, info = launched.proc, None
    try:
        info = launched.ready(300)
        info["banner"] = "".join(launched.output)
        api = Api(info["url"])
        status, token = api.call("POST", "/auth/token", {"username": info["username"], "password": info["password"]})
        assert status == 201, token
        api.token = token["access_token"]
        shots = Path(os.environ["DOCPIPE_SCREENSHOTS"]) if os.environ.get("DOCPIPE_SCREENSHOTS") else None
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
        yield Standalone(info, bucket, api, shots)
    except NotReady as exc:
        log = tmp_path / "airflow" / "standalone.log"
        pytest.fail(f"{exc}{log.read_text(errors='replace')[-5000:] if log.exists() else ''}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # the tool stops standalone's process group itself
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        if info is not None:  # belt and braces: nothing of standalone's group may outlive the tests
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(info["pid"]), signal.SIGKILL)
        seaweed.discard_bucket(bucket)


def _clean_modified(seaweed: SeaweedServer, bucket: str) -> dict[str, Any]:
    """``clean/`` key → LastModified."""
    found: dict[str, Any] = {}
    for page in seaweed.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="clean/"):
        for obj in page.get("Contents", ()):
            found[obj["Key"]] = obj["LastModified"]
    return found


def _json(seaweed: SeaweedServer, bucket: str, key: str) -> Any:
    return json.loads(seaweed.client().get_object(Bucket=bucket, Key=key)["Body"].read())


# -- the REST API and the tool ------------------------------------------------------------------------


def test_reprocess_through_the_rest_api(standalone: Standalone, seaweed: SeaweedServer) -> None:
    api, bucket = standalone.api, standalone.bucket
    dags = api.get("/api/v2/dags?dag_id_pattern=docpipe")
    assert {d["dag_id"]: d["is_paused"] for d in dags["dags"]} == {"docpipe_ingest": True, "docpipe_reprocess": False}
    assert all(d["description"] for d in dags["dags"])

    # The trigger form's validation applies to API clients too.
    status, error = api.call(
        "POST", "/api/v2/dags/docpipe_reprocess/dagRuns", {"logical_date": None, "conf": {"status": "bogus"}}
    )
    assert status == 400, error

    ids = [standalone.doc_id(seed) for seed in SEEDS]
    status, run = api.call(
        "POST", "/api/v2/dags/docpipe_reprocess/dagRuns", {"logical_date": None, "conf": {"doc_ids": ids}}
    )
    assert status == 200, run
    assert run["logical_date"] is None
    run = api.wait_for_run("docpipe_reprocess", run["dag_run_id"])
    assert run["state"] == "success", run

    tis = standalone.api.task_instances("docpipe_reprocess", run["dag_run_id"])
    assert {name: t["state"] for name, t in tis.items()} == {
        "select": "success",
        "process_batch[0]": "success",
        "summarize": "success",
    }
    assert tis["process_batch[0]"]["rendered_map_index"].startswith("batch 1/1: 2 docs, ")
    assert tis["summarize"]["rendered_map_index"] == "2 written, 0 skipped, 0 failed"
    run_path = f"/api/v2/dags/docpipe_reprocess/dagRuns/{urllib.parse.quote(run['dag_run_id'], safe='')}"
    # One XCom per task instance, bounded: no multiple_outputs, no per-document lists (and the
    # summary's few bytes of timing, for bench/airflow_overhead.py).
    entries = api.get(f"{run_path}/taskInstances/~/xcomEntries?limit=100")["xcom_entries"]
    assert sorted((e["task_id"], e["key"]) for e in entries) == [
        ("process_batch", "return_value"),
        ("select", "plan"),
        ("select", "return_value"),
        ("summarize", "return_value"),
        ("summarize", "timing"),
    ]
    xcom = api.get(f"{run_path}/taskInstances/summarize/xcomEntries/return_value")
    summary = xcom["value"] if isinstance(xcom["value"], dict) else json.loads(xcom["value"])
    assert summary["counts"] == {"seen": 2, "written": 2, "skipped": 0, "failed": 0}
    assert "failed_documents" not in summary

    for doc_id in ids:
        assert _json(seaweed, bucket, f"clean/{doc_id}.json")["doc_id"] == doc_id
    manifest = _json(seaweed, bucket, summary["manifest"].split("/", 3)[3])
    assert sorted(manifest["documents"]["written"]) == sorted(ids)
    assert manifest["pipeline"]["orchestrator"]["run_id"] == run["dag_run_id"]


def test_tool_writes_the_bucket_credentials_it_prints(standalone: Standalone) -> None:
    """``make airflow`` says where the S3 credentials are; with them, docpipe reads the bucket."""
    info = standalone.info
    s3_env = Path(info["s3_env"])
    assert stat.S_IMODE(s3_env.stat().st_mode) == 0o600
    cwd = Path(info["airflow_home"]).parent  # where the fixture started the tool
    shown = s3_env.relative_to(cwd)  # the banner shows paths relative to the working directory
    banner = info["banner"]
    assert f"{shown} (mode 0600)" in banner and f"\n  . {shown}\n" in banner
    assert f"aws s3 ls --recursive s3://{standalone.bucket}/runs/" in banner
    assert f"docpipe verify s3://{standalone.bucket}" in banner
    assert info["password"] in banner and "passwords.json" in banner
    # Use the file the way the banner says: source it, then run the command it shows.
    command = f". ./{shown} && {Path(sys.executable).parent / 'docpipe'} verify s3://{standalone.bucket}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DOCPIPE_"))}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    proc = subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- in the browser -------------------------------------------------------------------------------------


def _wait(driver: Any, what: str, condition: Callable[[Any], Any], timeout: float = 60) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.5).until(condition)
    except TimeoutException:
        body = driver.find_element("css selector", "body").text
        raise AssertionError(f"timed out waiting for {what}; the page shows:\n{body[:3000]}") from None


def _text(driver: Any) -> str:
    return str(driver.find_element("css selector", "body").text)


def _shot(standalone: Standalone, driver: Any, name: str) -> None:
    if standalone.shots:
        driver.save_screenshot(str(standalone.shots / f"{name}.png"))


@contextlib.contextmanager
def _logged_in(standalone: Standalone) -> Iterator[Any]:
    """A Chromium logged in to the Airflow UI through its login form."""
    from selenium.webdriver.common.by import By

    with chromium(height=1300) as driver:
        driver.get(standalone.info["url"] + "/")
        _wait(driver, "the login form", lambda d: d.find_elements(By.NAME, "username"))
        driver.find_element(By.NAME, "username").send_keys(standalone.info["username"])
        driver.find_element(By.NAME, "password").send_keys(standalone.info["password"])
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        _wait(driver, "the login to finish", lambda d: "/auth/login" not in d.current_url)
        yield driver


def _open_trigger_form(standalone: Standalone, driver: Any) -> Any:
    """The DAG page's "Trigger" dialog for docpipe_reprocess; returns the dialog element."""
    from selenium.webdriver.common.by import By

    driver.get(standalone.info["url"] + "/dags/docpipe_reprocess")
    button = _wait(
        driver, "the Trigger button", lambda d: d.find_elements(By.CSS_SELECTOR, "button[aria-label='Trigger Dag']")
    )
    button[0].click()
    _wait(driver, "the form's document ids field", lambda d: d.find_elements(By.ID, "element_doc_ids"))
    return driver.find_element(By.CSS_SELECTOR, "[role=dialog]:has(#element_doc_ids)")


def _submit(dialog: Any) -> None:
    from selenium.webdriver.common.by import By

    [button] = [b for b in dialog.find_elements(By.CSS_SELECTOR, "button") if b.text.strip() == "Trigger"]
    button.click()


def _field_row(dialog: Any, field: str) -> str:
    """The text of the form row holding element *field* (its label, required marker, help text)."""
    from selenium.webdriver.common.by import By

    element = dialog.find_element(By.ID, f"element_{field}")
    row = element.find_element(By.XPATH, "./ancestor::*[.//label][1]")
    return str(row.text)


def _trigger_from_form(standalone: Standalone, driver: Any, doc_ids: str) -> dict[str, Any]:
    """Fill only the document ids, trigger, and return the new run (from the REST API)."""
    from selenium.webdriver.common.by import By

    before = {r["dag_run_id"] for r in standalone.api.runs("docpipe_reprocess")}
    dialog = _open_trigger_form(standalone, driver)
    dialog.find_element(By.ID, "element_doc_ids").send_keys(doc_ids)
    _submit(dialog)
    _wait(driver, "the trigger dialog to close", lambda d: not d.find_elements(By.ID, "element_doc_ids"))
    new = [r for r in standalone.api.runs("docpipe_reprocess") if r["dag_run_id"] not in before]
    assert len(new) == 1, new
    return new[0]


def _run_page(standalone: Standalone, driver: Any, run: dict[str, Any], expect: str) -> str:
    """Open the run's page and wait until its task list shows *expect*; returns the page text."""
    quoted = urllib.parse.quote(run["dag_run_id"], safe="")
    driver.get(f"{standalone.info['url']}/dags/{run['dag_id']}/runs/{quoted}")
    _wait(driver, f"{expect!r} on the run page", lambda d: expect in _text(d))
    return _text(driver)


def test_operator_reprocesses_one_document_from_the_form(standalone: Standalone, seaweed: SeaweedServer) -> None:
    from selenium.webdriver.common.by import By

    chosen, other = (standalone.doc_id(seed) for seed in SEEDS)
    before = _clean_modified(seaweed, standalone.bucket)
    time.sleep(1.1)  # S3 timestamps have one-second resolution: rewritten records must look newer

    with _logged_in(standalone) as driver:
        driver.get(standalone.info["url"] + "/dags")
        _wait(
            driver,
            "both DAGs in the list",
            lambda d: (
                {"docpipe_ingest", "docpipe_reprocess"}
                <= set(a.text for a in d.find_elements(By.CSS_SELECTOR, "a[href^='/dags/']"))
            ),
        )
        _shot(standalone, driver, "01-dags")
        description = standalone.api.get("/api/v2/dags/docpipe_reprocess")["description"]
        driver.get(standalone.info["url"] + "/dags/docpipe_reprocess/details")
        _wait(driver, "the DAG's description on its details tab", lambda d: description in _text(d))

        dialog = _open_trigger_form(standalone, driver)
        # Optional fields are not marked required (the form puts a "*" after required labels).
        for field in ("doc_ids", "prefix", "since"):
            assert "*" not in _field_row(dialog, field), _field_row(dialog, field)
        assert "*" in _field_row(dialog, "status")  # always has a value
        assert "YYYY" not in _field_row(dialog, "since")  # the date picker shows the browser's format
        _shot(standalone, driver, "02-trigger-form")
        driver.find_element(By.CSS_SELECTOR, "button[aria-label='Close']").click()

        run = _trigger_from_form(standalone, driver, chosen)
        assert run["conf"]["doc_ids"] == [chosen] and run["conf"]["prefix"] is None  # only the ids were filled
        run = standalone.api.wait_for_run("docpipe_reprocess", run["dag_run_id"])
        assert run["state"] == "success", run

        page = _run_page(standalone, driver, run, "1 written, 0 skipped, 0 failed")
        assert "1 document selected" in page and "batch 1/1: 1 doc, " in page
        _shot(standalone, driver, "03-run-succeeded")

    after = _clean_modified(seaweed, standalone.bucket)
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed == [f"clean/{chosen}.json", f"clean/{chosen}.txt"]
    assert f"clean/{other}.json" in after  # still there, untouched


def test_an_invalid_id_is_refused_with_a_readable_message(standalone: Standalone) -> None:
    from selenium.webdriver.common.by import By

    before = len(standalone.api.runs("docpipe_reprocess"))
    with _logged_in(standalone) as driver:
        dialog = _open_trigger_form(standalone, driver)
        dialog.find_element(By.ID, "element_doc_ids").send_keys("Not An Id")
        _submit(dialog)
        refusal = "Document ids: 'Not An Id' is not a document id."  # the field and the offending value...
        text = _wait(driver, "the refusal", lambda d: refusal in _text(d) and _text(d))
        _shot(standalone, driver, "04-invalid-id")
        assert "16 hex digits, e.g. bbc-pashto-3f2a9c1e0b7d4e65" in text  # ...what an id looks like...
        assert "Failed validating" not in text and "[0-9a-f]{16}" not in text  # ...and no schema dump
        assert driver.find_elements(By.ID, "element_doc_ids")  # the form stays open for a correction
    assert len(standalone.api.runs("docpipe_reprocess")) == before  # no run was created


def test_a_reprocess_matching_nothing_says_so_in_the_run(standalone: Standalone, seaweed: SeaweedServer) -> None:
    with _logged_in(standalone) as driver:
        run = _trigger_from_form(standalone, driver, MISSING_ID)
        run = standalone.api.wait_for_run("docpipe_reprocess", run["dag_run_id"])
        assert run["state"] == "success", run
        expect = "nothing to process: no landing object matches the selection; 1 requested id not found"
        page = _run_page(standalone, driver, run, expect)
        assert "0 documents selected; 1 requested id not found" in page
        _shot(standalone, driver, "05-nothing-matched")

    tis = standalone.api.task_instances("docpipe_reprocess", run["dag_run_id"])
    assert (tis["summarize"]["state"], tis["summarize"]["rendered_map_index"]) == ("skipped", expect)
    manifest = _json(seaweed, standalone.bucket, standalone.manifest_key(run))
    assert manifest["pipeline"]["orchestrator"]["not_found"] == [MISSING_ID]
    assert manifest["counts"]["seen"] == 0
