"""A run: inputs → batches through the pipeline → records in the store → a manifest.

The contract this module keeps: every input ends in exactly one of ``clean/`` or
``errors/``; an unchanged input already processed by the same pipeline version and
settings is skipped unless forced; a bad document is quarantined and the run goes on; only
an infrastructure failure (store unreachable) stops a run, and the manifest, written last,
says whether the run completed. Which key holds what, and the order outcomes are written in,
is :mod:`pipeline.outputs`'s to decide; the runner only calls it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from pipeline import outputs
from pipeline.document import Document, Source
from pipeline.ids import doc_id_for
from pipeline.inputs import InputItem
from pipeline.interrupts import held_interrupt
from pipeline.langtags import model_language
from pipeline.records import clean_record, error_record, pipeline_info, processed_at
from pipeline.settings import Settings, pipeline_version
from pipeline.stages import Failure, Pipeline, StepStats, build_pipeline
from pipeline.store import ObjectNotFound, ObjectTooLarge, Store, StoreError
from pipeline.translate.service import TranslationStack, build_translation_stack
from pipeline.workers import (
    FrontPool,
    FrontResult,
    WorkerDied,
    merge_stats,
    run_front,
    split_steps,
    stage_stats,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Outcome:
    """What happened to one input in this run."""

    uri: str
    doc_id: str
    status: str  # "written" | "skipped" | "failed"
    stage: str | None = None
    error_type: str | None = None
    languages: dict[str, float] = field(default_factory=dict)
    quality: tuple[str, ...] = ()  # a written record's quality flags


@dataclass(slots=True)
class RunReport:
    run_id: str
    destination: str
    outcomes: list[Outcome]
    seconds: float
    stages: dict[str, dict[str, object]]
    translations: dict[str, int]
    manifest_key: str
    memory: dict[str, int] = field(default_factory=dict)
    host_memory: dict[str, int] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    completed: bool = True
    error: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def counts(self, seen: int) -> dict[str, int]:
        """The manifest's ``counts``: inputs seen and documents per outcome."""
        return {"seen": seen, **{status: self.count(status) for status in ("written", "skipped", "failed")}}

    def documents(self) -> dict[str, Any]:
        """The manifest's ``documents``: ids per outcome, failures with stage and error type."""
        return {
            "written": [o.doc_id for o in self.outcomes if o.status == "written"],
            "skipped": [o.doc_id for o in self.outcomes if o.status == "skipped"],
            "failed": [
                {"doc_id": o.doc_id, "uri": o.uri, "stage": o.stage or "", "error_type": o.error_type or ""}
                for o in self.outcomes
                if o.status == "failed"
            ],
        }

    def flagged(self) -> dict[str, list[str]]:
        """Written documents per quality flag (``article_fallback``, ``interstitial``): pages worth a look."""
        by_flag: dict[str, list[str]] = {}
        for outcome in self.outcomes:
            for flag in outcome.quality:
                by_flag.setdefault(flag, []).append(outcome.doc_id)
        return dict(sorted(by_flag.items()))

    def results(self, seen: int) -> dict[str, Any]:
        """What both the run manifest and an orchestrator's batch result report of this run."""
        return {
            "counts": self.counts(seen),
            "documents": self.documents(),
            "flagged": self.flagged(),
            "languages": self.languages(),
            "translations": self.translations,
            "translation_memory": self.memory,
            "host_memory": self.host_memory,
            "models": self.models,
            "stages": self.stages,
        }

    def languages(self) -> dict[str, int]:
        """Documents per language, counting each language a written document contains."""
        counts: Counter[str] = Counter()
        for outcome in self.outcomes:
            counts.update(outcome.languages.keys())
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


ProgressCallback = Callable[[Outcome], None]


@dataclass(slots=True)
class _Batch:
    """A batch after reading: documents for the stages, unchanged ones, unreadable ones."""

    docs: list[Document] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    read_failures: list[Failure] = field(default_factory=list)


