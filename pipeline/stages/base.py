"""The step abstraction: every stage is a small class over a batch of documents.

Modelled on datatrove's ``PipelineStep``: a step has a name and per-step stats, and a
failure in one document is captured as a :class:`Failure` (stage, error type, message) so
one bad document never stops the batch. Steps that gain from batching across documents
(translation) override :meth:`Step.process_batch`; the rest implement :meth:`Step.process`.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.document import Document
from pipeline.limits import time_limit

log = logging.getLogger(__name__)


@dataclass(slots=True)
class StepStats:
    name: str
    documents: int = 0
    failed: int = 0
    seconds: float = 0.0
    counters: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "failed": self.failed,
            "seconds": round(self.seconds, 4),
            **dict(sorted(self.counters.items())),
        }


@dataclass(slots=True)
class Failure:
    """Why one document could not be processed, in a form fit for ``errors/``."""

    doc: Document
    stage: str
    error_type: str
    message: str

    @classmethod
    def from_exception(cls, doc: Document, stage: str, exc: BaseException) -> Failure:
        message = str(exc) or exc.__class__.__name__
        return cls(doc=doc, stage=stage, error_type=type(exc).__name__, message=message[:2000])


class Step(ABC):
    """One stage. Subclasses set :attr:`name` and implement :meth:`process`."""

    name: str = "step"
    #: Seconds one document may spend in this step (None: no limit); set by the pipeline builder.
    time_limit: float | None = None

    def __init__(self) -> None:
        self.stats = StepStats(self.name)

    @abstractmethod
    def process(self, doc: Document) -> None:
        """Fill in this stage's fields of *doc*; raise to fail the document."""

    def ahead(self) -> Step | None:
        """A step doing the part of this step's work that needs no per-site memory, to run
        before it in a worker process (:func:`pipeline.workers.split_steps`); None: no such part."""
        return None

    def process_batch(self, docs: list[Document]) -> list[Failure]:
        """Process each document; return the failures (the failed documents are not retried)."""
        failures: list[Failure] = []
        for doc in docs:
            started = time.perf_counter()
            try:
                with time_limit(self.time_limit, f"{self.name} of {doc.doc_id}"):
                    self.process(doc)
            except Exception as exc:  # one bad document must not stop the batch
                log.warning("%s failed on %s: %s", self.name, doc.doc_id, exc, exc_info=log.isEnabledFor(logging.DEBUG))
                failures.append(Failure.from_exception(doc, self.name, exc))
                self.stats.failed += 1
            finally:
                self.stats.documents += 1
                self.stats.seconds += time.perf_counter() - started
        return failures


class Pipeline:
    """Steps in order; each step sees only the documents that have not failed yet."""

    def __init__(self, steps: Iterable[Step]) -> None:
        self.steps = list(steps)

    def run(self, docs: list[Document]) -> tuple[list[Document], list[Failure]]:
        failures: list[Failure] = []
        alive = list(docs)
        for step in self.steps:
            if not alive:
                break
            step_failures = step.process_batch(alive)
            if step_failures:
                failed_ids = {id(f.doc) for f in step_failures}
                alive = [d for d in alive if id(d) not in failed_ids]
                failures.extend(step_failures)
        return alive, failures

    def stats(self) -> dict[str, dict[str, object]]:
        return {step.name: step.stats.to_dict() for step in self.steps}
