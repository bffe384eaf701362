"""Context smoothing: a two-state (boilerplate/content) HMM over per-line model scores.

Pages alternate in long runs (menu, article, footer). Treating the classifier's posterior
as an emission likelihood ratio and running forward-backward lets a short article
subheading between paragraphs stay, and a lone long-ish line inside a menu go.
"""

from __future__ import annotations

import numpy as np


def forward_backward(p: np.ndarray, stay: float, prior: float) -> np.ndarray:
    """Smoothed P(content) per line.

    ``p``: per-line classifier P(content); ``stay``: P(next state == this state);
    ``prior``: base rate of content the classifier was trained with (divided out so the
    emissions are likelihood ratios, not posteriors counted twice).
    """
    n = len(p)
    if n == 0:
        return p
    eps = 1e-6
    pc = np.clip(p, eps, 1 - eps)
    e1 = (pc / prior).tolist()
    e0 = ((1 - pc) / (1 - prior)).tolist()
    move = 1.0 - stay
    f0s = [0.0] * n
    f1s = [0.0] * n
    a0, a1 = 1 - prior, prior
    for i in range(n):
        if i:
            b0, b1 = a0 * stay + a1 * move, a0 * move + a1 * stay
        else:
            b0, b1 = a0, a1
        b0 *= e0[i]
        b1 *= e1[i]
        s = b0 + b1
        a0, a1 = b0 / s, b1 / s
        f0s[i], f1s[i] = a0, a1
    post = [0.0] * n
    c0, c1 = 1.0, 1.0
    for i in range(n - 1, -1, -1):
        f0, f1 = f0s[i] * c0, f1s[i] * c1
        post[i] = f1 / (f0 + f1)
        d0, d1 = c0 * e0[i], c1 * e1[i]
        c0, c1 = stay * d0 + move * d1, move * d0 + stay * d1
        s = c0 + c1
        c0, c1 = c0 / s, c1 / s
    return np.asarray(post)
