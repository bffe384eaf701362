"""Plain-text boilerplate classifier: features -> small MLP -> HMM -> roles.

An average of small one-hidden-layer networks (``weights.json``, fitted by
``bench/boilerplate_train.py``) scores each line from its own shape and its neighbourhood; strong chrome phrases and
language-switcher autonyms cap the score; a two-state HMM smooths the scores along the
page; :func:`roles.assign_roles` turns the keep/drop decision into roles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.document import Role

from .features import FEATURE_NAMES, LineInfo, featurize
from .lines import Line
from .roles import apply_list_rules, assign_roles
from .smoothing import forward_backward

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
_CHROME_CAP = 0.02  # strong chrome, switcher labels, menu-shaped lines: P(content) at most this
PROSE_MIN_TOKENS = 30
CONTINUATION_MIN_TOKENS = 12  # a sentence this long right after kept content continues the article
_STOP = FEATURE_NAMES.index("stop_rate")
_FOREIGN_LANG = FEATURE_NAMES.index("foreign_lang")
FOREIGN_SHORT_FACTOR = 0.3
HOST_REPEATED_CAP = 0.1  # a line the site repeats on many pages: chrome unless its context is strongly content


def _is_prose(info: LineInfo, stop_rate: float) -> bool:
    """A unique, long, sentence-punctuated line with function words: article prose.

    Such a paragraph is almost never chrome, whatever its neighbours look like; the first
    paragraph under a header full of menus must not be smoothed away.
    """
    return (info.n_tokens >= PROSE_MIN_TOKENS and info.ends_punct and info.dup == 1 and info.chrome_strength == 0
            and stop_rate >= 0.25)


_GLUE_RE = re.compile(r"[a-z][A-Z]")


def _menu_shaped(line: Line, info: LineInfo) -> bool:
    """A repeated short bullet item, or glued link labels ("LatestPakistanTop News")."""
    t = line.text
    if info.n_tokens <= 6 and info.dup >= 2 and t[:1] in "•*+-·":
        return True
    return info.n_tokens <= 8 and not info.ends_punct and len(_GLUE_RE.findall(t)) >= 2


@lru_cache(maxsize=1)
def _default_params() -> dict[str, Any]:
    return json.loads(WEIGHTS_PATH.read_text())


def _continue_article(infos: list[LineInfo], keep: np.ndarray) -> None:
    """Keep sentence-like lines that directly follow kept content.

    The model learns that the end of a page is chrome (position features), so the last
    paragraphs of an article just before "Related articles" or the comment form score low. A
    unique, punctuated line with function words right after kept content continues the
    article; a short or chrome-like line (or a repeated one) stops the continuation.
    """
    for i in range(1, len(infos)):
        info = infos[i]
        if (
            not keep[i]
            and keep[i - 1]
            and info.n_tokens >= CONTINUATION_MIN_TOKENS
            and info.ends_punct
            and info.dup == 1
            and info.chrome_strength == 0
            and not info.switcher
            and info.stop_rate >= 0.3
        ):
            keep[i] = True


class TextBoilerplateClassifier:
    """Label every line of a rendered page with a :class:`Role` and a confidence."""

    def __init__(self, params: dict[str, Any] | None = None, smooth: bool = True) -> None:
        p = params if params is not None else _default_params()
        if list(p["features"]) != list(FEATURE_NAMES):
            raise ValueError("weights.json does not match the feature set; rerun bench/boilerplate_train.py")
        self.mean = np.asarray(p["mean"], dtype=np.float64)
        self.std = np.asarray(p["std"], dtype=np.float64)
        # an ensemble of small nets stacked into one wide layer: h = tanh(z W1 + b1); p = mean(sigmoid(h_k w2_k + b2_k))
        nets = p["nets"]
        self.w1 = np.hstack([np.asarray(n["w1"], dtype=np.float64) for n in nets])
        self.b1 = np.concatenate([np.asarray(n["b1"], dtype=np.float64) for n in nets])
        self.hidden = len(nets[0]["b1"])
        self.w2 = np.stack([np.asarray(n["w2"], dtype=np.float64) for n in nets])
        self.b2 = np.asarray([float(n["b2"]) for n in nets])
        self.prior = float(p["prior"])
        self.stay = float(p["stay"])
        self.threshold = float(p["threshold"])
        self.smooth = smooth
        self.prose_floor = float(p.get("prose_floor", 0.0))

    def content_probability(self, lines: list[Line], repeated: Sequence[bool] | None = None
                            ) -> tuple[np.ndarray, list[LineInfo]]:
        """Unsmoothed P(main content) per line, with strong chrome / switchers capped.

        *repeated* flags lines the page's site repeats across its pages (host memory): they
        count as duplicated lines for every rule, and their score is capped.
        """
        X, infos = featurize(lines)
        if not infos:
            return np.zeros(0), infos
        if repeated is not None:
            infos = [replace(info, dup=max(info.dup, 2)) if flag else info
                     for info, flag in zip(infos, repeated, strict=True)]
        # einsum, not @: multi-threaded BLAS on a busy machine costs ~100x on matrices this small
        h = np.tanh(np.einsum("nd,dh->nh", (X - self.mean) / self.std, self.w1) + self.b1)
        h = h.reshape(len(h), len(self.b2), self.hidden)
        z = np.einsum("nkh,kh->nk", h, self.w2) + self.b2
        p = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).mean(axis=1)
        stop = X[:, _STOP]
        foreign = X[:, _FOREIGN_LANG]
        for i, info in enumerate(infos):
            nt = info.n_tokens
            if foreign[i] and nt <= 8:
                # a short line in another language than the page (Line.lang from language ID):
                # the dev data has no language tags, so this prior is a rule, not a learned weight
                p[i] *= FOREIGN_SHORT_FACTOR
            if info.switcher or (info.chrome_strength == 2 and nt <= 20) or (nt <= 8 and _menu_shaped(lines[i], info)):
                p[i] = min(p[i], _CHROME_CAP)
            elif self.prose_floor and nt >= PROSE_MIN_TOKENS and _is_prose(info, stop[i]):
                p[i] = max(p[i], self.prose_floor)
        if repeated is not None:
            p = np.where(np.asarray(repeated, dtype=bool), np.minimum(p, HOST_REPEATED_CAP), p)
        return p, infos

    def smoothed(self, lines: list[Line], repeated: Sequence[bool] | None = None
                 ) -> tuple[np.ndarray, list[LineInfo]]:
        """Smoothed P(main content) per line."""
        p, infos = self.content_probability(lines, repeated)
        if self.smooth and len(p):
            p = forward_backward(p, self.stay, self.prior)
        return p, infos

    def classify(self, lines: list[Line], host: str | None = None, *,
                 title: str | None = None, repeated: Sequence[bool] | None = None) -> list[tuple[Role, float]]:
        """One (role, confidence) per line.

        ``host`` names the page's site (for logs); ``title``, when known (HTML metadata), pins
        the TITLE line; ``repeated`` flags lines the site repeats across pages (see
        :mod:`.host_memory`).
        """
        post, infos = self.smoothed(lines, repeated)
        keep = post >= self.threshold
        for i, info in enumerate(infos):
            if self.prose_floor and not keep[i] and post[i] >= 0.05 and info.n_tokens >= PROSE_MIN_TOKENS \
                    and info.dup == 1 and info.ends_punct and info.chrome_strength == 0:
                keep[i] = True
            if info.switcher or (info.chrome_strength == 2 and info.n_tokens <= 20):
                keep[i] = False
        _continue_article(infos, keep)
        apply_list_rules(lines, infos, keep)
        return assign_roles(lines, infos, keep, post, title)
