"""The Airflow DAGs and the orchestration library under them, against a real SeaweedFS.

Three layers:

* ``pipeline.orchestration`` alone (no Airflow): change detection, batching, reprocess
  selection and the run manifest, on the session SeaweedFS;
* the DAG files parsed by a real ``DagBag`` in a subprocess, with the network refused and the
  heavy modules watched (parsing must touch neither S3 nor the pipeline);
* ``dag.test()`` runs of both DAGs in one long-lived Airflow subprocess (``airflow db migrate``
  once per module, an isolated ``AIRFLOW_HOME``), each run triggered like the REST API does
  it, with no logical date — so nothing may depend on ``ds``/``logical_date``.

The DAG runs share one bucket and build on each other: ingest, ingest again, reprocess.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from airflow_helpers import AirflowSession, airflow_env, aws_connection, prepare, run_helper
from seaweed import SeaweedServer

from pipeline.ids import doc_id_for
from pipeline.orchestration import (
    Candidate,
    OrchestrationSettings,
    Selection,
    SelectionError,
    Settings,
    StoredOutcome,
    Stores,
    discover,
    discover_pending,
    find_pending,
    format_summary,
    plan_batches,
    process_batch,
    run_key,
    select_for_reprocess,
    summarize,
    write_manifest,
)
from pipeline.store import ObjectInfo

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").iterdir())
AR_MODEL = ROOT / "tests" / "fixtures" / "models" / "translate-ar_en-0_1.argosmodel"
MANIFEST_SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "manifest.schema.json").read_text())
# Not valid UTF-8/UTF-16 text nor HTML: the decoder refuses binary, so the document is quarantined.
CORRUPT = b"\x00\x01\x02\xff\xfe" * 200 + bytes(range(256)) * 4


def _upload(server: SeaweedServer, bucket: str, key: str, data: bytes) -> None:
    server.client().put_object(Bucket=bucket, Key=key, Body=data)


def _keys(server: SeaweedServer, bucket: str, prefix: str = "") -> dict[str, Any]:
    """key → LastModified for everything under prefix."""
    found: dict[str, Any] = {}
    for page in server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", ()):
            found[obj["Key"]] = obj["LastModified"]
    return found


def _json(server: SeaweedServer, bucket: str, key: str) -> Any:
    return json.loads(server.client().get_object(Bucket=bucket, Key=key)["Body"].read())


# -- the library, without Airflow ------------------------------------------------------------------


def _info(key: str, modified: float | None, size: int = 10) -> ObjectInfo:
    return ObjectInfo(key=key, size=size, etag=None, modified=modified)


def test_pending_means_no_outcome_yet_or_changed_after_it() -> None:
    def uri(key: str) -> str:
        return f"s3://b/{key}"

    outcomes = {
        doc_id_for(uri("landing/same.txt")): StoredOutcome("clean", "clean/x.json", 100.0),
        doc_id_for(uri("landing/newer.txt")): StoredOutcome("failed", "errors/y.json", 100.0),
        doc_id_for(uri("landing/same-second.txt")): StoredOutcome("clean", "clean/z.json", 100.0),
    }
    objects = [
        _info("landing/new.txt", 50.0),
        _info("landing/same.txt", 90.0),
        _info("landing/newer.txt", 101.0),
        _info("landing/same-second.txt", 100.0),
    ]
    pending = find_pending(objects, outcomes, uri)
    assert [(c.key, c.reason) for c in pending] == [("landing/new.txt", "new"), ("landing/newer.txt", "changed")]
    assert pending[0].doc_id == doc_id_for("s3://b/landing/new.txt")


def _cands(*sizes: int) -> list[Candidate]:
    return [
        Candidate(f"landing/{i:03d}.html", f"s3://b/landing/{i:03d}.html", f"d-{i}", s, "new")
        for i, s in enumerate(sizes)
    ]


def test_batches_are_bounded_by_documents_bytes_and_count() -> None:
    settings = Settings().with_overrides(
        {"orchestration.batch_docs": 3, "orchestration.batch_bytes": 100, "orchestration.max_batches": 2}
    )
    batches, deferred = plan_batches(_cands(10, 10, 10, 10, 95, 10, 10), settings, "20250101T000000Z-abcdef")
    assert [b["keys"] for b in batches] == [
        ["landing/000.html", "landing/001.html", "landing/002.html"],  # batch_docs
        ["landing/003.html"],  # 10 + 95 > batch_bytes
    ]
    assert deferred == 3  # the rest waits for the next run
    assert batches[0]["label"].startswith("batch 1/2: 3 docs, 30 B, landing/000.html")
    assert {b["run"] for b in batches} == {"20250101T000000Z-abcdef"}
    big, _ = plan_batches(_cands(500), settings, "r")
    assert [b["sizes"] for b in big] == [[500]]  # an oversized document gets a batch of its own
    one_each = Settings().with_overrides({"orchestration.batch_docs": 1, "orchestration.max_batches": 20})
    many, _ = plan_batches(_cands(*[1] * 12), one_each, "r")
    assert [b["label"][:13] for b in many[:2]] == ["batch 01/12: ", "batch 02/12: "]  # padded to the total


def test_settings_refuse_overlapping_areas_and_read_lookups() -> None:
    with pytest.raises(ValueError, match="overlaps"):
        OrchestrationSettings(landing_prefix="clean")
    with pytest.raises(ValueError, match="overlaps"):
        OrchestrationSettings(landing_prefix="state/hosts")  # the per-site memory is not input
    with pytest.raises(ValueError, match="overlaps"):
        OrchestrationSettings(landing_prefix="in", output_prefix="in/out")
    with pytest.raises(ValueError, match="landing_prefix"):
        OrchestrationSettings(landing_prefix="")
    with pytest.raises(ValueError, match="max_batches"):
        OrchestrationSettings(max_batches=5000)  # Airflow maps at most 1,024 instances
    variables = {"docpipe_bucket": "scrapes", "docpipe_landing_prefix": "/in/", "docpipe_output_prefix": "docpipe",
                 "docpipe_batch_docs": "7"}
    settings = Settings.load(lookup=lambda env: variables.get(env.lower())).orchestration
    assert (settings.landing_prefix, settings.output_url, settings.batch_docs) == ("in/", "s3://scrapes/docpipe", 7)


def test_run_key_is_a_manifest_run_id_stable_per_scheduler_run() -> None:
    from datetime import UTC, datetime

    when = datetime(2025, 5, 1, 12, 30, tzinfo=UTC)
    key = run_key("docpipe_ingest", "manual__2025-05-01T12:30:00+00:00", when)
    assert key == run_key("docpipe_ingest", "manual__2025-05-01T12:30:00+00:00", when)
    assert key != run_key("docpipe_reprocess", "manual__2025-05-01T12:30:00+00:00", when)
    assert key.startswith("20250501T123000Z-")
    jsonschema.validate(key, MANIFEST_SCHEMA["properties"]["run_id"])


def test_reprocess_selection_needs_a_filter() -> None:
    with pytest.raises(SelectionError, match="nothing selected"):
        Selection.from_params({"doc_ids": [], "prefix": "", "since": None, "status": "any"})
    with pytest.raises(SelectionError, match="is not a document id"):
        Selection.from_params({"doc_ids": ["../etc"]})
    assert Selection.from_params({"all_documents": True}).all_documents
    assert Selection.from_params({"prefix": "/2024/05"}).prefix == "2024/05/"


@pytest.fixture
def library_stores(seaweed: SeaweedServer, seaweed_env: dict[str, str], tmp_path: Path) -> Iterator[tuple]:
    bucket = seaweed.create_bucket(f"orch-{secrets.token_hex(4)}")
    settings = Settings.load({"orchestration.bucket": bucket, "translation.models_dir": str(tmp_path / "no-models"),
                              "orchestration.batch_docs": 2})
    yield settings, Stores.open(settings.orchestration), bucket
    seaweed.discard_bucket(bucket)


def test_library_round_trip_detects_changes_and_selects(seaweed: SeaweedServer, library_stores: tuple) -> None:
    settings, stores, bucket = library_stores
    for seed in SEEDS[:3]:
        _upload(seaweed, bucket, f"landing/{seed.name}", seed.read_bytes())
    _upload(seaweed, bucket, "landing/sub/corrupt.bin", CORRUPT)
    _upload(seaweed, bucket, "landing/.hidden", b"not an input")

    found = discover(stores, settings)
    pending = found.candidates
    assert len(pending) == 4 and {c.reason for c in pending} == {"new"}
    assert found.describe() == "4 landing objects listed, 0 stored outcomes: 0 already done, 4 new, 0 changed"
    batches, deferred = plan_batches(pending, settings, "20250101T000000Z-0a0b0c")
    assert (len(batches), deferred) == (2, 0)
    results = [process_batch(stores, settings, b) for b in batches]
    assert sum(r["counts"]["written"] for r in results) == 3
    # What a scheduler keeps per batch is bounded: counts, timing and where the manifest is, no document lists.
    keys = {"index", "label", "manifest", "seconds", "counts", "languages", "translations", "translation_memory"}
    assert all(set(r) == keys | {"timing"} and set(r["timing"]) == {"prepare", "run", "finish"} for r in results)
    batch_manifests = [_json(seaweed, bucket, r["manifest"].split("/", 3)[3]) for r in results]
    failed_uris = [d["uri"] for m in batch_manifests for d in m["documents"]["failed"]]
    assert failed_uris == [f"s3://{bucket}/landing/sub/corrupt.bin"]

    summary, manifest = summarize(results, stores=stores, run="20250101T000000Z-0a0b0c", planned=2)
    jsonschema.validate(manifest, MANIFEST_SCHEMA)
    assert write_manifest(stores, manifest) == f"s3://{bucket}/runs/20250101T000000Z-0a0b0c.json"
    assert summary.counts == {"seen": 4, "written": 3, "skipped": 0, "failed": 1}
    assert len(manifest["inputs"]) == 4 and len(manifest["documents"]["written"]) == 3  # read from the bucket
    assert summary.event_extra()["no_model"] > 0  # no model installed: segments await one
    assert summary.headline() == "3 written, 0 skipped, 1 failed"
    report = summary.report()
    assert report["outcome"] == summary.headline() and "failed_documents" not in report
    assert "runs/20250101T000000Z-0a0b0c/batch-0001.json" in _keys(seaweed, bucket, "runs/")

    partial, partial_manifest = summarize(results[:1], stores=stores, run="20250101T000000Z-0a0b0c", planned=2)
    jsonschema.validate(partial_manifest, MANIFEST_SCHEMA)
    assert (partial.status, partial.failed_batches, partial_manifest["status"]) == ("incomplete", 1, "incomplete")

    assert discover_pending(stores, settings) == []  # everything has an outcome now: no scheduler state needed
    assert discover(stores, settings).describe().endswith("4 already done, 0 new, 0 changed")
    time.sleep(1.1)  # S3 timestamps have one-second resolution
    _upload(seaweed, bucket, f"landing/{SEEDS[0].name}", SEEDS[0].read_bytes() + b"\nupdated\n")
    assert [(c.key, c.reason) for c in discover_pending(stores, settings)] == [(f"landing/{SEEDS[0].name}", "changed")]

    failed, _ = select_for_reprocess(stores, settings, Selection(status="failed"))
    assert [c.key for c in failed] == ["landing/sub/corrupt.bin"]
    by_prefix, _ = select_for_reprocess(stores, settings, Selection(prefix="sub/"))
    assert [c.key for c in by_prefix] == ["landing/sub/corrupt.bin"]
    awaiting, _ = select_for_reprocess(stores, settings, Selection(status="awaiting_model"))
    assert awaiting and all(c.key.endswith(".txt") for c in awaiting)
    from datetime import date

    later, _ = select_for_reprocess(stores, settings, Selection(since=date(2999, 1, 1)))
    assert later == []
    wanted = doc_id_for(f"s3://{bucket}/landing/{SEEDS[1].name}")
    chosen, missing = select_for_reprocess(stores, settings, Selection(doc_ids=(wanted, "gone-0123456789abcdef")))
    assert [c.doc_id for c in chosen] == [wanted] and missing == ["gone-0123456789abcdef"]

    # A reprocess that matches nothing still gets a manifest saying what was asked and not found.
    request = {"selection": {"doc_ids": ["gone-0123456789abcdef"]}, "not_found": missing, "not_found_count": 1}
    empty, empty_manifest = summarize([], stores=stores, run="20250101T000000Z-0e0e0e", planned=0, context=request)
    jsonschema.validate(empty_manifest, MANIFEST_SCHEMA)
    assert (empty.status, empty.counts["seen"]) == ("completed", 0)
    assert empty.headline() == "nothing to process: no landing object matches the selection; 1 requested id not found"
    assert empty_manifest["pipeline"]["orchestrator"]["not_found"] == ["gone-0123456789abcdef"]


# -- the DAG files ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("airflow-home")
    env = airflow_env(home)
    prepare(env)
    return home, env


@pytest.mark.airflow
@pytest.mark.slow
def test_dag_files_parse_without_errors_network_or_heavy_imports(airflow_home: tuple[Path, dict[str, str]]) -> None:
    _, env = airflow_home
    # A connection and endpoint that would be used if parsing touched S3; the guard refuses it.
    parse_env = {
        **{k: v for k, v in env.items() if k != "DOCPIPE_TASK_RETRIES"},  # check the shipped defaults
        "AIRFLOW_CONN_AWS_DEFAULT": aws_connection("http://127.0.0.1:9", "k", "s"),
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    result = run_helper(parse_env, "parse")
    assert result["import_errors"] == {}, result["import_errors"]
    assert set(result["dags"]) == {"docpipe_ingest", "docpipe_reprocess"}
    assert result["network"] == []
    heavy = ("pipeline.runner", "pipeline.store", "boto3", "botocore", "ctranslate2", "trafilatura", "lxml")
    assert [m for m in result["modules"] if m.startswith(heavy)] == []

    ingest, reprocess = result["dags"]["docpipe_ingest"], result["dags"]["docpipe_reprocess"]
    assert ingest["schedule"] == "*/15 * * * *" and ingest["max_active_runs"] == 1 and ingest["catchup"] is False
    assert reprocess["schedule"] is None
    for dag in (ingest, reprocess):
        assert dag["pools"]["process_batch"] == "translate"
        assert dag["map_index_template"]["process_batch"]
        assert dag["outlets"]["summarize"] == ["cleaned_docs"]
        assert dag["retry_exponential_backoff"]["process_batch"]
        assert dag["retries"]["process_batch"] == 3 and dag["execution_timeout"]["process_batch"] == 7200
    params = reprocess["params"]
    assert set(params) >= {"doc_ids", "prefix", "since", "status", "force"}
    assert all(p.get("title") and p.get("description") for p in params.values())
    assert params["status"]["enum"] == ["any", "failed", "awaiting_model"]


@pytest.fixture(scope="module")
def dag_bucket(seaweed: SeaweedServer) -> Iterator[str]:
    bucket = seaweed.create_bucket(f"dags-{secrets.token_hex(4)}")
    yield bucket
    seaweed.discard_bucket(bucket)


@pytest.fixture(scope="module")
def airflow_session(
    airflow_home: tuple[Path, dict[str, str]], seaweed: SeaweedServer, dag_bucket: str
) -> Iterator[AirflowSession]:
    from pipeline.translate.packages import install

    home, env = airflow_home
    models = home / "models"
    install(AR_MODEL, models)  # the project's tiny ar→en phrasebook model: real translations, fast
    session = AirflowSession(
        {
            **env,
            "AIRFLOW_CONN_AWS_DEFAULT": aws_connection(seaweed.endpoint_url, seaweed.access_key, seaweed.secret_key),
            "DOCPIPE_BUCKET": dag_bucket,
            # An Airflow Variable wins over the environment: batches of 2, not 50.
            "AIRFLOW_VAR_DOCPIPE_BATCH_DOCS": "2",
            "DOCPIPE_BATCH_DOCS": "50",
            "DOCPIPE_MODELS_DIR": str(models),
            "DOCPIPE_TRANSLATION_MEMORY": str(home / "memory.sqlite3"),
            "DOCPIPE_CT2_INTRA_THREADS": "1",
            "DOCPIPE_CT2_INTER_THREADS": "1",
        }
    )
    yield session
    session.close()


def _run(session: AirflowSession, dag_id: str, conf: dict[str, Any] | None = None) -> dict[str, Any]:
    result = session.dag_test(dag_id, conf)
    assert "error" not in result, result.get("error")
    result["summary"] = result["xcoms"].get("summarize")
    return result


@pytest.mark.airflow
@pytest.mark.slow
def test_ingest_processes_landing_and_quarantines_corrupt(
    airflow_session: AirflowSession, seaweed: SeaweedServer, dag_bucket: str
) -> None:
    for seed in SEEDS:
        _upload(seaweed, dag_bucket, f"landing/{seed.name}", seed.read_bytes())
    _upload(seaweed, dag_bucket, "landing/broken/corrupt.bin", CORRUPT)

    run = _run(airflow_session, "docpipe_ingest")

    assert run["state"] == "success", run["_log"][-5000:]
    assert run["logical_date"] == "None"  # like a REST trigger with "logical_date": null
    mapped = {k: v for k, v in run["tasks"].items() if k.startswith("process_batch[")}
    assert len(mapped) == 3 and all(t["state"] == "success" for t in mapped.values())  # 6 docs, 2 per batch (Variable)
    assert sorted(t["rendered_map_index"][:11] for t in mapped.values()) == [
        "batch 1/3: ",
        "batch 2/3: ",
        "batch 3/3: ",
    ]
    # Each task says what it did in its label (the "Map Index" column of the run's task list).
    assert run["tasks"]["discover"]["rendered_map_index"] == (
        "6 landing objects listed, 0 stored outcomes: 0 already done, 6 new, 0 changed"
    )
    assert run["tasks"]["summarize"]["rendered_map_index"] == "5 written, 0 skipped, 1 failed"
    # One bounded XCom per task (no multiple_outputs); the run's plan once, from the first task;
    # the first and last tasks also say how long their library work took (a few bytes).
    assert {k: v for k, v in run["xcom_keys"].items() if k != "discover"} == {
        **{name: ["return_value"] for name in mapped},
        "summarize": ["return_value", "timing"],
    }
    assert run["xcom_keys"]["discover"] == ["plan", "return_value", "timing"]
    assert all("documents" not in run["xcoms"][name] for name in mapped)

    keys = _keys(seaweed, dag_bucket)
    ids = [doc_id_for(f"s3://{dag_bucket}/landing/{seed.name}") for seed in SEEDS]
    assert all(f"clean/{i}.json" in keys and f"clean/{i}.txt" in keys for i in ids)
    corrupt_id = doc_id_for(f"s3://{dag_bucket}/landing/broken/corrupt.bin")
    assert f"errors/{corrupt_id}.json" in keys and f"clean/{corrupt_id}.json" not in keys

    summary = run["summary"]
    assert summary["counts"] == {"seen": 6, "written": 5, "skipped": 0, "failed": 1}
    assert summary["outcome"] == "5 written, 0 skipped, 1 failed" and "failed_documents" not in summary
    assert summary["translations"]["translated"] > 0  # the ar→en model is installed
    assert summary["languages"]["en"] == 5
    manifest = _json(seaweed, dag_bucket, summary["manifest"].split("/", 3)[3])
    assert manifest["documents"]["failed"][0]["doc_id"] == corrupt_id  # per-document detail: in the bucket
    jsonschema.validate(manifest, MANIFEST_SCHEMA)
    assert manifest["pipeline"]["orchestrator"]["dag_id"] == "docpipe_ingest"
    assert manifest["status"] == "completed"

    [event] = run["events"]
    assert event["asset"] == "cleaned_docs"
    assert event["extra"]["written"] == 5 and event["extra"]["failed"] == 1
    assert event["extra"]["manifest"] == summary["manifest"]
    assert event["extra"]["viewer"] == summary["viewer"] == f"/docpipe/runs/{manifest['run_id']}"  # the viewer plugin
    assert "::group::" in run["_log"]  # task logs are grouped into sections


@pytest.mark.airflow
@pytest.mark.slow
def test_second_ingest_processes_nothing(
    airflow_session: AirflowSession, seaweed: SeaweedServer, dag_bucket: str
) -> None:
    def outputs_and_inputs() -> dict[str, Any]:  # the discovery index merges the batches' deltas
        return {k: v for k, v in _keys(seaweed, dag_bucket).items() if not k.startswith("state/discovery/")}

    before = outputs_and_inputs()
    run = _run(airflow_session, "docpipe_ingest")
    assert run["state"] == "success"
    assert run["tasks"]["process_batch"]["state"] == "skipped"  # zero batches: nothing mapped
    assert run["tasks"]["summarize"]["state"] == "skipped"  # no manifest, no event for an empty run
    assert run["tasks"]["summarize"]["rendered_map_index"] == "nothing new to process"
    assert run["tasks"]["discover"]["rendered_map_index"].endswith("6 already done, 0 new, 0 changed")
    assert run["events"] == []
    assert outputs_and_inputs() == before


@pytest.mark.airflow
@pytest.mark.slow
def test_reprocess_ids_reprocesses_exactly_those(
    airflow_session: AirflowSession, seaweed: SeaweedServer, dag_bucket: str
) -> None:
    chosen = [doc_id_for(f"s3://{dag_bucket}/landing/{seed.name}") for seed in SEEDS[2:4]]
    before = _keys(seaweed, dag_bucket, "clean/")
    time.sleep(1.1)  # so rewritten records get a later LastModified than untouched ones

    run = _run(airflow_session, "docpipe_reprocess", {"doc_ids": chosen})

    assert run["state"] == "success", run["_log"][-5000:]
    summary = run["summary"]
    assert summary["counts"] == {"seen": 2, "written": 2, "skipped": 0, "failed": 0}
    after = _keys(seaweed, dag_bucket, "clean/")
    changed = sorted({k.split("/")[1].rsplit(".", 1)[0] for k in after if after[k] != before.get(k)})
    assert changed == sorted(chosen)
    manifest = _json(seaweed, dag_bucket, summary["manifest"].split("/", 3)[3])
    assert sorted(manifest["documents"]["written"]) == sorted(chosen)
    assert manifest["pipeline"]["orchestrator"]["selection"]["doc_ids"] == chosen
    assert summary["memory_hits"] > 0  # the ingest already translated these segments
    assert run["events"][0]["extra"]["written"] == 2
    assert run["tasks"]["select"]["rendered_map_index"] == "2 documents selected"


@pytest.mark.airflow
@pytest.mark.slow
def test_reprocess_matching_nothing_says_so_and_writes_its_manifest(
    airflow_session: AirflowSession, seaweed: SeaweedServer, dag_bucket: str
) -> None:
    before = _keys(seaweed, dag_bucket)
    # Emptied optional form fields arrive as null: accepted, not "required".
    conf = {"doc_ids": ["gone-0123456789abcdef"], "prefix": None, "since": None}

    run = _run(airflow_session, "docpipe_reprocess", conf)

    assert run["state"] == "success", run["_log"][-5000:]
    tasks = run["tasks"]
    assert tasks["select"]["rendered_map_index"] == "0 documents selected; 1 requested id not found"
    assert tasks["process_batch"]["state"] == "skipped"
    assert tasks["summarize"]["state"] == "skipped"  # no event announcing zero documents...
    assert tasks["summarize"]["rendered_map_index"] == (
        "nothing to process: no landing object matches the selection; 1 requested id not found"
    )
    assert run["events"] == []
    [manifest_key] = [k for k in set(_keys(seaweed, dag_bucket)) - set(before)]  # ...but a manifest
    manifest = _json(seaweed, dag_bucket, manifest_key)
    jsonschema.validate(manifest, MANIFEST_SCHEMA)
    assert manifest["counts"]["seen"] == 0
    assert manifest["pipeline"]["orchestrator"]["not_found"] == ["gone-0123456789abcdef"]
    assert manifest["pipeline"]["orchestrator"]["run_id"] == run["run_id"]


@pytest.mark.airflow
@pytest.mark.slow
@pytest.mark.parametrize(
    "conf",
    [
        {"doc_ids": ["not an id"]},
        {"doc_ids": "one-0123456789abcdef"},
        {"status": "everything"},
        {"since": "last tuesday"},
        {"prefix": "../outside"},
        {"force": "yes"},
    ],
    ids=["bad-id", "ids-not-a-list", "bad-status", "bad-date", "escaping-prefix", "force-not-bool"],
)
def test_reprocess_rejects_invalid_params(airflow_session: AirflowSession, conf: dict[str, Any]) -> None:
    result = airflow_session.dag_test("docpipe_reprocess", conf)
    assert result.get("error_type") == "ParamValidationError", result


@pytest.mark.airflow
@pytest.mark.slow
def test_reprocess_without_any_filter_fails_before_processing(airflow_session: AirflowSession) -> None:
    run = _run(airflow_session, "docpipe_reprocess", {})
    assert run["state"] == "failed"
    assert run["tasks"]["select"]["state"] == "failed"
    assert run["tasks"]["summarize"]["state"] == "failed"  # the run's last task: its state is the run's
    assert run["tasks"]["summarize"]["rendered_map_index"] == "no summary: select failed"
    assert "nothing selected" in run["_log"]


def test_the_run_manifest_lists_flagged_documents_across_batches(seaweed: SeaweedServer, library_stores: tuple) -> None:
    from test_interstitials import CLOUDFLARE_HTML, WALLS

    settings, stores, bucket = library_stores
    _upload(seaweed, bucket, "landing/a-blocked.html", CLOUDFLARE_HTML.encode())
    _upload(seaweed, bucket, "landing/b-seed.txt", SEEDS[0].read_bytes())
    _upload(seaweed, bucket, "landing/c-missing.txt", "\n".join(WALLS["bn-404"]).encode())
    batches, _ = plan_batches(discover(stores, settings).candidates, settings, "20250101T000000Z-0f0f0f")
    assert len(batches) == 2  # two documents a batch: the walls are in different batches
    results = [process_batch(stores, settings, b) for b in batches]
    summary, manifest = summarize(results, stores=stores, run="20250101T000000Z-0f0f0f", planned=2)
    jsonschema.validate(manifest, MANIFEST_SCHEMA)
    walls = [doc_id_for(f"s3://{bucket}/landing/{name}") for name in ("a-blocked.html", "c-missing.txt")]
    assert manifest["flagged"] == {"interstitial": walls}
    assert summary.flagged == {"interstitial": 2} and summary.report()["flagged"] == {"interstitial": 2}
    assert any(line.startswith("flagged interstitial: 2 (a bot check") for line in format_summary(summary))


def test_unaddressable_landing_keys_get_an_error_record(seaweed: SeaweedServer, library_stores: tuple) -> None:
    """Keys no store may address are inputs too: quarantined in errors/, never silently dropped."""
    settings, stores, bucket = library_stores
    _upload(seaweed, bucket, f"landing/{SEEDS[0].name}", SEEDS[0].read_bytes())
    _upload(seaweed, bucket, "landing/ctrl-\x01.txt", b"A page whose key holds a control character.\n")
    pending = discover_pending(stores, settings)
    assert len(pending) == 2
    batches, _ = plan_batches(pending, settings, "20250101T000000Z-0c0c0c")
    results = [process_batch(stores, settings, b) for b in batches]
    assert sum(r["counts"]["written"] for r in results) == 1
    failed = [d for r in results for d in _json(seaweed, bucket, r["manifest"].split("/", 3)[3])["documents"]["failed"]]
    assert [(d["stage"], d["uri"]) for d in failed] == [("read", f"s3://{bucket}/landing/ctrl-%01.txt")]
    assert _json(seaweed, bucket, f"errors/{failed[0]['doc_id']}.json")["stage"] == "read"
    assert discover_pending(stores, settings) == []  # the error record is its outcome: not retried forever


def test_local_tool_prints_what_the_docs_show(monkeypatch: pytest.MonkeyPatch) -> None:
    """``make airflow``'s banner, with the docs' placeholders, is the block in docs/airflow.md."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("airflow_local", ROOT / "tools" / "airflow_local.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.chdir(ROOT)
    home = ROOT / ".airflow"
    info = {
        "url": "http://127.0.0.1:8080",
        "password": "<password>",
        "airflow_home": str(home),
        "s3_endpoint": "http://127.0.0.1:<port>",
        "bucket": "docpipe",
        "s3_env": str(home / "s3.env"),
        "log": str(home / "standalone.log"),
    }
    banner = tool.banner(info, given_endpoint=False).strip("\n")
    assert f"```\n{banner}\n```" in (ROOT / "docs" / "airflow.md").read_text()
