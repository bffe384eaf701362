"""Accuracy of pipeline.langid on the dev sets, per dataset and locale.

    .venv/bin/python bench/lid_eval.py [--root ../shared/dev-data/lid] [--half all|0|1]

Prints one table per split: ``fit`` (half 0, which ``python -m bench.lid_fit`` trained
the Arabic-script weights on), ``held-out`` (half 1, never seen by the fit) and ``all``. The
``ui-chrome+ctx`` rows detect each UI string with a LangContext prior built from the
detections of the *other* strings of the same locale file (no gold labels used) — what a
page or site context gives in the pipeline. Writes bench/results/lid_eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lid_devdata import Item, default_root, load_all
from pipeline.langid import Detection, LangContext, LanguageIdentifier
from pipeline.langid.types import base_lang

RESULTS = Path(__file__).resolve().parent / "results" / "lid_eval.json"


def leave_one_out_contexts(dets: list[Detection]) -> list[LangContext]:
    """For each string, a prior from the confident detections of all the others."""
    totals: dict[str, float] = defaultdict(float)
    for d in dets:
        if d.lang != "und" and d.score >= 0.5:
            totals[base_lang(d.lang)] += d.score
    out = []
    for d in dets:
        weights = dict(totals)
        if d.lang != "und" and d.score >= 0.5:
            weights[base_lang(d.lang)] -= d.score
        s = sum(weights.values())
        out.append(LangContext({k: v / s for k, v in weights.items() if v > 0} if s else {}))
    return out


def evaluate(items: list[Item], ident: LanguageIdentifier) -> dict[str, dict]:
    """{row: {half: [correct, total]}} with rows 'dataset/locale' and dataset summaries."""
    by_key: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for it in items:
        by_key[(it.dataset, it.locale)].append(it)
    rows: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    confusions: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(row: str, it: Item, det: Detection) -> None:
        ok = base_lang(det.lang) == it.gold
        summaries = [row, row.split("/")[0] + "/ALL"]
        if row.startswith("ui-chrome/") and it.locale != "en":
            summaries.append("ui-chrome/ALL-translations")
        for r in summaries:
            for half in (str(it.half), "all"):
                rows[r][half][0] += ok
                rows[r][half][1] += 1
        if not ok:
            confusions[row][det.lang] += 1

    for (dataset, locale), group in sorted(by_key.items()):
        dets = ident.detect_batch([it.text for it in group])
        for it, det in zip(group, dets, strict=True):
            add(f"{dataset}/{locale}", it, det)
        if dataset == "ui-chrome" and locale != "en":
            contexts = leave_one_out_contexts(dets)
            for it, ctx in zip(group, contexts, strict=True):
                add(f"ui-chrome+ctx/{locale}", it, ident.detect(it.text, ctx))
    return {
        row: {half: {"correct": c, "total": n, "accuracy": round(c / n, 4)}
              for half, (c, n) in halves.items()}
        | {"errors": dict(sorted(confusions[row].items(), key=lambda kv: -kv[1])[:5])}
        for row, halves in rows.items()
    }


def print_table(results: dict[str, dict]) -> None:
    print(f"{'dataset/locale':28} {'fit(h0)':>8} {'held-out(h1)':>13} {'all':>8}   n  errors")
    for row in sorted(results, key=lambda r: (r.split("/")[0], "/ALL" in r, r)):
        res = results[row]
        cells = [f"{res[h]['accuracy']:.4f}" if h in res else "   -  " for h in ("0", "1", "all")]
        errs = ", ".join(f"{k}:{v}" for k, v in res["errors"].items())
        print(f"{row:28} {cells[0]:>8} {cells[1]:>13} {cells[2]:>8} {res['all']['total']:>5}"
              f"  {errs}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=default_root())
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if not args.root.is_dir():
        sys.exit(f"dev data not found at {args.root}")
    t0 = time.perf_counter()
    items = load_all(args.root)
    results = evaluate(items, LanguageIdentifier())
    print_table(results)
    print(f"\n{len(items)} items, {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
