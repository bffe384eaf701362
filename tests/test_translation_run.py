"""Offline translation through the user-facing paths: `models install`, `translate`, `run`.

The models are the project's own fixture packages (tools/build_test_model.py), installed the
way users install real Argos packages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.records import schema_errors

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_MODELS = ROOT / "tests" / "fixtures" / "models"
SEEDS = ROOT / "seeds"
DOCPIPE = shutil.which("docpipe", path=str(Path(sys.executable).parent)) or "docpipe"


def docpipe(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DOCPIPE, *args], input=stdin, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A models directory with the fixture packages installed through the CLI."""
    directory = tmp_path / "models"
    result = docpipe("models", "--models-dir", str(directory), "install", str(FIXTURE_MODELS))
    assert result.returncode == 0, result.stderr
    assert "installed argos-ar_en@" in result.stdout and "installed argos-fa_en@" in result.stdout
    monkeypatch.setenv("DOCPIPE_MODELS_DIR", str(directory))
    monkeypatch.setenv("DOCPIPE_TRANSLATION_MEMORY", str(tmp_path / "memory.sqlite3"))
    return directory


def test_models_list(models: Path) -> None:
    result = docpipe("models", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {(r["from"], r["to"], r["kind"]) for r in rows} == {("ar", "en", "argos"), ("fa", "en", "argos")}
    assert all(r["bytes"] > 100_000 for r in rows)


def test_translate_phrasebook_entries(models: Path) -> None:
    arabic = docpipe("translate", "--from", "ar", stdin="اترك تعليقاً\nزر الذهاب إلى الأعلى\n\nمقالات ذات صلة\n")
    assert arabic.returncode == 0, arabic.stderr
    assert arabic.stdout.splitlines() == ["Leave a comment", "Back to top button", "", "Related articles"]
    dari = docpipe("translate", "--from", "fa-AF", stdin="بازگشت به بالا\n")  # Dari goes to the Persian model
    assert dari.stdout.strip() == "Back to top"


def test_translate_without_a_pair_names_it(models: Path) -> None:
    result = docpipe("translate", "--from", "ps", stdin="بېرته پورته\n")
    assert result.returncode == 2
    assert "no model installed for ps→en" in result.stderr


def test_models_download_fails_fast_offline(tmp_path: Path) -> None:
    result = docpipe(
        "models", "--models-dir", str(tmp_path), "download", "ar", "--timeout", "5",
        env={"DOCPIPE_ARGOS_INDEX_URL": "http://127.0.0.1:9/index.json"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "looks offline" in result.stderr and "docpipe models install" in result.stderr


def test_models_install_rejects_non_packages(tmp_path: Path) -> None:
    (tmp_path / "junk.argosmodel").write_bytes(b"not a zip")
    result = docpipe("models", "--models-dir", str(tmp_path / "m"), "install", str(tmp_path / "junk.argosmodel"))
    assert result.returncode == 2 and "junk.argosmodel" in result.stderr


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["run", *args, "--no-progress", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_run_translates_seed_chrome_with_spans(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = SEEDS / "002_721552d5c6f5a1f6.txt"
    summary = run_json(capsys, str(seed), "--out", str(tmp_path / "out"))
    assert summary["translations"]["translated:ar"] > 0
    record = json.loads(next((tmp_path / "out" / "clean").glob("*.json")).read_text("utf-8"))
    assert schema_errors(record) == []
    source = seed.read_text("utf-8")
    by_text = {s["text"]: s for s in record["segments"]}
    for arabic, english in [
        ("اترك تعليقاً", "Leave a comment"),
        ("زر الذهاب إلى الأعلى", "Back to top button"),
        ("مقالات ذات صلة", "Related articles"),
        ("اظهر المزيد", "Show more"),
    ]:
        segment = by_text[arabic]
        assert source[segment["start"] : segment["end"]] == arabic  # linked to its source span
        assert segment["translation"] == {"text": english, "model": "argos-ar_en@0.1", "status": "translated"}
    assert "argos-ar_en@0.1" in record["pipeline"]["models"]


def test_memory_serves_repeated_chrome(models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(SEEDS / "002_721552d5c6f5a1f6.txt")
    first = run_json(capsys, seed, "--out", str(tmp_path / "out"))
    assert first["translation_memory"]["misses"] > 0
    second = run_json(capsys, seed, "--out", str(tmp_path / "out"), "--force")
    assert second["translation_memory"] == {"hits": first["translation_memory"]["misses"], "misses": 0}


def test_retranslate_picks_up_documents_awaiting_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = str(tmp_path / "out")
    monkeypatch.setenv("DOCPIPE_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("DOCPIPE_TRANSLATION_MEMORY", str(tmp_path / "memory.sqlite3"))
    before = run_json(capsys, str(SEEDS), "--out", out)
    assert before["written"] == 5 and before["translations"]["no_model:ar"] > 0
    assert docpipe("models", "install", str(FIXTURE_MODELS / "translate-ar_en-0_1.argosmodel")).returncode == 0
    assert run_json(capsys, str(SEEDS), "--out", out)["written"] == 0  # plain rerun: unchanged inputs skipped
    after = run_json(capsys, str(SEEDS), "--out", out, "--retranslate")
    records = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "out" / "clean").glob("*.json")]
    with_arabic = {r["doc_id"] for r in records if any(s["lang"] == "ar" for s in r["segments"])}
    assert 0 < after["written"] == len(with_arabic) < 5
    assert after["skipped"] == 5 - len(with_arabic)
    for record in records:
        for segment in record["segments"]:
            if segment["lang"] == "ar":
                assert segment["translation"]["status"] == "translated"
    assert run_json(capsys, str(SEEDS), "--out", out, "--retranslate")["written"] == 0  # nothing left to do
