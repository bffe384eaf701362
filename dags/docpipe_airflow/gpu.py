"""Translation-heavy batches to a GPU worker's Celery queue (``DOCPIPE_GPU_QUEUE``; docs/scaling.md).

A task's queue is fixed when the DAG is parsed, and Airflow maps a task only over the return
value of another, so with a GPU queue the ingest DAG gets two more tasks: ``gpu_batches``
hands over the batches the plan routed (pushed by the first task as the XCom ``gpu_batches``)
and ``process_batch_gpu`` — ``process_batch`` on that queue — runs them. Without the variable
the DAG is unchanged. The queue name is read from the environment only (DAG files read no
Variables at parse time); the share threshold (``orchestration.gpu_min_share``) at run time.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from airflow.sdk import get_current_context, task

from docpipe_airflow import BATCH_TASK, log, process_batch, section

if TYPE_CHECKING:
    from pipeline.orchestration import Stores
    from pipeline.settings import Settings

GPU_QUEUE = os.environ.get("DOCPIPE_GPU_QUEUE", "").strip() or None
GPU_BATCHES_KEY = "gpu_batches"
GPU_BATCH_TASK = f"{BATCH_TASK}_gpu"  # summarize collects every task named process_batch*


def split_for_gpu(batches: list[dict[str, Any]], stores: Stores, settings: Settings) -> list[dict[str, Any]]:
    """The batches for the default queue; the translation-heavy ones go out as the XCom
    ``gpu_batches``. Call in the first task, after :func:`~docpipe_airflow.make_plan`."""
    if GPU_QUEUE is None:
        return batches
    from pipeline.orchestration.routing import route_batches

    min_share = settings.orchestration.gpu_min_share
    routed = route_batches(batches, stores.landing, GPU_QUEUE, min_share)
    with section(f"routing: {len(routed)} of {len(batches)} batches to queue {GPU_QUEUE!r} (≥ {min_share:.0%})"):
        for batch in batches:
            where = f" → {GPU_QUEUE}" if batch.get("queue") else ""
            batch["label"] += f"; {batch['translation_share']:.0%} non-Latin{where}"
            log.info("%s", batch["label"])
    get_current_context()["ti"].xcom_push(key=GPU_BATCHES_KEY, value=routed)
    return [batch for batch in batches if not batch.get("queue")]


@task
def gpu_batches() -> list[dict[str, Any]]:
    """The batches the first task routed to the GPU queue (what ``process_batch_gpu`` maps over)."""
    ti = get_current_context()["ti"]
    pushed = ti.xcom_pull(task_ids=sorted(ti.task.upstream_task_ids), key=GPU_BATCHES_KEY)
    return next((p for p in pushed if p is not None), [])


def batch_tasks(batches: Any) -> list[Any]:
    """``process_batch`` mapped over *batches* and, with a GPU queue, the GPU branch."""
    tasks = [process_batch.expand(batch=batches)]
    if GPU_QUEUE is not None:
        routed = gpu_batches()
        batches >> routed
        tasks += [routed, process_batch.override(task_id=GPU_BATCH_TASK, queue=GPU_QUEUE).expand(batch=routed)]
    return tasks
