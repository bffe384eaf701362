"""Documents per hour of one worker slot, for capacity planning (docs/scaling.md).

    .venv/bin/python bench/capacity.py [--docs 120]

Generates ``--docs`` news-like pages (Arabic, Persian and English paragraphs with navigation
and footer chrome) as HTML and the same texts as plain text, and times ``docpipe run`` — one
process, what one batch task does — on each, without translation models and with the
project's fixture models (ar→en, fa→en; tiny, so translation cost here is a lower bound of a
real model's). Reports wall seconds, documents per hour and the per-stage seconds from the run
manifest: ``docs_per_hour`` counts the whole process (start-up, imports, model loads: a batch
task pays them once), ``docs_per_hour_in_stages`` only the pipeline stages (what more documents
per batch cost). Results: bench/results/capacity.json. (bench/throughput.py compares docpipe with
bare trafilatura and across --workers; this one sizes a deployment.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "bench" / "results" / "capacity.json"
DOCPIPE = Path(sys.executable).parent / "docpipe"
FIXTURE_MODELS = PROJECT / "tests" / "fixtures" / "models"

ARABIC = "اللغة العربية هي لغة رسمية في أفغانستان وتستخدم في المدارس الدينية والمساجد"
PERSIAN = "شورای ولایتی روز دوشنبه برای بحث در مورد ساختمان جدید مکتب و ترمیم سرک ها جلسه کرد"
ENGLISH = "The provincial council met on Monday to discuss the new school building and road repairs"


def paragraphs(number: int) -> list[str]:
    texts = (ARABIC, PERSIAN, ENGLISH)
    return [f"{texts[(number + i) % 3]} ({number}.{i})." for i in range(12)]


def write_corpus(root: Path, docs: int) -> dict[str, Path]:
    html_dir, text_dir = root / "html", root / "text"
    html_dir.mkdir()
    text_dir.mkdir()
    nav = "<nav><a href='/'>خانه</a> | <a href='/news'>اخبار</a> | <a href='/contact'>تماس</a></nav>"
    for number in range(docs):
        body = paragraphs(number)
        html = f"<html><head><title>Story {number}</title></head><body>{nav}<article><h1>Story {number}</h1>"
        html += "".join(f"<p>{p}</p>" for p in body)
        html += "</article><footer>© 2025 Example News</footer></body></html>"
        (html_dir / f"page-{number:04d}.html").write_text(html)
        (text_dir / f"page-{number:04d}.txt").write_text("\n\n".join(body) + "\n")
    return {"html": html_dir, "text": text_dir}


def run(inputs: Path, out: Path, models: Path) -> dict[str, object]:
    env = {**os.environ, "DOCPIPE_MODELS_DIR": str(models), "DOCPIPE_TRANSLATION_MEMORY": "off"}
    started = time.perf_counter()
    proc = subprocess.run(
        [str(DOCPIPE), "run", str(inputs), "--out", str(out), "--json", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"docpipe run failed:\n{proc.stderr[-3000:]}")
    manifest = json.loads(next(out.glob("runs/*.json")).read_text())
    stages = {name: round(float(s.get("seconds", 0)), 2) for name, s in (manifest.get("stages") or {}).items()}
    return {"seconds": round(seconds, 2), "counts": manifest["counts"], "stage_seconds": stages}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=120, help="documents per format (default 120)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp:
        root = Path(tmp)
        corpus = write_corpus(root, args.docs)
        models = root / "models"
        subprocess.run(
            [str(DOCPIPE), "models", "--models-dir", str(models), "install", str(FIXTURE_MODELS)],
            check=True,
            capture_output=True,
        )
        for translation, models_dir in (("off", root / "no-models"), ("fixture", models)):
            for fmt, inputs in corpus.items():
                result = run(inputs, root / f"out-{fmt}-{translation}", models_dir)
                result.update(format=fmt, translation=translation, docs=args.docs)
                seconds, in_stages = float(result["seconds"]), sum(result["stage_seconds"].values())  # type: ignore[arg-type,union-attr]
                result["docs_per_hour"] = round(args.docs / seconds * 3600)  # the whole process, start-up included
                result["docs_per_hour_in_stages"] = round(args.docs / in_stages * 3600)  # once models are loaded
                print(json.dumps(result), flush=True)
                results.append(result)
    RESULTS.write_text(json.dumps({"cpu_count": os.cpu_count(), "runs": results}, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
