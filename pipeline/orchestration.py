"""Scheduler-agnostic orchestration: what to process, in which batches, and the run's summary.

The Airflow DAGs (``dags/``) are thin wrappers around these functions, so the decisions —
which landing objects are new or changed, how work is cut into batches, what a reprocess
request selects, what an operator sees at the end — live here, are tested without Airflow,
and would serve another scheduler unchanged. Nothing here imports Airflow, and every value
that crosses a task boundary is plain JSON (Airflow keeps it as an XCom).

Change detection reads the bucket, never the scheduler's state: a landing object is
*pending* when no record of it exists in ``clean/`` or ``errors/``, or when it was modified
after its record was written (both timestamps come from the same object store, so clocks
agree). A wiped scheduler database therefore reprocesses nothing. The runner's own
skip-unchanged check (SHA-256, pipeline version, config hash) still guards every document,
so a re-upload of identical bytes costs one read and is reported as skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pipeline.ids import doc_id_for, is_valid_doc_id
from pipeline.inputs import InputItem, object_uri
from pipeline.records import dumps, pipeline_info
from pipeline.runner import CLEAN, ERRORS, RUNS, Outcome, Runner
from pipeline.settings import SCHEMA_VERSION
from pipeline.settings import Settings as PipelineSettings
from pipeline.store import ObjectInfo, ObjectNotFound, S3Store, Store, StoreError, open_store

log = logging.getLogger(__name__)

JSON = dict[str, Any]

# Airflow refuses to expand a task into more than 1,024 mapped instances (max_map_length);
# staying far below keeps the scheduler and the UI grid responsive.
MAX_BATCHES_LIMIT = 512
STATUS_FILTERS = ("any", "failed", "awaiting_model")


class SelectionError(ValueError):
    """A reprocess request that cannot be honoured as given (not an infrastructure error)."""


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settings:
    """Where documents land and where outputs go, and how big a batch is.

    ``batch_docs``/``batch_bytes`` size one mapped task: a task instance is a process start,
    connection setup and model load, so a batch should be minutes of work, not seconds.
    ``max_batches`` bounds one run; what does not fit waits for the next scheduled run.
    """

    bucket: str = "docpipe"
    landing_prefix: str = "landing/"
    output_prefix: str = ""
    models_dir: str | None = None
    memory_path: str | None = None
    batch_docs: int = 100
    batch_bytes: int = 256 * 1024 * 1024
    max_batches: int = 200

    NAMES = (
        "bucket",
        "landing_prefix",
        "output_prefix",
        "models_dir",
        "memory_path",
        "batch_docs",
        "batch_bytes",
        "max_batches",
    )

    def __post_init__(self) -> None:
        if not self.bucket or "/" in self.bucket:
            raise ValueError(f"bucket must be a bare bucket name, got {self.bucket!r}")
        landing = _as_prefix(self.landing_prefix)
        output = _as_prefix(self.output_prefix)
        if not landing:
            raise ValueError("landing_prefix must not be empty: the outputs would count as inputs")
        object.__setattr__(self, "landing_prefix", landing)
        object.__setattr__(self, "output_prefix", output)
        for area in (CLEAN, ERRORS, RUNS):
            out = f"{output}{area}/"
            if out.startswith(landing) or landing.startswith(out):
                raise ValueError(f"landing prefix {landing!r} overlaps the output area {out!r}")
        if self.batch_docs < 1 or self.batch_bytes < 1:
            raise ValueError("batch_docs and batch_bytes must be positive")
        if not 1 <= self.max_batches <= MAX_BATCHES_LIMIT:
            raise ValueError(f"max_batches must be between 1 and {MAX_BATCHES_LIMIT}")

    @classmethod
    def from_lookup(cls, lookup: Callable[[str], str | None]) -> Settings:
        """Build from a ``name → text or None`` lookup (Airflow Variables, then env, say)."""
        values: dict[str, Any] = {}
        for name in cls.NAMES:
            raw = lookup(name)
            if raw is None or (str(raw).strip() == "" and name not in ("output_prefix",)):
                continue
            text = str(raw).strip()
            values[name] = int(text) if name in ("batch_docs", "batch_bytes", "max_batches") else text
        return cls(**values)

    @property
    def bucket_url(self) -> str:
        return f"s3://{self.bucket}"

    @property
    def output_url(self) -> str:
        return f"s3://{self.bucket}/{self.output_prefix}".rstrip("/")

    def to_dict(self) -> JSON:
        return asdict(self)


def _as_prefix(prefix: str) -> str:
    """``"landing"`` and ``"/landing/"`` both mean ``"landing/"``; ``""`` is the bucket root."""
    prefix = (prefix or "").strip().strip("/")
    if ".." in prefix.split("/") or "\\" in prefix:
        raise ValueError(f"invalid prefix {prefix!r}")
    return f"{prefix}/" if prefix else ""


@dataclass(frozen=True, slots=True)
class Stores:
    """The bucket (for landing objects) and the output area, opened with one set of options."""

    landing: Store
    output: Store

    @classmethod
    def open(cls, settings: Settings, options: Mapping[str, Any] | None = None) -> Stores:
        opts = {k: v for k, v in (options or {}).items() if v not in (None, "")}
        return cls(open_store(settings.bucket_url, **opts), open_store(settings.output_url, **opts))


# -- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One landing object to process, and why."""

    key: str  # relative to the bucket
    uri: str
    doc_id: str
    size: int
    reason: str  # "new" | "changed" | "selected"


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    """What ``clean/`` or ``errors/`` holds for a document, from a listing (no reads)."""

    status: str  # "clean" | "failed"
    key: str
    modified: float | None


