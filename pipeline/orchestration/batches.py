"""Batches: cutting candidates into mapped tasks, and running one batch through the pipeline."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pipeline.ids import doc_id_for
from pipeline.inputs import InputItem, object_uri
from pipeline.orchestration.discovery import Candidate
from pipeline.orchestration.settings import JSON, Stores
from pipeline.outputs import batch_manifest_key, dataset_part_key, record_key
from pipeline.runner import Outcome, Runner
from pipeline.settings import Settings
from pipeline.store import Store, StoreError
from pipeline.units import human_bytes

# -- batching -----------------------------------------------------------------------------------


def run_key(dag_id: str, run_id: str, run_after: datetime) -> str:
    """A docpipe run id (``YYYYMMDDTHHMMSSZ-xxxxxx``) for one scheduler run, stable across retries."""
    stamp = run_after.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{hashlib.sha256(f'{dag_id}/{run_id}'.encode()).hexdigest()[:6]}"


def plan_batches(candidates: list[Candidate], settings: Settings, run: str) -> tuple[list[JSON], int]:
    """Cut candidates into batches of at most ``batch_docs`` documents and ``batch_bytes`` bytes.

    Returns the batches (plain dicts, one per mapped task) and how many candidates were
    deferred because the run already has ``max_batches`` batches; they stay pending and the
    next run takes them. A document larger than ``batch_bytes`` gets a batch of its own.
    """
    limits = settings.orchestration
    batches: list[list[Candidate]] = []
    current: list[Candidate] = []
    size = 0
    for cand in candidates:
        if current and (len(current) >= limits.batch_docs or size + cand.size > limits.batch_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(cand)
        size += cand.size
    if current:
        batches.append(current)
    kept = batches[: limits.max_batches]
    deferred = sum(len(b) for b in batches[limits.max_batches :])
    width = len(str(len(kept)))  # "batch 03/12": labels sort in order and line up
    planned = [
        {
            "run": run,
            "index": i,
            "label": f"batch {i + 1:0{width}d}/{len(kept)}: {len(b)} doc{'' if len(b) == 1 else 's'}, "
            f"{human_bytes(sum(c.size for c in b))}, {_short_key(b[0].key)}…",
            "keys": [c.key for c in b],
            "sizes": [c.size for c in b],
            "etags": [c.etag for c in b],
            "stored": [i for i, c in enumerate(b) if c.outcome],  # positions whose document has an outcome
        }
        for i, b in enumerate(kept)
    ]
    return planned, deferred


def _short_key(key: str, limit: int = 40) -> str:
    return key if len(key) <= limit else "…" + key[-(limit - 1) :]


# -- processing one batch --------------------------------------------------------------------------


def _input_item(landing: Store, key: str, size: int) -> InputItem:
    def read(max_bytes: int | None) -> bytes:
        return landing.get(key, max_bytes=max_bytes)

    return InputItem(uri=object_uri(landing, key), size=size, read=read)


def process_batch(
    stores: Stores,
    settings: Settings,
    batch: Mapping[str, Any],
    *,
    force: bool = False,
    retranslate: bool = False,
    trust_plan: bool = True,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> JSON:
    """Run one batch through the pipeline under *settings* (the whole tree); returns a bounded
    JSON summary of it.

    The summary holds counts, where the batch manifest is and ``timing`` (wall seconds spent
    preparing the translation stack, in the runner, and writing the dataset part and index
    delta), never per-document lists (a scheduler keeps it in its database); documents, inputs
    and stage statistics are in the batch manifest in the bucket, which
    :func:`~pipeline.orchestration.summary.summarize` reads.

    *retranslate* also reprocesses unchanged documents that an installed model can now
    translate better (``no_model`` segments, older model versions) — see :class:`Runner`.

    The skip check takes from the plan which documents already have an outcome (``stored``:
    the discovery index's view, or the reprocess selection's listing), instead of listing
    ``clean/`` and ``errors/`` in every batch, whose cost grows with everything ever processed.
    Set *trust_plan* to False when the plan may be out of date — a retry, whose first attempt
    may have stored outcomes no index knows yet — and the runner lists the output area.

    Bad documents are quarantined in ``errors/`` and counted; the batch raises
    :class:`StoreError` only when the store failed (the run is then incomplete and a retry
    completes exactly the missing documents).
    """
    started = time.perf_counter()
    items = [_input_item(stores.landing, k, s) for k, s in zip(batch["keys"], batch["sizes"], strict=True)]
    # A batch is only part of a scheduler run: its manifest goes under runs/<run>/ (stable across
    # retries), and runs/<run>.json is the whole run's manifest, written by the summary.
    manifest_key = batch_manifest_key(batch["run"], int(batch["index"]))
    from pipeline.translate.service import build_translation_stack

    if settings.workers is None:  # Airflow's worker slots already run batches in parallel
        settings = settings.with_overrides({"workers": 1})
    translation = build_translation_stack(settings.translation)
    runner = Runner(
        stores.output,
        settings,
        translation=translation,
        force=force,
        retranslate=retranslate,
        on_outcome=on_outcome,
    )
    prepared = time.perf_counter()
    existing = None
    if trust_plan and "stored" in batch:  # else (a retry, a plan from an older version): list
        existing = {doc_id_for(items[i].uri) for i in batch["stored"]}
    report = runner.run(items, manifest_key=manifest_key, existing=existing)
    if not report.completed:
        raise StoreError(f"batch {batch['index']} incomplete: {report.error}")
    ran = time.perf_counter()
    _write_dataset_part(stores.output, batch, report.outcomes)
    _record_in_index(stores, settings, batch, items, report.outcomes)
    timing = {"prepare": prepared - started, "run": ran - prepared, "finish": time.perf_counter() - ran}
    return {
        "index": batch["index"],
        "label": batch.get("label", ""),
        "manifest": stores.output.uri_for(manifest_key),
        "seconds": report.seconds,
        "counts": report.counts(len(items)),
        "languages": report.languages(),
        "translations": report.translations,
        "translation_memory": report.memory,
        "timing": {name: round(seconds, 3) for name, seconds in timing.items()},
    }


_INDEX_OUTCOME = {"written": "clean", "failed": "failed", "skipped": "kept"}


def _record_in_index(
    stores: Stores, settings: Settings, batch: Mapping[str, Any], items: list[InputItem], done: list[Outcome]
) -> None:
    """This batch's delta of the discovery index: its keys that now have an outcome."""
    if "etags" not in batch:  # a plan from before the index: the next rebuild covers it
        return
    from pipeline.orchestration.index import delta_entries, write_delta

    key_for = {item.uri: key for item, key in zip(items, batch["keys"], strict=True)}
    statuses = {key_for[o.uri]: _INDEX_OUTCOME[o.status] for o in done if o.uri in key_for}
    entries = delta_entries(batch["keys"], batch["etags"], batch["sizes"], statuses)
    write_delta(stores.output, settings.orchestration.landing_prefix, batch["run"], int(batch["index"]), entries)


def _write_dataset_part(output: Store, batch: Mapping[str, Any], done: list[Outcome]) -> None:
    """The records this batch wrote, appended to the Parquet dataset (one part per batch)."""
    written = [o.doc_id for o in done if o.status == "written"]
    if not written:
        return
    from pipeline.datasets import parquet_bytes

    records = [json.loads(output.get(record_key(doc_id))) for doc_id in written]
    output.put(
        dataset_part_key(batch["run"], int(batch["index"])), parquet_bytes(records), "application/vnd.apache.parquet"
    )
