"""Run semantics: skip unchanged, --force, determinism, quarantine, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.records import schema_errors

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["run", *args, "--no-progress", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("002_721552d5c6f5a1f6.txt", "003_c6c02cf326206763.txt"):
        shutil.copy(SEEDS / name, folder / name)
    return folder


def test_unchanged_inputs_are_skipped_and_force_reprocesses(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    out = str(tmp_path / "out")
    first = run_json(capsys, str(inputs), "--out", out)
    assert (first["written"], first["skipped"], first["failed"]) == (2, 0, 0)
    second = run_json(capsys, str(inputs), "--out", out)
    assert (second["written"], second["skipped"]) == (0, 2)
    forced = run_json(capsys, str(inputs), "--out", out, "--force")
    assert (forced["written"], forced["skipped"]) == (2, 0)
    (inputs / "003_c6c02cf326206763.txt").write_text("Edited: a new paragraph of English text.\n", "utf-8")
    changed = run_json(capsys, str(inputs), "--out", out)
    assert (changed["written"], changed["skipped"]) == (1, 1)
    assert len(list((tmp_path / "out" / "clean").glob("*.json"))) == 2
    assert len(list((tmp_path / "out" / "runs").glob("*.json"))) == 4


def test_output_bytes_are_deterministic(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    run_json(capsys, str(inputs), "--out", str(tmp_path / "a"))
    run_json(capsys, str(inputs), "--out", str(tmp_path / "b"))
    a = {p.name: p.read_bytes() for p in (tmp_path / "a" / "clean").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b" / "clean").iterdir()}
    assert a == b and len(a) == 4
    assert all(b'"processed_at": "2025-06-15T15:06:40Z"' in v for k, v in a.items() if k.endswith(".json"))


def test_a_bad_document_is_quarantined_and_the_run_goes_on(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    (inputs / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = run_json(capsys, str(inputs), "--out", str(tmp_path / "out"))
    assert (result["written"], result["failed"]) == (2, 1)
    errors = list((tmp_path / "out" / "errors").glob("*.json"))
    assert len(errors) == 1
    error = json.loads(errors[0].read_text("utf-8"))
    assert schema_errors(error, "error") == []
    assert error["stage"] == "decode" and "binary content (PNG image)" in error["message"]
    assert error["doc_id"].startswith("image-")


def test_fixed_input_moves_from_errors_to_clean(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "in" / "page.txt"
    page.parent.mkdir()
    page.write_bytes(b"\x7fELF" + bytes(64))
    out = tmp_path / "out"
    assert run_json(capsys, str(page.parent), "--out", str(out))["failed"] == 1
    page.write_text("A real English article now stands in this file, long enough to keep.\n", "utf-8")
    assert run_json(capsys, str(page.parent), "--out", str(out))["written"] == 1
    assert list((out / "errors").iterdir()) == []
    assert len(list((out / "clean").glob("*.json"))) == 1


def test_empty_file_gives_a_valid_empty_record(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    assert run_json(capsys, str(tmp_path / "in"), "--out", str(tmp_path / "out"))["written"] == 1
    record = json.loads(next((tmp_path / "out" / "clean").glob("*.json")).read_text("utf-8"))
    assert schema_errors(record) == []
    assert (record["text"], record["segments"], record["languages"]) == ("", [], {})


def test_html_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = " ".join(["Russia has become the first country to officially recognise the Taliban government."] * 6)
    html = f"""<!DOCTYPE html><html lang="en"><head><title>Russia recognises the Taliban | News Site</title>
    <link rel="alternate" hreflang="ar" href="https://example.org/ar/story"></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/ps">پښتو</a></li></ul></nav>
    <article><h1>Russia recognises the Taliban</h1><p>{body}</p><p>{body}</p></article>
    <footer>All rights reserved. <a href="#top">Back to top</a></footer></body></html>"""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "story.html").write_text(html, "utf-8")
    assert run_json(capsys, str(tmp_path / "in"), "--out", str(tmp_path / "out"))["written"] == 1
    record = json.loads(next((tmp_path / "out" / "clean").glob("*.json")).read_text("utf-8"))
    assert schema_errors(record) == []
    assert record["source"]["format"] == "html"
    assert "officially recognise the Taliban government" in record["text"]
    assert "All rights reserved" not in record["text"]
    assert record["title"] and "Russia recognises the Taliban" in record["title"]
    assert any(a["lang"] == "ar" and a["href"] == "https://example.org/ar/story" for a in record["alternates"])


def test_missing_input_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert "input not found" in capsys.readouterr().err


def test_verify_finds_missing_and_broken_outcomes(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_json(capsys, str(inputs), "--out", str(out))
    assert main(["verify", str(out), "--inputs", str(inputs)]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 clean, 0 errors, 1 runs, 2 inputs")
    (inputs / "new.txt").write_text("Not processed yet.\n", "utf-8")
    broken = next((out / "clean").glob("*.json"))
    broken.write_text(broken.read_text("utf-8").replace('"schema_version": "1.0"', '"schema_version": "9"'), "utf-8")
    assert main(["verify", str(out), "--inputs", str(inputs)]) == 1
    report = capsys.readouterr().out
    assert "new.txt: no outcome" in report and "schema_version" in report and "2 problems" in report


def test_a_slow_document_times_out_alone(tmp_path: Path) -> None:
    import time

    from pipeline.inputs import discover
    from pipeline.runner import Runner
    from pipeline.settings import Settings
    from pipeline.stages import AssembleStep
    from pipeline.store import open_store

    original = AssembleStep.process

    def slow_for_one(self: AssembleStep, doc) -> None:  # type: ignore[no-untyped-def]
        if doc.source.uri.endswith("/slow.txt"):
            time.sleep(5)
        original(self, doc)

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "slow.txt").write_text("This one takes too long to assemble.\n", "utf-8")
    (tmp_path / "in" / "fast.txt").write_text("This one is quick and lands in clean.\n", "utf-8")
    AssembleStep.process = slow_for_one  # type: ignore[method-assign]
    try:
        config = Settings.load({"max_document_seconds": 0.5})
        report = Runner(open_store(str(tmp_path / "out")), config).run(discover([str(tmp_path / "in")]))
    finally:
        AssembleStep.process = original  # type: ignore[method-assign]
    failed = [o for o in report.outcomes if o.status == "failed"]
    assert [(o.stage, o.error_type) for o in failed] == [("assemble", "DocumentTimeout")]
    assert report.count("written") == 1
