"""Combining the evidence into one calibrated posterior per script run.

Arabic script (ar / fa / ps / ur) — a small log-linear model (multinomial logistic
regression) whose weights live in ``weights.json`` and are fitted by
``python -m bench.lid_fit`` on one half of the development data::

    score(c) = w_ft[b] * log p_fastText(c) + w_py[b] * log p_py3langid(c)
             + w_ld[b] * log p_langdetect(c) + sum_k W[c, k] * orth_k + bias[c]
    P(c | text) = softmax_c(score)

``b`` is a length bucket (1 word, 2-3, 4-8, more), so each detector is trusted as much as it
deserves at that length: fastText dominates sentences, py3langid and langdetect only get a
say in short strings. A second set of weights (``arabic_fast``: fastText + orthography
only) is tried first; the slow detectors are consulted only when it is below
``fast_confidence`` on a chrome-length string (three words or fewer), which keeps
sentence throughput high. On a long text the fast model first reads a prefix (see
``prefix``), and a prefix spelt so plainly in Pashto that fastText could not change the
answer does without fastText (``ArabicWeights.orthography_decides``). langdetect has no
Pashto: its Pashto input is the probability mass it gave to languages outside {ar, fa, ur}.
``orth_k`` are the orthographic counts of
:mod:`orthography` (Pashto/Urdu-only letters, Arabic-only letters, function words, ...)
with one weight per language, so ``W[ps, ps_letters]`` reads as "log-odds for Pashto per
log-count of Pashto letters". A ``LangContext`` prior multiplies in afterwards (Bayes).

Latin script — fastText over Latin-script labels with a hand-set English prior that decays
with length (chrome strings like "Runes" or "TBD" are English on these sites unless a
detector is very sure otherwise), plus a bonus per English function word.

Other scripts — fastText restricted to labels written in that script, or the script's main
language when fastText has none (Bengali script is Bengali).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from functools import cache
from operator import mul

from . import orthography
from .models import FastTextModel, LangdetectModel, Py3LangidModel

__all__ = ["ARABIC_CANDIDATES", "Ensemble", "arabic_inputs", "length_bucket"]

ARABIC_CANDIDATES: tuple[str, ...] = ("ar", "fa", "ps", "ur")
_AR, _FA, _PS, _UR = ARABIC_CANDIDATES
_PS_LETTERS = orthography.FEATURE_NAMES.index("ps_letters")
N_BUCKETS = 4
SHORT_BUCKETS = 3  # buckets 0..2 (<= 8 words) have py3langid and langdetect features
SLOW_BUCKETS = 2  # ... but they are only computed at runtime for <= 3 words (chrome length)
_EPS = 1e-4
_LOG1P_TABLE = [math.log1p(c) for c in range(64)]  # counts in a prefix stay well below 64
# Most a fastText term w * log(p + eps) can move one class's score against another's, per unit
# of w; and the extra gap that keeps the top class above 0.99995 (a score of 1.0 to four
# decimals) against three others: ln(3 / 0.00005) = 11.0.
_FT_SWING = math.log((1 + _EPS) / _EPS)
_ROUNDING_GAP = 11.1
# Texts of more words than this (the longest bucket) are first scored on a prefix (see
# ``prefix``): in Arabic script fastText reads at most FT_PREFIX_CHARS characters and the
# orthographic counts ORTH_PREFIX_CHARS; in Latin script fastText reads LATIN_PREFIX_CHARS
# (English needs a little more to be sure, and every unsure prefix costs a second reading).
PREFIX_MIN_WORDS = 8
FT_PREFIX_CHARS = 32
ORTH_PREFIX_CHARS = 64
LATIN_PREFIX_CHARS = 40
# Labels fastText lists for a prefix: enough for every candidate that can matter when the
# prefix decides (fewer labels, less work converting them); the full text gets 10, as fitted.
PREFIX_K = 5
WEIGHTS_PATH = os.path.join(os.path.dirname(__file__), "weights.json")

# fastText labels folded into a candidate: dialects and close varieties it confuses with them.
_FT_MERGE = {"arz": "ar", "mzn": "fa", "glk": "fa"}
# Arabic-script languages returned as themselves only when fastText is sure on longer text.
_FT_OTHER_ARABIC = frozenset({"ckb", "ug", "sd", "azb", "pnb", "ks", "bal", "ku", "ota"})

# Main language of a script when fastText offers nothing written in it.
SCRIPT_DEFAULT = {
    "Beng": "bn",
    "Deva": "hi",
    "Cyrl": "ru",
    "Grek": "el",
    "Hebr": "he",
    "Thai": "th",
    "Hang": "ko",
    "Hira": "ja",
    "Kana": "ja",
    "Hani": "zh",
    "Geor": "ka",
    "Armn": "hy",
    "Ethi": "am",
    "Taml": "ta",
    "Telu": "te",
    "Knda": "kn",
    "Mlym": "ml",
    "Gujr": "gu",
    "Guru": "pa",
    "Orya": "or",
    "Sinh": "si",
    "Khmr": "km",
    "Laoo": "lo",
    "Mymr": "my",
    "Tibt": "bo",
    "Thaa": "dv",
    "Syrc": "syr",
    "Latn": "en",
    "Arab": "ar",
}

ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "on",
        "for",
        "with",
        "your",
        "you",
        "this",
        "that",
        "by",
        "from",
        "be",
        "are",
        "not",
        "or",
        "at",
        "as",
        "an",
        "it",
        "all",
        "no",
        "new",
        "can",
        "has",
        "have",
        "was",
        "were",
        "will",
        "more",
        "about",
        "our",
        "we",
        "my",
        "me",
        "a",
    ]
)


_IS_ENGLISH_FUNCTION_WORD = ENGLISH_FUNCTION_WORDS.__contains__
_PRIOR_EN = (3.0, 2.5, 1.5, 1.0)  # by length bucket


def effective_words(text: str) -> int:
    """Whitespace words, but at least one per six letters: some pages glue a whole
    sentence together ("نعلمأنهذا...") and that is still a sentence's worth of evidence."""
    return max(text.count(" ") + 1 if text else 0, len(text) // 6)


def prefix(text: str, n_words: int, chars: int = FT_PREFIX_CHARS) -> str:
    """What a first pass reads of a long text: its first ``chars`` characters, cut at a
    space; ``text`` itself (the same object, so callers can tell) when it is short.

    The cost of fastText and of the orthographic counts grows with the characters read,
    and on a sentence the first few words nearly always settle the posterior; only when
    they do not (max < ``Ensemble.sure``) is the whole text read. This halves the cost of
    sentence-length lines.
    """
    if n_words <= PREFIX_MIN_WORDS or len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars + 1)
    return text[:cut] if cut > 0 else text[:chars]


