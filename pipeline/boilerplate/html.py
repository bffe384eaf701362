"""HTML roles: weigh trafilatura's verdict on each rendered line with the text classifier.

:mod:`.markup` renders the page and aligns trafilatura's main text onto its lines; here a line
becomes CONTENT when trafilatura kept it, unless the text classifier is sure it is chrome (a
short menu-like line: vetoed), and a line trafilatura dropped is rescued when the classifier is
sure it is prose. The classifier also gives the roles of everything else (navigation, share,
comments, ...). With no main text from trafilatura the classifier decides alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from pipeline.document import Alternate, BlockEvidence, Metadata

from .features import LineFacts
from .lines import Line
from .markup import read_html
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


@cache
def default_classifier() -> TextBoilerplateClassifier:
    """The shipped text classifier, built once per process (for :func:`extract_html`)."""
    return TextBoilerplateClassifier()


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


def label_lines(lines: list[Line], evidence: Sequence[BlockEvidence], extracted: bool, title: str | None,
                clf: TextBoilerplateClassifier, *, rescue: float = RESCUE_MIN, veto: float = VETO_MAX,
                isolated_gap: int = ISOLATED_GAP, grow: float = GROW_MIN) -> Roles:
    """Roles of rendered lines given the markup's *evidence* (one per line, see :mod:`.markup`).

    *extracted*: trafilatura found main text; if not, the text classifier decides alone.
    *title*: the page's title from its metadata, which pins the TITLE line.
    """
    captions = [e.caption for e in evidence]
    if not extracted:  # trafilatura found nothing: the text model decides alone
        return clf.classify(lines, title=title, captions=captions)
    post, facts = clf.smoothed(lines)
    frac = np.array([e.extracted_share for e in evidence])
    spans = [e.extracted_span for e in evidence]
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


def extract_html(html: str | bytes, url: str | None = None,
                 classifier: TextBoilerplateClassifier | None = None) -> HtmlExtraction:
    """Render, read the markup and label every rendered line: the layout and boilerplate stages'
    HTML path in one call (for benchmarks and tests; bytes are decoded by :func:`pipeline.decode.decode`)."""
    if isinstance(html, bytes):
        from pipeline.decode import decode

        html = decode(html).text
    page = read_html(html, url)
    clf = classifier or default_classifier()
    roles = label_lines(page.lines, page.evidence, page.page.extracted, page.page.metadata.title, clf) \
        if page.lines else Roles()
    return HtmlExtraction(page.text, page.lines, roles, page.page.metadata, page.page.alternates)
