"""``--workers N``: the same bytes as one process, a clean Ctrl-C, and the worker count's rules.

The golden sample (seeds, HTML and plain-text dev pages, a binary file; translation models
installed) goes through the runner in small batches, each sent in two pieces, so several
tasks are in flight in two workers while the parent owns the per-site memory. Records must
equal the committed golden records and the one-process run byte for byte, and the manifests
must list the same documents in the same order.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_faults import child_pids, make_inputs, session_pids
from test_golden import FIXTURE_MODELS, GOLDEN, _items, _normalised, _outputs

import pipeline.workers as workers_module
from pipeline.document import Document, Source
from pipeline.ids import doc_id_for
from pipeline.runner import Runner
from pipeline.settings import Settings, SettingsError
from pipeline.stages import DecodeStep, Step
from pipeline.store import LocalStore
from pipeline.translate.model_sources import install_from
from pipeline.workers import combine, cut_pieces, per_document, run_front, split_steps

DOCPIPE = str(Path(sys.executable).parent / "docpipe")


def _run(tmp: Path, name: str, workers: int, models: Path, batch_size: int = 4) -> tuple[Path, dict]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        patch.setattr(workers_module, "CHUNK_DOCS", 2)  # each batch of 4 goes out in two pieces
        settings = Settings.load({
            "translation.models_dir": str(models),
            "translation.memory": str(tmp / f"{name}-memory.sqlite3"),  # no run answers from another's memory
            "workers": workers,
            "batch_size": batch_size,
        })
        out = tmp / name
        report = Runner(LocalStore(out), settings).run(_items())
    assert report.completed, report.error
    manifest = json.loads(next((out / "runs").iterdir()).read_bytes())
    return out, manifest


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("models") / "models"
    install_from([str(FIXTURE_MODELS)], str(target))
    return target


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_two_workers_write_the_bytes_of_one(tmp_path: Path, models: Path) -> None:
    one, one_manifest = _run(tmp_path, "one", 1, models)
    two, two_manifest = _run(tmp_path, "two", 2, models)

    produced, single = _outputs(two), _outputs(one)
    assert sorted(produced) == sorted(single)
    assert [rel for rel in produced if produced[rel].read_bytes() != single[rel].read_bytes()] == []
    expected = _outputs(GOLDEN / "expected")  # and both are the committed golden records
    assert sorted(produced) == sorted(expected)
    assert [rel for rel in produced if _normalised(produced[rel]) != expected[rel].read_bytes()] == []
    for key in ("inputs", "counts", "documents", "languages", "translations", "host_memory", "models"):
        assert two_manifest[key] == one_manifest[key], key
    assert two_manifest["translation_memory"] == one_manifest["translation_memory"]
    assert {name: stage["documents"] for name, stage in two_manifest["stages"].items()} == {
        name: stage["documents"] for name, stage in one_manifest["stages"].items()
    }
    assert list(two_manifest["stages"]) == ["decode", "layout", "language", "translate", "boilerplate", "assemble"]
    assert two_manifest["host_memory"]["pages_added"] > 0  # the per-site memory was in play
    assert (two / "state" / "hosts").is_dir() and sorted((two / "state" / "hosts").iterdir()) != []
    for path in (one / "state" / "hosts").iterdir():
        assert (two / "state" / "hosts" / path.name).read_bytes() == path.read_bytes(), path.name


#: Every process of a run reads this through PYTHONPATH; in the forkserver it holds the preload
#: for up to two minutes, until the file named by DOCPIPE_TEST_FORKSERVER_GO exists: "workers
#: still starting" becomes a moment the test chooses rather than a race it hopes to win.
_HOLD_THE_FORKSERVER = """
import os, time
go = os.environ.get("DOCPIPE_TEST_FORKSERVER_GO")
if go:
    import multiprocessing.forkserver as forkserver
    _main = forkserver.main
    def main(*args, **kwargs):
        deadline = time.monotonic() + 120
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.05)
        return _main(*args, **kwargs)
    forkserver.main = main
