"""Text clean-up before scoring: keep the letters that carry language, drop what does not.

Detectors are fooled by things that are not language: URLs, e-mail addresses, digits,
invisible bidi marks from RTL pages, and chrome glued together by HTML rendering
("FacebookShare"). :func:`for_scoring` removes or repairs those; offsets are never taken
from its output (spans index the original text).
"""

from __future__ import annotations

import re
import unicodedata

from ..scripts import IGNORABLE

__all__ = ["for_scoring", "letter_count", "word_count"]

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_DIGITS_RE = re.compile(r"\d+")
# "FacebookShare" -> "Facebook Share": lower-to-upper inside a word marks glued chrome.
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_SPACE_RE = re.compile(r"\s+")
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
# Keep ZWNJ (U+200C): it is part of Persian/Urdu spelling (می‌شود) and fastText saw it.
# Tatweel (U+0640) is typographic stretching only. (A regex, not str.translate: sparse
# translate tables cost a KeyError per unmapped character.)
_DROP_RE = re.compile("[" + "".join(sorted(c for c in IGNORABLE if c != "\u200c")) + "\u0640]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def for_scoring(text: str) -> str:
    """NFC, invisible controls and tatweel removed, URLs/e-mails/digits dropped,
    glued camel-case chrome split, whitespace collapsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", _DROP_RE.sub("", text))
        if _PRESENTATION_RE.search(text):
            # Arabic presentation forms from PDF/legacy pages -> ordinary letters.
            text = unicodedata.normalize("NFKC", text)
    if "/" in text or "@" in text or "www." in text:
        text = _URL_RE.sub(" ", text)
    text = _DIGITS_RE.sub(" ", text)
    text = _CAMEL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


def letter_count(text: str, limit: int = 1_000_000) -> int:
    """Number of letters (not digits, punctuation, marks), counting stops at ``limit``."""
    n = 0
    for _ in _LETTER_RE.finditer(text):
        n += 1
        if n >= limit:
            break
    return n


def word_count(text: str) -> int:
    """Whitespace-separated tokens of an already normalised text."""
    return text.count(" ") + 1 if text else 0
