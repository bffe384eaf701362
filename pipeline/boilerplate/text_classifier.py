"""Plain-text boilerplate classifier: features -> small MLP -> HMM -> roles.

An average of small one-hidden-layer networks (``weights.json``, fitted by
``bench/boilerplate_train.py``) scores each line from its own shape and its neighbourhood; strong chrome phrases and
language-switcher autonyms cap the score; a two-state HMM smooths the scores along the
page; :func:`roles.assign_roles` turns the keep/drop decision into roles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .context import context_columns
from .features import LineFacts, featurize, is_layout
from .lexicon import load_lexicons
from .lines import Line
from .roles import Roles, apply_list_rules, assign_roles
from .smoothing import forward_backward
from .trees import TreeEnsemble

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
_CHROME_CAP = 0.02  # strong chrome, switcher labels, menu-shaped lines: P(content) at most this
PROSE_MIN_TOKENS = 30  # prose: a unique, long, sentence-punctuated line with function words (see _rules)
PROSE_MIN_STOP = 0.25
PROSE_KEEP_MIN = 0.05  # a long unique sentence is kept unless the smoothed P(content) is below this...
PROSE_MODEL_KEEP = 0.5  # ...or, with function words, whenever the model itself scores it content
CONTINUATION_MIN_TOKENS = 12  # a sentence this long right after (or before) kept content continues the article
FOREIGN_SHORT_FACTOR = 0.3
HOST_REPEATED_CAP = 0.1  # a line the site repeats on many pages: chrome unless its context is strongly content
# the second stage's guard: when it would keep fewer characters than this on a page where the first stage
# alone keeps at least this many, the first stage decides (the fifth round's second stage emptied two pages)
CONTEXT_GUARD_CHARS = 500


def is_layout_page(lines: Sequence[Line]) -> bool:
    """True for a rendered web page with its layout kept (:func:`.features.is_layout`)."""
    return is_layout(sum(1 for ln in lines if ln.indent > 0), len(lines))


def _strong_chrome(f: LineFacts) -> np.ndarray:
    """Switcher labels and strong chrome phrases in lines of at most 20 tokens."""
    return f.switcher | ((f.chrome_strength == 2) & (f.n_tokens <= 20))


def _long_unique_sentence(f: LineFacts) -> np.ndarray:
    return (f.n_tokens >= PROSE_MIN_TOKENS) & f.ends_punct & (f.dup == 1) & (f.chrome_strength == 0)


def _menu_shaped(f: LineFacts) -> np.ndarray:
    """Repeated short bullet items, and glued link labels ("LatestPakistanTop News")."""
    return ((f.n_tokens <= 6) & (f.dup >= 2) & f.menu_bullet) | ((f.n_tokens <= 8) & ~f.ends_punct & f.glued)


@lru_cache(maxsize=1)
def _default_params() -> dict[str, Any]:
    return json.loads(WEIGHTS_PATH.read_text())


def _continue_article(f: LineFacts, keep: np.ndarray) -> None:
    """Keep sentence-like lines that directly follow or precede kept content.

    The model learns that the end of a page is chrome (position features), so the last
    paragraphs of an article just before "Related articles" or the comment form score low,
    and so can the first paragraph under a menu. A unique, punctuated line with function words
    right after (or before) kept content continues the article; a short or chrome-like line
    (or a repeated one) stops the continuation. (Upwards too, since this round: wcxb rendered
    text on the fit split 0.9419 → 0.9415, trafilatura-eval fit ``with`` 87.8 → 88.0 %,
    ``without`` 11.5 → 11.9 %; a short German article's first paragraph under its menu is kept.)
    "Function words" is the prose bar, ``PROSE_MIN_STOP`` (it was 0.3 here: out of fold, turku per
    language 0.8076 → 0.8077, wcxb layout 0.9542 unchanged; a Swedish post's last paragraph, 0.28, kept).
    """
    cand = (~keep & (f.n_tokens >= CONTINUATION_MIN_TOKENS) & f.ends_punct & (f.dup == 1) & (f.chrome_strength == 0)
            & ~f.switcher & (f.stop_rate >= PROSE_MIN_STOP))
    after = cand.copy()
    after[:1] = False
    for i in np.flatnonzero(after).tolist():  # in order: a continued line lets the next one continue
        if keep[i - 1]:
            keep[i] = True
    # the same upwards: the article's first paragraphs right under a menu score low too
    before = cand & ~keep
    before[-1:] = False
    for i in np.flatnonzero(before).tolist()[::-1]:
        if keep[i + 1]:
            keep[i] = True


# OpenBLAS runs a matrix product on one thread when m*n*k <= 65536 * 4; above that it wakes its
# worker threads, which on a busy machine costs far more than the product itself (and, unless
# OPENBLAS_NUM_THREADS=1, gives other last bits than one thread). Both layers are therefore computed in
# row blocks below that size. Before the second layer was, a 150-page run's OpenBLAS thread spun for
# 0.45 CPU-s beside the run's 13.7.
_BLAS_SINGLE_THREAD_MAX = 65536 * 4


class _Ensemble:
    """An average of small one-hidden-layer tanh networks over standardised inputs.

    The nets are stacked into one wide layer: h = tanh(z W1 + b1); p = mean_k sigmoid(h_k w2_k + b2_k).
    The standardisation z = (x - mean) / std is folded into the first layer (``x W1' + b1'``), and the
    second layer is one product with a block-diagonal matrix: no per-page pass over the standardised
    copy of the features.

    In float64: float32 was ~5 % faster, but its products and tanh differ by CPU (AVX-512 kernels and
    numpy's SVML loops against AVX2 ones) by up to 1e-7 in a score, enough to change the 4th decimal of
    a record's ``role_score`` between machines; float64's differences are ~1e-16.
    """

    def __init__(self, p: dict[str, Any]) -> None:
        self.mean = np.asarray(p["mean"], dtype=np.float64)
        self.std = np.asarray(p["std"], dtype=np.float64)
        nets = p["nets"]
        hidden = len(nets[0]["b1"])
        w1 = np.hstack([np.asarray(n["w1"], dtype=np.float64) for n in nets])
        self.w1_x = w1 / self.std[:, None]
        self.b1_x = np.concatenate([np.asarray(n["b1"], dtype=np.float64) for n in nets]) - (self.mean / self.std) @ w1
        k = len(nets)
        self.w2_blocks = np.zeros((k * hidden, k))
        for j, n in enumerate(nets):
            self.w2_blocks[j * hidden:(j + 1) * hidden, j] = np.asarray(n["w2"], dtype=np.float64)
        self.b2 = np.asarray([float(n["b2"]) for n in nets])
        self.rows = max(1, _BLAS_SINGLE_THREAD_MAX // self.w1_x.size)
        self.rows2 = max(1, _BLAS_SINGLE_THREAD_MAX // self.w2_blocks.size)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        h = np.empty((len(X), self.w1_x.shape[1]))
        for s in range(0, len(X), self.rows):
            np.matmul(X[s:s + self.rows], self.w1_x, out=h[s:s + self.rows])
        h += self.b1_x
        np.tanh(h, out=h)
        z = np.empty((len(h), self.w2_blocks.shape[1]))
        for s in range(0, len(h), self.rows2):  # the second product in blocks too (pages of > 256 lines)
            np.matmul(h[s:s + self.rows2], self.w2_blocks, out=z[s:s + self.rows2])
        z += self.b2
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).mean(axis=1)


class TextBoilerplateClassifier:
    """Label every line of a rendered page with a :class:`Role` and a confidence."""

    def __init__(self, params: dict[str, Any] | None = None, smooth: bool = True) -> None:
        p = params if params is not None else _default_params()
        self.features = tuple(p["features"])
        try:
            featurize([], self.features)
        except ValueError as exc:
            raise ValueError("weights.json does not match the feature set; rerun bench/boilerplate_train.py") from exc
        self.net = _Ensemble(p)
        # optional: boosted trees beside the networks (issue 14's ninth round), their P(content) averaged with
        # the networks' with weight "blend" - two model families err on different lines - on flat text
        # only unless "layouts" says so
        trees = p.get("trees") or {}
        self.trees = TreeEnsemble(trees) if trees else None
        self.tree_blend = float(trees.get("blend", 0.0))
        self.trees_on_layouts = bool(trees.get("layouts", False))
        # optional: the trees only on lines whose networks' score lies strictly inside this band (the
        # trees cost ~4 ms on a long flat page; the networks are sure of most lines)
        band = trees.get("band")
        self.tree_band = (float(band[0]), float(band[1])) if band else None
        # optional: a second ensemble fitted on flat pages only, run on them instead (one model per page;
        # issue 14's seventh round, see docs/boilerplate.md); its own prior for the smoothing
        self.flat_net = _Ensemble(p["flat"]) if p.get("flat") else None
        # the second stage over the first one's scores in their page (see context.py); absent: first stage only
        self.context = _Ensemble(p["context"]) if p.get("context") else None
        self.context_on_layouts = bool((p.get("context") or {}).get("layouts", True))  # else flat text only
        self.context_guard_chars = int((p.get("context") or {}).get("guard_chars", 0))  # 0: no guard
        # word weights of flat text and of rendered layouts (see is_layout_page)
        self.flat_lexicon, self.layout_lexicon = load_lexicons(p.get("lexicon"), WEIGHTS_PATH.parent)
        self.prior = float(p["prior"])
        self.flat_prior = float(p["flat"]["prior"]) if p.get("flat") else self.prior
        self.stay = float(p["stay"])
        self.threshold = float(p["threshold"])
        layout = p.get("layout") or {}
        self.layout_stay = float(layout.get("stay", self.stay))
        self.layout_threshold = float(layout.get("threshold", self.threshold))
        self.smooth = smooth
        self.prose_floor = float(p.get("prose_floor", 0.0))

    def content_probability(self, lines: list[Line], repeated: Sequence[bool] | None = None
                            ) -> tuple[np.ndarray, LineFacts]:
        """Unsmoothed P(main content) per line, with strong chrome / switchers capped.

        *repeated* flags lines the page's site repeats across its pages (host memory): they
        count as duplicated lines for every rule, and their score is capped.
        """
        p, f, _ = self._scores(lines, repeated, is_layout_page(lines))
        return p, f

    def _scores(self, lines: list[Line], repeated: Sequence[bool] | None, layout: bool
                ) -> tuple[np.ndarray, LineFacts, np.ndarray]:
        """(P(content) after the rules, the facts, the model's own score before them)."""
        p, f, model, _ = self._scores_and_first(lines, repeated, layout)
        return p, f, model

    def _scores_and_first(self, lines: list[Line], repeated: Sequence[bool] | None, layout: bool
                          ) -> tuple[np.ndarray, LineFacts, np.ndarray, np.ndarray | None]:
        """As :meth:`_scores`, plus the first stage's own score when a second stage rescored it (else None)."""
        X, f = featurize(lines, self.features, self.layout_lexicon if layout else self.flat_lexicon)
        if not len(f):
            return np.zeros(0), f, np.zeros(0), None
        if repeated is not None:
            f.dup = np.where(np.asarray(repeated, dtype=bool), np.maximum(f.dup, 2), f.dup)
        model = (self.flat_net if self.flat_net is not None and not layout else self.net)(X)
        if self.trees is not None and (self.trees_on_layouts or not layout):
            model = self._blend_trees(model, X)
        first = None
        if self.context is not None and (self.context_on_layouts or not layout):
            first = model
            model = self.context(context_columns(model, f, layout))
        return self._adjusted(model, f, repeated), f, model, first

    def _blend_trees(self, model: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The networks' score blended with the trees' on the lines inside the band (every line without one)."""
        lo, hi = self.tree_band or (-np.inf, np.inf)
        unsure = (model > lo) & (model < hi)
        out = model.copy()
        if unsure.any():
            out[unsure] = (1.0 - self.tree_blend) * model[unsure] + self.tree_blend * self.trees(X[unsure])
        return out

    def _adjusted(self, model: np.ndarray, f: LineFacts, repeated: Sequence[bool] | None) -> np.ndarray:
        """P(content) from the model's score: the rules, short foreign lines, site-repeated lines."""
        p = self._rules(model, f)
        # a short line in another language than the page (Line.lang from language ID), or an
        # unpunctuated one in another script: the dev data has no language tags and few mixed-script
        # pages, so this prior is a rule, not a learned weight
        foreign = (f.other_lang & (f.n_tokens <= 8)) | (f.foreign & ~f.ends_punct)
        p = np.where(foreign, p * FOREIGN_SHORT_FACTOR, p)
        if repeated is not None:
            p = np.where(np.asarray(repeated, dtype=bool), np.minimum(p, HOST_REPEATED_CAP), p)
        return p

    def _rules(self, p: np.ndarray, f: LineFacts) -> np.ndarray:
        """Strong chrome, switcher labels and menu-shaped lines capped; prose floored."""
        capped = _strong_chrome(f) | _menu_shaped(f)
        p = np.where(capped, np.minimum(p, _CHROME_CAP), p)
        if self.prose_floor:
            # prose: the first paragraph under a header full of menus must not be smoothed away
            prose = ~capped & _long_unique_sentence(f) & (f.stop_rate >= PROSE_MIN_STOP)
            p = np.where(prose, np.maximum(p, self.prose_floor), p)
        return p

    def smoothed(self, lines: list[Line], repeated: Sequence[bool] | None = None
                 ) -> tuple[np.ndarray, LineFacts]:
        """Smoothed P(main content) per line, and the facts the role rules need."""
        return self._smoothed(lines, repeated, is_layout_page(lines))

    def _smoothed(self, lines: list[Line], repeated: Sequence[bool] | None, layout: bool
                  ) -> tuple[np.ndarray, LineFacts]:
        """``layout``: the page is a rendered layout (:func:`is_layout_page`), smoothed as one."""
        post, f, _ = self._smoothed_and_model(lines, repeated, layout)
        return post, f

    def _smoothed_and_model(self, lines: list[Line], repeated: Sequence[bool] | None, layout: bool
                            ) -> tuple[np.ndarray, LineFacts, np.ndarray]:
        """Smoothed P(content), the facts, and the model's own score (for the long-prose keep rule)."""
        p, f, model = self._scores(lines, repeated, layout)
        return self._smooth(p, layout), f, model

    def _smooth(self, p: np.ndarray, layout: bool) -> np.ndarray:
        if self.smooth and len(p):
            p = forward_backward(p, *((self.layout_stay, self.prior) if layout else (self.stay, self.flat_prior)))
        return p

    def classify(self, lines: list[Line], host: str | None = None, *,
                 title: str | None = None, repeated: Sequence[bool] | None = None,
                 captions: Sequence[bool] | None = None) -> Roles:
        """One (role, confidence) per line.

        ``host`` names the page's site (for logs); ``title``, when known (HTML metadata), pins
        the TITLE line; ``repeated`` flags lines the site repeats across pages (see
        :mod:`.host_memory`); ``captions`` marks lines the HTML markup names as captions.
        """
        layout = is_layout_page(lines)
        p, f, model, first = self._scores_and_first(lines, repeated, layout)
        post = self._smooth(p, layout)
        keep = self._keep(lines, f, post, model, layout)
        if first is not None and self.context_guard_chars:
            # the guard: a second stage that would (nearly) empty a page the first stage keeps text of
            # does not decide it
            n_chars = np.fromiter((len(ln.text) for ln in lines), dtype=np.int64, count=len(lines))
            if n_chars[keep].sum() < self.context_guard_chars:
                post1 = self._smooth(self._adjusted(first, f, repeated), layout)
                keep1 = self._keep(lines, f, post1, first, layout)
                if n_chars[keep1].sum() >= self.context_guard_chars:
                    post, keep = post1, keep1
        return assign_roles(lines, f, keep, post, title, captions)

    def _keep(self, lines: list[Line], f: LineFacts, post: np.ndarray, model: np.ndarray, layout: bool
              ) -> np.ndarray:
        """The keep decision per line from the smoothed P(content), before roles are named."""
        keep = post >= (self.layout_threshold if layout else self.threshold)
        if self.prose_floor:
            # a long unique sentence is kept unless its context is overwhelmingly chrome, and
            # always when the model itself (before smoothing) calls a paragraph with function words
            # content: the first paragraph under a 190-line menu must not be smoothed away (seed 000)
            keep |= _long_unique_sentence(f) & (
                (post >= PROSE_KEEP_MIN) | ((model >= PROSE_MODEL_KEEP) & (f.stop_rate >= PROSE_MIN_STOP)))
        keep &= ~_strong_chrome(f)
        _continue_article(f, keep)
        apply_list_rules(lines, f, keep)
        return keep
