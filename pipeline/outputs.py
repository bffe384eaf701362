"""The output area of a destination store: which key holds what, what is there, how it is written.

Every writer and reader of a destination goes through this module — the runner, the
orchestration package and ``verify`` — so the layout is decided in one place::

    clean/<doc_id>.json             record of a processed document
    clean/<doc_id>.txt              its English text (``text_en`` and one line feed)
    errors/<doc_id>.json            error record of a quarantined document
    runs/<run_id>.json              a run's manifest, written last
    runs/<run>/batch-NNNN.json      an orchestrated run's batch manifests
    state/hosts/<host>.json         per-site line memory (boilerplate), shared by every worker
    state/discovery/<landing>/index.json.gz       discovery index of one landing prefix
    state/discovery/<landing>/deltas/<run>-NNNN.json   what one batch added to it
    datasets/records/date=YYYY-MM-DD/run=<run>/part-NNNNN.parquet   a batch's written records
                                    (Parquet, pipeline/datasets.py; orchestrated runs only)

The contract: every input has exactly one outcome, in ``clean/`` or in ``errors/``. Writes
keep it crash-safe: the ``.txt`` goes before the ``.json`` (the ``.json`` is what marks a
document done) and the other outcome is deleted only after the new one is stored, so a crash
leaves at worst an orphan ``.txt`` or both outcomes, and the next run repairs either.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.records import dumps, iso_utc
from pipeline.settings import SCHEMA_VERSION, Settings
from pipeline.store import ObjectInfo, ObjectNotFound, Store

if TYPE_CHECKING:  # importing it loads the boilerplate models and trafilatura: not for Settings' AREAS
    from pipeline.boilerplate.host_memory import HostMemory

JSON = dict[str, Any]

CLEAN, ERRORS, RUNS, STATE, DATASETS = "clean", "errors", "runs", "state", "datasets"
AREAS = (CLEAN, ERRORS, RUNS, STATE, DATASETS)
"""Top-level folders docpipe writes; an input prefix must not overlap any of them (the per-site
memory under ``state/`` would otherwise be taken for input documents)."""
HOST_MEMORY_PREFIX = f"{STATE}/hosts/"


# -- keys ---------------------------------------------------------------------------------------


def record_key(doc_id: str) -> str:
    return f"{CLEAN}/{doc_id}.json"


def text_key(doc_id: str) -> str:
    return f"{CLEAN}/{doc_id}.txt"


def error_key(doc_id: str) -> str:
    return f"{ERRORS}/{doc_id}.json"


def run_manifest_key(run_id: str) -> str:
    return f"{RUNS}/{run_id}.json"


def batch_manifests_prefix(run_id: str) -> str:
    """Where an orchestrated run's batch manifests go (without the trailing ``/``)."""
    return f"{RUNS}/{run_id}"


def batch_manifest_key(run_id: str, index: int) -> str:
    """Stable across a batch's retries, so a retry overwrites its own manifest."""
    return f"{batch_manifests_prefix(run_id)}/batch-{index:04d}.json"


def discovery_prefix(landing_prefix: str) -> str:
    """The discovery index's folder for one landing prefix (a hash: prefixes may hold any byte)."""
    return f"{STATE}/discovery/{hashlib.sha256(landing_prefix.encode()).hexdigest()[:16]}"


def discovery_index_key(landing_prefix: str) -> str:
    return f"{discovery_prefix(landing_prefix)}/index.json.gz"


def discovery_deltas_prefix(landing_prefix: str) -> str:
    return f"{discovery_prefix(landing_prefix)}/deltas/"


def discovery_delta_key(landing_prefix: str, run_id: str, index: int) -> str:
    """One batch's delta; stable across the batch's retries (a retry overwrites its own)."""
    return f"{discovery_deltas_prefix(landing_prefix)}{run_id}-{index:04d}.json"


RECORDS_DATASET = f"{DATASETS}/records/"


def dataset_part_key(run_id: str, index: int) -> str:
    """A batch's Parquet part, partitioned by the run's date (``YYYYMMDD…`` run ids) and run."""
    day = f"{run_id[0:4]}-{run_id[4:6]}-{run_id[6:8]}" if run_id[:8].isdigit() else "unknown"
    return f"{RECORDS_DATASET}date={day}/run={run_id}/part-{index:05d}.parquet"


def text_content(text_en: str) -> str:
    """What the ``.txt`` beside a record holds: the record's ``text_en`` and one line feed."""
    return text_en + "\n"


# -- what is there --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    """What ``clean/`` or ``errors/`` holds for a document, from a listing (no reads)."""

    status: str  # "clean" | "failed"
    key: str
    modified: float | None


