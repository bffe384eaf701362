"""Multilingual boilerplate data: turku-multi, trafilatura-eval, and pages built in ar/fa/prs/ps/ur/bn.

* ``turku-multi``: line-labelled extracted web text (the turku-en format) in de, es, fi
  (``train.json`` fitted, ``dev.json`` held out) and fr, sv (``dev.json`` only: cut in two
  halves by :func:`dev_half` of each document's text, the fit half fitted, the other held
  out). Every language is returned as ``turku-<lang>-train`` (its fit part) and
  ``turku-<lang>-dev`` (its held-out part).
* ``trafilatura-eval``: 988 real pages with trafilatura's own gold, ``with`` snippets that
  must be in the main content and ``without`` snippets that must not. Rendered like wcxb;
  a line is labelled 1 when it contains a ``with`` snippet, 0 when it contains a ``without``
  one, and -1 (not fitted) otherwise. Held out: :func:`~bench.boilerplate_data.held_out`
  of the page's file name (one third).
* **Built pages** (:func:`build_pages`): the rendered wcxb pages with their line labels and
  layout kept, every content line replaced by NTREX-128 sentences of the locale (about as
  many tokens as the line had; a short unpunctuated content line, a subheading, by the
  first words of a sentence) and every chrome line by interface strings of the same
  locale from ``lid/ui-chrome`` (WordPress / MediaWiki translations), the same original
  line always by the same strings within a page so repeated menus stay repeated. Lines
  without letters (dates, figures) are kept; bullets and indentation are kept. The
  sentences and strings are split into a fit pool and a held-out pool (every third NTREX
  line; a hash of the string's English), and a held-out wcxb page is built from the
  held-out pools only. Randomness is ``random.Random(f"{locale}:{page id}")``, so the
  pages are the same on every run. The gold text of a built page is its content lines.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import random
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from bench.boilerplate_data import ROOT, SHARED, Page, _cache_path, held_out
from pipeline.boilerplate.lines import Line, split_lines, tokens
from pipeline.boilerplate.render import render_html
from pipeline.decode import decode

LID = SHARED.parent / "lid"
TURKU_MULTI = ("de", "es", "fi", "fr", "sv")
TURKU_FITTED = TURKU_MULTI  # fr and sv: the fit half of dev.json (see dev_half)
TURKU_DEV_ONLY = ("fr", "sv")  # no train.json: dev.json is split in halves
# built locale -> (NTREX file, ui-chrome file)
LOCALES = {"ar": ("arb", "ar"), "fa": ("fas", "fa_IR"), "prs": ("prs", "fa_AF"), "ps": ("pus", "ps"),
           "ur": ("urd", "ur"), "bn": ("ben", "bn_BD")}
_LEAD_RE = re.compile(r"^[•*+\-–—·▪►»○◦●■□✓→>]+\s*")
_LETTER_RE = re.compile(r"[^\W\d_]")
_SENT_FINAL = ".!?؟۔।:\"”')»"


def _ws(text: str) -> str:
    return " ".join(text.split())


def dev_half(text: str) -> str:
    """``"fit"`` or ``"held_out"``: a stable half of a document, by a hash of its text (not its position)."""
    return "held_out" if int(hashlib.md5(text.encode()).hexdigest(), 16) % 2 == 0 else "fit"


def load_turku_multi() -> dict[str, list[Page]]:
    """``turku-<lang>-train`` (fit part) and ``turku-<lang>-dev`` (held-out part) -> pages.

    Labels are 1 keep / 0 noise, as turku-en. de, es, fi: ``train.json`` and ``dev.json``;
    fr, sv have only ``dev.json``, whose documents are split by :func:`dev_half`. A page's
    ``meta`` names its file and, for a split file, its half.
    """
    out: dict[str, list[Page]] = {}
    for lang in TURKU_MULTI:
        for split in ("train", "dev"):
            path = SHARED / "turku-multi" / lang / f"{split}.json"
            if not path.exists():
                continue
            for i, doc in enumerate(json.loads(path.read_text())):
                text = "\n".join(doc["text"])
                lines = split_lines(text)
                labels = [int(lab) for t, lab in zip(doc["text"], doc["labels"], strict=True) if t.strip()]
                if len(labels) != len(lines):  # a line holding only characters str.strip removes but split keeps
                    continue
                meta = {"file": f"{lang}/{split}.json"}
                part = split
                if lang in TURKU_DEV_ONLY:
                    meta["half"] = dev_half(text)
                    part = "train" if meta["half"] == "fit" else "dev"
                out.setdefault(f"turku-{lang}-{part}", []).append(
                    Page(f"turku-{lang}", f"turku-{lang}-{split}-{i}", text, lines, labels, meta=meta))
    return out


def snippet_labels(lines: list[Line], with_: Iterable[str], without: Iterable[str]) -> list[int]:
    """1 for a line containing a ``with`` snippet, 0 for one containing a ``without`` snippet, else -1."""
    texts = [_ws(ln.text) for ln in lines]
    labels = [-1] * len(lines)
    for snippets, value in ((without, 0), (with_, 1)):  # a line holding both is content
        for s in snippets:
            s = _ws(s)
            if len(s) < 4:
                continue
            for i, t in enumerate(texts):
                if s in t:
                    labels[i] = value
    return labels


def load_trafilatura_eval() -> list[Page]:
    base = SHARED / "trafilatura-eval"
    gold = json.loads((base / "evaldata.json").read_text())
    pages = []
    for url, item in sorted(gold.items(), key=lambda kv: kv[1]["file"]):
        path = base / "html" / (item["file"] + ".gz")
        if not path.exists():
            path = base / "html" / item["file"]
            if not path.exists():
                continue
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        html = decode(raw).text
        text = render_html(html)
        lines = split_lines(text)
        meta = {"url": url, "with": item.get("with") or [], "without": item.get("without") or []}
        pages.append(Page("trafilatura", f"traf-{item['file']}", text, lines,
                          snippet_labels(lines, meta["with"], meta["without"]), "", html, meta))
    return pages


@cache
def _pools(locale: str) -> dict[bool, tuple[list[str], list[str]]]:
    """held_out -> (NTREX sentences, ui-chrome strings) of the locale's pool."""
    ntrex, chrome = LOCALES[locale]
    sents = [s.strip() for s in (LID / "ntrex128" / f"{ntrex}.txt").read_text().split("\n") if s.strip()]
    rows = [r.split("\t") for r in (LID / "ui-chrome" / f"{chrome}.tsv").read_text().split("\n")[1:] if r.strip()]
    ui = [(en, tr.strip()) for en, tr, *_ in rows if tr.strip()]

    def is_held(en: str) -> bool:
        return int(hashlib.md5(en.encode()).hexdigest(), 16) % 3 == 0

    return {h: ([s for i, s in enumerate(sents) if (i % 3 == 0) == h], [tr for en, tr in ui if is_held(en) == h])
            for h in (False, True)}


