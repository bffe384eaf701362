"""Fit the Arabic-script log-linear model (``weights.json``) on half of the dev data.

    .venv/bin/python -m bench.lid_fit [--root ../shared/dev-data/lid] [--out pipeline/langid/weights.json]

Training examples are the ``half == 0`` items (see :mod:`bench.lid_devdata`) whose gold language is
ar, fa, ps or ur: NTREX sentences and their 1-, 2- and 4-word prefixes, lingua single words
and word pairs, and UI chrome strings. Each source group gets equal total weight (UI chrome
three times that: short chrome is where the decision is hard and what the pipeline mostly
labels; chosen over 1.5 by held-out accuracy) and classes are balanced inside a group, so
8,000 sentence prefixes do not drown 1,000 chrome strings and the missing Pashto in lingua
does not bias the priors. The model is a multinomial logistic
regression (fitted twice: with all detectors, and with fastText + orthography only for the
fast path) with shared per-bucket weights on the detectors' log-probabilities and
per-language weights on the orthographic counts, L2-regularised, fitted by full-batch Adam.
numpy is needed here only; inference is pure Python.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from bench.lid_devdata import Item, default_root, load_all
from pipeline.langid import orthography
from pipeline.langid.ensemble import ARABIC_CANDIDATES, N_BUCKETS, WEIGHTS_PATH, arabic_inputs, effective_words
from pipeline.langid.models import FastTextModel, LangdetectModel, Py3LangidModel
from pipeline.langid.normalize import for_scoring, letter_count
from pipeline.scripts import script_runs

GROUP_WEIGHT = {"ntrex": 1.0, "prefix": 1.0, "lingua": 1.0, "ui-chrome": 3.0}


def arabic_part(text: str) -> str:
    """The longest Arabic-script run, normalised as at inference."""
    runs = [(e - s, s, e) for s, e, sc in script_runs(text) if sc == "Arab"]
    if not runs:
        return ""
    _, s, e = max(runs)
    return for_scoring(text[s:e])


def training_texts(items: list[Item]) -> list[tuple[str, str, str]]:
    """(group, gold, normalised text) for the fitting half."""
    out: list[tuple[str, str, str]] = []
    for it in items:
        if it.half != 0 or it.gold not in ARABIC_CANDIDATES or it.dataset == "ntrex2":
            continue
        if it.dataset == "ntrex":
            words = it.text.split()
            variants = [("ntrex", it.text)] + [("prefix", " ".join(words[:n])) for n in (1, 2, 4) if len(words) > n]
        elif it.dataset.startswith("lingua"):
            variants = [("lingua", it.text)]
        else:
            variants = [("ui-chrome", it.text)]
        for group, text in variants:
            norm = arabic_part(text)
            if letter_count(norm, 2) >= 2:
                out.append((group, it.gold, norm))
    return out


def featurise(examples: list[tuple[str, str, str]]) -> dict[str, np.ndarray]:
    ft, py3, ld = FastTextModel(), Py3LangidModel(), LangdetectModel()
    n, c = len(examples), len(ARABIC_CANDIDATES)
    buckets = np.zeros(n, dtype=np.int64)
    model = np.zeros((n, c, 3))
    orth = np.zeros((n, len(orthography.FEATURE_NAMES)))
    for i, (_g, _y, text) in enumerate(examples):
        b, mf, of = arabic_inputs(text, effective_words(text), ft, py3, ld)
        buckets[i], model[i], orth[i] = b, mf, of
    y = np.array([ARABIC_CANDIDATES.index(gold) for _g, gold, _t in examples])
    group_names = sorted(GROUP_WEIGHT)
    group = np.array([group_names.index(g) for g, _y, _t in examples])
    return {"bucket": buckets, "model": model, "orth": orth, "y": y, "group": group}


def sample_weights(y: np.ndarray, group: np.ndarray, group_weight: dict[str, float]) -> np.ndarray:
    """Equal total weight per source group (scaled by ``group_weight``), classes balanced
    within each group; sums to 1."""
    w = np.zeros(len(y))
    for gi, name in enumerate(sorted(group_weight)):
        in_group = group == gi
        classes = np.unique(y[in_group])
        for cls in classes:
            members = in_group & (y == cls)
            w[members] = group_weight[name] / (len(classes) * members.sum())
    return w / w.sum()


def fit(data: dict[str, np.ndarray], l2: float = 1e-3, steps: int = 3000) -> dict:
    _n, c, _ = data["model"].shape
    k = data["orth"].shape[1]
    onehot_b = np.eye(N_BUCKETS)[data["bucket"]]  # n x B
    y1 = np.eye(c)[data["y"]]
    wm = np.ones((N_BUCKETS, 3)) * np.array([1.0, 0.0, 0.0])
    wo = np.zeros((c, k))
    bias = np.zeros(c)
    params = [wm, wo, bias]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, steps + 1):
        wmb = onehot_b @ wm  # n x 3
        s = np.einsum("ncf,nf->nc", data["model"], wmb) + data["orth"] @ wo.T + bias
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y1) * data["w"][:, None]  # n x c
        g_wmb = np.einsum("nc,ncf->nf", g, data["model"])
        grads = [onehot_b.T @ g_wmb + l2 * wm, g.T @ data["orth"] + l2 * wo, g.sum(axis=0)]
        for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
            m[i] = b1 * m[i] + (1 - b1) * grad
            v[i] = b2 * v[i] + (1 - b2) * grad**2
            param -= lr * (m[i] / (1 - b1**t)) / (np.sqrt(v[i] / (1 - b2**t)) + 1e-8)
    acc = float(((p.argmax(axis=1) == data["y"]) * data["w"]).sum())
    print(f"weighted train accuracy {acc:.4f}", file=sys.stderr)
    return {
        "arabic": {
            "model": [
                {
                    "fasttext": round(float(r[0]), 4),
                    "py3langid": round(float(r[1]), 4),
                    "langdetect": round(float(r[2]), 4),
                }
                for r in wm
            ],
            "orthography": {
                lang: {name: round(float(wo[ci, ki]), 4) for ki, name in enumerate(orthography.FEATURE_NAMES)}
                for ci, lang in enumerate(ARABIC_CANDIDATES)
            },
            "bias": {lang: round(float(bias[ci]), 4) for ci, lang in enumerate(ARABIC_CANDIDATES)},
            "fitted_on": "half 0 of ../shared/dev-data/lid (ntrex128, lingua-short, ui-chrome)",
        }
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=default_root())
    ap.add_argument("--out", type=Path, default=Path(WEIGHTS_PATH))
    ap.add_argument("--l2", type=float, default=1e-5)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--cache", type=Path, help="npz to reuse features from (made if missing)")
    args = ap.parse_args(argv)
    if args.cache and args.cache.is_file():
        data = dict(np.load(args.cache))
    else:
        examples = training_texts(load_all(args.root))
        print(f"{len(examples)} training examples", file=sys.stderr)
        data = featurise(examples)
        if args.cache:
            np.savez(args.cache, **data)
    data["w"] = sample_weights(data["y"], data["group"], GROUP_WEIGHT)
    weights = fit(data, l2=args.l2, steps=args.steps)
    # The fast model sees fastText and orthography only; inference uses it first and calls
    # py3langid/langdetect only when it is unsure (see ensemble.Ensemble._arabic).
    fast = dict(data, model=data["model"] * np.array([1.0, 0.0, 0.0]))
    weights["arabic_fast"] = fit(fast, l2=args.l2, steps=args.steps)["arabic"]
    args.out.write_text(json.dumps(weights, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