def length_bucket(n_words: int) -> int:
    """0: one word, 1: two or three, 2: four to eight, 3: longer."""
    if n_words <= 1:
        return 0
    if n_words <= 3:
        return 1
    if n_words <= 8:
        return 2
    return 3


@cache
def _label_scripts() -> dict[str, str]:
    with open(os.path.join(os.path.dirname(__file__), "label_scripts.json"), encoding="utf-8") as f:
        return json.load(f)


# "__label__xx" -> index into ARABIC_CANDIDATES, merged labels included.
_FT_CANDIDATE_INDEX = {
    f"__label__{label}": ARABIC_CANDIDATES.index(_FT_MERGE.get(label, label))
    for label in (*ARABIC_CANDIDATES, *_FT_MERGE)
}


def _ft_candidate_probs(ft: dict[str, float]) -> dict[str, float]:
    out = dict.fromkeys(ARABIC_CANDIDATES, 0.0)
    for label, p in ft.items():
        lang = _FT_MERGE.get(label, label)
        if lang in out:
            out[lang] += p
    return out


def arabic_inputs(
    text: str,
    n_words: int,
    fasttext: FastTextModel,
    py3: Py3LangidModel,
    langdetect: LangdetectModel,
    ft: dict[str, float] | None = None,
) -> tuple[int, list[list[float]], list[float]]:
    """Everything the Arabic-script model looks at: ``(bucket, per-class model log-probs
    [class][ft, py, ld], orthographic features)``. Shared by inference and fitting."""
    bucket = length_bucket(n_words)
    if ft is None:
        ft = fasttext.predict(text, k=10)
    p_ft = _ft_candidate_probs(ft)
    model_feats = [[math.log(p_ft[c] + _EPS), 0.0, 0.0] for c in ARABIC_CANDIDATES]
    if bucket < SHORT_BUCKETS:
        p_py = py3.probs(text, ARABIC_CANDIDATES)
        if p_py:
            for row, c in zip(model_feats, ARABIC_CANDIDATES, strict=True):
                row[1] = math.log(p_py.get(c, 0.0) + _EPS)
        p_ld = langdetect.probs(text)
        if p_ld:
            known = {c: p_ld.get(c, 0.0) for c in ("ar", "fa", "ur")}
            known["ps"] = max(0.0, 1.0 - sum(known.values()))
            for row, c in zip(model_feats, ARABIC_CANDIDATES, strict=True):
                row[2] = math.log(known[c] + 1e-3)
    return bucket, model_feats, orthography.features(text)