def landing_objects(stores: Stores, settings: Settings, subprefix: str = "") -> Iterator[ObjectInfo]:
    """Objects under the landing prefix; dotfiles and temp names are skipped as ``discover`` does.

    Keys no store may address (control characters, ``.``/``..`` segments) are listed too, with
    no modification time: they are inputs all the same, and the runner gives each an error
    record instead of letting it vanish.
    """
    prefix = settings.landing_prefix + _as_prefix(subprefix).rstrip("/") if subprefix else settings.landing_prefix
    unaddressable: list[str] = []
    landing = stores.landing
    listing = landing.list(prefix, skipped=unaddressable) if isinstance(landing, S3Store) else landing.list(prefix)
    for info in listing:
        if not any(part.startswith(".") for part in info.key[len(settings.landing_prefix) :].split("/")):
            yield info
    for key in unaddressable:
        yield ObjectInfo(key=key, size=0, etag=None, modified=None)


def stored_outcomes(output: Store) -> dict[str, StoredOutcome]:
    """``doc_id → StoredOutcome`` from two listings; a document has at most one (runner contract)."""
    found: dict[str, StoredOutcome] = {}
    for area, status in ((CLEAN, "clean"), (ERRORS, "failed")):
        for info in output.list(area + "/"):
            name = info.key[len(area) + 1 :]
            if "/" in name or not name.endswith(".json"):
                continue
            doc_id = name[: -len(".json")]
            previous = found.get(doc_id)
            if previous is None or (info.modified or 0) > (previous.modified or 0):
                found[doc_id] = StoredOutcome(status, info.key, info.modified)
    return found


def find_pending(
    objects: Iterable[ObjectInfo], outcomes: Mapping[str, StoredOutcome], uri_for: Callable[[str], str]
) -> list[Candidate]:
    """Landing objects with no stored outcome, or modified after theirs was written.

    Strictly *after*: S3 timestamps have one-second resolution, and an object uploaded in the
    same second its record was written must not look changed forever (it would be re-read on
    every run). An overwrite within that same second is picked up by a reprocess.
    """
    pending: list[Candidate] = []
    for info in objects:
        uri = uri_for(info.key)
        doc_id = doc_id_for(uri)
        stored = outcomes.get(doc_id)
        if stored is None:
            pending.append(Candidate(info.key, uri, doc_id, info.size, "new"))
        elif stored.modified is None or (info.modified is not None and info.modified > stored.modified):
            pending.append(Candidate(info.key, uri, doc_id, info.size, "changed"))
    return pending


