"""Lines: the unit the text classifier labels, plus the normalisation helpers it shares.

A scraped page rendered to text puts one HTML block per line, so a non-blank line is the
natural unit: menus are runs of short lines, paragraphs are single long lines.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import ahocorasick

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


def _matches(joined: str, starts: list[int], needles: Iterable[str]) -> Iterator[tuple[str, int]]:
    """(needle, line) for every occurrence of a needle in *joined* (lines joined by newlines, line
    ``i`` beginning at ``starts[i]``), in the order the occurrences end.

    One pass of an Aho-Corasick automaton over the page (pyahocorasick, in C) instead of one
    substring search per needle: the phrase fragments number ~130–260 (English, Arabic-script,
    Bengali and European chrome), and a search per fragment was ~13 % of the classifier's time.
    """
    automaton = _automaton(needles)
    if not joined or not len(automaton):
        return
    for end, (length, needle) in automaton.iter(joined):
        yield needle, bisect_right(starts, end - length + 1) - 1


def lines_containing(texts: list[str], needles: Iterable[str]) -> dict[str, list[int]]:
    """For each needle (no newline in it) some text contains: the indices of those texts, in order."""
    starts = [0, *accumulate(len(t) + 1 for t in texts)]
    found: dict[str, list[int]] = {}
    for needle, line in _matches("\n".join(texts), starts, needles):
        hits = found.setdefault(needle, [])
        if not hits or hits[-1] != line:  # a needle's occurrences come in order: one entry per text
            hits.append(line)
    return found


def lines_containing_joined(joined: str, starts: list[int], needles: Iterable[str]) -> set[int]:
    """Indices of the lines (joined by newlines, line i beginning at ``starts[i]``) that contain a needle."""
    return {line for _, line in _matches(joined, starts, needles)}


def hinted_matches(texts: list[str], hints: tuple[str, ...], pattern: re.Pattern[str]) -> list[bool]:
    """Per text: does ``pattern`` match? ``hints`` are lower-case substrings one of which every
    match contains; texts with none are rejected without running the regex (a many-branch
    regex costs ~50 µs on a paragraph), by :func:`lines_containing` on the lower-cased texts.
    """
    out = [False] * len(texts)
    for i in {i for hits in lines_containing([t.lower() for t in texts], hints).values() for i in hits}:
        out[i] = pattern.search(texts[i]) is not None
    return out
