"""Evaluate boilerplate stripping on the development data; writes bench/results/boilerplate_eval.json.

Reports, on the held-out third (never used for fitting or tuning) and on all pages:
turku-en dev line F1 (keep class), wcxb rendered-text shingle P/R/F1, wcxb HTML shingle
P/R/F1 for bare trafilatura vs :func:`extract_html`, CleanEval (text and HTML) as an
extra, and speed (plain-text pages/s; HTML time relative to bare trafilatura).

    .venv/bin/python -m bench.boilerplate_eval
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m bench.boilerplate_eval --speed-only  # boilerplate_speed.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time

import trafilatura

from bench.boilerplate_data import ROOT, Page, held_out, load_all
from bench.boilerplate_metric import score_pages
from bench.boilerplate_multi_flat import flatten_page
from pipeline.boilerplate import TextBoilerplateClassifier, extract_html

OUT = ROOT / "bench" / "results" / "boilerplate_eval.json"
SPEED_OUT = ROOT / "bench" / "results" / "boilerplate_speed.json"


def _main_text(page: Page, clf: TextBoilerplateClassifier) -> str:
    roles = clf.classify(page.lines)
    return "\n".join(ln.text for ln, (r, _) in zip(page.lines, roles, strict=True) if r.is_main)


def turku_f1(pages: list[Page], clf: TextBoilerplateClassifier) -> dict[str, float]:
    tp = fp = fn = 0
    for p in pages:
        for y, (r, _) in zip(p.labels, clf.classify(p.lines), strict=True):
            q = r.is_main
            tp += bool(y and q)
            fp += bool(q and not y)
            fn += bool(y and not q)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    keep_all = 2 * (tp + fn) / (2 * (tp + fn) + sum(len(p.labels) for p in pages) - (tp + fn))
    return {"precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(2 * prec * rec / (prec + rec) if prec + rec else 0.0, 4),
            "keep_all_f1": round(keep_all, 4), "docs": len(pages)}


def _traf(html: str, url: str | None) -> str:
    try:
        return trafilatura.extract(html, url=url, include_comments=False) or ""
    except Exception:
        return ""


def _traf_with_metadata(html: str, url: str | None) -> None:
    with contextlib.suppress(Exception):
        trafilatura.bare_extraction(html, url=url, with_metadata=True)


def html_scores(pages: list[Page]) -> tuple[dict[str, dict], dict[str, float]]:
    """(scores per subset, timings) for bare trafilatura vs extract_html.

    The two are timed alternately page by page in CPU time, so a busy machine slows both alike.
    """
    traf_pred, ours_pred = {}, {}
    t_traf = t_meta = t_ours = 0.0
    for p in pages:
        url = p.meta.get("url")
        t0 = time.process_time()
        traf_pred[p.pid] = _traf(p.html, url)
        t1 = time.process_time()
        _traf_with_metadata(p.html, url)
        t2 = time.process_time()
        ours_pred[p.pid] = extract_html(p.html, url).main_text()
        t3 = time.process_time()
        t_traf += t1 - t0
        t_meta += t2 - t1
        t_ours += t3 - t2
    res = {}
    for name, sub in (("held_out", [p for p in pages if held_out(p.pid)]), ("all", pages)):
        res[name] = {
            "trafilatura": score_pages([(p.gold, traf_pred[p.pid]) for p in sub]).as_dict(),
            "ours": score_pages([(p.gold, ours_pred[p.pid]) for p in sub]).as_dict(),
        }
    timing = {"trafilatura_extract_cpu_s_per_page": round(t_traf / len(pages), 5),
              "trafilatura_bare_extraction_with_metadata_cpu_s_per_page": round(t_meta / len(pages), 5),
              "ours_cpu_s_per_page": round(t_ours / len(pages), 5),
              "ratio_vs_extract": round(t_ours / t_traf, 3),
              "ratio_vs_bare_extraction_with_metadata": round(t_ours / t_meta, 3)}
    return res, timing


def text_speed(pages: list[Page], clf: TextBoilerplateClassifier, repeats: int = 3) -> float:
    """Plain-text classifier pages per CPU-second (best of ``repeats`` passes, one core)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        for p in pages:
            clf.classify(p.lines)
        best = min(best, time.process_time() - t0)
    return round(len(pages) / best, 1)


def main() -> dict:
    data = load_all()
    clf = TextBoilerplateClassifier()
    wcxb, clean = data["wcxb"], data["cleaneval"]
    res: dict = {"turku_dev_keep": turku_f1(data["turku-dev"], clf)}
    text = {}
    for src, pages in (("wcxb", wcxb), ("cleaneval", clean)):
        for name, sub in (("held_out", [p for p in pages if held_out(p.pid)]), ("all", pages)):
            text[f"{src}_{name}"] = {
                "ours": score_pages([(p.gold, _main_text(p, clf)) for p in sub]).as_dict(),
                "keep_everything": score_pages([(p.gold, p.text) for p in sub]).as_dict(),
            }
    res["rendered_text"] = text
    res["text_docs_per_s"] = text_speed(wcxb, clf)
    res["flat_text_docs_per_s"] = text_speed(data["turku-train"] + data["turku-dev"], clf)
    res["load_average_1min"] = os.getloadavg()[0]
    res["wcxb_html"], res["wcxb_html_timing"] = html_scores(wcxb)
    res["cleaneval_html"], _ = html_scores(clean)
    res["split"] = "held_out = md5(page id) % 3 == 0 (wcxb 102/300, cleaneval 26/58); turku: dev.json"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))
    return res


def speed_only() -> dict:
    """Only the plain-text speed, over the rendered wcxb pages (the target's measure), over turku-en's flat
    pages and over the wcxb pages flattened (long flat pages: the worst case of the boosted trees, which run
    on flat text only); writes bench/results/boilerplate_speed.json."""
    data, clf = load_all(), TextBoilerplateClassifier()
    wcxb, flat = data["wcxb"], data["turku-train"] + data["turku-dev"]
    flattened = [flatten_page(p) for p in wcxb if p.lines]

    def per_page(pages: list[Page]) -> int:
        return sum(len(p.lines) for p in pages) // len(pages)

    res = {"text_docs_per_s": text_speed(wcxb, clf), "flat_text_docs_per_s": text_speed(flat, clf),
           "flattened_wcxb_docs_per_s": text_speed(flattened, clf),
           "load_average_1min": os.getloadavg()[0],
           "measure": f"CPU time, one process, best of 3 passes over the {len(wcxb)} rendered wcxb pages "
                      f"({per_page(wcxb)} lines a page), the {len(flat)} flat turku-en pages ({per_page(flat)} "
                      f"lines a page) and the wcxb pages flattened ({per_page(flattened)} lines a page)"}
    SPEED_OUT.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res))
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--speed-only", action="store_true",
                    help="time only the plain-text classifier on the wcxb pages (writes bench/results/"
                         "boilerplate_speed.json, not boilerplate_eval.json)")
    if ap.parse_args().speed_only:
        speed_only()
    else:
        main()
