"""Lines: the unit the text classifier labels, plus the normalisation helpers it shares.

A scraped page rendered to text puts one HTML block per line, so a non-blank line is the
natural unit: menus are runs of short lines, paragraphs are single long lines.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import ahocorasick
import numpy as np

_WORD_RE = re.compile(r"\w+")
_NON_WORD_RE = re.compile(r"[\W_]+")


@dataclass(slots=True)
class Line:
    """One non-blank line of the analysed text.

    ``text`` is stripped (bullet characters kept), ``indent`` counts leading spaces with
    tabs as four; ``lang``/``text_en`` are filled by language ID / translation when known.
    """

    start: int
    end: int
    text: str
    indent: int
    lang: str | None = None
    text_en: str | None = None


def split_lines(text: str) -> list[Line]:
    """Non-blank lines of ``text`` with ``[start, end)`` offsets of the stripped text."""
    out: list[Line] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        raw = text[pos:end]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            s = pos + lead
            head = raw[:lead]
            indent = sum(4 if c == "\t" else 1 for c in head if c in " \t\u00a0")
            out.append(Line(start=s, end=s + len(stripped), text=stripped, indent=indent))
        pos = end + 1
    return out


_INVISIBLE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060\ufeff]")


def chars_in(lines: list[Line], mask: np.ndarray) -> int:
    """Characters in the lines ``mask`` (a bool array, one entry per line) marks."""
    return sum(len(lines[i].text) for i in np.flatnonzero(mask).tolist())


def tokens(text: str) -> list[str]:
    """Lower-cased ``\\w+`` tokens (the metric's tokenisation) for alignment.

    Control and zero-width characters are removed first: extractors strip them, so
    "What\\x80\\x99s" must tokenise the same on both sides.
    """
    return _WORD_RE.findall(_INVISIBLE_RE.sub("", text).lower())


def norm_key(text: str) -> str:
    """Comparison key: NFKC, case-folded, punctuation and spaces removed.

    Removing spaces also makes glued link text ("ShareTweet") comparable to phrases.
    """
    return _NON_WORD_RE.sub("", unicodedata.normalize("NFKC", text).casefold())


def norm_words(text: str) -> str:
    """NFKC, case-folded, punctuation collapsed to single spaces."""
    return _NON_WORD_RE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _automaton(needles: Iterable[str]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton over *needles* (cached: callers pass the same few phrase sets)."""
    key = needles if isinstance(needles, tuple) else tuple(needles)
    return _automaton_of(key)


@lru_cache(maxsize=64)
def _automaton_of(needles: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for needle in needles:
        if needle:
            automaton.add_word(needle, (len(needle), needle))
    automaton.make_automaton()
    return automaton


# up to this many needles, one ``str.find`` loop per needle beats the automaton: the URL hints (4) in
# 0.04 instead of 0.12 ms per page; from the credit hints (16) on, the automaton is faster
_FIND_MAX_NEEDLES = 8


def _lines_by_needle(joined: str, starts: list[int], needles: Iterable[str]) -> dict[str, list[int]]:
    """For each needle (no newline in it) that *joined* (lines joined by newlines, line ``i``
    beginning at ``starts[i]``) contains: the lines holding it, ascending, each once.

    Many needles: one pass of an Aho-Corasick automaton over the page (pyahocorasick, in C)
    instead of one substring search per needle: the phrase fragments number ~130–260 (English,
    Arabic-script, Bengali and European chrome), and a search per fragment was ~13 % of the
    classifier's time. A few: ``str.find`` per needle, resumed at the next line after a hit.
    """
    needles = needles if isinstance(needles, tuple) else tuple(needles)
    found: dict[str, list[int]] = {}
    if not joined:
        return found
    if len(needles) <= _FIND_MAX_NEEDLES:
        last = len(starts) - 1
        for needle in needles:
            if not needle or needle in found:
                continue
            pos = joined.find(needle)
            if pos < 0:
                continue
            hits = found[needle] = []
            while pos >= 0:
                line = bisect_right(starts, pos) - 1
                hits.append(line)
                if line >= last:
                    break
                pos = joined.find(needle, starts[line + 1])
        return found
    automaton = _automaton(needles)
    if not len(automaton):
        return found
    for end, (length, needle) in automaton.iter(joined):
        line = bisect_right(starts, end - length + 1) - 1
        hits = found.setdefault(needle, [])
        if not hits or hits[-1] != line:  # a needle's occurrences come in order: one entry per line
            hits.append(line)
    return found


def lines_containing(texts: list[str], needles: Iterable[str]) -> dict[str, list[int]]:
    """For each needle (no newline in it) some text contains: the indices of those texts, in order."""
    return _lines_by_needle("\n".join(texts), [0, *accumulate(len(t) + 1 for t in texts)], needles)


def lines_containing_joined(joined: str, starts: list[int], needles: Iterable[str]) -> set[int]:
    """Indices of the lines (joined by newlines, line i beginning at ``starts[i]``) that contain a needle."""
    return {line for hits in _lines_by_needle(joined, starts, needles).values() for line in hits}


def hinted_matches(texts: list[str], hints: tuple[str, ...], pattern: re.Pattern[str]) -> list[bool]:
    """Per text: does ``pattern`` match? ``hints`` are lower-case substrings one of which every
    match contains; texts with none are rejected without running the regex (a many-branch
    regex costs ~50 µs on a paragraph), by :func:`lines_containing` on the lower-cased texts.
    """
    out = [False] * len(texts)
    for i in {i for hits in lines_containing([t.lower() for t in texts], hints).values() for i in hits}:
        out[i] = pattern.search(texts[i]) is not None
    return out