def _n_words(text: str) -> int:
    return max(1, len(tokens(text)))


def build_page(page: Page, locale: str) -> Page:
    """``page`` (rendered, line-labelled) rewritten in ``locale``; see the module docstring."""
    held = held_out(page.pid)
    sents, ui = _pools(locale)[held]
    rng = random.Random(f"{locale}:{page.pid}")
    cursor = rng.randrange(len(sents))
    chrome_of: dict[str, str] = {}
    out_lines: list[str] = []
    for ln, label in zip(page.lines, page.labels, strict=True):
        lead_m = _LEAD_RE.match(ln.text)
        lead = lead_m.group(0) if lead_m else ""
        body = ln.text[len(lead):]
        if not _LETTER_RE.search(body):
            new = body  # dates, figures, bare punctuation: no language in them
        elif label:
            want = _n_words(body)
            if want <= 15 and body.rstrip()[-1:] not in _SENT_FINAL:  # a subheading: a sentence's first words
                words = sents[cursor % len(sents)].split()
                cursor += 1
                new = " ".join(words[:max(2, min(want, len(words)))]).rstrip(".،,؛;:۔।؟!?")
            else:
                parts: list[str] = []
                while sum(map(_n_words, parts)) < 0.8 * want or not parts:
                    parts.append(sents[cursor % len(sents)])
                    cursor += 1
                new = " ".join(parts)
        else:
            key = body
            if key not in chrome_of:
                want = min(_n_words(body), 40)
                parts = [rng.choice(ui)]
                while sum(map(_n_words, parts)) < 0.7 * want:
                    parts.append(rng.choice(ui))
                chrome_of[key] = " ".join(parts)
            new = chrome_of[key]
        out_lines.append(" " * ln.indent + lead + new)
    text = "\n".join(out_lines)
    lines = split_lines(text)
    assert len(lines) == len(page.lines), page.pid
    gold = "\n".join(ln.text for ln, y in zip(lines, page.labels, strict=True) if y)
    return Page(f"built-{locale}", f"{page.pid}-{locale}", text, lines, list(page.labels), gold, "",
                {"base": page.pid, "locale": locale})


def build_pages(pages: list[Page], locales: Iterable[str] = tuple(LOCALES)) -> dict[str, list[Page]]:
    """``built-<locale>`` -> every page of ``pages`` built in that locale."""
    return {f"built-{loc}": [build_page(p, loc) for p in pages if p.lines] for loc in locales}


def _multi_cache() -> Path:
    h = hashlib.md5(_cache_path().name.encode())
    h.update(Path(__file__).read_bytes())
    return Path(f"/tmp/docpipe_boilerplate_multi_{h.hexdigest()[:12]}.pkl")


def load_multi(wcxb: list[Page], use_cache: bool = True) -> dict[str, list[Page]]:
    """turku-multi, trafilatura-eval and the built pages (from ``wcxb``), cached in /tmp."""
    cache = _multi_cache()
    if use_cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    data = {**load_turku_multi(), "trafilatura": load_trafilatura_eval(), **build_pages(wcxb)}
    if use_cache:
        cache.write_bytes(pickle.dumps(data))
    return data


__all__ = ["LOCALES", "ROOT", "TURKU_DEV_ONLY", "TURKU_FITTED", "TURKU_MULTI", "build_page", "build_pages", "dev_half",
           "load_multi", "load_trafilatura_eval", "load_turku_multi", "snippet_labels"]