class ArabicWeights:
    """Parameters of the Arabic-script log-linear model (see module docstring)."""

    __slots__ = ("_pair_tables", "bias", "model", "orth")

    def __init__(self, model: list[list[float]], orth: list[list[float]], bias: list[float]) -> None:
        self.model = model  # [bucket][ft, py, ld]
        self.orth = orth  # [class][feature]
        self.bias = bias  # [class]
        self._pair_tables: list[list[list[complex]]] | None = None

    def _tables(self) -> list[list[list[complex]]]:
        """Orthographic score of each small count, two classes per complex number (ar + fa·j,
        ps + ur·j), so that one C-level ``sum()`` over the features adds up all four."""
        if self._pair_tables is None:
            self._pair_tables = [
                [
                    [complex(self.orth[c1][k] * x, self.orth[c2][k] * x) for x in _LOG1P_TABLE]
                    for k in range(len(orthography.FEATURE_NAMES))
                ]
                for c1, c2 in ((0, 1), (2, 3))
            ]
        return self._pair_tables

    @classmethod
    def load(cls, path: str | os.PathLike[str] = WEIGHTS_PATH, section: str = "arabic") -> ArabicWeights:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)[section]
        names = list(orthography.FEATURE_NAMES)
        return cls(
            model=[[b["fasttext"], b["py3langid"], b["langdetect"]] for b in data["model"]],
            orth=[[data["orthography"][c].get(n, 0.0) for n in names] for c in ARABIC_CANDIDATES],
            bias=[data["bias"][c] for c in ARABIC_CANDIDATES],
        )

    def posterior(self, bucket: int, model_feats: list[list[float]], orth: list[float]) -> dict[str, float]:
        wm0, wm1, wm2 = self.model[bucket]
        scores = [
            bias + wm0 * row[0] + wm1 * row[1] + wm2 * row[2] + sum(map(mul, w, orth))
            for bias, row, w in zip(self.bias, model_feats, self.orth, strict=True)
        ]
        return _softmax(ARABIC_CANDIDATES, scores)

    def orthography_decides(self, bucket: int, counts: list[int]) -> dict[str, float] | None:
        """The posterior when the orthographic counts alone are so decisive that no fastText
        output could change the decision or its score to four decimals, else None.

        fastText enters each class's score as ``w_ft * log(p + eps)``, so it moves the gap
        between two classes by at most ``w_ft * log((1 + eps) / eps)`` (16.5 nats for long
        texts); a gap 11 nats wider than that leaves the top class above 0.99995 whatever
        fastText says. Texts full of Pashto-only letters reach it: fastText is not asked.
        """
        t01, t23 = self._pair_tables or self._tables()
        try:
            s01 = sum(map(list.__getitem__, t01, counts))
            s23 = sum(map(list.__getitem__, t23, counts))
        except IndexError:
            return None
        b = self.bias
        scores = [b[0] + s01.real, b[1] + s01.imag, b[2] + s23.real, b[3] + s23.imag]
        gap = max(scores) - sorted(scores)[-2]
        if gap < self.model[bucket][0] * _FT_SWING + _ROUNDING_GAP:
            return None
        return _softmax(ARABIC_CANDIDATES, scores)

    def fast_posterior(self, bucket: int, ft_raw: list[tuple[float, str]], counts: list[int]) -> dict[str, float]:
        """:meth:`posterior` with fastText as the only detector, from fastText's raw output
        and the orthographic counts (not their logs): the sentence hot path."""
        t01, t23 = self._pair_tables or self._tables()
        getitem = list.__getitem__
        try:
            s01 = sum(map(getitem, t01, counts))
            s23 = sum(map(getitem, t23, counts))
        except IndexError:  # a count beyond the table (a long text): the general formula
            p_ft = _ft_candidate_probs({label[9:]: prob for prob, label in ft_raw})
            feats = [[math.log(p_ft[c] + _EPS), 0.0, 0.0] for c in ARABIC_CANDIDATES]
            return self.posterior(bucket, feats, [math.log1p(c) for c in counts])
        p = [_EPS, _EPS, _EPS, _EPS]
        for prob, label in ft_raw:
            ci = _FT_CANDIDATE_INDEX.get(label)
            if ci is not None:
                p[ci] += prob
        w = self.model[bucket][0]
        log = math.log
        b = self.bias
        s0 = b[0] + w * log(p[0]) + s01.real
        s1 = b[1] + w * log(p[1]) + s01.imag
        s2 = b[2] + w * log(p[2]) + s23.real
        s3 = b[3] + w * log(p[3]) + s23.imag
        top = max(s0, s1, s2, s3)
        exp = math.exp
        e0, e1, e2, e3 = exp(s0 - top), exp(s1 - top), exp(s2 - top), exp(s3 - top)
        total = e0 + e1 + e2 + e3
        return {_AR: e0 / total, _FA: e1 / total, _PS: e2 / total, _UR: e3 / total}


