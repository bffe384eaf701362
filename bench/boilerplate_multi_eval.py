"""Multilingual boilerplate evaluation; writes bench/results/boilerplate_multi_eval.json.

Every set is reported on its fit part and its held-out part (see :mod:`bench.boilerplate_multi`):

* turku (en and turku-multi): keep-class line F1 per language, and keeping every line;
* built ar/fa/prs/ps/ur/bn pages: shingle F1 per locale (the wcxb metric), and keeping every line;
* the held-out built pages and wcxb pages flattened (no indentation, turku's bullets:
  :func:`bench.boilerplate_multi_flat.flatten_page`): plain text in those languages without a
  rendered layout, the same metric (never fitted in this form);
* trafilatura-eval rendered to text: share of ``with`` snippets kept and of ``without``
  snippets kept (counting only snippets the rendering contains); with ``--html`` also the same
  two shares for trafilatura and docpipe on the HTML, over the same snippets;
* trafilatura-eval HTML (``--html``, ~3 min): trafilatura's own evaluation (a snippet is a
  true positive when the output contains it) for ``trafilatura.extract`` and :func:`extract_html`;
* emptied pages: pages with >= 500 characters of gold prose whose cleaned text is empty.

    .venv/bin/python -m bench.boilerplate_multi_eval [--html]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from bench.boilerplate_data import ROOT, Page, held_out, load_all
from bench.boilerplate_eval import _main_text, _traf, turku_f1
from bench.boilerplate_metric import score_pages
from bench.boilerplate_multi import LOCALES, TURKU_MULTI, load_multi
from bench.boilerplate_multi_flat import flatten_page
from pipeline.boilerplate import TextBoilerplateClassifier, extract_html

OUT = ROOT / "bench" / "results" / "boilerplate_multi_eval.json"
PROSE_CHARS = 500


def _ws(text: str) -> str:
    return " ".join(text.split())


def snippet_rates(pages: list[Page], outputs: dict[str, str]) -> dict[str, float | int]:
    """Kept share of ``with`` and ``without`` snippets that the page's rendering contains."""
    w_kept = w_all = wo_kept = wo_all = missing = 0
    for p in pages:
        full, out = _ws(p.text), _ws(outputs[p.pid])
        for s in p.meta["with"]:
            s = _ws(s)
            if s not in full:
                missing += 1
                continue
            w_all += 1
            w_kept += s in out
        for s in p.meta["without"]:
            s = _ws(s)
            if s not in full:
                missing += 1
                continue
            wo_all += 1
            wo_kept += s in out
    return {"with_kept": round(w_kept / max(w_all, 1), 4), "without_kept": round(wo_kept / max(wo_all, 1), 4),
            "with_snippets": w_all, "without_snippets": wo_all, "not_in_rendering": missing, "pages": len(pages)}


def trafilatura_method(pages: list[Page], outputs: dict[str, str]) -> dict[str, float]:
    """trafilatura's tests/comparison.py scoring: precision, recall, F-score over snippets."""
    tp = fp = fn = tn = 0
    for p in pages:
        out = _ws(outputs[p.pid])
        for s in p.meta["with"]:
            if _ws(s) in out:
                tp += 1
            else:
                fn += 1
        for s in p.meta["without"]:
            if _ws(s) in out:
                fp += 1
            else:
                tn += 1
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return {"precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(2 * prec * rec / max(prec + rec, 1e-9), 4),
            "accuracy": round((tp + tn) / max(tp + tn + fp + fn, 1), 4), "pages": len(pages)}


def _gold_prose(p: Page) -> int:
    if p.gold:
        return len(p.gold)
    return sum(len(ln.text) for ln, y in zip(p.lines, p.labels, strict=True) if y == 1)


