"""Airflow glue shared by the docpipe DAGs: settings, credentials, log sections and the batch tasks.

Everything that decides *what* to do lives in :mod:`pipeline.orchestration`; this package only
reads Airflow's configuration (connection, Variables) and wraps library calls in tasks. It is
imported at DAG parse time, so it imports nothing heavy at module level: the pipeline (boto3,
CTranslate2, lxml...) is imported inside the tasks, on the worker.
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset, Connection, TriggerRule, Variable, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowNotFoundException, AirflowSkipException

if TYPE_CHECKING:
    from pipeline.orchestration import Stores
    from pipeline.settings import Settings

log = logging.getLogger("docpipe.airflow")

# Downstream DAGs schedule on this: `@dag(schedule=[CLEANED_DOCS])`. The name is the identity;
# where the documents are (bucket, prefix) travels in each event's extra, since it is config.
CLEANED_DOCS = Asset(name="cleaned_docs", uri="docpipe://cleaned_docs")

TRANSLATE_POOL = os.environ.get("DOCPIPE_POOL", "translate")
PLAN_KEY = "plan"  # the XCom with the run's plan, pushed by the first task
BATCH_TASK = "process_batch"
LABEL_VAR = "docpipe_label"
LABEL = "{{ docpipe_label | default('') }}"  # see label()
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


def variable_or_env(env_name: str) -> str | None:
    """The settings tree's lookup inside Airflow: Variable ``docpipe_beam_size`` (the variable
    name lower-cased), else the environment variable ``DOCPIPE_BEAM_SIZE``, else None (default)."""
    value = Variable.get(env_name.lower(), default=None)
    if value is None:
        value = os.environ.get(env_name)
    return None if value is None else str(value)


def aws_conn_id(lookup: Callable[[str], str | None] = variable_or_env) -> str:
    return lookup("DOCPIPE_AWS_CONN_ID") or "aws_default"


def s3_options(lookup: Callable[[str], str | None] = variable_or_env) -> dict[str, Any]:
    """S3 client options from the Airflow connection, in the Amazon provider's conventions.

    login/password are the access key pair (or ``extra.aws_access_key_id``/``aws_secret_access_key``),
    ``extra.endpoint_url`` points at MinIO or SeaweedFS, ``extra.region_name`` sets the region.
    Without the connection the standard AWS chain (env, profile, instance role) applies.
    """
    conn_id = aws_conn_id(lookup)
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


def read_variables() -> dict[str, str]:
    """The ``docpipe_*`` Variables the settings tree uses, by environment name, read once.

    The first task of a run reads them (one Execution API call per setting) and hands them on in
    the plan, so a batch task makes no such call and every batch of a run, retries included,
    runs under the same settings (one ``config_hash``). Only Variables travel, never the
    environment: a worker's own environment (``DOCPIPE_CT2_DEVICE=cuda`` on a GPU worker) still
    applies where no Variable is set. Variables hold no secrets (credentials are the connection's).
    """
    from pipeline.settings import specs

    found: dict[str, str] = {}
    for name in ("DOCPIPE_AWS_CONN_ID", *(env for spec in specs() for env in spec.env)):
        value = Variable.get(name.lower(), default=None)
        if value is not None:
            found[name] = str(value)
    return found


def open_stores(variables: Mapping[str, str] | None = None) -> tuple[Settings, Stores]:
    """Settings (the whole tree: *variables*, else Airflow's Variables, then env) and stores for
    this task; a configuration mistake fails without retries."""
    from pipeline.orchestration import Stores
    from pipeline.settings import Settings

    given = dict(variables or {})

    def from_plan(name: str) -> str | None:
        return given[name] if name in given else os.environ.get(name)

    read = variable_or_env if variables is None else from_plan
    try:
        settings = Settings.load(lookup=read)
        return settings, Stores.open(settings.orchestration, s3_options(read))
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


@contextmanager
def timed_work() -> Iterator[None]:
    """Push the wall seconds of the library work inside as the XCom ``timing`` (``{"work": s}``):
    the rest of the task's duration is Airflow's overhead (``bench/airflow_overhead.py``)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        get_current_context()["ti"].xcom_push(key="timing", value={"work": round(time.perf_counter() - started, 3)})


def _log_outcome(outcome: Any) -> None:
    if outcome.status == "failed":
        log.warning("failed %s (%s: %s) %s", outcome.doc_id, outcome.stage, outcome.error_type, outcome.uri)
    else:
        log.info("%s %s %s", outcome.status, outcome.doc_id, outcome.uri)


def label(text: str) -> None:
    """Show *text* next to this task instance in the UI (the run's task list).

    Tasks declare ``map_index_template=LABEL``, which Airflow renders after the task ran —
    also on failure and skip — and shows in the "Map Index" column, for unmapped tasks too.
    So a run says what happened (``nothing to process``, ``3 written...``) without its logs.
    """
    get_current_context()[LABEL_VAR] = text  # type: ignore[literal-required]


def plural(n: int, noun: str) -> str:
    """``1 batch``, ``2 batches``, ``3 documents``."""
    return f"{n} {noun}{'' if n == 1 else 'es' if noun.endswith(('ch', 'sh', 's', 'x')) else 's'}"


def make_plan(
    candidates: list[Any],
    settings: Settings,
    *,
    force: bool,
    variables: Mapping[str, str],
    retranslate: bool = False,
    request: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The batches handed to the mapped task: plain JSON, one dict per batch.

    Each batch also carries the run's *variables* (see :func:`read_variables`). The first task
    returns only this list (Airflow sizes a mapped task from a task's return value). What the
    summary needs about the run as a whole — the docpipe run id, how many batches, deferred
    documents, the variables and, for a reprocess, the *request* (selection, ids not found) —
    is pushed once as the XCom ``plan``, not copied into every batch.
    """
    from pipeline.orchestration import plan_batches, run_key

    context = get_current_context()
    dag_run = context["dag_run"]
    run = run_key(dag_run.dag_id, context["run_id"], dag_run.run_after)
    batches, deferred = plan_batches(candidates, settings, run)
    for batch in batches:
        batch.update(force=force, retranslate=retranslate, variables=dict(variables))
    plan = {
        "run": run,
        "variables": dict(variables),
        "batches": len(batches),
        "documents": len(candidates) - deferred,
        "deferred": deferred,
        "request": request,
    }
    context["ti"].xcom_push(key=PLAN_KEY, value=plan)
    with section(f"plan: {plural(len(candidates), 'document')} in {plural(len(batches), 'batch')} (run {run})"):
        for batch in batches:
            log.info("%s", batch["label"])
        if deferred:
            log.warning(
                "%d documents deferred to the next run (max_batches=%d)", deferred, settings.orchestration.max_batches
            )
        if not batches:
            log.info("nothing to process")
    return batches


# -- the tasks both DAGs share ---------------------------------------------------------------------


@task(
    pool=TRANSLATE_POOL,
    map_index_template="{{ task.op_kwargs['batch']['label'] }}",
    # A hung store call or model must end in a retry, not hold a pool slot forever.
    execution_timeout=BATCH_TIMEOUT,
    multiple_outputs=False,  # one bounded XCom per batch, not one per key
)
def process_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """One mapped instance per batch: bad documents go to errors/, only store failures fail it."""
    entered, cpu_entered = time.time(), _cpu_seconds()
    from pipeline.orchestration import format_languages
    from pipeline.orchestration import process_batch as run_batch

    imported = time.time()
    settings, stores = open_stores(batch.get("variables"))  # None: a plan from before variables travelled
    opened, cpu_opened = time.time(), _cpu_seconds()
    with section(f"processing {plural(len(batch['keys']), 'document')} into {stores.output.url}"):
        result = run_batch(
            stores,
            settings,
            batch,
            force=bool(batch.get("force")),
            retranslate=bool(batch.get("retranslate")),
            # A retry's first attempt may have stored outcomes the plan does not know: list them.
            trust_plan=get_current_context()["ti"].try_number <= 1,
            on_outcome=_log_outcome,
        )
    cpu_docpipe = _cpu_seconds() - cpu_opened
    c = result["counts"]
    with section("batch summary"):
        log.info("documents: %d processed, %d skipped, %d failed", c["written"], c["skipped"], c["failed"])
        log.info("documents containing each language: %s", format_languages(result["languages"]))
        log.info("translations: %s; memory: %s", result["translations"], result["translation_memory"])
        log.info("batch manifest: %s", result["manifest"])
    started = get_current_context()["ti"].start_date
    result["timing"] = {
        # Airflow's own start: from the task instance's start (supervisor) to this function
        "task_start": round(entered - started.timestamp(), 3) if started else None,
        "cpu_before_body": round(cpu_entered, 3),  # this task process's CPU before the function
        "imports": round(imported - entered, 3),
        "open_stores": round(opened - imported, 3),
        **result.get("timing", {}),
        "cpu": round(_cpu_seconds(), 3),  # this task process's CPU until here
        "cpu_docpipe": round(cpu_docpipe, 3),  # ...of which in the library's process_batch
    }
    log.info("timing (s): %s", ", ".join(f"{k} {v}" for k, v in result["timing"].items()))
    return result


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@task(
    # ALL_DONE: also after failed batches (an incomplete manifest) and after a mapped task that
    # expanded to nothing (skipped), which every "...MIN_ONE_SUCCESS" rule would skip this for.
    trigger_rule=TriggerRule.ALL_DONE,
    outlets=[CLEANED_DOCS],
    map_index_template=LABEL,
    multiple_outputs=False,
)
def summarize() -> dict[str, Any]:
    """Write the run manifest, report, and emit a ``cleaned_docs`` event with the counts.

    Runs after every batch finished, failed ones included, so a partial run still gets an
    ``incomplete`` manifest; the task then fails (and with it the run) instead of emitting an
    event. An ingest with nothing new is skipped: no manifest, no event. A reprocess that
    matches nothing writes its manifest (what was asked, which ids were not found) and is
    skipped, so no event announces zero documents; its label says so.

    Wire it downstream of the first task and of ``process_batch``; it pulls the run's plan and
    the batch results itself, so that when the first task failed it runs, says so and fails
    (the run's state follows its last task) instead of failing to resolve an argument.
    """
    from pipeline.orchestration import format_summary, write_manifest
    from pipeline.orchestration import summarize as merge

    context = get_current_context()
    ti = context["ti"]
    # process_batch, and process_batch_gpu when batches are routed to a GPU queue (gpu.py)
    batch_tasks = sorted(t for t in ti.task.upstream_task_ids if t.startswith(BATCH_TASK))
    first = [t for t in ti.task.upstream_task_ids if t not in batch_tasks]
    plan = next((p for p in ti.xcom_pull(task_ids=first, key=PLAN_KEY) if p), None)
    if plan is None:  # fail too: this is the run's last task, so its state is the run's
        label(f"no summary: {', '.join(first)} failed")
        raise AirflowFailException(f"no summary: {', '.join(first)} failed before planning the run")
    request = plan.get("request")
    if not plan["batches"] and request is None:
        label("nothing new to process")
        raise AirflowSkipException("nothing new to process")
    dag_run = context["dag_run"]
    settings, stores = open_stores(plan.get("variables"))
    results = [r for t in batch_tasks for r in ti.xcom_pull(task_ids=[t]) or () if r] if plan["batches"] else []
    with timed_work():
        summary, manifest = merge(
            results,
            stores=stores,
            run=plan["run"],
            planned=plan["batches"],
            deferred=plan["deferred"],
            context={
                "scheduler": "airflow",
                "dag_id": dag_run.dag_id,
                "run_id": context["run_id"],
                "run_after": dag_run.run_after.isoformat(),
                **(request or {}),
            },
            settings=settings,
        )
        write_manifest(stores, manifest)
    label(summary.headline())
    with section(f"run {summary.run}: {summary.status}"):
        for line in format_summary(summary):
            log.info("%s", line)
    if summary.failed_batches:
        raise AirflowFailException(
            f"{summary.failed_batches} of {summary.batches} batches failed; manifest {summary.manifest}"
        )
    if not summary.batches:
        raise AirflowSkipException(f"{summary.headline()}; manifest {summary.manifest}")
    viewer = _viewer_run_url(summary.run)
    log.info("viewer: %s", viewer)
    context["outlet_events"][CLEANED_DOCS].extra = {**summary.event_extra(), "viewer": viewer}
    return {**summary.report(), "viewer": viewer}


def _viewer_run_url(run: str) -> str:
    """The run's page in the records viewer plugin (plugins/docpipe_viewer.py)."""
    from airflow.configuration import conf

    from pipeline.viewer.links import run_url, viewer_base

    return run_url(viewer_base(conf.get("api", "base_url", fallback=None)), run)
