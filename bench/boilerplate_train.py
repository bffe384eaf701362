"""Fit the boilerplate line model (a small tanh MLP in numpy) and tune its smoothing.

Fits on turku-en train + the non-held-out two thirds of wcxb (rendered with inscriptis),
tunes the HMM stay probability and threshold on the same fit split, and writes
``pipeline/boilerplate/weights.json``. Held-out pages are never seen here.

    .venv/bin/python -m bench.boilerplate_train
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bench.boilerplate_data import Page, held_out, load_all
from pipeline.boilerplate.features import FEATURE_NAMES, featurize
from pipeline.boilerplate.metric import score_pages
from pipeline.boilerplate.text_classifier import WEIGHTS_PATH, TextBoilerplateClassifier

TURKU_WEIGHT = 6.0  # turku has ~15x fewer lines than wcxb; keep both kinds of page in view
L2 = 1e-3
HIDDEN = 24
EPOCHS = 30
N_NETS = 5  # averaged: less variance than one net
PROSE_FLOOR = 0.5  # see text_classifier._is_prose


def _design(pages: list[Page], src_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, ws = [], [], []
    for p in pages:
        if not p.lines:
            continue
        X, infos = featurize(p.lines)
        xs.append(X)
        ys.append(np.array(p.labels, dtype=float))
        # token-weighted (the shingle metric counts tokens), damped so short lines still count
        ntok = np.array([i.n_tokens for i in infos], dtype=float)
        ws.append(src_weight * (1.0 + np.log1p(ntok)) / max(1.0, len(p.lines) / 200))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def fit_mlp(X: np.ndarray, y: np.ndarray, w: np.ndarray, hidden: int = HIDDEN,
            epochs: int = EPOCHS, seed: int = 0) -> dict[str, list]:
    """One-hidden-layer tanh network, weighted log-loss + L2, Adam on minibatches."""
    rng = np.random.default_rng(seed)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    mean[0], std[0] = 0.0, 1.0
    std[std < 1e-9] = 1.0
    Z = (X - mean) / std
    d = Z.shape[1]
    params = [rng.normal(0, 1 / np.sqrt(d), (d, hidden)), np.zeros(hidden),
              rng.normal(0, 1 / np.sqrt(hidden), hidden), np.zeros(1)]
    m = [np.zeros_like(q) for q in params]
    v = [np.zeros_like(q) for q in params]
    wn = w / w.mean()
    lr, b1, b2, eps, step = 3e-3, 0.9, 0.999, 1e-8, 0
    n = len(y)
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, 512):
            idx = order[s:s + 512]
            zb, yb, wb = Z[idx], y[idx], wn[idx]
            W1, c1, W2, c2 = params
            h = np.tanh(zb @ W1 + c1)
            p = 1 / (1 + np.exp(-(h @ W2 + c2[0])))
            g = wb * (p - yb) / len(idx)
            gW2 = h.T @ g + L2 * W2 / n
            gc2 = np.array([g.sum()])
            gh = np.outer(g, W2) * (1 - h * h)
            gW1 = zb.T @ gh + L2 * W1 / n
            gc1 = gh.sum(axis=0)
            step += 1
            for k, gk in enumerate((gW1, gc1, gW2, gc2)):
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                mh = m[k] / (1 - b1 ** step)
                vh = v[k] / (1 - b2 ** step)
                params[k] -= lr * mh / (np.sqrt(vh) + eps)
    W1, c1, W2, c2 = params
    return {"mean": mean.tolist(), "std": std.tolist(), "w1": W1.tolist(), "b1": c1.tolist(),
            "w2": W2.tolist(), "b2": float(c2[0])}


def line_f1(pages: list[Page], clf: TextBoilerplateClassifier) -> float:
    tp = fp = fn = 0
    for p in pages:
        pred = [r.is_main for r, _ in clf.classify(p.lines)]
        for y, q in zip(p.labels, pred, strict=True):
            tp += y and q
            fp += (not y) and q
            fn += y and not q
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def shingle_f1(pages: list[Page], clf: TextBoilerplateClassifier) -> float:
    pairs = []
    for p in pages:
        roles = clf.classify(p.lines)
        pairs.append((p.gold, "\n".join(ln.text for ln, (r, _) in zip(p.lines, roles, strict=True) if r.is_main)))
    return score_pages(pairs).f1


def _round(x: object) -> object:
    """6 significant digits: halves weights.json, changes no decision."""
    if isinstance(x, float):
        return float(f"{x:.6g}")
    if isinstance(x, list):
        return [_round(v) for v in x]
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return x


def main(out: Path = WEIGHTS_PATH) -> None:
    data = load_all()
    turku = data["turku-train"]
    wcxb_fit = [p for p in data["wcxb"] if not held_out(p.pid)]
    Xt, yt, wt = _design(turku, TURKU_WEIGHT)
    Xw, yw, ww = _design(wcxb_fit, 1.0)
    X, y, w = np.vstack([Xt, Xw]), np.concatenate([yt, yw]), np.concatenate([wt, ww])
    nets = [fit_mlp(X, y, w, seed=seed) for seed in range(N_NETS)]
    net = {"mean": nets[0]["mean"], "std": nets[0]["std"],
           "nets": [{k: n[k] for k in ("w1", "b1", "w2", "b2")} for n in nets]}
    prior = float(np.average(y, weights=w))
    params = {
        "features": list(FEATURE_NAMES), **net, "prior": prior, "stay": 0.8, "threshold": 0.5,
        "prose_floor": PROSE_FLOOR,
        "fit": {"turku_train_docs": len(turku), "wcxb_fit_pages": len(wcxb_fit), "l2": L2,
                "hidden": HIDDEN, "epochs": EPOCHS, "nets": N_NETS, "turku_weight": TURKU_WEIGHT},
    }
    best = None
    for stay in (0.6, 0.75, 0.85, 0.92):
        for thr in (0.3, 0.4, 0.5):
            params["stay"], params["threshold"] = stay, thr
            clf = TextBoilerplateClassifier(params=params)
            score = 0.5 * line_f1(turku, clf) + 0.5 * shingle_f1(wcxb_fit, clf)
            print(f"stay={stay} thr={thr} fit-score={score:.4f}", file=sys.stderr)
            if best is None or score > best[0]:
                best = (score, stay, thr)
    assert best is not None
    params["stay"], params["threshold"] = best[1], best[2]
    params["fit"]["score"] = round(best[0], 4)
    out.write_text(json.dumps(_round(params), separators=(",", ":")) + "\n")
    print("chosen", best)


if __name__ == "__main__":
    main()