def emptied(sets: dict[str, list[Page]], clf: TextBoilerplateClassifier) -> dict[str, object]:
    """Pages with >= PROSE_CHARS of gold prose whose cleaned text is empty, per set."""
    out: dict[str, object] = {}
    for name, pages in sets.items():
        prose = [p for p in pages if _gold_prose(p) >= PROSE_CHARS and p.lines]
        bad = [p.pid for p in prose if not _main_text(p, clf).strip()]
        out[name] = {"pages": len(prose), "emptied": len(bad), "ids": bad[:10]}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--html", action="store_true", help="also run the HTML path on trafilatura-eval (~3 min)")
    ap.add_argument("--html-only", action="store_true", help="only the HTML path on trafilatura-eval")
    ap.add_argument("--out", type=str, default=str(OUT))
    args = ap.parse_args(argv)
    data = load_all()
    multi = load_multi(data["wcxb"])
    clf = TextBoilerplateClassifier()
    res: dict = {"turku": {}, "built": {}, "built_flat": {}, "trafilatura_text": {}}
    traf = [p for p in multi["trafilatura"] if p.lines]
    html_outputs: dict[str, dict[str, str]] = {}
    if args.html or args.html_only:
        traf_out = {p.pid: _traf(p.html, p.meta["url"]) for p in traf}
        ours_out = {p.pid: extract_html(p.html, p.meta["url"]).main_text() for p in traf}
        html_outputs = {"trafilatura_html": traf_out, "docpipe_html": ours_out}
        res["trafilatura_html"] = {
            name: {"trafilatura": trafilatura_method(sub, traf_out), "ours": trafilatura_method(sub, ours_out)}
            for name, sub in (("held_out", [p for p in traf if held_out(p.pid)]),
                              ("fit", [p for p in traf if not held_out(p.pid)]), ("all", traf))}
        if args.html_only:
            print(json.dumps(res["trafilatura_html"], indent=1))
            return res
    for lang in ("en", *TURKU_MULTI):
        for split, half in (("dev", "held_out"), ("train", "fit")):
            key = "turku-" + split if lang == "en" else f"turku-{lang}-{split}"
            pages = [p for p in data.get(key, multi.get(key, [])) if p.lines]
            if pages:
                res["turku"][f"{lang}_{half}"] = turku_f1(pages, clf)
    for loc in LOCALES:
        pages = multi[f"built-{loc}"]
        for name, sub in (("held_out", [p for p in pages if held_out(p.meta["base"])]),
                          ("fit", [p for p in pages if not held_out(p.meta["base"])])):
            res["built"][f"{loc}_{name}"] = {
                "ours": score_pages([(p.gold, _main_text(p, clf)) for p in sub]).as_dict(),
                "keep_everything": score_pages([(p.gold, p.text) for p in sub]).as_dict()}
    flat = {f"{loc}_held_out": [flatten_page(p) for p in multi[f"built-{loc}"] if held_out(p.meta["base"]) and p.lines]
            for loc in LOCALES}
    flat["wcxb_held_out"] = [flatten_page(p) for p in data["wcxb"] if held_out(p.pid) and p.lines]
    for name, sub in flat.items():
        res["built_flat"][name] = {
            "ours": score_pages([(p.gold, _main_text(p, clf)) for p in sub]).as_dict(),
            "keep_everything": score_pages([(p.gold, p.text) for p in sub]).as_dict()}
    text_out = {p.pid: _main_text(p, clf) for p in traf}
    for name, sub in (("held_out", [p for p in traf if held_out(p.pid)]),
                      ("fit", [p for p in traf if not held_out(p.pid)])):
        res["trafilatura_text"][name] = snippet_rates(sub, text_out)
        res["trafilatura_text"][name]["keep_everything"] = snippet_rates(sub, {p.pid: p.text for p in sub})
        # the HTML extractors on the same snippets (those the rendering contains): what the text path's
        # target asks of plain text, set beside what the extractors that see the markup reach
        for ref, outputs in html_outputs.items():
            res["trafilatura_text"][name][ref] = snippet_rates(sub, outputs)
    res["emptied"] = emptied({"wcxb": data["wcxb"], "cleaneval": data["cleaneval"], "trafilatura": traf,
                              **{k: v for k, v in multi.items() if k.startswith(("built", "turku"))},
                              **{f"flat-{k}": v for k, v in flat.items()}}, clf)
    res["split"] = ("turku en/de/es/fi: train.json fitted, dev.json held out; turku fr/sv (dev.json only): "
                    "md5(document text) % 2 == 0 held out, the other half fitted; built pages and "
                    "trafilatura-eval: md5(base page id or file) % 3 == 0 held out; built_flat: the held-out built and "
                    "wcxb pages, flattened")
    if args.out:
        path = os.path.abspath(args.out)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=1), file=sys.stderr)
    return res


if __name__ == "__main__":
    main()