"""


def _run_cli(tmp_path: Path, copies: int, hold_forkserver: bool) -> tuple[subprocess.Popen[str], Path, int]:
    """``docpipe run --workers 2`` over *copies* of each plain-text seed, in its own session."""
    inputs = tmp_path / "in"
    documents = len(make_inputs(inputs, copies, broken=False))
    env = dict(os.environ)
    if hold_forkserver:
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "sitecustomize.py").write_text(_HOLD_THE_FORKSERVER)
        env.update(PYTHONPATH=str(tmp_path / "site"), DOCPIPE_TEST_FORKSERVER_GO=str(tmp_path / "go"))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [DOCPIPE, "run", str(inputs), "--out", str(out), "--workers", "2", "--batch-size", "2", "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env,
        # a suite started in the background by a shell without job control ignores SIGINT, and its
        # children would inherit that: the run must see Ctrl-C as a terminal delivers it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    return proc, out, documents


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("moment", ["workers up", "first record", "preloading"])
def test_ctrl_c_stops_the_workers_and_says_so(tmp_path: Path, moment: str) -> None:
    """Ctrl-C, sent to the run's whole process group as a terminal sends it: once the forkserver
    and a worker run; at the first record, which the run's own process writes while the
    forkserver still preloads; or then with the preload held for two minutes, which the run
    must not wait for. Each time: exit 130, a consistent manifest, no traceback, and no
    process of the run's session left."""
    # enough documents that the run's own process, which works while the forkserver preloads
    # (longer on a loaded machine), is not done when a worker is up
    proc, out, total = _run_cli(tmp_path, 120, hold_forkserver=moment == "preloading")
    deadline = time.monotonic() + 120
    # records written (the run makes progress: the first pieces run in the parent while the
    # forkserver loads), and for "workers up" three live descendants: the resource tracker, the
    # forkserver and at least one worker
    enough, descendants = (4, 3) if moment == "workers up" else (1, 0)
    while not ((out / "clean").is_dir() and len(list((out / "clean").glob("*.json"))) >= enough
               and len(child_pids(proc.pid)) >= descendants):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no progress, or no forkserver and workers"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    manifest = json.loads(next((out / "runs").iterdir()).read_bytes())
    assert manifest["status"] == "incomplete" and manifest["error"] == "interrupted"
    written = manifest["counts"]["written"]
    assert 0 < written <= total and written == len(list((out / "clean").glob("*.json")))
    time.sleep(0.5)
    assert session_pids(proc.pid) == [], "workers outlived the run"


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_run_done_before_its_workers_are_up_does_not_wait_for_them(tmp_path: Path) -> None:
    """The run's own process works while the forkserver preloads; when it has done every piece
    first (here: the preload is held for two minutes), it stops the forkserver, which has forked
    nothing, and exits: complete, and with no process left."""
    proc, out, total = _run_cli(tmp_path, 10, hold_forkserver=True)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr
    manifest = json.loads(next((out / "runs").iterdir()).read_bytes())
    assert manifest["status"] == "completed" and manifest["counts"]["written"] == total == 50
    time.sleep(0.5)
    assert session_pids(proc.pid) == [], "the forkserver outlived the run"


def test_what_docpipe_run_needs_before_it_starts_the_forkserver_does_not_load_the_stages() -> None:
    """`docpipe run` starts the forkserver once it has its settings and inputs: the forkserver's
    preload then overlaps this process's own imports of the stages, which those must not pull in."""
    code = (
        "import sys; from pipeline import cli, forkserver, inputs, store; from pipeline.settings import Settings;"
        "Settings.load({}).processes_for(10);"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('trafilatura', 'numpy', 'lxml', 'fasttext')"
        " or m.startswith(('pipeline.stages', 'pipeline.boilerplate', 'pipeline.langid'))]; print(bad); assert not bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_worker_count_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCPIPE_WORKERS", raising=False)
    default = Settings.load()
    assert default.workers is None and default.worker_count == len(os.sched_getaffinity(0))
    eight = default.with_overrides({"workers": 8, "batch_size": 32})
    assert eight.processes_for(96) == 3 and eight.processes_for(97) == 4  # no idle processes
    assert eight.processes_for(0) == 1 and eight.processes_for(10_000) == 8
    monkeypatch.setenv("DOCPIPE_WORKERS", "2")
    assert Settings.load().worker_count == 2
    monkeypatch.setenv("DOCPIPE_WORKERS", "0")
    with pytest.raises(SettingsError, match="workers"):
        Settings.load()