@dataclass(slots=True)
class Inventory:
    """The outcomes a destination holds, by document id, from two listings (nothing is read).

    Normally a document is in exactly one of ``records`` and ``errors``; a run killed between
    storing one outcome and deleting the other leaves it in both, and ``verify`` reports that.
    """

    records: dict[str, ObjectInfo] = field(default_factory=dict)  # clean/<id>.json
    texts: dict[str, ObjectInfo] = field(default_factory=dict)  # clean/<id>.txt
    errors: dict[str, ObjectInfo] = field(default_factory=dict)  # errors/<id>.json

    def doc_ids(self) -> set[str]:
        """Documents with an outcome (a ``.txt`` alone is not one)."""
        return self.records.keys() | self.errors.keys()

    def outcomes(self) -> dict[str, StoredOutcome]:
        """``doc_id → StoredOutcome``; with both present, the later one (a tie goes to clean)."""
        found: dict[str, StoredOutcome] = {}
        for area, status in ((self.records, "clean"), (self.errors, "failed")):
            for doc_id, info in area.items():
                previous = found.get(doc_id)
                if previous is None or (info.modified or 0) > (previous.modified or 0):
                    found[doc_id] = StoredOutcome(status, info.key, info.modified)
        return found


def inventory(store: Store) -> Inventory:
    """List ``clean/`` and ``errors/``; keys in subfolders or with other suffixes are ignored."""
    found = Inventory()
    for info, name in _children(store, CLEAN):
        if name.endswith(".json"):
            found.records[name.removesuffix(".json")] = info
        elif name.endswith(".txt"):
            found.texts[name.removesuffix(".txt")] = info
    for info, name in _children(store, ERRORS):
        if name.endswith(".json"):
            found.errors[name.removesuffix(".json")] = info
    return found


def _children(store: Store, area: str) -> Iterator[tuple[ObjectInfo, str]]:
    start = len(area) + 1
    for info in store.list(f"{area}/"):
        name = info.key[start:]
        if "/" not in name:
            yield info, name


def manifest_keys(store: Store) -> list[str]:
    """Every key under ``runs/``: run manifests and batch manifests."""
    return [info.key for info in store.list(f"{RUNS}/")]


def read_outcomes(store: Store, doc_id: str) -> list[Any]:
    """The stored outcome records of *doc_id*, parsed (clean first); ValueError if one is not JSON."""
    records: list[Any] = []
    for key in (record_key(doc_id), error_key(doc_id)):
        try:
            records.append(json.loads(store.get(key)))
        except ObjectNotFound:
            continue
    return records


# -- writing --------------------------------------------------------------------------------------


def write_clean(store: Store, record: JSON, *, replaces: bool) -> None:
    """Store a clean record and its ``.txt``; *replaces*: the document may have an error record.

    The ``.txt`` goes first: the ``.json`` is what marks the document done (listing, skipping),
    so a crash between the two leaves an orphan ``.txt`` that the rerun overwrites, never a
    record whose ``.txt`` is missing and that the rerun would skip.
    """
    doc_id = record["doc_id"]
    store.put(text_key(doc_id), text_content(record["text_en"]).encode(), "text/plain; charset=utf-8")
    store.put(record_key(doc_id), dumps(record), "application/json")
    if replaces:  # one outcome per input: drop an earlier error record
        store.delete(error_key(doc_id))


def write_error(store: Store, record: JSON, *, replaces: bool) -> None:
    """Store an error record; *replaces*: the document may have a clean record (and ``.txt``)."""
    doc_id = record["doc_id"]
    store.put(error_key(doc_id), dumps(record), "application/json")
    if replaces:  # one outcome per input: drop an earlier clean record
        store.delete(record_key(doc_id))
        store.delete(text_key(doc_id))


def build_manifest(
    *,
    run_id: str,
    started: float,
    finished: float,
    status: str,
    destination: str,
    inputs: list[str],
    results: Mapping[str, Any],
    pipeline: Mapping[str, Any],
    error: str | None,
) -> JSON:
    """A run manifest (``pipeline/schema/manifest.schema.json``) in its fixed key order.

    *results* holds ``counts``, ``documents``, ``flagged``, ``languages``, ``translations``,
    ``translation_memory``, ``host_memory``, ``models`` and ``stages`` (see
    :meth:`pipeline.runner.RunReport.results`).
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "started_at": iso_utc(started),
        "finished_at": iso_utc(finished),
        "seconds": round(max(finished - started, 0.0), 3),
        "status": status,
        "destination": destination,
        "inputs": inputs,
        **{name: results[name] for name in _RESULTS},
        "pipeline": dict(pipeline),
        "error": error,
    }


_RESULTS = ("counts", "documents", "flagged", "languages", "translations", "translation_memory", "host_memory",
            "models", "stages")


def write_manifest(store: Store, manifest: JSON, key: str | None = None) -> str:
    """Store *manifest* at *key* (default ``runs/<run_id>.json``); returns its URI."""
    key = key or run_manifest_key(manifest["run_id"])
    store.put(key, dumps(manifest), "application/json")
    return store.uri_for(key)


# -- state ------------------------------------------------------------------------------------------


def open_host_memory(store: Store, config: Settings) -> HostMemory | None:
    """The per-site line memory kept under ``state/hosts/``, or None when *config* turns it off."""
    from pipeline.boilerplate.host_memory import HostMemory

    return HostMemory(store, prefix=HOST_MEMORY_PREFIX) if config.host_memory else None
