"""Result and context types of language identification."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Detection", "LangContext", "Span", "base_lang"]


def base_lang(lang: str) -> str:
    """'fa-AF' -> 'fa': the language a prior or an evaluation compares on."""
    return lang.split("-", 1)[0]


@dataclass(frozen=True, slots=True)
class Span:
    """A same-language, same-script stretch ``text[start:end]``."""

    start: int
    end: int
    lang: str
    score: float
    script: str


@dataclass(frozen=True, slots=True)
class Detection:
    """Language (ISO 639-1 where one exists, 'fa-AF' for Dari, 'und' if unknowable) and a
    calibrated probability that it is right."""

    lang: str
    score: float


@dataclass(slots=True)
class LangContext:
    """Prior over languages from elsewhere (the rest of the page, the site's chrome).

    Only matters when the text itself is weak evidence: a prior multiplies the detector's
    posterior (Bayes), so a sentence overrides it and a two-word menu item leans on it.
    """

    prior: dict[str, float] = field(default_factory=dict)

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
