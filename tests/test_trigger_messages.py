"""The trigger-message plugin: Airflow's real Param refusal of a reprocess request, rewritten in words.

The refusals here come from Airflow's own validation of the DAG's own Params (the code path the API
server runs), served by a FastAPI app in-process; the browser test in ``test_airflow_e2e.py``
checks the same through a real ``airflow standalone`` and its trigger form.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD_ID = "tolo-0123456789abcdef"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plugin() -> ModuleType:
    return _load("docpipe_trigger_messages", ROOT / "plugins" / "docpipe_trigger_messages.py")


@pytest.fixture(scope="module")
def airflow_refusal() -> Any:
    """``conf`` → the 400 detail Airflow's API server gives for it (None when Airflow accepts it)."""
    from airflow.exceptions import ParamValidationError
    from airflow.serialization.definitions.param import SerializedParam, SerializedParamsDict

    sys.path.insert(0, str(ROOT / "dags"))
    try:
        reprocess = _load("docpipe_reprocess_for_test", ROOT / "dags" / "docpipe_reprocess.py")
    finally:
        sys.path.remove(str(ROOT / "dags"))

    def refuse(conf: dict[str, Any]) -> str | None:
        params = {}
        for key, param in reprocess.PARAMS.items():
            value = conf.get(key, param.value)
            params[key] = SerializedParam(value, param.description, **param.schema)
        try:
            SerializedParamsDict(params).validate()
        except ParamValidationError as exc:
            return str(exc)
        return None

    return refuse


def _rewrite(plugin: ModuleType, conf: dict[str, Any], detail: str) -> str:
    body = plugin.readable_refusal(json.dumps({"conf": conf}).encode(), json.dumps({"detail": detail}).encode())
    return json.loads(body)["detail"]


def test_an_invalid_id_is_named_with_the_rule_instead_of_the_schema(plugin: ModuleType, airflow_refusal: Any) -> None:
    conf = {"doc_ids": ["bbc-pashto-3f2a9c1e0b7d4e65", "Not An Id"]}
    detail = airflow_refusal(conf)
    assert detail and "Failed validating" in detail  # what Airflow shows on its own: a schema dump
    message = _rewrite(plugin, conf, detail)
    assert message.startswith("Document ids: 'Not An Id' is not a document id.")
    assert "e.g. bbc-pashto-3f2a9c1e0b7d4e65" in message
    assert "Failed validating" not in message and "^[a-z0-9]" not in message


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"since": "04/12/2026"}, "Processed since: '04/12/2026' is not a date; write it as YYYY-MM-DD"),
        ({"prefix": "2024/../secret"}, "Key prefix: '2024/../secret' must be a key prefix relative to"),
        ({"status": "bogus"}, "Status filter: must be one of any, failed, awaiting_model, not 'bogus'."),
        ({"doc_ids": ["a-1", "b-2"]}, "Document ids: 'a-1', 'b-2' are not document ids."),
    ],
)
def test_each_field_is_explained(plugin: ModuleType, airflow_refusal: Any, conf: dict, expected: str) -> None:
    detail = airflow_refusal(conf)
    assert detail, "Airflow accepted a value the pipeline refuses: the Param and Selection.parse disagree"
    assert _rewrite(plugin, conf, detail).startswith(expected)


def test_a_limit_only_the_schema_states_keeps_airflows_first_line(plugin: ModuleType, airflow_refusal: Any) -> None:
    conf = {"prefix": "x" * 600}
    detail = airflow_refusal(conf)
    assert detail
    first_line = detail.split("\n\n", 1)[0]
    assert _rewrite(plugin, conf, detail) == first_line == f"Invalid input for param prefix: '{'x' * 600}' is too long"


def test_what_the_pipeline_accepts_airflow_accepts(airflow_refusal: Any) -> None:
    from pipeline.orchestration import Selection

    accepted = ({"prefix": "/2024/05"}, {"since": "2026-12-04"}, {"doc_ids": [GOOD_ID]}, {"status": "failed"})
    for conf in accepted:
        Selection.parse(conf)
        assert airflow_refusal(conf) is None, conf


def test_the_middleware_rewrites_only_the_reprocess_refusal(plugin: ModuleType, airflow_refusal: Any) -> None:
    from fastapi import Body, FastAPI, HTTPException

    app = FastAPI()

    @app.post("/api/v2/dags/{dag_id}/dagRuns")
    def trigger(dag_id: str, payload: dict = Body(...)) -> dict:  # noqa: B008 - FastAPI's idiom
        detail = airflow_refusal(payload.get("conf") or {})
        if detail:
            raise HTTPException(400, detail)
        return {"dag_id": dag_id, "state": "queued"}

    app.add_middleware(plugin.ReadableReprocessRefusals)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette: "use httpx2"; the client works as it is
        from fastapi.testclient import TestClient

    bad = {"logical_date": None, "conf": {"doc_ids": ["Not An Id"]}}
    with TestClient(app) as client:
        refused = client.post("/api/v2/dags/docpipe_reprocess/dagRuns", json=bad)
        assert refused.status_code == 400
        assert refused.json()["detail"].startswith("Document ids: 'Not An Id' is not a document id.")
        assert int(refused.headers["content-length"]) == len(refused.content)

        other_dag = client.post("/api/v2/dags/docpipe_ingest/dagRuns", json=bad)
        assert other_dag.status_code == 400 and "Failed validating" in other_dag.json()["detail"]

        ok = client.post("/api/v2/dags/docpipe_reprocess/dagRuns", json={"conf": {"doc_ids": [GOOD_ID]}})
        assert (ok.status_code, ok.json()) == (200, {"dag_id": "docpipe_reprocess", "state": "queued"})
