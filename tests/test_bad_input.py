"""Bad input: a generated corpus of broken, binary, huge and hostile files through `docpipe run`.

One real run (a subprocess, as an operator would start it) over the whole corpus; every case
is then asserted on its own: exactly one outcome, a schema-valid record, the expected kind of
outcome, segments that tile the analysed text. Peak RSS of that run is measured with
``wait4`` so "memory stays bounded" is a number, and pytest-timeout makes "nothing hangs" one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from badinput import Case, cases, tiling_problems, write_corpus

from pipeline.decode import decode
from pipeline.ids import doc_id_for
from pipeline.inputs import discover
from pipeline.langid import get_identifier
from pipeline.limits import DocumentTimeout
from pipeline.records import schema_errors
from pipeline.runner import Runner
from pipeline.settings import Settings
from pipeline.store import LocalStore
from pipeline.translate.service import TranslationStack, build_translation_stack

DOCPIPE = [str(Path(sys.executable).parent / "docpipe")]
MEMORY_BOUND = 2 * 1024**3  # bytes; the models alone take ~0.4 GB, the 10 MB line ~1 GB more
EPOCH = "1700000000"


@dataclass(frozen=True, slots=True)
class CorpusRun:
    root: Path
    out: Path
    corpus: dict[Path, Case]
    returncode: int
    stdout: str
    stderr: str
    peak_rss: int  # bytes
    seconds: float


def run_cli(args: list[str], env: dict[str, str] | None = None, timeout: float = 240) -> tuple[int, str, str]:
    """Run docpipe with a fixed ``SOURCE_DATE_EPOCH``; returns (exit status, stdout, stderr)."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    proc = subprocess.run([*DOCPIPE, *args], env=full_env, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def run_measured(args: list[str], env: dict[str, str] | None = None, timeout: float = 240) -> tuple[int, str, str, int]:
    """Like :func:`run_cli`, but reaps the child with ``wait4`` to get its own peak RSS."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"docpipe-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "w+") as stdout, open(f"{out_path}.err", "w+") as stderr:
        proc = subprocess.Popen([*DOCPIPE, *args], env=full_env, stdout=stdout, stderr=stderr, text=True)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise AssertionError(f"docpipe {' '.join(args)} hung for {timeout} s")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        result = proc.returncode, stdout.read(), stderr.read(), usage.ru_maxrss * 1024
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return result


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    root = tmp_path_factory.mktemp("badinput")
    corpus = write_corpus(root / "in", big=True)
    out = root / "out"
    started = time.monotonic()
    code, stdout, stderr, rss = run_measured(["run", str(root / "in"), "--out", str(out), "--json", "--no-progress"])
    return CorpusRun(root / "in", out, corpus, code, stdout, stderr, rss, time.monotonic() - started)


def _outcome(run: CorpusRun, path: Path) -> tuple[str, dict] | None:
    doc_id = doc_id_for(path.resolve().as_uri())
    found = [
        (kind, json.loads((run.out / kind / f"{doc_id}.json").read_text("utf-8")))
        for kind in ("clean", "errors")
        if (run.out / kind / f"{doc_id}.json").exists()
    ]
    assert len(found) <= 1, f"{path.name!r} has both a clean and an error record"
    return found[0] if found else None


def _case_ids() -> list[str]:
    return [case.name.encode("unicode_escape").decode()[:40] for case in cases(big=True)]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_run_over_the_corpus_completes_within_memory(corpus_run: CorpusRun) -> None:
    assert corpus_run.returncode == 0, corpus_run.stderr[-3000:]
    summary = json.loads(corpus_run.stdout)
    # Dotfile-looking names are not inputs (directories skip them); every other file is.
    expected = sum(1 for path in corpus_run.corpus if not path.name.startswith("."))
    assert summary["completed"] is True
    assert summary["written"] + summary["failed"] == expected == summary["seen"]
    assert 0 < corpus_run.peak_rss < MEMORY_BOUND, f"peak RSS {corpus_run.peak_rss / 2**20:.0f} MiB"
    assert "Traceback" not in corpus_run.stderr


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("case", cases(big=True), ids=_case_ids())
def test_each_case_has_one_valid_outcome(corpus_run: CorpusRun, case: Case) -> None:
    path = next(p for p, c in corpus_run.corpus.items() if c.name == case.name)
    outcome = _outcome(corpus_run, path)
    if case.name.startswith("."):
        assert outcome is None  # not an input
        return
    assert outcome is not None, f"{case.name!r} has no outcome"
    kind, record = outcome
    assert schema_errors(record, "record" if kind == "clean" else "error") == []
    if case.expect == "error":
        assert kind == "errors", f"{case.name!r} ({case.why}) should have been refused"
        assert record["stage"] == case.stage
        assert record["message"] and record["error_type"]
        return
    if case.expect == "clean":
        assert kind == "clean", f"{case.name!r} ({case.why}) failed: {record.get('message')}"
    if kind == "clean":
        assert (corpus_run.out / "clean" / f"{record['doc_id']}.txt").read_text("utf-8") == record["text_en"] + "\n"
        analysed = " ".join(s["text"] for s in record["segments"])
        if case.contains:
            assert case.contains in analysed or case.contains in record["text"]
        if record["source"]["format"] == "text":  # the analysed text is the decoded file
            assert tiling_problems(decode(case.data).text, record["segments"]) == []


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_non_utf8_file_name_gets_an_outcome(corpus_run: CorpusRun) -> None:
    path = next(p for p in corpus_run.corpus if "caf" in p.name)
    outcome = _outcome(corpus_run, path)
    assert outcome is not None and outcome[0] == "clean"
    assert outcome[1]["source"]["uri"].endswith("latin1-caf%E9.txt")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_verify_and_rerun_skip_everything(corpus_run: CorpusRun) -> None:
    code, stdout, stderr = run_cli(["verify", str(corpus_run.out), "--inputs", str(corpus_run.root)])
    assert code == 0, stdout + stderr
    assert stdout.startswith("ok:")
    code, stdout, stderr = run_cli(["run", str(corpus_run.root), "--out", str(corpus_run.out), "--json"])
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["written"] == 0 and summary["skipped"] + summary["failed"] == summary["seen"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_keys_and_paths_stay_inside_the_destination(corpus_run: CorpusRun) -> None:
    """Hostile names never reach a path: everything written is clean/, errors/ or runs/ + a safe id."""
    for path in corpus_run.out.rglob("*"):
        rel = path.relative_to(corpus_run.out)
        assert path.resolve().is_relative_to(corpus_run.out.resolve())
        if path.is_dir():
            assert rel.as_posix() in ("clean", "errors", "runs")
            continue
        assert rel.parts[0] in ("clean", "errors", "runs") and len(rel.parts) == 2, rel
        assert not path.name.startswith(".docpipe-tmp-"), f"temp file left behind: {rel}"
        stem = path.name.rsplit(".", 1)[0]
        assert stem.isascii() and all(ch.isalnum() or ch == "-" for ch in stem), rel


# -- limits, in process (fast) -------------------------------------------------------------


@pytest.fixture(scope="module")
def no_translation() -> TranslationStack:
    return build_translation_stack(Settings.load().translation)


@pytest.mark.timeout(60)
def test_size_limit_refuses_before_reading(tmp_path: Path, no_translation: TranslationStack) -> None:
    big = tmp_path / "in" / "page.html"
    big.parent.mkdir()
    big.write_bytes(b"<html><body>" + b"<p>x</p>" * 200_000 + b"</body></html>")
    config = Settings.load({"max_document_bytes": 100_000})
    report = Runner(LocalStore(tmp_path / "out"), config, no_translation).run(discover([str(big.parent)]))
    assert [o.status for o in report.outcomes] == ["failed"]
    record = json.loads(next((tmp_path / "out" / "errors").glob("*.json")).read_text())
    assert record["stage"] == "read" and "100000" in record["message"]
    assert schema_errors(record, "error") == []


@pytest.mark.timeout(60)
def test_time_limit_fails_only_the_slow_document(tmp_path: Path, no_translation: TranslationStack) -> None:
    """A per-stage time limit turns a pathological document into an error record; the rest go on."""
    folder = tmp_path / "in"
    folder.mkdir()
    # 60,000 short lines: several seconds of per-line work (three lines of 400,000 words each, used before,
    # were slow only while the classifier matched chrome phrases on a long line's English)
    (folder / "a-slow.txt").write_text("".join(f"Item {i} of a very long list of short lines\n" for i in range(60_000)))
    (folder / "b-fine.txt").write_text("A short and ordinary note about the weather.\n")
    get_identifier().detect("warm up")  # models load once per process, not inside one document's limit
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "warm.txt").write_text("A warm-up note: the boilerplate model loads here.\n")
    Runner(LocalStore(tmp_path / "warm-out"), Settings.load(), no_translation).run(discover([str(warm)]))
    config = Settings.load({"max_document_seconds": 0.2})
    started = time.monotonic()
    report = Runner(LocalStore(tmp_path / "out"), config, no_translation).run(discover([str(folder)]))
    assert time.monotonic() - started < 30
    by_name = {o.uri.rsplit("/", 1)[-1]: o for o in report.outcomes}
    assert by_name["b-fine.txt"].status == "written"
    assert by_name["a-slow.txt"].status == "failed"
    assert by_name["a-slow.txt"].error_type == DocumentTimeout.__name__
    assert report.completed