def test_the_split_keeps_the_per_site_memory_in_the_parent() -> None:
    from pipeline.boilerplate.host_memory import HostMemory
    from pipeline.stages import build_pipeline

    settings = Settings.load(lookup=lambda _: None)
    front, back = split_steps(build_pipeline(settings, host_memory=HostMemory()).steps)
    # the models' half of language ID and an HTML page's labels in the workers; the site's chrome
    # locale and repeated lines in the parent
    assert [s.name for s in front] == ["decode", "layout", "language", "boilerplate"]
    assert [type(s).__name__ for s in front[-2:]] == ["LanguageLinesStep", "HtmlLabelsStep"]
    assert [s.name for s in back] == ["language", "translate", "boilerplate", "assemble"]
    front, back = split_steps(build_pipeline(settings.with_overrides({"host_memory": False})).steps)
    assert (len(front), back) == (6, [])  # no memory: every step can run in the workers


def _golden_docs() -> list[Document]:
    """The golden inputs as fresh documents, as the runner reads them."""
    return [Document(doc_id_for(item.uri), Source(item.uri, "", item.size or 0), item.read(None))
            for item in _items()]


def test_the_halves_made_ahead_give_what_the_whole_steps_give() -> None:
    """Roles, scores and languages of every block are the same whether the language and
    boilerplate steps' memory-free halves ran ahead (as in the workers) or inside the steps."""
    from pipeline.boilerplate.host_memory import HostMemory
    from pipeline.stages import Pipeline, build_pipeline

    settings = Settings.load(lookup=lambda _: None)

    def labels(done: list[Document]) -> list[tuple[str, list[tuple[str, float | None]], list[str]]]:
        return [(doc.doc_id, [(b.role.value, b.role_score) for b in doc.blocks], [s.lang for s in doc.segments])
                for doc in done]

    whole, whole_failed = build_pipeline(settings, host_memory=HostMemory()).run(_golden_docs())
    steps = build_pipeline(settings, host_memory=HostMemory()).steps
    front, back = split_steps(steps)
    ahead = run_front(front, _golden_docs(), dict)
    assert any("boilerplate" in doc.prepared for doc in ahead.docs)  # HTML pages were labelled ahead
    halves, halves_failed = Pipeline(back).run(ahead.docs)
    assert all(not doc.prepared for doc in halves)  # each second half took its first half's result
    assert labels(halves) == labels(whole)
    assert any(doc.markup is not None for doc in whole)
    assert [(f.doc.doc_id, f.stage) for f in ahead.failures + halves_failed] == [
        (f.doc.doc_id, f.stage) for f in whole_failed]


class _RefuseThirds(Step):
    """A real step that fails every document whose input position is a multiple of three."""

    name = "refuse"

    def process(self, doc: Document) -> None:
        if int(doc.doc_id.rsplit("-", 1)[1]) % 3 == 0:
            raise ValueError("refused")


def test_a_batch_in_pieces_gives_the_result_of_the_whole_batch() -> None:
    """What the pool reassembles from pieces equals one run over the batch: documents in input
    order, failures step by step and in input order within a step, the same stats."""
    items = _items()
    binary = next(item for item in items if item.uri.endswith("/binary.txt"))
    items = [*items[:3], binary, *items[3:9], binary, *items[9:]]  # more undecodable files
    docs = []
    for i, item in enumerate(items):
        data = item.read(None)
        docs.append(Document(f"{doc_id_for(item.uri)}-{i}", Source(item.uri, "", len(data)), data))

    def steps() -> list[Step]:
        return [DecodeStep(10_000_000), _RefuseThirds()]

    assert per_document(steps())
    whole = run_front(steps(), [Document(d.doc_id, d.source, d.raw) for d in docs], dict)
    pieces, offsets = [], list(range(0, len(docs), 3))
    for at in offsets:
        pieces.append(run_front(steps(), [Document(d.doc_id, d.source, d.raw) for d in docs[at:at + 3]], dict))
    joined = combine(pieces, offsets, ["decode", "refuse"])

    assert {f.stage for f in whole.failures} == {"decode", "refuse"}
    assert [d.doc_id for d in joined.docs] == [d.doc_id for d in whole.docs]
    assert [(f.doc.doc_id, f.stage, f.error_type) for f in joined.failures] == [
        (f.doc.doc_id, f.stage, f.error_type) for f in whole.failures
    ]
    assert joined.failed_at == whole.failed_at
    assert {n: (s.documents, s.failed, dict(s.counters)) for n, s in joined.stats.items()} == {
        n: (s.documents, s.failed, dict(s.counters)) for n, s in whole.stats.items()
    }


