"""The run's summary: merging batch manifests into what an operator sees and the run manifest."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline import outputs
from pipeline.document import QUALITY_FLAGS
from pipeline.orchestration.settings import JSON, Stores
from pipeline.records import pipeline_info
from pipeline.settings import Settings

# -- the run's summary ---------------------------------------------------------------------------


@dataclass(slots=True)
class RunSummary:
    """What an operator sees at the end of a run (task return value, asset event, manifest).

    ``failed_documents`` is for logs; what a scheduler keeps (:meth:`report`,
    :meth:`event_extra`) is bounded, and per-document lists stay in the manifest.
    """

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
    not_found: int = 0  # requested document ids that match no landing object (reprocess)
    flagged: dict[str, int] = field(default_factory=dict)  # written documents per quality flag (ids: manifest)

    def headline(self) -> str:
        """The outcome in one line (a task label in the Airflow UI, the first log line)."""
        c = self.counts
        if self.batches == 0:
            text = "nothing to process: no landing object matches the selection"
        else:
            text = f"{c['written']} written, {c['skipped']} skipped, {c['failed']} failed"
            if self.failed_batches:
                text += f"; {self.failed_batches} of {self.batches} batches failed"
            if self.deferred:
                text += f"; {self.deferred} deferred to the next run"
        if self.not_found:
            text += f"; {self.not_found} requested id{'' if self.not_found == 1 else 's'} not found"
        return text

    def report(self) -> JSON:
        """The bounded summary a scheduler keeps (Airflow: the summary task's return value)."""
        data = asdict(self)
        data.pop("failed_documents")
        return {"outcome": self.headline(), **data}

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
    settings: Settings | None = None,
) -> tuple[RunSummary, JSON]:
    """Merge the batches into the run summary and its manifest (``runs/<run>.json``).

    *results* are what :func:`~pipeline.orchestration.batches.process_batch` returned; the
    details (documents, inputs, stages) are read from each batch's manifest in the output
    store. ``planned`` batches were expected; fewer results means some batches failed, and the
    manifest then says ``incomplete``. *context* (scheduler ids, a reprocess request with its
    ``not_found`` ids) is recorded under ``pipeline.orchestrator`` since the manifest schema is
    closed at the top level. *settings* name the pipeline when no batch ran (default: loaded
    from the environment).
    """
    done = [r for r in results if r]
    context = dict(context or {})
    counts: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    translations: Counter[str] = Counter()
    memory: Counter[str] = Counter()
    host_memory: Counter[str] = Counter()
    stages: dict[str, JSON] = {}
    documents: dict[str, list[Any]] = {"written": [], "skipped": [], "failed": []}
    flagged: dict[str, list[str]] = {}  # quality flag -> documents (see RunReport.flagged)
    inputs: list[str] = []
    models: set[str] = set()
    seconds = 0.0
    pipeline: JSON = {}
    for index in sorted(int(r["index"]) for r in done):
        batch = json.loads(stores.output.get(outputs.batch_manifest_key(run, index)))
        counts.update(batch["counts"])
        languages.update(batch["languages"])
        translations.update(batch["translations"])
        memory.update(batch.get("translation_memory") or {})
        host_memory.update({k: v for k, v in (batch.get("host_memory") or {}).items() if k != "sites"})
        for status in documents:
            documents[status].extend(batch["documents"][status])
        for flag, ids in (batch.get("flagged") or {}).items():
            flagged.setdefault(flag, []).extend(ids)
        inputs.extend(batch["inputs"])
        models.update(batch.get("models") or ())
        seconds += float(batch.get("seconds") or 0)
        pipeline = pipeline or dict(batch.get("pipeline") or {})
        for name, stats in (batch.get("stages") or {}).items():
            _merge_numbers(stages.setdefault(name, {}), stats)
    manifest_key = outputs.run_manifest_key(run)
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
        not_found=int(context.get("not_found_count") or 0),
        flagged={flag: len(ids) for flag, ids in sorted(flagged.items())},
    )
    if not pipeline:
        pipeline = pipeline_info(settings or Settings.load())
    pipeline["orchestrator"] = {
        **context,
        "batches": planned,
        "failed_batches": summary.failed_batches,
        "deferred": deferred,
        "batch_manifests": f"{stores.output.uri_for(outputs.batch_manifests_prefix(run))}/",
    }
    results = {
        "counts": summary.counts,
        "documents": documents,
        "flagged": dict(sorted(flagged.items())),
        "languages": summary.languages,
        "translations": summary.translations,
        "translation_memory": {"hits": memory.get("hits", 0), "misses": memory.get("misses", 0)},
        "host_memory": dict(sorted(host_memory.items())),  # summed over batches (sites would double count)
        "models": sorted(models),
        "stages": stages,
    }
    manifest = outputs.build_manifest(
        run_id=run,
        started=started,
        finished=now,
        status=status,
        destination=stores.output.url,
        inputs=inputs,
        results=results,
        pipeline=pipeline,
        error=None if status == "completed" else f"{summary.failed_batches} of {planned} batches failed",
    )
    return summary, manifest


def write_manifest(stores: Stores, manifest: JSON) -> str:
    """Store the run manifest at ``runs/<run>.json`` of the output area; returns its URI."""
    return outputs.write_manifest(stores.output, manifest)


def _merge_numbers(into: JSON, other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            into.setdefault(key, value)
        else:
            into[key] = round(into.get(key, 0) + value, 4)


def format_summary(summary: RunSummary) -> list[str]:
    """Human lines for task logs."""
    c = summary.counts
    lines = [
        f"run {summary.run}: {summary.status}: {summary.headline()}",
        f"documents: {c['seen']} seen, {c['written']} processed, {c['skipped']} skipped, {c['failed']} failed",
        f"documents containing each language: {format_languages(summary.languages)}",
        f"translations: {summary.translations.get('translated', 0)} made, "
        f"{summary.translations.get('no_model', 0)} awaiting a model, {summary.memory_hits} memory hits",
        f"batches: {summary.batches} ({summary.failed_batches} failed), {summary.deferred} documents deferred",
        f"outputs: {summary.destination}/{outputs.CLEAN}/ and {outputs.ERRORS}/; manifest {summary.manifest}",
    ]
    lines += [f"flagged {flag.replace('_', ' ')}: {n} ({QUALITY_FLAGS.get(flag, '?')}; ids in the manifest)"
              for flag, n in summary.flagged.items()]
    lines += [f"failed: {d['doc_id']} ({d['stage']}: {d['error_type']}) {d['uri']}" for d in summary.failed_documents]
    return lines


def format_languages(languages: Mapping[str, int]) -> str:
    """``en 5, ar 1``: documents per language; a document counts once for every language it
    contains, so the numbers may add up to more than the documents."""
    return ", ".join(f"{lang} {n}" for lang, n in languages.items()) or "none"
