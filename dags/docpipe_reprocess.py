"""docpipe_reprocess: process chosen documents again, on demand.

Trigger it from the UI form or the REST API (``POST /api/v2/dags/docpipe_reprocess/dagRuns``
with ``{"logical_date": null, "conf": {...}}``). The filters combine (AND):

- **doc_ids**: document ids (``<slug>-<16 hex>``, as in ``clean/<doc_id>.json``);
- **prefix**: only landing objects under this key prefix (relative to the landing prefix);
- **since**: only documents whose stored record was written on or after this date (UTC);
- **status**: ``failed`` (in ``errors/``), ``awaiting_model`` (segments recorded ``no_model``,
  e.g. after installing a model), or ``any``;
- **force**: reprocess even when input, pipeline version and settings are unchanged (default on,
  since a model install changes neither);
- **all_documents**: required to select everything when no other filter is given.

Batches, retries, pool, GPU-queue routing (``DOCPIPE_GPU_QUEUE``), manifest and the
``cleaned_docs`` event are the same as ``docpipe_ingest``. A request that matches nothing
still writes its manifest (with the ids that were not found); its ``summarize`` task is then
skipped (no event) and labelled ``nothing to process...`` in the run's task list. The run is
identified by its ``run_id`` and ``run_after`` (a run triggered with ``logical_date: null`` has
no logical date).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from airflow.sdk import Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException
from docpipe_airflow import (
    DEFAULT_ARGS,
    LABEL,
    label,
    log,
    make_plan,
    open_stores,
    plural,
    read_variables,
    section,
    summarize,
)
from docpipe_airflow.gpu import batch_tasks, split_for_gpu

from pipeline.ids import DOC_ID_MAX_CHARS, DOC_ID_PATTERN

# Airflow refuses an invalid value with JSON Schema's message, which prints the failing schema:
# this short description is what a person reads there, on one line, next to the bad value.
DOC_ID_RULE = "a document id, like bbc-pashto-3f2a9c1e0b7d4e65"

PARAMS = {
    # Optional fields include "null": the form sends null for an emptied field and marks any Param
    # whose type lacks "null" as required. Values are still validated (pattern, format, enum).
    "doc_ids": Param(
        None,
        type=["null", "array"],
        items={"description": DOC_ID_RULE, "type": "string", "pattern": DOC_ID_PATTERN,
               "maxLength": DOC_ID_MAX_CHARS},
        maxItems=10000,
        uniqueItems=True,
        title="Document ids",
        description="One per line, e.g. bbc-pashto-3f2a9c1e0b7d4e65 (the name of clean/<doc_id>.json: "
        "lowercase words joined by hyphens, a hyphen, 16 hex digits). Empty: no restriction by id.",
    ),
    "prefix": Param(
        None,
        type=["null", "string"],
        maxLength=512,
        # What pipeline.settings.as_prefix accepts: no ".." part, no backslash ("/2024/" means "2024/").
        pattern=r"^(?!.*(^|/)\.\.(/|$))[^\\]*$",
        title="Key prefix",
        description="Only landing objects whose key, relative to the landing prefix, starts with this "
        "(e.g. 2024/05/ or tolo). Empty: no restriction.",
    ),
    "since": Param(
        None,
        type=["null", "string"],
        format="date",
        title="Processed since",
        description="Only documents whose stored record (clean/ or errors/) was written on or after this "
        "day (UTC). Empty: no restriction.",
    ),
    "status": Param(
        "any",
        type="string",
        enum=["any", "failed", "awaiting_model"],
        values_display={
            "any": "Any outcome",
            "failed": "Failed documents (errors/)",
            "awaiting_model": "Segments awaiting a translation model (no_model)",
        },
        title="Status filter",
        description="Which stored outcomes to reprocess.",
    ),
    "force": Param(
        True,
        type="boolean",
        title="Force",
        description="Reprocess even if the input bytes, pipeline version and settings are unchanged "
        "(needed to pick up a newly installed model).",
    ),
    "all_documents": Param(
        False,
        type="boolean",
        title="All documents",
        description="Required to reprocess every landing object when no other filter is set.",
    ),
}


@dag(
    dag_id="docpipe_reprocess",
    description="Process chosen documents again (by id, key prefix, date or status), e.g. after "
    "installing a translation model. Trigger it with the form.",
    schedule=None,
    start_date=datetime(2025, 1, 1, tzinfo=UTC),
    catchup=False,
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    tags=["docpipe"],
    doc_md=__doc__,
)
def docpipe_reprocess() -> None:
    @task(map_index_template=LABEL)
    def select() -> list[dict[str, Any]]:
        """The landing objects matching the form, batched; unknown ids are reported, not fatal."""
        from pipeline.orchestration import Selection, SelectionError, select_for_reprocess

        params = get_current_context()["params"]
        try:
            selection = Selection.from_params(params)
        except (SelectionError, ValueError) as exc:
            raise AirflowFailException(f"invalid reprocess request: {exc}") from None
        variables = read_variables()
        settings, stores = open_stores(variables)
        where = settings.orchestration
        with section(f"selecting {selection.describe()} under s3://{where.bucket}/{where.landing_prefix}"):
            candidates, missing = select_for_reprocess(stores, settings, selection)
            log.info("%s selected", plural(len(candidates), "landing object"))
            if missing:
                log.warning("%d requested ids match no landing object: %s", len(missing), ", ".join(missing[:20]))
        label(
            f"{plural(len(candidates), 'document')} selected"
            + (f"; {plural(len(missing), 'requested id')} not found" if missing else "")
        )
        plan = make_plan(
            candidates,
            settings,
            force=bool(params.get("force", True)),
            variables=variables,
            retranslate=selection.status == "awaiting_model",  # unchanged inputs a model now covers
            request={"selection": selection.describe(), "not_found": missing[:100], "not_found_count": len(missing)},
        )
        # a reprocess for segments awaiting a model is translation-heavy: route like the ingest DAG
        return split_for_gpu(plan, stores, settings)

    batches = select()
    [batches, *batch_tasks(batches)] >> summarize()


docpipe_reprocess()