def discover_pending(stores: Stores, settings: Settings) -> list[Candidate]:
    """New or changed landing objects, compared against what the output area holds."""
    return find_pending(
        landing_objects(stores, settings), stored_outcomes(stores.output), lambda key: object_uri(stores.landing, key)
    )


# -- reprocess selection -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    """A reprocess request, validated (the trigger form validates each field; this, the whole)."""

    doc_ids: tuple[str, ...] = ()
    prefix: str = ""
    since: date | None = None
    status: str = "any"
    all_documents: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Selection:
        ids = tuple(dict.fromkeys(str(i).strip() for i in (params.get("doc_ids") or ()) if str(i).strip()))
        bad = [i for i in ids if not is_valid_doc_id(i)]
        if bad:
            raise SelectionError(f"not document ids: {', '.join(bad[:5])}")
        since_raw = params.get("since")
        since = date.fromisoformat(str(since_raw)[:10]) if since_raw else None
        status = str(params.get("status") or "any")
        if status not in STATUS_FILTERS:
            raise SelectionError(f"status must be one of {', '.join(STATUS_FILTERS)}, not {status!r}")
        prefix = _as_prefix(str(params.get("prefix") or ""))
        selection = cls(ids, prefix, since, status, bool(params.get("all_documents")))
        if not selection.narrows() and not selection.all_documents:
            raise SelectionError(
                "nothing selected: give doc_ids, a prefix, a since date or a status filter, "
                "or set all_documents to reprocess every landing object"
            )
        return selection

    def narrows(self) -> bool:
        return bool(self.doc_ids or self.prefix or self.since or self.status != "any")

    def describe(self) -> JSON:
        data = asdict(self)
        data["doc_ids"] = list(self.doc_ids)
        data["since"] = self.since.isoformat() if self.since else None
        return data


def select_for_reprocess(stores: Stores, settings: Settings, selection: Selection) -> tuple[list[Candidate], list[str]]:
    """Landing objects matching *selection*, and the requested doc ids that matched nothing.

    Ids are matched by recomputing each landing object's id from its URI (a listing, no
    reads), so a document can be reprocessed whether it last succeeded, failed or never ran.
    ``since`` compares the date the stored record was written (UTC); ``awaiting_model`` reads
    the clean records of the remaining candidates to find ``no_model`` segments.
    """
    outcomes = stored_outcomes(stores.output)
    wanted = set(selection.doc_ids)
    since_ts = datetime.combine(selection.since, datetime.min.time(), UTC).timestamp() if selection.since else None
    chosen: list[Candidate] = []
    for info in landing_objects(stores, settings, selection.prefix):
        uri = object_uri(stores.landing, info.key)
        doc_id = doc_id_for(uri)
        if wanted and doc_id not in wanted:
            continue
        stored = outcomes.get(doc_id)
        if since_ts is not None and (stored is None or (stored.modified or 0) < since_ts):
            continue
        if selection.status == "failed" and (stored is None or stored.status != "failed"):
            continue
        if selection.status == "awaiting_model" and (stored is None or not _awaits_model(stores.output, stored)):
            continue
        chosen.append(Candidate(info.key, uri, doc_id, info.size, "selected"))
    missing = sorted(wanted - {c.doc_id for c in chosen}) if wanted else []
    return chosen, missing


