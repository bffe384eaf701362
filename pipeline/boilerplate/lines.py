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
# many needles of at least this many characters (the chrome fragments: 9 and more) are found by hashing
# every window of the shortest one's length: 0.14 -> 0.08 ms per page for the fragments, against the automaton
_WINDOW_MIN_CHARS = 8

HASH_BASE = 1_000_003  # polynomial string hashes: sum of code point * BASE**position, modulo 2**64
_HASH_BASE_INV = pow(HASH_BASE, -1, 1 << 64)
_POWERS: list[np.ndarray] = []


def hash_powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (uint64; cached, grown by doubling)."""
    if not _POWERS or len(_POWERS[0]) < n:
        size = max(1 << 16, 1 << (n - 1).bit_length())
        pw = np.empty(size, dtype=np.uint64)
        ipw = np.empty(size, dtype=np.uint64)
        pw[0] = ipw[0] = 1
        np.cumprod(np.full(size - 1, HASH_BASE, dtype=np.uint64), out=pw[1:])
        np.cumprod(np.full(size - 1, _HASH_BASE_INV, dtype=np.uint64), out=ipw[1:])
        _POWERS[:] = [pw, ipw]
    return _POWERS[0], _POWERS[1]


def _hash(text: str) -> int:
    return sum(ord(c) * pow(HASH_BASE, k, 1 << 64) for k, c in enumerate(text)) % (1 << 64)


@lru_cache(maxsize=16)
def _window_index(needles: tuple[str, ...]) -> tuple[int, dict[int, list[str]], np.ndarray] | None:
    """(window length q, needles by the hash of their first q characters, a table over those hashes'
    low 16 bits) when every needle has at least ``_WINDOW_MIN_CHARS`` characters, else None."""
    needles = tuple(n for n in dict.fromkeys(needles) if n)
    if not needles or min(map(len, needles)) < _WINDOW_MIN_CHARS:
        return None
    q = min(map(len, needles))
    by_hash: dict[int, list[str]] = {}
    for needle in needles:
        by_hash.setdefault(_hash(needle[:q]), []).append(needle)
    table = np.zeros(1 << 16, dtype=bool)
    table[[h & 0xFFFF for h in by_hash]] = True
    return q, by_hash, table


def _window_hits(joined: str, index: tuple[int, dict[int, list[str]], np.ndarray]) -> Iterator[tuple[str, int]]:
    """(needle, start) of every occurrence in *joined*: the hash of each window of q code points (prefix
    sums of code point * BASE**i, in numpy), the low-bit table to pick the few candidates, then the
    full hash and ``str.startswith`` to confirm them."""
    q, by_hash, table = index
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    m = len(cp) - q + 1
    if m <= 0:
        return
    pw, ipw = hash_powers(len(cp) + 1)
    prefix = np.zeros(len(cp) + 1, dtype=np.uint64)
    np.cumsum(cp * pw[:len(cp)], out=prefix[1:])
    window = (prefix[q:] - prefix[:m]) * ipw[:m]
    candidates = np.flatnonzero(np.take(table, window & np.uint64(0xFFFF)))
    for start, h in zip(candidates.tolist(), window[candidates].tolist(), strict=True):
        for needle in by_hash.get(h, ()):
            if joined.startswith(needle, start):
                yield needle, start


def _lines_by_needle(joined: str, starts: list[int], needles: Iterable[str]) -> dict[str, list[int]]:
    """For each needle (no newline in it) that *joined* (lines joined by newlines, line ``i``
    beginning at ``starts[i]``) contains: the lines holding it, ascending, each once.

    Many needles: one pass of an Aho-Corasick automaton over the page (pyahocorasick, in C)
    instead of one substring search per needle: the phrase fragments number ~130–260 (English,
    Arabic-script, Bengali and European chrome), and a search per fragment was ~13 % of the
    classifier's time; many long ones (those fragments): hashes of every window (see
    :func:`_window_hits`), faster still. A few: ``str.find`` per needle, resumed at the next line
    after a hit. Occurrences of one needle come in order: one entry per line.
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
    index = _window_index(needles)
    if index is not None:
        occurrences: Iterable[tuple[str, int]] = _window_hits(joined, index)
    else:
        automaton = _automaton(needles)
        if not len(automaton):
            return found
        occurrences = ((needle, end - length + 1) for end, (length, needle) in automaton.iter(joined))
    for needle, start in occurrences:
        line = bisect_right(starts, start) - 1
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