class Runner:
    """Processes inputs into a destination store."""

    def __init__(
        self,
        destination: Store,
        config: Settings | None = None,
        translation: TranslationStack | None = None,
        force: bool = False,
        retranslate: bool = False,
        on_outcome: ProgressCallback | None = None,
    ) -> None:
        """*retranslate*: also reprocess unchanged inputs whose record has segments that an
        installed model now covers (``no_model``) or that an older model version made."""
        self.destination = destination
        self.config = config or Settings.load()
        self.translation = translation or build_translation_stack(self.config.translation)
        self.force = force
        self.retranslate = retranslate
        self.on_outcome = on_outcome or (lambda outcome: None)

    def run(
        self, items: list[InputItem], manifest_key: str | None = None, existing: set[str] | None = None
    ) -> RunReport:
        """Process *items*; the manifest goes to ``runs/<run_id>.json`` unless *manifest_key*
        names another key (an orchestrator's batch manifest that must stay stable across retries).

        *existing*: the documents that have a stored outcome, when the caller already knows (an
        orchestrator's plan, from the discovery index); None lists ``clean/`` and ``errors/``.
        Only these are checked for being unchanged, and only their other outcome is deleted.

        With ``workers`` > 1 the front stages run in worker processes (:mod:`pipeline.workers`);
        reading, skipping, the per-site memory, writing and the manifest stay here, in input
        order, so the outputs are those of one process. Each worker builds its translation stack
        from ``config.translation``; the *translation* given to this runner then serves only the
        skip check and the manifest's model list.
        """
        started = time.time()
        run_id = _new_run_id(started)
        host_memory = outputs.open_host_memory(self.destination, self.config)
        pipeline = build_pipeline(self.config, self.translation.translator, host_memory)
        front, back = split_steps(pipeline.steps)
        front_stats = {step.name: StepStats(step.name) for step in front}
        memory_used: Counter[str] = Counter()
        outcomes: list[Outcome] = []
        error: str | None = None
        interrupted = False
        pool: FrontPool | None = None
        try:
            self.destination.sweep_temp_files()  # a killed run's leftovers
            if existing is None:
                existing = outputs.inventory(self.destination).doc_ids()
            size = self.config.batch_size
            batches = [items[offset : offset + size] for offset in range(0, len(items), size)]
            prepared = (self._prepare(batch, existing) for batch in batches)
            workers = self.config.processes_for(len(items))  # as `docpipe run` foresaw (forkserver.start)
            if workers > 1:
                with held_interrupt():  # a pool started but not yet named here could not be stopped
                    pool = FrontPool(self.config, workers, cut=len(pipeline.steps) - len(back), front=front,
                                     memory_stats=self.translation.memory_stats)
                fronts = pool.map(prepared, lambda batch: batch.docs)
            else:
                fronts = ((batch, run_front(front, batch.docs, self.translation.memory_stats)) for batch in prepared)
            for batch, result in fronts:
                for name, stats in result.stats.items():
                    merge_stats(front_stats[name], stats)
                memory_used.update(result.memory)
                before = Counter(self.translation.memory_stats())  # the back steps may translate too
                self._finish_batch(batch, result, Pipeline(back), existing, outcomes)
                memory_used.update(Counter(self.translation.memory_stats()) - before)
                if host_memory is not None:  # after the records: they matter more than the memory
                    host_memory.flush()
            if pool is not None:
                # inside the try: Ctrl-C while the pool stops (it may wait for workers still
                # starting) is an interrupted run like any other, and still gets its manifest
                pool.close(wait=True)
        except (StoreError, WorkerDied) as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.error("run %s stopped: %s", run_id, error)
        except KeyboardInterrupt:
            error, interrupted = "interrupted", True
        finally:
            if pool is not None and not pool.closed:
                pool.close(wait=False)
        stages = stage_stats(front_stats, back)
        report = RunReport(
            run_id=run_id,
            destination=self.destination.url,
            outcomes=outcomes,
            seconds=round(time.time() - started, 3),
            stages=stages,
            translations=_translation_counts([*front_stats.values(), *(step.stats for step in back)]),
            manifest_key=manifest_key or outputs.run_manifest_key(run_id),
            memory={key: memory_used.get(key, 0) for key in self.translation.memory_stats()},
            host_memory=host_memory.summary() if host_memory is not None else {},
            models=self.translation.installed_models(),
            completed=error is None,
            error=error,
        )
        manifest = outputs.build_manifest(
            run_id=run_id,
            started=started,
            finished=started + report.seconds,
            status="completed" if report.completed else "incomplete",
            destination=report.destination,
            inputs=[item.uri for item in items],
            results=report.results(len(items)),
            pipeline=pipeline_info(self.config),
            error=report.error,
        )
        try:
            outputs.write_manifest(self.destination, manifest, report.manifest_key)
        except StoreError as exc:
            report.completed = False
            report.error = report.error or f"manifest not written: {exc}"
        if interrupted:  # the manifest says how far the run got; the caller still sees Ctrl-C
            raise KeyboardInterrupt
        return report

    # -- one batch -------------------------------------------------------------------------

    def _prepare(self, batch: list[InputItem], existing: set[str]) -> _Batch:
        """Read a batch's inputs and set aside the unchanged ones (this process, before the stages)."""
        prepared = _Batch()
        for item in batch:
            doc, failure = self._load(item)
            if failure is not None:
                prepared.read_failures.append(failure)
            elif not self.force and doc.doc_id in existing and self._unchanged(doc):
                prepared.skipped.append(Outcome(item.uri, doc.doc_id, "skipped"))
            else:
                prepared.docs.append(doc)
        return prepared

    def _finish_batch(self, batch: _Batch, front: FrontResult, back: Pipeline, existing: set[str],
                      outcomes: list[Outcome]) -> None:
        """The back stages (the per-site memory) here, then the outcomes, written in input order
        and appended to *outcomes* one by one, so that an interrupted batch's written records are
        in the run's manifest."""
        done, back_failures = back.run(front.docs)
        for outcome in batch.skipped:
            self._settle(outcomes, outcome)
        when = processed_at()
        for doc in done:
            record = clean_record(doc, self.config, when)
            self._settle(outcomes, Outcome(doc.source.uri, doc.doc_id, "written", languages=doc.languages,
                                           quality=tuple(doc.quality)),
                         partial(outputs.write_clean, self.destination, record, replaces=doc.doc_id in existing))
        for failure in batch.read_failures + front.failures + back_failures:
            outcome = Outcome(failure.doc.source.uri, failure.doc.doc_id, "failed", failure.stage, failure.error_type)
            self._settle(outcomes, outcome,
                         partial(self._write_error, failure, when, replaces=failure.doc.doc_id in existing))

    def _settle(self, outcomes: list[Outcome], outcome: Outcome, store: Callable[[], None] | None = None) -> None:
        """Store an outcome (*store* writes its record) and count it, Ctrl-C held in between: an
        outcome on disk is an outcome in the manifest's lists."""
        with held_interrupt():
            if store is not None:
                store()
            outcomes.append(outcome)
            self.on_outcome(outcome)

    def _load(self, item: InputItem) -> tuple[Document, Failure | None]:
        doc = Document(
            doc_id=doc_id_for(item.uri),
            source=Source(uri=item.uri, sha256="", bytes=item.size or 0, format="text"),
        )
        try:
            data = item.read(self.config.max_document_bytes)
        except (OSError, ValueError, ObjectTooLarge, ObjectNotFound) as exc:  # this document only
            doc.source.sha256 = None  # type: ignore[assignment]
            return doc, Failure.from_exception(doc, "read", exc)
        doc.raw = data
        doc.source.sha256 = hashlib.sha256(data).hexdigest()
        doc.source.bytes = len(data)
        return doc, None

    def _unchanged(self, doc: Document) -> bool:
        """The stored outcome was made from the same bytes by the same pipeline and settings.

        Exactly one outcome must be stored: a run killed between writing one outcome and
        deleting the other leaves both, and reprocessing is what repairs that.
        """
        try:
            records = outputs.read_outcomes(self.destination, doc.doc_id)
        except ValueError:
            return False  # unreadable record: reprocess it
        if len(records) != 1 or not isinstance(records[0], dict):
            return False
        record = records[0]
        pipeline = record.get("pipeline", {})
        return (
            record.get("source", {}).get("sha256") == doc.source.sha256
            and pipeline.get("version") == pipeline_version()
            and pipeline.get("config_hash") == self.config.config_hash()
            and not (self.retranslate and self._translation_outdated(record))
        )

    def _translation_outdated(self, record: dict[str, Any]) -> bool:
        """A segment awaits a model that is now installed, or was made by another model version."""
        for segment in record.get("segments", []):
            translation = segment.get("translation") or {}
            status = translation.get("status")
            if status not in ("no_model", "translated", "failed"):
                continue
            current = self.translation.translator.model_for(model_language(segment["lang"]), self.config.target_lang)
            if status == "no_model" and current is not None:
                return True
            if status in ("translated", "failed") and current != translation.get("model"):
                return True
        return False

    def _write_error(self, failure: Failure, when: str, replaces: bool) -> None:
        if failure.doc.source.format not in ("text", "html"):
            failure.doc.source.format = "unknown"
        outputs.write_error(self.destination, error_record(failure, self.config, when), replaces=replaces)


def _translation_counts(stats: Iterable[StepStats]) -> dict[str, int]:
    """Segments per translation outcome (``translated``, ``no_model``, ``no_model:ps``, ...)."""
    counts: Counter[str] = Counter()
    for step in stats:
        if step.name == "translate":
            counts.update(step.counters)
    return dict(sorted(counts.items()))


def _new_run_id(started: float) -> str:
    return datetime.fromtimestamp(started, UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
