"""docpipe_ingest: process what landed in the bucket since the last run.

Every 15 minutes (``DOCPIPE_INGEST_SCHEDULE``, a cron expression or ``@hourly``-style preset),
one run at a time, no catch-up:

1. **discover** lists the landing prefix and the output area (``clean/``, ``errors/``) and
   keeps objects that have no outcome yet or changed since theirs was written — the bucket is
   the state, not the Airflow database — then cuts them into batches;
2. **process_batch** runs once per batch (mapped, in the ``translate`` pool, labelled
   ``batch 03/12: 100 docs, 3.2 MB, landing/…``): bad documents go to ``errors/``, only
   store failures fail the task and are retried with exponential backoff. With
   ``DOCPIPE_GPU_QUEUE`` set, translation-heavy batches run as **process_batch_gpu** on that
   Celery queue instead (see ``docpipe_airflow/gpu.py``);
3. **summarize** writes ``runs/<run>.json``, returns the counts, and emits a
   ``cleaned_docs`` asset event whose extra carries them (written, skipped, failed, languages,
   translations, memory hits, destination, manifest).

Each task's outcome is its label in the run's task list ("Map Index" column): what the
listing found, each batch, and the run's counts.

Configuration: see docs/airflow.md (connection ``aws_default``, Variables ``docpipe_*`` or
env ``DOCPIPE_*``).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from airflow.sdk import dag, task
from docpipe_airflow import (
    DEFAULT_ARGS,
    LABEL,
    label,
    log,
    make_plan,
    open_stores,
    read_variables,
    section,
    summarize,
    timed_work,
)
from docpipe_airflow.gpu import batch_tasks, split_for_gpu

SCHEDULE = os.environ.get("DOCPIPE_INGEST_SCHEDULE", "*/15 * * * *")
# Deployments that want ingestion on from the first start (docker-compose.yml) set this to false;
# otherwise Airflow's dags_are_paused_at_creation applies.
PAUSED = {"false": False, "true": True}.get(os.environ.get("DOCPIPE_INGEST_PAUSED", "").lower())


@dag(
    dag_id="docpipe_ingest",
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=UTC),
    description="Clean what landed in the bucket since the last run: language, translation to English, "
    "boilerplate; records to clean/, failures to errors/, a manifest per run to runs/.",
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=PAUSED,
    default_args=DEFAULT_ARGS,
    tags=["docpipe"],
    doc_md=__doc__,
)
def docpipe_ingest() -> None:
    @task(map_index_template=LABEL)
    def discover() -> list[dict[str, Any]]:
        """New or changed landing objects, batched; compared against the bucket, not Airflow state."""
        from pipeline.orchestration import discover

        variables = read_variables()
        settings, stores = open_stores(variables)
        where = settings.orchestration
        with timed_work():
            with section(f"listing s3://{where.bucket}/{where.landing_prefix} against {stores.output.url}"):
                found = discover(stores, settings)
                log.info("%s", found.describe())
            label(found.describe())
            plan = make_plan(found.candidates, settings, force=False, variables=variables)
            return split_for_gpu(plan, stores, settings)

    batches = discover()
    [batches, *batch_tasks(batches)] >> summarize()


docpipe_ingest()
