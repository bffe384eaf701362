"""The installed ``docpipe`` console script, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCPIPE = shutil.which("docpipe", path=str(Path(sys.executable).parent)) or "docpipe"


def docpipe(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DOCPIPE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("command", [[], ["run"], ["detect"], ["translate"], ["models"]])
def test_help_has_examples(command: list[str]) -> None:
    result = docpipe(*command, "--help")
    assert result.returncode == 0
    assert "usage: docpipe" in result.stdout
    if command:
        assert "examples:" in result.stdout


def test_detect_mixed_lines() -> None:
    lines = [
        "Share on FacebookShare on Twitter",
        "پښتو",
        "آسياأخبار العالمأوروبا",
        "The statement quoted the verse الَّذِينَ يَتَّخِذُونَ الْكَافِرِينَ أَوْلِيَاءَ and then explained at length"
        " what the press office meant by it.",
        "12345 !!",
        "",
    ]
    result = docpipe("detect", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert [r["lang"] for r in rows[:3]] == ["en", "ps", "ar"]
    assert rows[4]["lang"] == "und" and rows[5]["lang"] == "und"
    mixed = rows[3]
    assert mixed["lang"] == "en"
    assert [s["lang"] for s in mixed["spans"]] == ["en", "ar", "en"]
    arabic = mixed["spans"][1]
    assert lines[3][arabic["start"] : arabic["end"]] == "الَّذِينَ يَتَّخِذُونَ الْكَافِرِينَ أَوْلِيَاءَ"
    assert arabic["script"] == "Arab" and 0 < arabic["score"] <= 1


def test_detect_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("বাঙালি\nاردو\n", "utf-8")
    result = docpipe("detect", str(path))
    assert [json.loads(line)["lang"] for line in result.stdout.splitlines()] == ["bn", "ur"]


def test_translate_without_a_model_says_so(tmp_path: Path) -> None:
    result = docpipe("translate", "--from", "ar", stdin="اترك تعليقاً\n", env={"DOCPIPE_MODELS_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "no model installed for ar→en" in result.stderr
    assert result.stdout == ""


def test_translate_rejects_unknown_language() -> None:
    result = docpipe("translate", "--from", "not-a-language!", stdin="x\n")
    assert result.returncode == 2
    assert "unknown language" in result.stderr


def test_run_prints_a_summary(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    result = docpipe("run", str(seeds / "003_c6c02cf326206763.txt"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    for word in ("processed", "skipped", "failed", "languages", "awaiting a model", "manifest"):
        assert word in result.stdout
    assert result.stderr == ""


def test_models_remove(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "models"
    directory = str(tmp_path / "models")
    installed = docpipe("models", "--models-dir", directory, "install",
                        str(fixtures / "translate-ar_en-0_1.argosmodel"), str(fixtures / "nllb-phrasebook"))
    assert installed.returncode == 0, installed.stderr

    def ids() -> list[str]:
        listing = docpipe("models", "--models-dir", directory, "list", "--json")
        assert listing.returncode == 0, listing.stderr
        return [row["id"] for row in json.loads(listing.stdout)]

    everything = ids()
    nllb = [i for i in everything if i.startswith("nllb-phrasebook:")]
    assert len(nllb) == 3 and "argos-ar_en@0.1" in everything

    unknown = docpipe("models", "--models-dir", directory, "remove", "argos-ar_en@0.1", "argos-xx_en@9")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "not installed: argos-xx_en@9" in unknown.stderr and "argos-ar_en@0.1" in unknown.stderr
    one_pair = docpipe("models", "--models-dir", directory, "remove", nllb[0])
    assert one_pair.returncode == 2 and "name those ids too" in one_pair.stderr
    assert ids() == everything  # an error removes nothing

    removed = docpipe("models", "--models-dir", directory, "remove", "argos-ar_en@0.1")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith("removed argos-ar_en@0.1")
    assert ids() == nllb
    removed = docpipe("models", "--models-dir", directory, "remove", *nllb)
    assert removed.returncode == 0 and removed.stdout.count("removed nllb-phrasebook:") == 3
    assert ids() == [] and list((tmp_path / "models").iterdir()) == []  # no directory left behind


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("4", "4")])
def test_the_cli_keeps_openblas_to_one_thread_unless_told(given: str | None, expected: str) -> None:
    """A run's parallelism is its worker processes: BLAS threads would only spin beside them."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import os, pipeline.cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected
