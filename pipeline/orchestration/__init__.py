"""Scheduler-agnostic orchestration: what to process, in which batches, and the run's summary.

The Airflow DAGs (``dags/``) are thin wrappers around these functions, so the decisions —
which landing objects are new or changed, how work is cut into batches, what a reprocess
request selects, what an operator sees at the end — live here, are tested without Airflow,
and would serve another scheduler unchanged. Nothing here imports Airflow, and every value
that crosses a task boundary is plain JSON (Airflow keeps it as an XCom).

One module per concern:

* :mod:`~pipeline.orchestration.settings` — the opened :class:`Stores` (where they are and how
  batches are cut is ``orchestration.*`` in :mod:`pipeline.settings`);
* :mod:`~pipeline.orchestration.discovery` — change detection and reprocess selection;
* :mod:`~pipeline.orchestration.batches` — batch planning and :func:`process_batch`;
* :mod:`~pipeline.orchestration.routing` — which batches are translation-heavy (a GPU queue);
* :mod:`~pipeline.orchestration.summary` — the run summary and its manifest.

Change detection reads the bucket, never the scheduler's state (see ``discovery``). The
runner's own skip-unchanged check (SHA-256, pipeline version, config hash) still guards every
document, so a re-upload of identical bytes costs one read and is reported as skipped.
"""

from __future__ import annotations

from pipeline.orchestration.batches import plan_batches, process_batch, run_key
from pipeline.orchestration.discovery import (
    STATUS_FILTERS,
    Candidate,
    Discovery,
    Selection,
    SelectionError,
    discover,
    discover_pending,
    find_pending,
    landing_objects,
    select_for_reprocess,
)
from pipeline.orchestration.settings import JSON, Stores
from pipeline.orchestration.summary import RunSummary, format_languages, format_summary, summarize, write_manifest
from pipeline.outputs import StoredOutcome, batch_manifest_key
from pipeline.settings import MAX_BATCHES_LIMIT, OrchestrationSettings, Settings

__all__ = [
    "JSON",
    "MAX_BATCHES_LIMIT",
    "STATUS_FILTERS",
    "Candidate",
    "Discovery",
    "OrchestrationSettings",
    "RunSummary",
    "Selection",
    "SelectionError",
    "Settings",
    "StoredOutcome",
    "Stores",
    "batch_manifest_key",
    "discover",
    "discover_pending",
    "find_pending",
    "format_languages",
    "format_summary",
    "landing_objects",
    "plan_batches",
    "process_batch",
    "run_key",
    "select_for_reprocess",
    "summarize",
    "write_manifest",
]