def test_a_batch_goes_out_in_pieces_and_the_last_one_document_at_a_time() -> None:
    docs = [Document(f"d{i}", Source(f"file:///d{i}", "", 0), b"") for i in range(10)]

    offsets, pieces = cut_pieces(docs, 4, last=False)
    assert offsets == [0, 4, 8] and [[d.doc_id for d in p] for p in pieces] == [
        ["d0", "d1", "d2", "d3"], ["d4", "d5", "d6", "d7"], ["d8", "d9"]]
    offsets, pieces = cut_pieces(docs, 4, last=True)  # the workers finish within a page of each other
    assert offsets == list(range(10)) and [p for piece in pieces for p in piece] == docs
    assert all(len(piece) == 1 for piece in pieces)
    offsets, pieces = cut_pieces(docs, None, last=True)  # steps that batch across documents: whole
    assert offsets == [0] and pieces == [docs]
    assert cut_pieces([], 4, last=True) == ([0], [[]])


def test_the_pools_pipes_take_a_piece_in_one_write() -> None:
    """A piece of HTML pages (~1 MB) and its result go through the pool's pipes without waiting
    for this process's GIL chunk by chunk (:func:`pipeline.workers._widen_pipes`)."""
    import fcntl
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))  # nothing forked yet
    try:
        queues = (executor._call_queue, executor._result_queue)  # type: ignore[attr-defined]
        assert {fcntl.fcntl(q._reader.fileno(), fcntl.F_GETPIPE_SZ) for q in queues} == {65536}  # Linux's own
        workers_module._widen_pipes(executor)
        for queue in queues:
            for end in (queue._reader, queue._writer):
                assert fcntl.fcntl(end.fileno(), fcntl.F_GETPIPE_SZ) == min(workers_module.PIPE_BYTES, limit)
    finally:
        executor.shutdown()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_pieces_no_worker_has_taken_are_run_by_the_parent_with_the_same_result() -> None:
    """The parent runs the batch's pieces no worker has taken (the last first); put back together
    with the workers' pieces, the batch is what one process makes of it."""
    from pipeline.boilerplate.host_memory import HostMemory
    from pipeline.stages import build_pipeline
    from pipeline.workers import FrontPool

    settings = Settings.load({"batch_size": 64}, lookup=lambda _: None)
    steps = build_pipeline(settings, host_memory=HostMemory()).steps
    front, back = split_steps(steps)

    alone = run_front(front, _golden_docs(), dict)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers_module, "CHUNK_DOCS", 1)
        pool = FrontPool(settings, 2, cut=len(steps) - len(back), front=front)
        try:
            # workers up first: on a loaded machine this process could run the whole batch while
            # the forkserver preloads, and the pool would then never ask for workers
            assert pool._ready.wait(120) and pool._asked
            [(_, pooled)] = list(pool.map([_golden_docs()], lambda batch: batch))
        finally:
            pool.close()
    assert 0 < pool.pieces_here < len(alone.docs) + len(alone.failures)
    for doc in [*alone.docs, *pooled.docs]:
        doc.raw = b""  # the workers do not send the bytes back
    assert pooled.docs == alone.docs
    assert [(f.doc.doc_id, f.stage, f.error_type) for f in pooled.failures] == [
        (f.doc.doc_id, f.stage, f.error_type) for f in alone.failures
    ]
    assert {n: (s.documents, s.failed, dict(s.counters)) for n, s in pooled.stats.items()} == {
        n: (s.documents, s.failed, dict(s.counters)) for n, s in alone.stats.items()
    }


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_workers_inherit_the_runs_collector_settings() -> None:
    """The forkserver's preload freezes what it loaded and spaces out collections
    (:func:`pipeline.gc_tuning.settle_for_run`); the workers forked from it keep both."""
    import gc
    from concurrent.futures import ProcessPoolExecutor

    from pipeline import forkserver
    from pipeline.gc_tuning import FIRST_GENERATION_THRESHOLD

    with ProcessPoolExecutor(1, mp_context=forkserver.context()) as executor:
        threshold = executor.submit(gc.get_threshold).result(timeout=100)
        frozen = executor.submit(gc.get_freeze_count).result(timeout=100)
    assert threshold[0] == FIRST_GENERATION_THRESHOLD
    assert frozen > 10_000  # the preloaded modules and models
