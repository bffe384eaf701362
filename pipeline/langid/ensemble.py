"""Combining the evidence into one calibrated posterior per script run.

Arabic script (ar / fa / ps / ur) — a small log-linear model (multinomial logistic
regression) whose weights live in ``weights.json`` and are fitted by
``python -m pipeline.langid.fit`` on one half of the development data::

    score(c) = w_ft[b] * log p_fastText(c) + w_py[b] * log p_py3langid(c)
             + w_ld[b] * log p_langdetect(c) + sum_k W[c, k] * orth_k + bias[c]
    P(c | text) = softmax_c(score)

``b`` is a length bucket (1 word, 2-3, 4-8, more), so each detector is trusted as much as it
deserves at that length: fastText dominates sentences, py3langid and langdetect only get a
say in short strings. A second set of weights (``arabic_fast``: fastText + orthography
only) is tried first; the slow detectors are consulted only when it is below
``fast_confidence`` on a chrome-length string (three words or fewer), which keeps
sentence throughput high and py3langid/langdetect unloaded on clean text. langdetect has
no Pashto: its Pashto input is the probability mass it gave to languages outside
{ar, fa, ur}. ``orth_k`` are the orthographic counts of
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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import orthography
from .models import FastTextModel, LangdetectModel, Py3LangidModel

__all__ = ["ARABIC_CANDIDATES", "Ensemble", "arabic_inputs", "length_bucket"]

ARABIC_CANDIDATES: tuple[str, ...] = ("ar", "fa", "ps", "ur")
N_BUCKETS = 4
SHORT_BUCKETS = 3  # buckets 0..2 (<= 8 words) have py3langid and langdetect features
SLOW_BUCKETS = 2  # ... but they are only computed at runtime for <= 3 words (chrome length)
_EPS = 1e-4
WEIGHTS_PATH = Path(__file__).with_name("weights.json")

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


def effective_words(text: str) -> int:
    """Whitespace words, but at least one per six letters: some pages glue a whole
    sentence together ("نعلمأنهذا...") and that is still a sentence's worth of evidence."""
    return max(text.count(" ") + 1 if text else 0, len(text) // 6)


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
    with open(Path(__file__).with_name("label_scripts.json"), encoding="utf-8") as f:
        return json.load(f)


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


@dataclass(slots=True)
class ArabicWeights:
    """Parameters of the Arabic-script log-linear model (see module docstring)."""

    model: list[list[float]]  # [bucket][ft, py, ld]
    orth: list[list[float]]  # [class][feature]
    bias: list[float]  # [class]

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH, section: str = "arabic") -> ArabicWeights:
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
        active = [(k, x) for k, x in enumerate(orth) if x]
        scores = []
        for ci, row in enumerate(model_feats):
            w = self.orth[ci]
            s = self.bias[ci] + wm0 * row[0] + wm1 * row[1] + wm2 * row[2]
            for k, x in active:
                s += w[k] * x
            scores.append(s)
        return _softmax(ARABIC_CANDIDATES, scores)


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
    ) -> None:
        self.fasttext = fasttext
        self.py3 = py3
        self.langdetect = langdetect
        self.fast_confidence = fast_confidence
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
        if script == "Arab":
            return self._arabic(text, n_words, allow_slow)
        if script == "Latn":
            return self._latin(text, n_words)
        if script == "Beng":
            # Bengali script on these sites is Bengali (Assamese and Bishnupriya share it, but
            # fastText separates them unreliably and they do not occur here).
            return {"bn": 0.99 if n_words > 1 else 0.97}
        return self._other(text, script)

    def _arabic(self, text: str, n_words: int, allow_slow: bool) -> dict[str, float]:
        ft = self.fasttext.predict(text, k=10)
        top = max(ft, key=ft.__getitem__) if ft else ""
        if top in _FT_OTHER_ARABIC and n_words >= 4 and ft[top] >= 0.9:
            return {top: ft[top], **{c: (1.0 - ft[top]) / 4 for c in ARABIC_CANDIDATES}}
        fast, full = self.weights
        bucket = length_bucket(n_words)
        p_ft = _ft_candidate_probs(ft)
        model_feats = [[math.log(p_ft[c] + _EPS), 0.0, 0.0] for c in ARABIC_CANDIDATES]
        orth = orthography.features(text)
        post = fast.posterior(bucket, model_feats, orth)
        if not allow_slow or bucket >= SLOW_BUCKETS or max(post.values()) >= self.fast_confidence:
            return post
        # Unsure on a short string: bring in the slower detectors.
        bucket, model_feats, orth = arabic_inputs(text, n_words, self.fasttext, self.py3, self.langdetect, ft=ft)
        return full.posterior(bucket, model_feats, orth)

    def _latin(self, text: str, n_words: int) -> dict[str, float]:
        ft = self.fasttext.predict(text, k=5)
        scripts = _label_scripts()
        # English prior in log-odds: strong for chrome-length strings, mild for sentences.
        prior_en = (3.0, 2.5, 1.5, 1.0)[length_bucket(n_words)]
        words = text.lower().split()
        fw = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS)
        labels: list[str] = []
        scores: list[float] = []
        for label, p in ft.items():
            if scripts.get(label, "Latn") != "Latn":
                continue
            s = math.log(p + _EPS)
            if label == "en":
                s += prior_en + 1.0 * fw
            labels.append(label)
            scores.append(s)
        if "en" not in labels:
            labels.append("en")
            scores.append(math.log(_EPS) + prior_en + 1.0 * fw)
        # Mass of everything fastText did not list, so a lone weak label is not inflated.
        rest = max(1e-3, 1.0 - sum(ft.values()))
        labels.append("und")
        scores.append(math.log(rest))
        post = _softmax(labels, scores)
        post.pop("und")
        total = sum(post.values())
        return {k: v / total * (1.0 - 0.5 * rest) for k, v in post.items()}

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
