"""Sentence splitting without a model, keeping offsets so translations re-join in order.

Argos splits with stanza, which downloads models at run time; NMT models still want sentence-sized
inputs. Rules cover the scripts docpipe meets: Latin ``. ! ?`` (guarding abbreviations, initials and
decimals), Arabic-script ``؟ ! .`` and Urdu ``۔``, Bengali/Devanagari ``। ॥``, plus line breaks.
Closing quotes/brackets after a terminator stay with their sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Terminators that always end a sentence, and "." / "!" / "?" that need a look at the context.
_HARD = "؟۔।॥!?"
_CLOSERS = "\"'”’»)]}›"
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g", "i.e", "cf", "al",
        "approx", "dept", "est", "gen", "gov", "lt", "col", "sgt", "capt", "inc", "ltd", "co", "corp", "no",
        "nos", "vol", "pp", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
        "dec", "u.s", "u.k", "u.n", "a.m", "p.m",
    }
)
_BOUNDARY = re.compile(rf"[{_HARD}.…]+[{re.escape(_CLOSERS)}]*|\n+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: ``text[start:end]`` with surrounding whitespace excluded."""

    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the ``.`` at *dot* part of an abbreviation, an initial or a number rather than an end?"""
    after = text[dot + 1 : dot + 2]
    if after.isdigit():  # 3.5, 1.000
        return True
    if after and not after.isspace() and after not in _CLOSERS:  # U.S., example.com
        return True
    word = re.search(r"([\w.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower()
    if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isalpha():  # initials: "J. Smith", Arabic "د." (Dr.)
        return True
    # A lowercase continuation after a Latin period is rarely a new sentence ("approx. two").
    return _lowercase_follows(text, dot + 1)


def _lowercase_follows(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip(" ")
    return bool(rest) and rest[0].isascii() and rest[0].islower()


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of *text* in order; ``"".join`` of the gaps and sentences gives *text* back."""
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        mark = match.group()
        if mark[0] == "." and len(mark.rstrip(_CLOSERS)) == 1 and _is_abbreviation(text, match.start()):
            continue
        if mark[0] in ".!?…" and _lowercase_follows(text, match.end()):  # '"Really?" she asked.'
            continue
        end = match.start() if mark.startswith("\n") else match.end()
        _append(sentences, text, start, end)
        start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    begin = start + lead
    sentences.append(Sentence(begin, begin + len(stripped), stripped))


def rejoin(text: str, sentences: list[Sentence], translations: list[str]) -> str:
    """Put *translations* where their sentences were, keeping the original whitespace between them.

    Scripts that end sentences without a following space (``۔`` and ``؟`` often do) get one space,
    because the English on both sides would otherwise run together.
    """
    if not sentences:
        return text
    parts = [text[: sentences[0].start]]
    for i, (sentence, translation) in enumerate(zip(sentences, translations, strict=True)):
        parts.append(translation)
        gap_end = sentences[i + 1].start if i + 1 < len(sentences) else len(text)
        gap = text[sentence.end : gap_end]
        parts.append(gap if gap or i + 1 == len(sentences) else " ")
    return "".join(parts)