def _awaits_model(output: Store, stored: StoredOutcome) -> bool:
    if stored.status != "clean":
        return False
    try:
        record = json.loads(output.get(stored.key))
    except (ObjectNotFound, ValueError):
        return False
    return any((s.get("translation") or {}).get("status") == "no_model" for s in record.get("segments", ()))


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
    batches: list[list[Candidate]] = []
    current: list[Candidate] = []
    size = 0
    for cand in candidates:
        if current and (len(current) >= settings.batch_docs or size + cand.size > settings.batch_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(cand)
        size += cand.size
    if current:
        batches.append(current)
    kept = batches[: settings.max_batches]
    deferred = sum(len(b) for b in batches[settings.max_batches :])
    width = max(3, len(str(len(kept))))
    planned = [
        {
            "run": run,
            "index": i,
            "label": f"batch {i + 1:0{width}d}/{len(kept)}: {len(b)} doc{'' if len(b) == 1 else 's'}, "
            f"{_human_bytes(sum(c.size for c in b))}, {_short_key(b[0].key)}…",
            "keys": [c.key for c in b],
            "sizes": [c.size for c in b],
        }
        for i, b in enumerate(kept)
    ]
    return planned, deferred


def _short_key(key: str, limit: int = 40) -> str:
    return key if len(key) <= limit else "…" + key[-(limit - 1) :]


def _human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


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
    config: PipelineSettings | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> JSON:
    """Run one batch through the pipeline; returns its JSON summary.

    *retranslate* also reprocesses unchanged documents that an installed model can now
    translate better (``no_model`` segments, older model versions) — see :class:`Runner`.

    Bad documents are quarantined in ``errors/`` and counted; the batch raises
    :class:`StoreError` only when the store failed (the run is then incomplete and a retry
    completes exactly the missing documents).
    """
    config = config or PipelineSettings.load(
        {"translation.models_dir": settings.models_dir, "translation.memory": settings.memory_path}
    )
    items = [_input_item(stores.landing, k, s) for k, s in zip(batch["keys"], batch["sizes"], strict=True)]
    # A batch is only part of a scheduler run: its manifest goes under runs/<run>/ (stable across
    # retries), and runs/<run>.json is the whole run's manifest, written by the summary.
    manifest_key = f"{RUNS}/{batch['run']}/batch-{int(batch['index']):04d}.json"
    from pipeline.translate.service import build_translation_stack

    translation = build_translation_stack(config.translation)
    runner = Runner(
        stores.output,
        config,
        translation=translation,
        force=force,
        retranslate=retranslate,
        on_outcome=on_outcome,
    )
    report = runner.run(items, manifest_key=manifest_key)
    if not report.completed:
        raise StoreError(f"batch {batch['index']} incomplete: {report.error}")
    return {
        "index": batch["index"],
        "label": batch.get("label", ""),
        "manifest": stores.output.uri_for(manifest_key),
        "seconds": report.seconds,
        "inputs": [item.uri for item in items],
        **report.results(len(items)),
        "pipeline": pipeline_info(config),
    }


# -- the run's summary ---------------------------------------------------------------------------


@dataclass(slots=True)
class RunSummary:
    """What an operator sees at the end of a run (task return value, asset event, manifest)."""

    run: str
    destination: str
    manifest: str
    status: str
    counts: dict[str, int]
    languages: dict[str, int]
    translations: dict[str, int]
    memory_hits: int
    batches: int
    failed_batches: int
    deferred: int
    failed_documents: list[JSON] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> JSON:
        return asdict(self)

    def event_extra(self) -> JSON:
        """Small enough for an asset event: counts and where to look, not document lists."""
        return {
            "run": self.run,
            "status": self.status,
            "destination": self.destination,
            "manifest": self.manifest,
            "written": self.counts["written"],
            "skipped": self.counts["skipped"],
            "failed": self.counts["failed"],
            "languages": self.languages,
            "translated": self.translations.get("translated", 0),
            "no_model": self.translations.get("no_model", 0),
            "memory_hits": self.memory_hits,
        }


def summarize(
    results: Iterable[Mapping[str, Any] | None],
    *,
    stores: Stores,
    run: str,
    planned: int,
    deferred: int = 0,
    started: float | None = None,
    context: Mapping[str, Any] | None = None,
) -> tuple[RunSummary, JSON]:
    """Merge batch results into the run summary and its manifest (``runs/<run>.json``).

    ``planned`` batches were expected; fewer results means some batches failed, and the
    manifest then says ``incomplete``. *context* (scheduler ids) is recorded under
    ``pipeline.orchestrator`` since the manifest schema is closed at the top level.
    """
    done = [r for r in results if r]
    counts: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    translations: Counter[str] = Counter()
    memory: Counter[str] = Counter()
    host_memory: Counter[str] = Counter()
    stages: dict[str, JSON] = {}
    documents: dict[str, list[Any]] = {"written": [], "skipped": [], "failed": []}
    inputs: list[str] = []
    models: set[str] = set()
    seconds = 0.0
    pipeline: JSON = {}
    for result in sorted(done, key=lambda r: r["index"]):
        counts.update(result["counts"])
        languages.update(result["languages"])
        translations.update(result["translations"])
        memory.update(result.get("translation_memory") or {})
        host_memory.update({k: v for k, v in (result.get("host_memory") or {}).items() if k != "sites"})
        for status in documents:
            documents[status].extend(result["documents"][status])
        inputs.extend(result["inputs"])
        models.update(result.get("models") or ())
        seconds += float(result.get("seconds") or 0)
        pipeline = pipeline or dict(result.get("pipeline") or {})
        for name, stats in (result.get("stages") or {}).items():
            _merge_numbers(stages.setdefault(name, {}), stats)
    manifest_key = f"{RUNS}/{run}.json"
    status = "completed" if len(done) == planned else "incomplete"
    now = time.time()
    started = started if started is not None else now - seconds
    summary = RunSummary(
        run=run,
        destination=stores.output.url,
        manifest=stores.output.uri_for(manifest_key),
        status=status,
        counts={k: counts.get(k, 0) for k in ("seen", "written", "skipped", "failed")},
        languages=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        translations=dict(sorted(translations.items())),
        memory_hits=memory.get("hits", 0),
        batches=planned,
        failed_batches=planned - len(done),
        deferred=deferred,
        failed_documents=documents["failed"],
        models=sorted(models),
        seconds=round(seconds, 3),
    )
    if not pipeline:
        pipeline = pipeline_info(PipelineSettings.load())
    pipeline["orchestrator"] = {
        **dict(context or {}),
        "batches": planned,
        "failed_batches": summary.failed_batches,
        "deferred": deferred,
        "batch_manifests": f"{stores.output.uri_for(RUNS + '/' + run)}/",
    }
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "run_id": run,
        "started_at": _iso(started),
        "finished_at": _iso(now),
        "seconds": round(max(now - started, 0.0), 3),
        "status": status,
        "destination": stores.output.url,
        "inputs": inputs,
        "counts": summary.counts,
        "documents": documents,
        "languages": summary.languages,
        "translations": summary.translations,
        "translation_memory": {"hits": memory.get("hits", 0), "misses": memory.get("misses", 0)},
        "host_memory": dict(sorted(host_memory.items())),  # summed over batches (sites would double count)
        "models": sorted(models),
        "stages": stages,
        "pipeline": pipeline,
        "error": None if status == "completed" else f"{summary.failed_batches} of {planned} batches failed",
    }
    return summary, manifest


