"""Airflow glue shared by the docpipe DAGs: settings, credentials, log sections and the batch tasks.

Everything that decides *what* to do lives in :mod:`pipeline.orchestration`; this package only
reads Airflow's configuration (connection, Variables) and wraps library calls in tasks. It is
imported at DAG parse time, so it imports nothing heavy at module level: the pipeline (boto3,
CTranslate2, lxml...) is imported inside the tasks, on the worker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset, Connection, TriggerRule, Variable, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowNotFoundException, AirflowSkipException

if TYPE_CHECKING:
    from pipeline.orchestration import Settings, Stores

log = logging.getLogger("docpipe.airflow")

# Downstream DAGs schedule on this: `@dag(schedule=[CLEANED_DOCS])`. The name is the identity;
# where the documents are (bucket, prefix) travels in each event's extra, since it is config.
CLEANED_DOCS = Asset(name="cleaned_docs", uri="docpipe://cleaned_docs")

TRANSLATE_POOL = os.environ.get("DOCPIPE_POOL", "translate")
BATCH_TIMEOUT = timedelta(minutes=int(os.environ.get("DOCPIPE_BATCH_TIMEOUT_MINUTES", "120")))

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "docpipe",
    # S3 hiccups and worker losses are retried with growing pauses (30 s, 60 s, ... ≤ 10 min);
    # configuration mistakes raise AirflowFailException and are not retried.
    "retries": int(os.environ.get("DOCPIPE_TASK_RETRIES", "3")),
    "retry_delay": timedelta(seconds=int(os.environ.get("DOCPIPE_RETRY_DELAY_SECONDS", "30"))),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
}


# -- configuration ---------------------------------------------------------------------------------


def setting(name: str) -> str | None:
    """Variable ``docpipe_<name>``, else env ``DOCPIPE_<NAME>``, else None (library default)."""
    value = Variable.get(f"docpipe_{name}", default=None)
    if value is None:
        value = os.environ.get(f"DOCPIPE_{name.upper()}")
    return None if value is None else str(value)


def aws_conn_id() -> str:
    return setting("aws_conn_id") or "aws_default"


def s3_options() -> dict[str, Any]:
    """S3 client options from the Airflow connection, in the Amazon provider's conventions.

    login/password are the access key pair (or ``extra.aws_access_key_id``/``aws_secret_access_key``),
    ``extra.endpoint_url`` points at MinIO or SeaweedFS, ``extra.region_name`` sets the region.
    Without the connection the standard AWS chain (env, profile, instance role) applies.
    """
    conn_id = aws_conn_id()
    try:
        conn = Connection.get(conn_id)
    except AirflowNotFoundException:
        log.info("no Airflow connection %r: using the standard AWS credential chain", conn_id)
        return {}
    extra = conn.extra_dejson
    return {
        "endpoint_url": extra.get("endpoint_url") or extra.get("host") or None,
        "region": extra.get("region_name") or None,
        "access_key": conn.login or extra.get("aws_access_key_id") or None,
        "secret_key": conn.password or extra.get("aws_secret_access_key") or None,
        "session_token": extra.get("aws_session_token") or None,
    }


def open_stores() -> tuple[Settings, Stores]:
    """Settings and stores for this task; a configuration mistake fails without retries."""
    from pipeline.orchestration import Settings, Stores

    try:
        settings = Settings.from_lookup(setting)
        return settings, Stores.open(settings, s3_options())
    except ValueError as exc:
        raise AirflowFailException(f"docpipe configuration: {exc}") from None


# -- logs ------------------------------------------------------------------------------------------


@contextmanager
def section(title: str) -> Iterator[None]:
    """A collapsible group in the Airflow task log (``::group::`` / ``::endgroup::`` markers)."""
    log.info("::group::%s", title)
    try:
        yield
    finally:
        log.info("::endgroup::")


def _log_outcome(outcome: Any) -> None:
    if outcome.status == "failed":
        log.warning("failed %s (%s: %s) %s", outcome.doc_id, outcome.stage, outcome.error_type, outcome.uri)
    else:
        log.info("%s %s %s", outcome.status, outcome.doc_id, outcome.uri)


def make_plan(
    candidates: list[Any],
    settings: Settings,
    *,
    force: bool,
    retranslate: bool = False,
    about: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The batches handed to the mapped task and the summary: plain JSON, one dict per batch.

    The first task returns only this list (Airflow sizes a mapped task from a task's return
    value); run-wide counts ride along in every batch, and *about* (what was asked for, for the
    manifest) in the first one only, so a large selection is not copied into every XCom.
    """
    from pipeline.orchestration import plan_batches, run_key

    context = get_current_context()
    dag_run = context["dag_run"]
    run = run_key(dag_run.dag_id, context["run_id"], dag_run.run_after)
    batches, deferred = plan_batches(candidates, settings, run)
    for batch in batches:
        batch.update(of=len(batches), pending=len(candidates), deferred=deferred, force=force, retranslate=retranslate)
    if batches and about:
        batches[0]["about"] = about
    with section(f"plan: {len(candidates)} documents in {len(batches)} batches (run {run})"):
        for batch in batches:
            log.info("%s", batch["label"])
        if deferred:
            log.warning("%d documents deferred to the next run (max_batches=%d)", deferred, settings.max_batches)
        if not batches:
            log.info("nothing to process")
    return batches


