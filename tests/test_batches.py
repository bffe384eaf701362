"""A batch's skip check on SeaweedFS: taken from the plan, without listing clean/ or errors/.

Reruns stay correct: unchanged documents are skipped, changed ones reprocessed, and a retry
(whose first attempt may have stored outcomes the plan does not know) lists the outputs.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from seaweed import SeaweedServer
from store_spy import ListingSpy

from pipeline import outputs
from pipeline.ids import doc_id_for
from pipeline.orchestration import Selection, Stores, discover, plan_batches, process_batch, select_for_reprocess
from pipeline.settings import Settings

pytestmark = pytest.mark.slow
DOCS = {f"landing/d{i}/page-{i}.txt": f"Document number {i} about the provincial council.\n".encode() for i in range(5)}
OUTCOME_AREAS = {f"{outputs.CLEAN}/", f"{outputs.ERRORS}/"}



@pytest.fixture
def bucket(seaweed: SeaweedServer, seaweed_env: dict[str, str], tmp_path: Path) -> Iterator[tuple]:
    """A bucket with landing documents, the settings for it, and its stores (output spied on)."""
    name = seaweed.create_bucket(f"batches-{secrets.token_hex(4)}")
    client = seaweed.client()
    for key, data in DOCS.items():
        client.put_object(Bucket=name, Key=key, Body=data)
    settings = Settings.load(
        {"orchestration.bucket": name, "orchestration.batch_docs": 2, "translation.models_dir": str(tmp_path / "m")}
    )
    opened = Stores.open(settings.orchestration)
    spy = ListingSpy(opened.output)
    yield settings, Stores(opened.landing, spy), spy, client, name
    seaweed.discard_bucket(name)


def _run(stores: Stores, settings: Settings, candidates: list[Any], run: str, **options: Any) -> dict[str, list[str]]:
    """Plan and process *candidates*; doc ids per outcome."""
    batches, _ = plan_batches(candidates, settings, run)
    found: dict[str, list[str]] = {"written": [], "skipped": [], "failed": []}
    for batch in batches:
        result = process_batch(stores, settings, batch, **options)
        manifest = json.loads(stores.output.get(outputs.batch_manifest_key(run, batch["index"])))
        assert result["counts"]["seen"] == len(batch["keys"])
        for status in ("written", "skipped"):
            found[status] += manifest["documents"][status]
        found["failed"] += [d["doc_id"] for d in manifest["documents"]["failed"]]
    return {status: sorted(ids) for status, ids in found.items()}


def _id(bucket: str, key: str) -> str:
    return doc_id_for(f"s3://{bucket}/{key}")


def test_batches_skip_from_the_plan_without_listing_the_outputs(bucket: tuple) -> None:
    settings, stores, spy, client, name = bucket
    every = sorted(_id(name, key) for key in DOCS)

    first = discover(stores, settings).candidates
    assert {c.outcome for c in first} == {""}  # nothing stored yet
    spy.listed.clear()
    assert _run(stores, settings, first, "20250101T000000Z-aaaaaa") == {"written": every, "skipped": [], "failed": []}
    assert not OUTCOME_AREAS & set(spy.listed)  # the plan said: no outcomes yet

    # One document changes, one is new: only they are planned, and the changed one is known to
    # have an outcome (the index says so), so the runner checks it and replaces it.
    changed, new = "landing/d0/page-0.txt", "landing/d7/page-7.txt"
    client.put_object(Bucket=name, Key=changed, Body=b"Document zero, rewritten about the new school.\n")
    client.put_object(Bucket=name, Key=new, Body=b"A new document about road repairs.\n")
    second = discover(stores, settings).candidates
    assert {(c.key, c.reason, c.outcome) for c in second} == {(changed, "changed", "clean"), (new, "new", "")}
    spy.listed.clear()
    done = _run(stores, settings, second, "20250102T000000Z-bbbbbb")
    assert done == {"written": sorted([_id(name, changed), _id(name, new)]), "skipped": [], "failed": []}
    assert not OUTCOME_AREAS & set(spy.listed)
    record = json.loads(stores.output.get(outputs.record_key(_id(name, changed))))
    assert "rewritten" in record["text_en"]

    # Reprocessing everything without force: the selection knows every outcome, and every
    # document is unchanged since, so each is read, compared with its record and skipped.
    selected, missing = select_for_reprocess(stores, settings, Selection(all_documents=True))
    assert not missing and all(c.outcome == "clean" for c in selected)
    spy.listed.clear()
    done = _run(stores, settings, selected, "20250103T000000Z-cccccc")
    assert done == {"written": [], "skipped": sorted([*every, _id(name, new)]), "failed": []}
    assert not OUTCOME_AREAS & set(spy.listed)


def test_a_retry_lists_the_outputs_and_skips_what_its_first_attempt_stored(bucket: tuple) -> None:
    settings, stores, spy, _, name = bucket
    planned = discover(stores, settings).candidates  # every document new: no outcome known
    _run(stores, settings, planned, "20250101T000000Z-dddddd")  # the first attempt stored them all

    spy.listed.clear()  # the retry of the same plan, which still says "no outcome"
    done = _run(stores, settings, planned, "20250101T000000Z-dddddd", trust_plan=False)
    assert done == {"written": [], "skipped": sorted(_id(name, key) for key in DOCS), "failed": []}
    assert set(spy.listed) >= OUTCOME_AREAS
