"""Second-stage columns: each line's first-model score in the context of its page.

The first model scores a line from its own shape and a fixed neighbourhood of features; it
cannot see how the *page* scored. A second small model (``weights.json`` → ``"context"``,
fitted by ``bench/boilerplate_train.py`` on out-of-fold first-stage scores, so it learns how
far to trust them on unseen pages) rescores every line from these columns: its own
first-stage logit, its neighbours', the page's score distribution, and its rank within the
page. The hypothesis it tests: on a page where every line scores ~0.6, keeping every line is
wrong – the page's own distribution says which of them are the article. Measured in issue 14's
fifth round and not kept (docs/boilerplate.md): the shipped ``weights.json`` has no second stage.
"""

from __future__ import annotations

import numpy as np

from .features import LineFacts

_REACH = 3  # neighbours on each side
_EPS = 1e-4

CONTEXT_NAMES: tuple[str, ...] = (
    "logit",
    *(f"logit_prev{k}" for k in range(1, _REACH + 1)),
    *(f"logit_next{k}" for k in range(1, _REACH + 1)),
    "logit_window",  # distance-weighted mean of the ±3 neighbours (weights 1/d)
    "logit_minus_page",  # the line's logit minus the page's mean logit
    "page_mean_logit",
    "page_q25", "page_q50", "page_q75",  # quantiles of P(content) over the page's lines
    "page_share_kept",  # share of the page's lines scored >= 0.5
    "rank_score",  # the line's score rank in its page, 0 (lowest) .. 1 (highest)
    "rank_length",  # the same for its token count
    "position",  # relative line position, 0 .. 1
    "log_tokens", "ends_punct", "repeated", "stop_rate",
    "layout",  # 1 for a rendered layout (see text_classifier.is_layout_page)
    "log_lines",
)


def _rank(order: np.ndarray) -> np.ndarray:
    """0 .. 1 rank of every entry, from its stable ``argsort`` ``order``."""
    n = len(order)
    r = np.empty(n)
    r[order] = np.arange(n) / max(1, n - 1)
    return r


def _quantiles(ascending: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """``np.quantile``'s default (linear) quantiles of already sorted values, without its overhead."""
    n = len(ascending)
    out = []
    for q in qs:
        pos = q * (n - 1)
        lo = int(pos)
        hi = min(lo + 1, n - 1)
        out.append(float(ascending[lo] + (pos - lo) * (ascending[hi] - ascending[lo])))
    return out


def context_columns(p1: np.ndarray, f: LineFacts, layout: bool) -> np.ndarray:
    """The ``CONTEXT_NAMES`` columns (one row per line) from first-stage P(content) ``p1``."""
    n = len(p1)
    out = np.empty((n, len(CONTEXT_NAMES)))
    if not n:
        return out
    pc = np.clip(p1, _EPS, 1 - _EPS)
    logit = np.log(pc / (1 - pc))
    mean = float(logit.mean())
    padded = np.concatenate([np.full(_REACH, mean), logit, np.full(_REACH, mean)])  # beyond the page: its mean
    out[:, 0] = logit
    window = np.zeros(n)
    for k in range(1, _REACH + 1):
        prev, nxt = padded[_REACH - k:_REACH - k + n], padded[_REACH + k:_REACH + k + n]
        out[:, k], out[:, _REACH + k] = prev, nxt
        window += (prev + nxt) / k
    j = 2 * _REACH + 1
    out[:, j] = window / (2 * sum(1 / k for k in range(1, _REACH + 1)))
    out[:, j + 1] = logit - mean
    out[:, j + 2] = mean
    order = np.argsort(p1, kind="stable")
    out[:, j + 3:j + 6] = _quantiles(pc[order], (0.25, 0.5, 0.75))
    out[:, j + 6] = float((p1 >= 0.5).mean())
    out[:, j + 7] = _rank(order)
    out[:, j + 8] = _rank(np.argsort(f.n_tokens, kind="stable"))
    out[:, j + 9] = np.arange(n) / max(1, n - 1)
    out[:, j + 10] = np.log1p(f.n_tokens)
    out[:, j + 11] = f.ends_punct
    out[:, j + 12] = f.dup > 1
    out[:, j + 13] = f.stop_rate
    out[:, j + 14] = float(layout)
    out[:, j + 15] = np.log(n)
    return out
