"""GPU queue routing: the plan's estimate of what needs translation, and the DAG it shapes.

No GPU is available where docpipe is developed: these tests cover the routing decision and the
DAG's tasks and queues; ``tests/test_celery_e2e.py`` shows routed batches running on the one
Celery worker that serves the ``gpu`` queue (on CPU). CUDA decoding itself is untested here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from airflow_helpers import airflow_env, run_helper

from pipeline.orchestration.routing import non_latin_letters, route_batches, sample_keys, translation_share
from pipeline.store import LocalStore

ENGLISH = "The provincial council met on Tuesday to discuss the new harbour and the roads. " * 4
ARABIC = "اجتمع مجلس المحافظة يوم الثلاثاء لمناقشة الميناء الجديد والطرق في المنطقة. " * 4
SCRIPT = "<script>var menu = ['home', 'news', 'sport', 'weather', 'contact', 'about']; render(menu);</script>"


def test_non_latin_letters_ignore_markup_scripts_and_styles() -> None:
    page = f"<html><head><style>body {{ font: serif }}</style>{SCRIPT}</head><body><p>{ARABIC}</p></body></html>"
    other, letters = non_latin_letters(page.encode())
    assert other == letters > 0  # the script's and style's Latin letters are not text
    assert non_latin_letters(ENGLISH.encode())[0] == 0
    other, letters = non_latin_letters(f"{ENGLISH}\n{ARABIC}".encode())
    assert 0.4 < other / letters < 0.6
    assert non_latin_letters(b"<" * 100_000 + b"<script" * 10_000) == (0, 0)  # hostile markup: linear, nothing


def test_samples_are_spread_over_the_batch() -> None:
    keys = [f"k{i:02d}" for i in range(40)]
    assert sample_keys(keys) == ["k00", "k20", "k39"]
    assert sample_keys(keys[:2]) == ["k00", "k01"]


def test_translation_heavy_batches_are_marked_for_the_queue(tmp_path: Path) -> None:
    landing = LocalStore(tmp_path)
    bodies = {
        "en": ENGLISH.encode(),
        "ar": f"<html><body>{SCRIPT}<p>{ARABIC}</p></body></html>".encode(),
        "mixed": f"{ENGLISH}\n{ARABIC}".encode(),
        "big": ARABIC.encode() * 2000,  # larger than a sample may be: left out
    }
    batches = []
    for index, kinds in enumerate((["en"] * 4, ["ar"] * 4, ["en", "en", "ar", "en"], ["big", "en"], ["missing"])):
        keys = [f"landing/{index}/{n}-{kind}" for n, kind in enumerate(kinds)]
        for key, kind in zip(keys, kinds, strict=True):
            if kind != "missing":
                landing.put(key, bodies[kind])
        batches.append({"index": index, "keys": keys})
    routed = route_batches(batches, landing, "gpu", 0.5)
    assert [b["index"] for b in routed] == [1]
    assert [b.get("queue") for b in batches] == [None, "gpu", None, None, None]
    assert [b["translation_share"] for b in batches][:2] == [0.0, 1.0]
    assert 0.0 < batches[2]["translation_share"] < 0.5  # sampled: first, middle and last documents
    assert batches[3]["translation_share"] == 0.0 and batches[4]["translation_share"] == 0.0
    assert [b["index"] for b in route_batches(batches, landing, "gpu", 0.2)] == [1, 2]
    assert translation_share(landing, ["landing/1/0-ar", "landing/0/0-en"]) == pytest.approx(0.5, abs=0.1)


@pytest.mark.airflow
@pytest.mark.slow
@pytest.mark.parametrize("queue", ["", "gpu"])
def test_the_dags_get_a_gpu_branch_only_with_a_queue(tmp_path: Path, queue: str) -> None:
    result = run_helper(airflow_env(tmp_path, {"DOCPIPE_GPU_QUEUE": queue}), "parse")
    assert result["import_errors"] == {}, result["import_errors"]
    ingest, reprocess = result["dags"]["docpipe_ingest"], result["dags"]["docpipe_reprocess"]
    # the reprocess DAG routes too: "segments awaiting a translation model" is the most
    # translation-heavy request there is
    for dag, first in ((ingest, "discover"), (reprocess, "select")):
        if queue:
            assert dag["tasks"] == sorted([first, "gpu_batches", "process_batch", "process_batch_gpu", "summarize"])
            assert dag["queues"]["process_batch_gpu"] == "gpu"
            assert dag["pools"]["process_batch_gpu"] == "translate"  # same pool, retries, timeout, label
            assert dag["retries"]["process_batch_gpu"] == dag["retries"]["process_batch"]
            assert dag["map_index_template"]["process_batch_gpu"] == dag["map_index_template"]["process_batch"]
        else:
            assert dag["tasks"] == sorted([first, "process_batch", "summarize"])
        assert dag["queues"]["process_batch"] == "default"
