"""Result and context types of language identification.

``Span`` and ``Detection`` are named tuples rather than dataclasses: immutable, hashable and
compared by value all the same, and cheap to import and build (the ``dataclasses`` import
alone is ~9 ms of every ``docpipe detect`` process).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["Detection", "LangContext", "Span", "SpanTuple", "base_lang"]

#: ``(start, end, lang, score, script)``: a :class:`Span` as a plain tuple (hot paths).
SpanTuple = tuple[int, int, str, float, str]


def base_lang(lang: str) -> str:
    """'fa-AF' -> 'fa': the language a prior or an evaluation compares on."""
    return lang.split("-", 1)[0]


class Span(NamedTuple):
    """A same-language, same-script stretch ``text[start:end]``."""

    start: int
    end: int
    lang: str
    score: float
    script: str


class Detection(NamedTuple):
    """Language (ISO 639-1 where one exists, 'fa-AF' for Dari, 'und' if unknowable) and a
    calibrated probability that it is right."""

    lang: str
    score: float


class LangContext:
    """Prior over languages from elsewhere (the rest of the page, the site's chrome).

    Only matters when the text itself is weak evidence: a prior multiplies the detector's
    posterior (Bayes), so a sentence overrides it and a two-word menu item leans on it.
    """

    __slots__ = ("prior",)

    def __init__(self, prior: dict[str, float] | None = None) -> None:
        self.prior: dict[str, float] = {} if prior is None else prior

    def __repr__(self) -> str:
        return f"LangContext(prior={self.prior!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LangContext) and other.prior == self.prior

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    @classmethod
    def from_detections(
        cls, detections: Iterable[Detection], min_score: float = 0.5
    ) -> LangContext:
        """Prior from detections of the surrounding strings, weighted by their confidence."""
        weights: dict[str, float] = {}
        for det in detections:
            if det.lang != "und" and det.score >= min_score:
                lang = base_lang(det.lang)
                weights[lang] = weights.get(lang, 0.0) + det.score
        total = sum(weights.values())
        return cls({k: v / total for k, v in weights.items()} if total else {})
