"""HTML path: render every visible block to a line, then say which lines are the article.

trafilatura finds the main content and the metadata; its output is aligned in order onto
the rendered lines (see :mod:`.align`) so each rendered line becomes CONTENT or not. The
text classifier gives the roles of everything else (navigation, share, comments, ...) and
may rescue a paragraph trafilatura dropped when it is confident the line is prose.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

import numpy as np
import trafilatura
from lxml import etree

from pipeline.document import Alternate, Metadata

from .align import align_spans
from .captions import caption_lines, caption_texts
from .features import LineFacts
from .lines import Line, split_lines, tokens
from .phrases import switcher_lang
from .render import decode_html, parse_html, parse_too_deep, render_flat, render_tree
from .roles import Roles, assign_roles
from .text_classifier import TextBoilerplateClassifier

ALIGN_MIN = 0.5  # a rendered line is trafilatura content when half its tokens align
RESCUE_MIN = 0.9  # smoothed text-classifier P(content) needed to rescue a dropped line
RESCUE_TOKENS = 30
VETO_MAX = 0.15  # drop an aligned short line when the text model's P(content) is below this
VETO_TOKENS = 30
GROW_MIN = 0.99  # smoothed P(content) for a line next to kept content to join it (see _grow)
ISOLATED_GAP = 3  # a short aligned line this far from its neighbours' spans is a stray match
ISOLATED_MAX_TOKENS = 5
_CLASSIFIER: TextBoilerplateClassifier | None = None


@dataclass(slots=True)
class HtmlExtraction:
    """A rendered page with one role per line, page metadata and language alternates."""

    text: str
    lines: list[Line]
    roles: Roles
    metadata: Metadata = field(default_factory=Metadata)
    alternates: list[Alternate] = field(default_factory=list)

    def main_text(self) -> str:
        """The cleaned main content: HEADING and CONTENT lines joined (the title is ``metadata.title``)."""
        return "\n".join(ln.text for ln, (r, _) in zip(self.lines, self.roles, strict=True) if r.is_main)


def _classifier() -> TextBoilerplateClassifier:
    global _CLASSIFIER
    if _CLASSIFIER is None:
        _CLASSIFIER = TextBoilerplateClassifier()
    return _CLASSIFIER


def _lang_tag(value: str) -> str | None:
    try:
        import langcodes

        return langcodes.standardize_tag(value.strip())
    except Exception:  # malformed hreflang
        return None


# anchors that can be switcher links: short label or an explicit language attribute (XPath runs in C)
_SHORT_ANCHORS = etree.XPath("//a[@hreflang or @lang or string-length(normalize-space(.)) <= 40]")


def find_alternates(root: etree._Element | None, url: str | None = None) -> list[Alternate]:
    """``<link rel=alternate hreflang>`` plus switcher links (anchors labelled by an autonym)."""
    if root is None:
        return []
    out: list[Alternate] = []
    seen: dict[tuple[str, str | None], Alternate] = {}

    def add(lang: str | None, label: str | None, href: str | None) -> None:
        if not lang:
            return
        href = urljoin(url, href) if (url and href) else href
        key = (lang, href)
        if key in seen:
            seen[key].label = seen[key].label or label
        else:
            seen[key] = Alternate(lang=lang, label=label, href=href)
            out.append(seen[key])

    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        hreflang = link.get("hreflang")
        if "alternate" in rel and hreflang and hreflang.lower() != "x-default":
            add(_lang_tag(hreflang), None, link.get("href"))
    for a in _SHORT_ANCHORS(root):
        label = " ".join(a.text_content().split())
        if not label:
            continue
        code = switcher_lang(label)
        attr = a.get("hreflang") or a.get("lang")
        if code or attr:
            add(_lang_tag(attr) if attr else code, label, a.get("href"))
    return out


def _metadata(doc: object, url: str | None) -> Metadata:
    if doc is None:
        return Metadata(url=url)
    def get(key: str) -> str | None:
        value = getattr(doc, key, None)
        return str(value) if value else None

    return Metadata(title=get("title"), author=get("author"), date=get("date"),
                    site=get("sitename"), url=get("url") or url)


def run_trafilatura(html: str | bytes | etree._Element, url: str | None = None) -> tuple[str, Metadata]:
    """trafilatura's main text (comments excluded) and the page metadata.

    ``favor_recall``: on the wcxb fit split it is as good alone as the default and, followed
    by our veto of chrome-like lines, better (F1 0.948 vs 0.946), and it is faster.

    Accepts an already parsed tree (trafilatura then skips its own parsing: ~20 % faster,
    same output on the dev pages); the tree is modified.
    """
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True, include_images=False, favor_recall=True)
    except Exception:  # trafilatura gives up on some malformed pages; the text model takes over
        doc = None
    main = (getattr(doc, "text", None) or "") if doc is not None else ""
    return main, _metadata(doc, url)


def _isolated(spans: list[tuple[int, int] | None], keep: np.ndarray, i: int, gap: int) -> bool:
    """True when line i's aligned span is far (> gap tokens) from its kept neighbours' spans."""
    lo, hi = spans[i]  # type: ignore[misc]
    prev_end = next((spans[j][1] for j in range(i - 1, -1, -1) if keep[j] and spans[j]), None)  # type: ignore[index]
    next_start = next((spans[j][0] for j in range(i + 1, len(spans)) if keep[j] and spans[j]), None)  # type: ignore[index]
    near_prev = prev_end is not None and lo - prev_end <= gap
    near_next = next_start is not None and next_start - hi <= gap
    return not (near_prev or near_next) and (prev_end is not None or next_start is not None)


def _grow(keep: np.ndarray, post: np.ndarray, facts: LineFacts, threshold: float) -> None:
    """Extend kept runs (in place) over neighbouring lines the text model is sure are content.

    trafilatura sometimes stops short of the article's end or drops a list or a table inside
    it; a line next to kept content with smoothed P(content) >= ``threshold`` (and no chrome
    phrase) joins it, and so may its own neighbour.
    """
    n = len(keep)
    cand = (post >= threshold) & (facts.chrome_strength == 0) & ~facts.switcher
    changed = True
    while changed:
        changed = False
        for i in np.flatnonzero(cand & ~keep).tolist():
            if (i > 0 and keep[i - 1]) or (i + 1 < n and keep[i + 1]):
                keep[i] = changed = True


def label_lines(lines: list[Line], main: str, title: str | None = None, *, rescue: float = RESCUE_MIN,
                veto: float = VETO_MAX, isolated_gap: int = ISOLATED_GAP, grow: float = GROW_MIN,
                clf: TextBoilerplateClassifier | None = None,
                captions: Sequence[bool] | None = None) -> Roles:
    """Roles of rendered lines given the extractor's main text (empty: text model alone).

    ``captions`` marks lines the markup names as image captions (:func:`.captions.caption_lines`).
    """
    clf = clf or _classifier()
    if not main.strip():  # trafilatura found nothing: the text model decides alone
        return clf.classify(lines, title=title, captions=captions)
    post, facts = clf.smoothed(lines)
    aligned = align_spans([tokens(ln.text) for ln in lines], tokens(main))
    frac = np.array([f for f, _ in aligned])
    spans = [sp for _, sp in aligned]
    keep = frac >= ALIGN_MIN
    if isolated_gap >= 0:
        for i in range(len(lines)):
            if keep[i] and facts.n_tokens[i] < ISOLATED_MAX_TOKENS and _isolated(spans, keep, i, isolated_gap):
                keep[i] = False
    aligned_keep = keep.copy()
    n = len(lines)
    n_tokens, strength = facts.n_tokens.tolist(), facts.chrome_strength.tolist()
    for i in range(n):
        if not keep[i] and post[i] >= rescue and n_tokens[i] >= RESCUE_TOKENS and facts.dup[i] == 1:
            keep[i] = True
        elif keep[i] and ((strength[i] == 2 and n_tokens[i] <= 20) or (
                post[i] < veto and n_tokens[i] < VETO_TOKENS and not (facts.ends_punct[i] and n_tokens[i] >= 15)
                # a line inside the extracted block (both neighbours extracted) is left alone
                and not (0 < i < n - 1 and aligned_keep[i - 1] and aligned_keep[i + 1]))):
            keep[i] = False
    _grow(keep, post, facts, grow)
    conf = np.where(keep, np.maximum(post, 0.5 + 0.5 * frac), np.minimum(post, 1 - 0.5 * frac))
    keep &= ~facts.switcher
    return assign_roles(lines, facts, keep, conf, title, captions)


def extract_html(html: str | bytes, url: str | None = None) -> HtmlExtraction:
    """Render, extract with trafilatura, align, and label every rendered line."""
    if isinstance(html, bytes):
        html = decode_html(html)
    root = parse_html(html)
    if root is None:
        return HtmlExtraction("", [], Roles(), Metadata(url=url), [])
    too_deep = parse_too_deep()
    main, meta = run_trafilatura(copy.deepcopy(root), url)
    alternates = find_alternates(root, url)
    captions = caption_texts(root)
    if too_deep:  # the tree lost everything below 256 levels: flat text, and the text model decides alone
        text, main = render_flat(html), ""
    else:
        text = render_tree(root)
    lines = split_lines(text)
    roles = label_lines(lines, main, meta.title, captions=caption_lines(lines, captions)) if lines else Roles()
    return HtmlExtraction(text, lines, roles, meta, alternates)