def write_manifest(stores: Stores, manifest: JSON) -> str:
    key = f"{RUNS}/{manifest['run_id']}.json"
    stores.output.put(key, dumps(manifest), "application/json")
    return stores.output.uri_for(key)


def _merge_numbers(into: JSON, other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            into.setdefault(key, value)
        else:
            into[key] = round(into.get(key, 0) + value, 4)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_summary(summary: RunSummary) -> list[str]:
    """Human lines for task logs."""
    c = summary.counts
    lines = [
        f"run {summary.run}: {summary.status}",
        f"documents: {c['seen']} seen, {c['written']} processed, {c['skipped']} skipped, {c['failed']} failed",
        "languages: " + (", ".join(f"{k} {v}" for k, v in summary.languages.items()) or "none"),
        f"translations: {summary.translations.get('translated', 0)} made, "
        f"{summary.translations.get('no_model', 0)} awaiting a model, {summary.memory_hits} memory hits",
        f"batches: {summary.batches} ({summary.failed_batches} failed), {summary.deferred} documents deferred",
        f"outputs: {summary.destination}/clean/ and errors/; manifest {summary.manifest}",
    ]
    lines += [f"failed: {d['doc_id']} ({d['stage']}: {d['error_type']}) {d['uri']}" for d in summary.failed_documents]
    return lines
