"""Interface strings identified in page context: alone, around an English article, in a page
of their own language, and on a site whose earlier pages are remembered.

    .venv/bin/python bench/lid_page_eval.py [--root ../shared/dev-data/lid]

Pages are built from the ui-chrome strings of one locale and one half (the split of
``bench/lid_devdata.py``, by English source string; half 0 is what the chrome-prior constants
were chosen on, half 1 is held out): strings are shuffled (fixed seed) and cut into pages of
``CHROME_BEFORE`` + ``CHROME_AFTER`` strings around a ``ARTICLE_SENTENCES``-sentence article
from NTREX (lines of the same half):

* ``alone``: each string by itself (``LanguageIdentifier.detect_batch``);
* ``english-article``: the chrome block around an English article (the issue's setting);
* ``own-article``: the same block around an article in the locale's own language (Dari
  strings around Dari NTREX, ...);
* ``sparse``: pages with only ``SPARSE_CHROME`` strings (one before, one after the English
  article), where the page itself says little;
* ``sparse-site``: the same sparse pages of one locale in turn, as one site: each page starts
  from the chrome locale its site (a :class:`HostMemory`) remembered from the pages before;
* ``two-locales``: 6 + 6 strings of two neighbouring locales on one English-article page
  (Afghan sites print Pashto and Dari side by side): the chrome prior must not pull one
  locale's strings into the other's (compare with the same strings' ``alone`` figures, in
  the ``two-locales-alone`` rows).

``article-sentences`` rows score the NTREX sentences of the ``own-article`` pages (in page
context, and alone in ``article-sentences-alone``): the chrome must not cost the article.

Every page goes through :func:`pipeline.langid.page.identify_page`, the code behind the
language stage and ``docpipe detect --page``. Accuracy is over the interface strings only,
compared on the base language (``fa-AF`` counts as ``fa``); ``dari_label`` is the share of
correctly-Persian strings answered ``fa-AF`` (wanted high for fa_AF, low for fa_IR).
Writes bench/results/lid_page_eval.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lid_devdata import NTREX_GOLD, Item, default_root, ntrex, ui_chrome
from pipeline.boilerplate.host_memory import HostMemory
from pipeline.langid import LanguageIdentifier, aggregate
from pipeline.langid.page import PageHints, identify_page
from pipeline.langid.types import base_lang

RESULTS = Path(__file__).resolve().parent / "results" / "lid_page_eval.json"
CHROME_BEFORE = 8
CHROME_AFTER = 4
ARTICLE_SENTENCES = 6
NTREX_OF = {"ar": "arb", "fa_IR": "fas", "fa_AF": "prs", "ps": "pus", "ur": "urd", "bn_BD": "ben"}
SPARSE_CHROME = 2
MODES = ("alone", "english-article", "own-article", "article-sentences-alone", "article-sentences", "sparse",
         "sparse-site", "two-locales-alone", "two-locales")
PAIRS = (("ps", "fa_AF"), ("ur", "fa_IR"), ("ar", "fa_IR"), ("ps", "ur"))
PAIR_EACH = 6


def pages_of(strings: list[str], seed: str, size: int) -> list[list[str]]:
    rng = random.Random(seed)
    shuffled = list(strings)
    rng.shuffle(shuffled)
    return [shuffled[i:i + size] for i in range(0, len(shuffled), size)]


def page_lines(chrome: list[str], article: list[str]) -> tuple[list[str], list[int]]:
    """The page's lines and the indexes of its chrome lines (two thirds before the article)."""
    cut = -(-len(chrome) * CHROME_BEFORE // (CHROME_BEFORE + CHROME_AFTER))
    before, after = chrome[:cut], chrome[cut:]
    lines = before + article + after
    idx = list(range(len(before))) + list(range(len(before) + len(article), len(lines)))
    return lines, idx


def line_langs(lines: list[str], spans: list[list]) -> list[str]:
    return [aggregate(t, s)[0] for t, s in zip(lines, spans, strict=True)]


def evaluate(items: list[Item], articles: dict[tuple[str, int], list[str]],
             ident: LanguageIdentifier) -> dict[str, dict]:
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(mode: str, locale: str, half: int, gold: str, lang: str) -> None:
        ok = base_lang(lang) == gold
        for loc in (locale, "ALL"):
            for h in (str(half), "all"):
                c = counts[(mode, loc, h)]
                c[0] += ok
                c[1] += 1
                if ok and gold == "fa":
                    c[2] += lang == "fa-AF"
                    c[3] += 1

    by_locale: dict[tuple[str, int], list[Item]] = defaultdict(list)
    for it in items:
        if it.dataset == "ui-chrome" and it.locale != "en":
            by_locale[(it.locale, it.half)].append(it)
    for (locale, half), group in sorted(by_locale.items()):
        gold = group[0].gold
        for det in ident.detect_batch([it.text for it in group]):
            add("alone", locale, half, gold, det.lang)
        memory = HostMemory()
        host = f"{locale.lower().replace('_', '-')}-{half}.example.org"
        strings = [it.text for it in group]
        for mode, article_lang, size in (("english-article", "eng", CHROME_BEFORE + CHROME_AFTER),
                                         ("own-article", NTREX_OF[locale], CHROME_BEFORE + CHROME_AFTER),
                                         ("sparse", "eng", SPARSE_CHROME), ("sparse-site", "eng", SPARSE_CHROME)):
            pool = articles[(article_lang, half)]
            for n, chrome in enumerate(pages_of(strings, f"{locale}:{half}", size)):
                start = (n * ARTICLE_SENTENCES) % (len(pool) - ARTICLE_SENTENCES)
                lines, idx = page_lines(chrome, pool[start:start + ARTICLE_SENTENCES])
                site = mode == "sparse-site"
                found = identify_page(ident, lines, PageHints(site=memory.chrome_locales(host)) if site else None)
                if site and (locale_found := found.chrome_locale()):
                    memory.remember_chrome_locale(host, locale_found)
                langs = line_langs(lines, found.spans)
                for i in idx:
                    add(mode, locale, half, gold, langs[i])
                if mode == "own-article":  # the article's sentences must not suffer from the chrome
                    article = [i for i in range(len(lines)) if i not in set(idx)]
                    alone = ident.detect_batch([lines[i] for i in article])
                    for i, det in zip(article, alone, strict=True):
                        add("article-sentences-alone", locale, half, gold, det.lang)
                        add("article-sentences", locale, half, gold, langs[i])
    for (loc_a, loc_b) in PAIRS:
        for half in (0, 1):
            a = pages_of([it.text for it in by_locale[(loc_a, half)]], f"{loc_a}:{half}", PAIR_EACH)
            b = pages_of([it.text for it in by_locale[(loc_b, half)]], f"{loc_b}:{half}", PAIR_EACH)
            pool = articles[("eng", half)]
            gold = {loc_a: by_locale[(loc_a, half)][0].gold, loc_b: by_locale[(loc_b, half)][0].gold}
            for n, (chrome_a, chrome_b) in enumerate(zip(a, b, strict=False)):  # the shorter locale ends it
                chrome = chrome_a + chrome_b
                origin = [loc_a] * len(chrome_a) + [loc_b] * len(chrome_b)
                start = (n * ARTICLE_SENTENCES) % (len(pool) - ARTICLE_SENTENCES)
                lines, idx = page_lines(chrome, pool[start:start + ARTICLE_SENTENCES])
                langs = line_langs(lines, identify_page(ident, lines).spans)
                alone = [d.lang for d in ident.detect_batch(chrome)]
                row = f"{loc_a}+{loc_b}"
                for k, i in enumerate(idx):
                    add("two-locales", row, half, gold[origin[k]], langs[i])
                    add("two-locales-alone", row, half, gold[origin[k]], alone[k])
    out: dict[str, dict] = {}
    for (mode, loc, h), (ok, n, fa_af, fa_ok) in sorted(counts.items()):
        row = out.setdefault(f"{mode}/{loc}", {})
        row[h] = {"correct": ok, "total": n, "accuracy": round(ok / n, 4)}
        if fa_ok:
            row[h]["dari_label"] = round(fa_af / fa_ok, 4)
    return out


def print_table(results: dict[str, dict]) -> None:
    print(f"{'mode/locale':34} {'fit(h0)':>8} {'held-out(h1)':>13} {'all':>8}  dari_label(all)")
    for mode in MODES:
        for row in sorted(r for r in results if r.startswith(mode + "/")):
            res = results[row]
            cells = [f"{res[h]['accuracy']:.4f}" if h in res else "   -  " for h in ("0", "1", "all")]
            dl = res["all"].get("dari_label")
            print(f"{row:34} {cells[0]:>8} {cells[1]:>13} {cells[2]:>8}  {'' if dl is None else f'{dl:.3f}'}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=default_root())
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if not args.root.is_dir():
        sys.exit(f"dev data not found at {args.root}")
    t0 = time.perf_counter()
    items = list(ui_chrome(args.root))
    articles: dict[tuple[str, int], list[str]] = defaultdict(list)
    for it in ntrex(args.root):
        if it.dataset == "ntrex" and it.locale in NTREX_GOLD:
            articles[(it.locale, it.half)].append(it.text)
    results = evaluate(items, articles, LanguageIdentifier())
    print_table(results)
    print(f"\n{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
