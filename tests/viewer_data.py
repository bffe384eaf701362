"""A destination for the viewer's tests and screenshots, made by real runs of the pipeline.

Inputs: the five seeds (Arabic chrome in 002, the Dari/Pashto/Arabic/Urdu/Bengali switcher in
000), a binary file (fails in ``decode``) and a hostile HTML page (``<script>`` and ``<img
onerror>`` written as text, ``javascript:`` links, a bidi override). Translations come from the
fixture models (tests/fixtures/models), installed into a models directory of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURE_MODELS = ROOT / "tests" / "fixtures" / "models"

HOSTILE_HTML = """<!doctype html>
<html><head><meta charset="utf-8">
<title>Hostile &lt;script&gt;window.__pwned=1&lt;/script&gt; page</title>
<link rel="alternate" hreflang="ar" href="javascript:window.__pwned=5">
<script>window.__pwned = 9</script>
</head><body>
<nav><a href="javascript:window.__pwned=2">Home</a> <a href="/ar/" hreflang="ar">العربية</a></nav>
<article><h1>A hostile page about scripts</h1>
<p>This paragraph quotes &lt;script&gt;window.__pwned=1&lt;/script&gt; as text, mentions the link
javascript:window.__pwned=3 and hides a bidi override in the file name \u202etxt.exe\u202c right here.</p>
<p>The second paragraph writes out &lt;img src=x onerror="window.__pwned=4"&gt; in its text, so a
viewer that forgot to escape would run it.</p>
</article></body></html>
"""
SCRIPT_TEXT = "<script>window.__pwned=1</script>"
IMG_TEXT = '<img src=x onerror="window.__pwned=4">'


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """These environment variables for the block, the old values (or absence) restored after."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in values.items():
            patch.setenv(key, value)
        yield


def make_inputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.iterdir()):
        shutil.copy(seed, folder / seed.name)
    (folder / "broken.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    return folder


def build_destination(work: Path, out: str | None = None) -> str:
    """Run the pipeline over the inputs into *out* (default ``work/out``); returns the destination."""
    inputs = make_inputs(work / "inputs")
    models = work / "models"
    destination = out or str(work / "out")
    assert main(["models", "--models-dir", str(models), "install", str(FIXTURE_MODELS)]) == 0
    with environment(DOCPIPE_MODELS_DIR=str(models), DOCPIPE_TRANSLATION_MEMORY=str(work / "memory.sqlite3")):
        assert main(["run", str(inputs), "--out", destination, "--no-progress"]) == 0
    return destination


def uri_of(work: Path, name: str) -> str:
    return (work / "inputs" / name).resolve().as_uri()