# -- the tasks both DAGs share ---------------------------------------------------------------------


@task(
    pool=TRANSLATE_POOL,
    map_index_template="{{ task.op_kwargs['batch']['label'] }}",
    # A hung store call or model must end in a retry, not hold a pool slot forever.
    execution_timeout=BATCH_TIMEOUT,
)
def process_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """One mapped instance per batch: bad documents go to errors/, only store failures fail it."""
    from pipeline.orchestration import process_batch as run_batch

    settings, stores = open_stores()
    with section(f"processing {len(batch['keys'])} documents into {stores.output.url}"):
        result = run_batch(
            stores,
            settings,
            batch,
            force=bool(batch.get("force")),
            retranslate=bool(batch.get("retranslate")),
            on_outcome=_log_outcome,
        )
    c = result["counts"]
    with section("batch summary"):
        log.info("documents: %d processed, %d skipped, %d failed", c["written"], c["skipped"], c["failed"])
        log.info("languages: %s", result["languages"])
        log.info("translations: %s; memory: %s", result["translations"], result["translation_memory"])
        log.info("batch manifest: %s", result["manifest"])
    return result


@task(trigger_rule=TriggerRule.ALL_DONE_MIN_ONE_SUCCESS, outlets=[CLEANED_DOCS])
def summarize(batches: list[dict[str, Any]], results: Any) -> dict[str, Any]:
    """Write the run manifest, report, and emit a ``cleaned_docs`` event with the counts.

    Runs after every batch finished, failed ones included, so a partial run still gets an
    ``incomplete`` manifest; the task then fails (and with it the run) instead of emitting an
    event. A run with nothing to do is skipped: no manifest, no event.
    """
    from pipeline.orchestration import format_summary, write_manifest
    from pipeline.orchestration import summarize as merge

    if not batches:
        raise AirflowSkipException("nothing to process")
    first = batches[0]
    context = get_current_context()
    dag_run = context["dag_run"]
    _, stores = open_stores()
    summary, manifest = merge(
        list(results[:]) if results else [],  # one slice request, not one per item
        stores=stores,
        run=first["run"],
        planned=len(batches),
        deferred=first["deferred"],
        context={
            "scheduler": "airflow",
            "dag_id": dag_run.dag_id,
            "run_id": context["run_id"],
            "run_after": dag_run.run_after.isoformat(),
            **first.get("about", {}),
        },
    )
    write_manifest(stores, manifest)
    with section(f"run {summary.run}: {summary.status}"):
        for line in format_summary(summary):
            log.info("%s", line)
    if summary.failed_batches:
        raise AirflowFailException(
            f"{summary.failed_batches} of {summary.batches} batches failed; manifest {summary.manifest}"
        )
    viewer = _viewer_run_url(summary.run)
    log.info("viewer: %s", viewer)
    context["outlet_events"][CLEANED_DOCS].extra = {**summary.event_extra(), "viewer": viewer}
    return {**summary.to_dict(), "viewer": viewer}


def _viewer_run_url(run: str) -> str:
    """The run's page in the records viewer plugin (plugins/docpipe_viewer.py)."""
    from airflow.configuration import conf

    from pipeline.viewer.links import run_url, viewer_base

    return run_url(viewer_base(conf.get("api", "base_url", fallback=None)), run)