def _softmax(labels: tuple[str, ...] | list[str], scores: list[float]) -> dict[str, float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {lab: e / total for lab, e in zip(labels, exps, strict=True)}


class Ensemble:
    """Posterior over languages for one normalised, single-script piece of text."""

    def __init__(
        self,
        fasttext: FastTextModel,
        py3: Py3LangidModel,
        langdetect: LangdetectModel,
        fast_confidence: float = 0.9,
        sure: float = 0.99,
        sure_latin: float = 0.9,
    ) -> None:
        self.fasttext = fasttext
        self.py3 = py3
        self.langdetect = langdetect
        self.fast_confidence = fast_confidence
        # A prefix's posterior at least this high is final (see ``prefix``). Latin
        # posteriors hold back mass for labels fastText did not list, so they rarely pass
        # 0.95 on a prefix even when the language is plain; 0.9 there changed no decision
        # on the dev data, 0.99 in the Arabic model likewise.
        self.sure = sure
        self.sure_latin = sure_latin
        self._weights: tuple[ArabicWeights, ArabicWeights] | None = None

    @property
    def weights(self) -> tuple[ArabicWeights, ArabicWeights]:
        """(fast, full) Arabic-script weights, loaded on first use."""
        if self._weights is None:
            self._weights = (ArabicWeights.load(section="arabic_fast"), ArabicWeights.load())
        return self._weights

    def posterior(self, text: str, script: str, n_words: int, allow_slow: bool = True) -> dict[str, float]:
        """``{lang: probability}`` summing to 1 for ``text`` written in ``script``.

        ``allow_slow=False`` keeps to fastText and orthography even for a short, unsure
        Arabic-script piece (the caller has a long text around it to lean on)."""
        return self.posteriors([(text, script, n_words, allow_slow)])[0]

    def posteriors(self, items: Sequence[tuple[str, str, int, bool]]) -> list[dict[str, float]]:
        """:meth:`posterior` of many ``(text, script, n_words, allow_slow)`` at once.

        Each stage runs over the whole batch before the next (orthography of every
        Arabic-script text, then fastText on every prefix, ...): a model's tables stay in
        the CPU caches, where alternating models per text keeps evicting them.
        """
        out: list[dict[str, float]] = [{}] * len(items)
        arabic: list[int] = []
        latin: list[int] = []
        for i, (text, script, n_words, _slow) in enumerate(items):
            if script == "Arab":
                arabic.append(i)
            elif script == "Latn":
                latin.append(i)
            elif script == "Beng":
                # Bengali script on these sites is Bengali (Assamese and Bishnupriya share it,
                # but fastText separates them unreliably and they do not occur here).
                out[i] = {"bn": 0.99 if n_words > 1 else 0.97}
            else:
                out[i] = self._other(text, script)
        if arabic:
            posts = self._arabic([items[i] for i in arabic])
            for i, post in zip(arabic, posts, strict=True):
                out[i] = post
        if latin:
            posts = self._latin([items[i] for i in latin])
            for i, post in zip(latin, posts, strict=True):
                out[i] = post
        return out

    def _arabic(self, items: list[tuple[str, str, int, bool]]) -> list[dict[str, float]]:
        predict = self.fasttext.predict_many
        texts = [it[0] for it in items]
        n_words = [it[2] for it in items]
        prefixes = [prefix(t, n) for t, n in zip(texts, n_words, strict=True)]
        first = [j for j, (t, p) in enumerate(zip(texts, prefixes, strict=True)) if p is not t]
        posts: list[dict[str, float] | None] = [None] * len(items)
        if first:
            counts = orthography.counts
            orth_texts = [prefix(texts[j], n_words[j], ORTH_PREFIX_CHARS) for j in first]
            orth = [counts(t) for t in orth_texts]
            # Pashto so plainly spelt that fastText cannot change the answer, and no letter of
            # another Arabic-script language (which fastText might have named): not asked.
            decides = self.weights[0].orthography_decides
            undecided = []
            for j, text_j, orth_j in zip(first, orth_texts, orth, strict=True):
                post = None
                if orth_j[_PS_LETTERS] >= 3 and not orthography.has_foreign_letters(text_j):
                    post = decides(N_BUCKETS - 1, orth_j)
                    if post is not None and max(post, key=post.__getitem__) != _PS:
                        post = None  # Urdu letters alone do not exclude Punjabi (pnb)
                if post is None:
                    undecided.append((j, orth_j))
                else:
                    posts[j] = post
            first = [j for j, _ in undecided]
            orth = [orth_j for _, orth_j in undecided]
            raws = predict([prefixes[j] for j in first], PREFIX_K)
            sure = self.sure
            for j, raw, orth_j in zip(first, raws, orth, strict=True):
                post = self._arabic_fast(n_words[j], raw, orth_j)  # a long text: the longest bucket
                if max(post.values()) >= sure:
                    posts[j] = post
        rest = [j for j, post in enumerate(posts) if post is None]
        orth = [orthography.counts(texts[j]) for j in rest]
        raws = predict([texts[j] for j in rest], 10)
        for j, raw, orth_j in zip(rest, raws, orth, strict=True):
            post = self._arabic_fast(n_words[j], raw, orth_j)
            if items[j][3] and length_bucket(n_words[j]) < SLOW_BUCKETS and max(post.values()) < self.fast_confidence:
                # Unsure on a short string (so fastText saw all of it): the slower detectors.
                ft = {label[9:]: prob for prob, label in raw}
                bucket, model_feats, feats = arabic_inputs(
                    texts[j], n_words[j], self.fasttext, self.py3, self.langdetect, ft=ft
                )
                post = self.weights[1].posterior(bucket, model_feats, feats)
            posts[j] = post
        return posts  # type: ignore[return-value]

    def _arabic_fast(self, n_words: int, raw: list[tuple[float, str]], orth: list[int]) -> dict[str, float]:
        """Posterior of the fast model (fastText + orthography); another Arabic-script
        language when fastText is sure of one on a longer text."""
        if raw and n_words >= 4:
            p_top, label = raw[0]
            top = label[9:]
            if top in _FT_OTHER_ARABIC and p_top >= 0.9:
                return {top: p_top, **{c: (1.0 - p_top) / 4 for c in ARABIC_CANDIDATES}}
        return self.weights[0].fast_posterior(length_bucket(n_words), raw, orth)

    def _latin(self, items: list[tuple[str, str, int, bool]]) -> list[dict[str, float]]:
        predict = self.fasttext.predict_many
        texts = [it[0] for it in items]
        n_words = [it[2] for it in items]
        prefixes = [prefix(t, n, LATIN_PREFIX_CHARS) for t, n in zip(texts, n_words, strict=True)]
        posts: list[dict[str, float] | None] = [None] * len(items)
        first = [j for j, (t, p) in enumerate(zip(texts, prefixes, strict=True)) if p is not t]
        for j, ft in zip(first, predict([prefixes[j] for j in first], 5), strict=True):
            post = self._latin_post(texts[j], n_words[j], ft)
            if max(post.values()) >= self.sure_latin:
                posts[j] = post
        rest = [j for j, post in enumerate(posts) if post is None]
        for j, ft in zip(rest, predict([texts[j] for j in rest], 5), strict=True):
            posts[j] = self._latin_post(texts[j], n_words[j], ft)
        return posts  # type: ignore[return-value]

    def _latin_post(self, text: str, n_words: int, ft_raw: list[tuple[float, str]]) -> dict[str, float]:
        scripts = _label_scripts()
        # English prior in log-odds: strong for chrome-length strings, mild for sentences,
        # plus one per English function word.
        bonus = _PRIOR_EN[length_bucket(n_words)] + sum(map(_IS_ENGLISH_FUNCTION_WORD, text.lower().split()))
        log = math.log
        labels: list[str] = []
        scores: list[float] = []
        listed = 0.0
        for p, label in ft_raw:
            listed += p
            lang = label[9:]
            if scripts.get(lang, "Latn") == "Latn":
                labels.append(lang)
                scores.append(log(p + _EPS) + bonus if lang == "en" else log(p + _EPS))
        if "en" not in labels:
            labels.append("en")
            scores.append(log(_EPS) + bonus)
        # Mass of everything fastText did not list, so a lone weak label is not inflated.
        rest = max(1e-3, 1.0 - listed)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        scale = (1.0 - 0.5 * rest) / sum(exps)
        return {lang: e * scale for lang, e in zip(labels, exps, strict=True)}

    def _other(self, text: str, script: str) -> dict[str, float]:
        ft = self.fasttext.predict(text, k=10)
        scripts = _label_scripts()
        fitting = {lab: p for lab, p in ft.items() if scripts.get(lab) == script}
        if not fitting:
            default = SCRIPT_DEFAULT.get(script, "und")
            return {default: 0.6}
        total = sum(fitting.values())
        conf = min(1.0, total / max(sum(ft.values()), 1e-9))
        return {lab: p / total * conf for lab, p in fitting.items()}
