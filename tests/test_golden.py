"""Golden records: refactors must not change a byte of output.

The seeds and a fixed sample of development pages (HTML from wcxb, CleanEval and
trafilatura's evaluation set; plain text from turku and pages built from NTREX sentences with
ui-chrome strings in ar, fa-AF, ps, ur and bn; one binary file) are processed with the fixture
translation models installed and ``SOURCE_DATE_EPOCH`` set. Every record in ``clean/`` and
``errors/`` must equal the committed one, apart from ``pipeline.config_hash`` (which is allowed
to change when settings are added to the hash).

Inputs get fixed ``file:///golden/...`` URIs so document ids do not depend on the checkout's
location. Regenerate after an *intended* output change with::

    DOCPIPE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and say in the commit why the records changed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.inputs import InputItem
from pipeline.runner import Runner
from pipeline.settings import Settings
from pipeline.store import LocalStore
from pipeline.translate.model_sources import install_from
from pipeline.translate.service import build_translation_stack

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
FIXTURE_MODELS = ROOT / "tests" / "fixtures" / "models"
SOURCES = {"seeds": ROOT / "seeds", "html": GOLDEN / "inputs" / "html", "text": GOLDEN / "inputs" / "text"}


def _items() -> list[InputItem]:
    items = []
    for folder, directory in SOURCES.items():
        for path in sorted(directory.iterdir()):
            data = path.read_bytes()
            items.append(InputItem(f"file:///golden/{folder}/{path.name}", len(data), lambda _max, d=data: d))
    return items


def _normalised(path: Path) -> bytes:
    if path.suffix != ".json":
        return path.read_bytes()
    record = json.loads(path.read_bytes())
    record.get("pipeline", {}).pop("config_hash", None)
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"


@pytest.fixture(scope="module")
def golden_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("golden")
    models = tmp / "models"
    install_from([str(FIXTURE_MODELS)], str(models))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
        patch.setenv("DOCPIPE_TRANSLATION_MEMORY", str(tmp / "memory.sqlite3"))
        settings = Settings.load({"translation.models_dir": str(models)})
        out = tmp / "out"
        runner = Runner(LocalStore(out), settings, translation=build_translation_stack(settings.translation))
        report = runner.run(_items())
    assert report.completed, report.error
    return out


def _outputs(root: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(root)): p
        for area in ("clean", "errors")
        if (root / area).is_dir()
        for p in sorted((root / area).iterdir())
    }


def test_records_match_golden(golden_run: Path) -> None:
    expected_root = GOLDEN / "expected"
    produced = _outputs(golden_run)
    if os.environ.get("DOCPIPE_UPDATE_GOLDEN"):
        shutil.rmtree(expected_root, ignore_errors=True)
        for rel, path in produced.items():
            target = expected_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_normalised(path))
    expected = _outputs(expected_root)
    assert sorted(produced) == sorted(expected)
    changed = [rel for rel in produced if _normalised(produced[rel]) != expected[rel].read_bytes()]
    assert not changed, f"records differ from tests/fixtures/golden/expected: {changed}"


def test_golden_covers_every_kind(golden_run: Path) -> None:
    """The sample keeps exercising HTML, plain text, translations and an error record."""
    records = [json.loads(p.read_bytes()) for p in (golden_run / "clean").glob("*.json")]
    assert {r["source"]["format"] for r in records} == {"html", "text"}
    statuses = {(s.get("translation") or {}).get("status") for r in records for s in r["segments"]}
    assert {"translated", "no_model"} <= statuses
    assert list((golden_run / "errors").glob("*.json"))
