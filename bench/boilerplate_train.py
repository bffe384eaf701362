"""Fit the boilerplate line model (a small tanh MLP in numpy) and tune its smoothing.

Fits on the fit half of every set (see :func:`fit_sets`): turku train in en, de, es, fi and
the fit halves of turku fr and sv dev (each turku language capped at ``Config.turku_lang_lines``);
the non-held-out two thirds of wcxb (rendered with inscriptis); the same wcxb pages built in
ar/fa/prs/ps/ur/bn (each page in two locales, in turn); and the labelled lines of the
non-held-out two thirds of trafilatura-eval (see :mod:`bench.boilerplate_multi`). With
``--flat-copies SHARE``, also on flat copies of the fit wcxb and built pages
(:mod:`bench.boilerplate_multi_flat`); with ``--flat-model``, a second ensemble on the flat pages
only, run on flat text (both measured in issue 14's seventh round, off by default). With
``--context``, fits a second stage (:mod:`pipeline.boilerplate.context`) on the out-of-fold
first-stage scores of the tuning folds. Tunes the HMM stay probability and threshold on
out-of-fold predictions for the same fit split, and writes ``pipeline/boilerplate/weights.json``
(or ``--out``). Held-out pages are never seen here. BLAS runs
on one thread, so a refit gives the same weights.

    .venv/bin/python -m bench.boilerplate_train          # fit and write weights.json (~5 min)
    .venv/bin/python -m bench.boilerplate_train --cv     # 3-fold cross-validation on the fit split only (~5 min)

``--cv`` is how feature and model choices were made without looking at held-out pages:
the fit split (turku train + wcxb fit pages) is cut into three folds by a hash of the page
id; each fold is scored by a model fitted and tuned on the other two.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.boilerplate_data import Page, held_out, load_all
from bench.boilerplate_lexicon import MIN_DOCS, PSEUDO, fit_lexicon, tokens_of
from bench.boilerplate_metric import score_pages
from bench.boilerplate_multi import LOCALES, TURKU_FITTED, load_multi
from bench.boilerplate_multi_flat import flatten_page
from pipeline.boilerplate.context import CONTEXT_NAMES, context_columns
from pipeline.boilerplate.features import CALIB_NAMES, FEATURE_NAMES, LEX_NAMES, LineFacts, featurize, lexical_columns
from pipeline.boilerplate.lexicon import LEXICON_PATH, Lexicon
from pipeline.boilerplate.text_classifier import (
    CONTEXT_GUARD_CHARS,
    WEIGHTS_PATH,
    TextBoilerplateClassifier,
    _Ensemble,
    is_layout_page,
)
from pipeline.boilerplate.trees import export_lightgbm

PROSE_FLOOR = 0.5  # see text_classifier.TextBoilerplateClassifier._rules
# named groups of columns for --with / --without
_GROUPS = {"calibration": (*CALIB_NAMES, "lex_minus_median")}
# every column but the page calibration ones (measured in issue 14's sixth round and not kept; --with adds them)
DEFAULT_COLUMNS = tuple(n for n in FEATURE_NAMES if n not in _GROUPS["calibration"])


# the shipped trees (issue 14's tenth round): 300 of <= 31 leaves, rate 0.05, blended half-half on flat lines
# whose networks' P lies in (0.2, 0.8)
TREES = 300
TREE_DEPTH = 12
TREE_BLEND = 0.5
TREE_RATE = 0.05
TREE_BAND = (0.2, 0.8)


@dataclass(slots=True)
class Config:
    """Model and fitting choices (the defaults are what weights.json is fitted with)."""

    columns: tuple[str, ...] = DEFAULT_COLUMNS
    hidden: int = 16
    epochs: int = 20
    nets: int = 8  # averaged: less variance than one net
    seed: int = 0  # the networks' seeds are seed .. seed + nets - 1 (another seed: a measure of refit noise)
    l2: float = 1e-3
    turku_weight: float = 6.0  # turku has ~15x fewer lines than wcxb; keep both kinds of page in view
    turku_langs: tuple[str, ...] = ("en", *TURKU_FITTED)
    # a turku language with more fit lines than this is weighted down to this many (fr and sv have 2-3x
    # the others), so flat text stays a mix of languages rather than mostly two
    turku_lang_lines: float = 3000.0
    built_weight: float = 0.5  # built pages repeat wcxb's layouts: their words, not their structure, are new
    snippet_weight: float = 3.0  # trafilatura-eval: only the few lines holding a snippet are labelled
    built_locales_per_page: int = 2
    stays: tuple[float, ...] = (0.5, 0.6, 0.75, 0.85, 0.92, 0.96)  # 0.5: no smoothing
    # around the Bayes threshold. Issue 14's eleventh round measured 0.25-0.5 (`--thresholds`): turku out of
    # fold 0.816 -> 0.833, but held out the flattened Arabic-script and Bengali pages fell 0.013-0.019 and
    # fi / fr / sv 0.012-0.061 (chrome kept): not kept (docs/boilerplate.md)
    thresholds: tuple[float, ...] = (0.4, 0.5)
    tune_folds: int = 3
    lexicon_folds: int = 3  # the network's rows get lexical scores from a table fitted without their fold
    lexicon_min_docs: int = MIN_DOCS  # see bench/boilerplate_lexicon.py
    lexicon_pseudo: float = PSEUDO
    lexicon_by_kind: bool = True  # one table for flat text, one for rendered layouts (out of fold: see docs)
    # a second stage over the first one's out-of-fold scores in their page (context.py): measured in issue 14's
    # fifth round and not kept (it emptied two fit pages and lowered the built pages; see docs/boilerplate.md)
    context: bool = False
    context_layouts: bool = True  # False: the second stage rescores flat text only, fitted on it only
    context_hidden: int = 8
    context_nets: int = 2
    context_epochs: int = 10
    # the first stage decides a page where the second would keep fewer characters than this and it keeps
    # at least as many (0: no guard; see text_classifier.CONTEXT_GUARD_CHARS)
    context_guard_chars: int = CONTEXT_GUARD_CHARS
    # flat copies of the fit layout pages (bench/boilerplate_multi_flat.py; issue 14's seventh round): their
    # lines' total weight as a share of turku's (0: none)
    flat_copies: float = 0.0
    # a second network ensemble fitted on flat pages only, run on flat pages (issue 14's seventh round)
    flat_model: bool = False
    # gradient-boosted trees beside the networks (LightGBM, evaluated by pipeline/boilerplate/trees.py), their
    # P(content) blended with the networks' with weight tree_blend (issue 14's ninth and tenth rounds; 0: no trees)
    trees: int = TREES
    tree_depth: int = TREE_DEPTH  # the trees' greatest depth: the run walks all of them as deep as the deepest
    tree_leaves: int = 31
    tree_rate: float = TREE_RATE
    tree_blend: float = TREE_BLEND
    tree_layouts: bool = False  # the trees blended on rendered layouts too, not on flat text only
    tree_flat_rows: bool = False  # the trees fitted on the flat pages' rows only (where they are blended)
    tree_band: tuple[float, float] | None = TREE_BAND  # the trees only where the networks' P lies in (lo, hi)


def _line_weights(p: Page, ntok: np.ndarray, src_weight: float) -> np.ndarray:
    """Token-weighted (the shingle metric counts tokens), damped so short lines still count."""
    return src_weight * (1.0 + np.log1p(ntok)) / max(1.0, len(p.lines) / 200)


_FEATURES: dict[tuple[str, tuple[str, ...]], tuple[np.ndarray, LineFacts]] = {}


def _featurize(p: Page, columns: tuple[str, ...]) -> tuple[np.ndarray, LineFacts]:
    """:func:`featurize` of a page, computed once per run (every fold refits on the same pages)."""
    key = (p.pid, columns)
    if key not in _FEATURES:
        _FEATURES[key] = featurize(p.lines, columns)
    return _FEATURES[key]


def _source_scale(pages: list[Page], cfg: Config) -> dict[str, float]:
    """Per source (turku language): the factor that caps its lines at ``cfg.turku_lang_lines``."""
    lines: dict[str, int] = {}
    for p in pages:
        lines[p.source] = lines.get(p.source, 0) + len(p.lines)
    return {src: min(1.0, cfg.turku_lang_lines / n) if src.startswith("turku") else 1.0 for src, n in lines.items()}


def _lexical_block(p: Page, lexicon: Lexicon) -> np.ndarray:
    """The ``LEX_NAMES`` columns of a page's lines under ``lexicon`` (as :func:`featurize` computes them)."""
    unique, inverse, tok_off = tokens_of(p)
    return lexical_columns(*lexicon.line_scores(unique, inverse, tok_off), np.diff(tok_off).astype(np.float64))


def _oof_lexical(sets: FitSets, cfg: Config) -> tuple[dict, dict[str, np.ndarray]]:
    """The lexicon of all of ``sets``, and every page's lexical columns from one fitted without its fold.

    Stacking: the network must learn how far to trust a lexicon on lines it was not fitted on, as
    at run time; scores of lines the table counted would look far more certain than they are.
    Built pages are not counted (their sentences and interface strings are the pools the held-out
    pages are built from): their words are unknown, and score neutral. With
    ``cfg.lexicon_by_kind`` flat text and rendered layouts (:func:`is_layout_page`) get a table each.
    """
    counted = sets.turku + sets.wcxb + sets.snippets
    blocks: dict[str, np.ndarray] = {}
    if not any(c in LEX_NAMES for c in cfg.columns):
        return {}, blocks
    kinds = (False, True) if cfg.lexicon_by_kind else (None,)

    def of_kind(p: Page, kind: bool | None) -> bool:
        return kind is None or is_layout_page(p.lines) == kind

    tables: dict = {}
    for kind in kinds:
        mine = [p for p in counted if p.lines and of_kind(p, kind)]
        for k in range(cfg.lexicon_folds):
            rest = [p for p in mine if _fold(_base_id(p), cfg.lexicon_folds, "lex") != k]
            lex = Lexicon.from_words(_fit_lexicon(rest, cfg))
            for p in counted + sets.built + sets.flat_copies:
                if p.lines and of_kind(p, kind) and _fold(_base_id(p), cfg.lexicon_folds, "lex") == k:
                    blocks[p.pid] = _lexical_block(p, lex)
        tables["flat" if kind is False else "layout" if kind else "weights"] = _fit_lexicon(mine, cfg)
    return tables, blocks


def _fit_lexicon(pages: list[Page], cfg: Config) -> dict[str, float]:
    return fit_lexicon(pages, cfg.lexicon_min_docs, cfg.lexicon_pseudo)


def _design(pages: list[Page], src_weight: float, cfg: Config, lexical: dict[str, np.ndarray]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of every line of ``pages``; unlabelled lines (label -1, trafilatura-eval) are left out.

    ``lexical``: each page's out-of-fold lexical columns (see :func:`_oof_lexical`).
    """
    xs, ys, ws = [], [], []
    scale = _source_scale(pages, cfg)
    lex_at = [(j, LEX_NAMES.index(c)) for j, c in enumerate(cfg.columns) if c in LEX_NAMES]
    for p in pages:
        if not p.lines:
            continue
        X, facts = _featurize(p, cfg.columns)
        y = np.array(p.labels, dtype=float)
        known = y >= 0
        if not known.any():
            continue
        if lex_at:
            X = X.copy()
            block = lexical[p.pid]
            for j, k in lex_at:
                X[:, j] = block[:, k]
        xs.append(X[known])
        ys.append(y[known])
        ntok = facts.n_tokens.astype(float)
        ws.append(_line_weights(p, ntok, src_weight * scale[p.source])[known])
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


@dataclass(slots=True)
class FitSets:
    """The fit half of every development set, by kind of page."""

    turku: list[Page]  # flat extracted text, every line labelled (en, de, es, fi train)
    wcxb: list[Page]  # rendered pages, labels aligned from the gold text
    built: list[Page]  # wcxb pages rewritten in ar/fa/prs/ps/ur/bn
    snippets: list[Page]  # trafilatura-eval: lines holding a gold snippet labelled, the rest -1
    flat_copies: list[Page] = field(default_factory=list)  # wcxb and built pages flattened (Config.flat_copies)

    def subset(self, keep: Callable[[Page], bool]) -> FitSets:
        return FitSets(*([p for p in pages if keep(p)] for pages in
                         (self.turku, self.wcxb, self.built, self.snippets, self.flat_copies)))


def _base_id(p: Page) -> str:
    """Built pages share their fold with the wcxb page they were built from."""
    return p.meta.get("base", p.pid) if p.meta else p.pid


def fit_sets(data: dict[str, list[Page]], multi: dict[str, list[Page]], cfg: Config) -> FitSets:
    """The fit half of every set; held-out pages (and turku dev) never enter."""
    turku = list(data["turku-train"]) if "en" in cfg.turku_langs else []
    for lang in cfg.turku_langs:
        if lang != "en":
            turku += multi.get(f"turku-{lang}-train", [])
    wcxb = [p for p in data["wcxb"] if not held_out(p.pid)]
    locales = list(LOCALES)
    built_by_id = {(p.meta["base"], p.meta["locale"]): p for k, v in multi.items() if k.startswith("built-")
                   for p in v}
    built = []
    for i, p in enumerate(wcxb):
        for j in range(cfg.built_locales_per_page):
            q = built_by_id.get((p.pid, locales[(i * cfg.built_locales_per_page + j) % len(locales)]))
            if q is not None:
                built.append(q)
    snippets = [p for p in multi.get("trafilatura", []) if not held_out(p.pid)]
    copies = [flatten_page(p) for p in wcxb + built if p.lines] if cfg.flat_copies > 0 else []
    return FitSets(turku, wcxb, built, snippets, copies)


def fit_mlp(X: np.ndarray, y: np.ndarray, w: np.ndarray, hidden: int, epochs: int, l2: float,
            seed: int = 0) -> dict[str, list]:
    """One-hidden-layer tanh network, weighted log-loss + L2, Adam on minibatches."""
    rng = np.random.default_rng(seed)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    const = std < 1e-9
    mean[const], std[const] = 0.0, 1.0  # the bias column (and any constant one) stays as it is
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
            gW2 = h.T @ g + l2 * W2 / n
            gc2 = np.array([g.sum()])
            gh = np.outer(g, W2) * (1 - h * h)
            gW1 = zb.T @ gh + l2 * W1 / n
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


def _main_text(p: Page, roles: list) -> str:
    return "\n".join(ln.text for ln, (r, _) in zip(p.lines, roles, strict=True) if r.is_main)


def line_counts(pages: list[Page], clf: TextBoilerplateClassifier) -> tuple[int, int, int]:
    """(tp, fp, fn) of the keep class over all lines of ``pages``."""
    tp = fp = fn = 0
    for p in pages:
        pred = [r.is_main for r, _ in clf.classify(p.lines)]
        for y, q in zip(p.labels, pred, strict=True):
            tp += bool(y and q)
            fp += bool(q and not y)
            fn += bool(y and not q)
    return tp, fp, fn


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _round(x: object) -> object:
    """6 significant digits: halves weights.json, changes no decision."""
    if isinstance(x, float):
        return float(f"{x:.6g}")
    if isinstance(x, list):
        return [_round(v) for v in x]
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return x


def _rows(sets: FitSets, cfg: Config, lexical: dict[str, np.ndarray], flat_only: bool = False
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The weighted rows of every fit page (with ``flat_only``, of the flat pages only, by :func:`is_layout_page`).

    Flat copies (``cfg.flat_copies``) weigh that share of turku's total in all: they have ~6.5x turku's
    lines (every wcxb fit page and its two built locales), so a weight per line would let them, not
    turku, decide flat text. With a separate flat model (``cfg.flat_model``) they go into that one
    only: rendered layouts keep the model they have.
    """
    def pick(pages: list[Page]) -> list[Page]:
        return [p for p in pages if p.lines and not is_layout_page(p.lines)] if flat_only else pages

    copies = sets.flat_copies if flat_only or not cfg.flat_model else []
    parts = {name: _design(pick(pages), weight, cfg, lexical) for name, pages, weight in (
        ("turku", sets.turku, cfg.turku_weight), ("wcxb", sets.wcxb, 1.0), ("built", sets.built, cfg.built_weight),
        ("snippets", sets.snippets, cfg.snippet_weight), ("copies", copies, 1.0)) if pick(pages)}
    if "copies" in parts:
        xc, yc, wc = parts["copies"]
        share = cfg.flat_copies * (float(parts["turku"][2].sum()) if "turku" in parts else 0.0) / float(wc.sum())
        parts["copies"] = (xc, yc, wc * share)
    return (np.vstack([x for x, _, _ in parts.values()]), np.concatenate([y for _, y, _ in parts.values()]),
            np.concatenate([w for _, _, w in parts.values()]))


def _ensemble(X: np.ndarray, y: np.ndarray, w: np.ndarray, cfg: Config) -> dict:
    """``cfg.nets`` networks (same standardisation, different seeds) and their prior."""
    fitted = [fit_mlp(X, y, w, cfg.hidden, cfg.epochs, cfg.l2, seed=seed)
              for seed in range(cfg.seed, cfg.seed + cfg.nets)]
    return {"mean": fitted[0]["mean"], "std": fitted[0]["std"],
            "nets": [{k: n[k] for k in ("w1", "b1", "w2", "b2")} for n in fitted],
            "prior": float(np.average(y, weights=w))}


def fit_trees(X: np.ndarray, y: np.ndarray, w: np.ndarray, cfg: Config) -> dict:
    """``cfg.trees`` boosted trees (LightGBM, one thread, fixed seed: the same trees on every run) as
    :class:`~pipeline.boilerplate.trees.TreeEnsemble` parameters, with the blend weight and where they run.

    Fitted on every row the networks are fitted on; the classifier blends them on flat text only unless
    ``cfg.tree_layouts`` (out of fold the blend gained on turku and nothing on wcxb, and the trees cost
    time per line: rendered layouts have the long pages)."""
    import lightgbm  # a development dependency: the run evaluates the exported trees with numpy

    params = {"objective": "binary", "learning_rate": cfg.tree_rate, "num_leaves": cfg.tree_leaves,
              "max_depth": cfg.tree_depth, "min_data_in_leaf": 100, "bagging_fraction": 0.8, "bagging_freq": 1,
              "feature_fraction": 0.8, "lambda_l2": 1.0, "num_threads": 1, "seed": 0, "deterministic": True,
              "force_row_wise": True, "verbose": -1}
    booster = lightgbm.train(params, lightgbm.Dataset(X, y, weight=w / w.mean()), num_boost_round=cfg.trees)
    return {**export_lightgbm(booster.dump_model()), "blend": cfg.tree_blend,
            "layouts": cfg.tree_layouts, **({"band": list(cfg.tree_band)} if cfg.tree_band else {})}


def fit_model(sets: FitSets, cfg: Config) -> dict:
    """The ensemble of ``cfg.nets`` networks (same standardisation, different seeds); smoothing not tuned.

    With ``cfg.flat_model`` also a second ensemble fitted on the flat pages only (``"flat"``), which
    the classifier runs on flat pages instead of the first.
    """
    tables, lexical = _oof_lexical(sets, cfg)
    rows = _rows(sets, cfg, lexical)
    model = _ensemble(*rows, cfg)
    tree_rows = _rows(sets, cfg, lexical, flat_only=True) if cfg.tree_flat_rows else rows
    trees = fit_trees(*tree_rows, cfg) if cfg.trees > 0 else None
    flat = _ensemble(*_rows(sets, cfg, lexical, flat_only=True), cfg) if cfg.flat_model else None
    return {
        "features": list(cfg.columns), "mean": model["mean"], "std": model["std"], "nets": model["nets"],
        **({"flat": flat} if flat else {}),
        **({"trees": trees} if trees else {}),
        "lexicon": tables or None,
        "prior": model["prior"], "stay": 0.8, "threshold": 0.5, "prose_floor": PROSE_FLOOR,
        "fit": {"turku_train_docs": len(sets.turku), "wcxb_fit_pages": len(sets.wcxb),
                "built_fit_pages": len(sets.built), "snippet_fit_pages": len(sets.snippets), "l2": cfg.l2,
                "hidden": cfg.hidden, "epochs": cfg.epochs, "nets": cfg.nets,
                **({"seed": cfg.seed} if cfg.seed else {}), "turku_weight": cfg.turku_weight,
                "built_weight": cfg.built_weight, "snippet_weight": cfg.snippet_weight,
                **({"flat_copies": cfg.flat_copies, "flat_copy_pages": len(sets.flat_copies)}
                   if cfg.flat_copies > 0 else {}), **({"flat_model": True} if cfg.flat_model else {}),
                **({"trees": cfg.trees, "tree_depth": cfg.tree_depth, "tree_leaves": cfg.tree_leaves,
                    "tree_rate": cfg.tree_rate, "tree_blend": cfg.tree_blend, "tree_layouts": cfg.tree_layouts,
                    "tree_flat_rows": cfg.tree_flat_rows, "tree_band": cfg.tree_band}
                   if cfg.trees > 0 else {})},
    }


def fit(sets: FitSets, cfg: Config, log: bool = True) -> dict:
    """Fit on ``sets``; smoothing and threshold tuned on out-of-fold scores of the same pages.

    A model scores the pages it was fitted on too confidently (in-sample tuning picks too
    little smoothing), so the HMM stay probability and the threshold are chosen on predictions
    of ``cfg.tune_folds`` models that each did not see the page. There are two settings, one
    per kind of page (:func:`is_layout_page`): rendered layouts (wcxb) are tuned for wcxb
    shingle F1 (wcxb and the built pages), flat extracted text (turku) for keep-class line F1
    pooled per language and averaged over the languages – the target's measure, each language
    counting alike (a per-document average let the ~300 short fr/sv documents pick a smoothing
    that cost English 0.05). Their runs differ: a rendered page has 30-line menus, turku
    documents alternate within a few lines. With ``cfg.context`` the second stage is fitted on
    the tuning folds' out-of-fold scores first (:func:`fit_context`), and the tuning scores with it.
    """
    k_folds = cfg.tune_folds
    folds = []
    for k in range(k_folds):
        params_k = fit_model(sets.subset(lambda p, k=k: _fold(_base_id(p), k_folds, "tune") != k), cfg)
        test = sets.subset(lambda p, k=k: _fold(_base_id(p), k_folds, "tune") == k and bool(p.lines))
        folds.append((TextBoilerplateClassifier(params=params_k), test))
    context = fit_context(folds, sets, cfg) if cfg.context else None
    folds_scored = []
    for clf, test in folds:
        clf.context = _Ensemble(context) if context else None
        clf.context_on_layouts = cfg.context_layouts
        clf.context_guard_chars = cfg.context_guard_chars
        folds_scored.append((clf, test.turku, test.wcxb + test.built))
    best_layout: tuple[float, float, float] | None = None
    best_flat: tuple[float, float, float] | None = None
    for stay in cfg.stays:
        for thr in cfg.thresholds:
            wcxb_pairs: list[tuple[str, str]] = []
            turku_counts: dict[str, np.ndarray] = {}
            for clf, t_pages, w_pages in folds_scored:
                clf.stay = clf.layout_stay = stay
                clf.threshold = clf.layout_threshold = thr
                wcxb_pairs += [(p.gold, _main_text(p, clf.classify(p.lines)))
                               for p in w_pages if is_layout_page(p.lines)]
                for p in t_pages:
                    if not is_layout_page(p.lines):
                        turku_counts[p.source] = turku_counts.get(p.source, 0) + np.array(line_counts([p], clf))
            w_score = score_pages(wcxb_pairs).f1
            t_score = float(np.mean([_f1(*c.tolist()) for c in turku_counts.values()]))
            if log:
                print(f"stay={stay} threshold={thr}: out-of-fold wcxb {w_score:.4f}, turku {t_score:.4f}",
                      file=sys.stderr)
            if best_layout is None or w_score > best_layout[0]:
                best_layout = (w_score, stay, thr)
            if best_flat is None or t_score > best_flat[0]:
                best_flat = (t_score, stay, thr)
                by_language = {src.removeprefix("turku-") if src != "turku" else "en": round(_f1(*c.tolist()), 4)
                               for src, c in sorted(turku_counts.items())}
    assert best_layout is not None and best_flat is not None
    params = fit_model(sets, cfg)
    if context:
        params["context"] = context
    params["stay"], params["threshold"] = best_flat[1], best_flat[2]
    params["layout"] = {"stay": best_layout[1], "threshold": best_layout[2]}
    params["fit"]["oof_score"] = {"wcxb_layout": round(best_layout[0], 4),
                                   "turku_per_language": round(best_flat[0], 4), "turku_by_language": by_language}
    return params


def fit_context(folds: list[tuple[TextBoilerplateClassifier, FitSets]], sets: FitSets, cfg: Config) -> dict:
    """The second stage (:mod:`pipeline.boilerplate.context`), fitted on out-of-fold first-stage scores.

    ``folds``: first-stage models each with the pages it was not fitted on; every fit page is in
    one of them, so the second stage sees first-stage scores as they are on unseen pages. Lines
    are weighted as for the first stage.
    """
    scale = _source_scale(sets.turku, cfg)
    xs, ys, ws = [], [], []
    for clf, test in folds:
        for pages, weight in ((test.turku, cfg.turku_weight), (test.wcxb, 1.0), (test.built, cfg.built_weight),
                              (test.snippets, cfg.snippet_weight)):
            for p in pages:
                y = np.array(p.labels, dtype=float)
                known = y >= 0
                if not p.lines or not known.any():
                    continue
                layout = is_layout_page(p.lines)
                if layout and not cfg.context_layouts:
                    continue
                _, f, model = clf._scores(p.lines, None, layout)
                xs.append(context_columns(model, f, layout)[known])
                ys.append(y[known])
                ws.append(_line_weights(p, f.n_tokens.astype(float), weight * scale.get(p.source, 1.0))[known])
    X, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    fitted = [fit_mlp(X, y, w, cfg.context_hidden, cfg.context_epochs, cfg.l2, seed=100 + seed)
              for seed in range(cfg.context_nets)]
    return {"features": list(CONTEXT_NAMES), "layouts": cfg.context_layouts, "guard_chars": cfg.context_guard_chars,
            "mean": fitted[0]["mean"], "std": fitted[0]["std"],
            "nets": [{k: n[k] for k in ("w1", "b1", "w2", "b2")} for n in fitted]}


def _fold(pid: str, folds: int, salt: str = "cv") -> int:
    return int(hashlib.md5(f"{salt}:{pid}".encode()).hexdigest(), 16) % folds


def cross_validate(data: dict[str, list[Page]], cfg: Config, folds: int = 3,
                   models: dict[str, dict] | None = None) -> dict[str, float]:
    """Pooled out-of-fold scores on the fit split: wcxb shingle P/R/F1, turku line F1, the built pages'
    shingle F1 per locale as rendered layouts and flattened to plain text.

    ``models``, when given, receives the out-of-fold model parameters of every fit page (by page id).
    """
    sets = fit_sets(data, load_multi(data["wcxb"]), cfg)
    pairs: list[tuple[str, str]] = []
    built_pairs: dict[str, list[tuple[str, str]]] = {}
    flat_pairs: dict[str, list[tuple[str, str]]] = {}
    counts = np.zeros(3, dtype=np.int64)
    by_lang: dict[str, np.ndarray] = {}
    doc_f1s: list[float] = []
    for k in range(folds):
        params = fit(sets.subset(lambda p, k=k: _fold(_base_id(p), folds) != k), cfg, log=False)
        clf = TextBoilerplateClassifier(params=params)
        test = sets.subset(lambda p, k=k: _fold(_base_id(p), folds) == k)
        test_w, test_t = test.wcxb, test.turku
        if models is not None:
            models.update((p.pid, params) for p in test_w + test_t)
        pairs += [(p.gold, _main_text(p, clf.classify(p.lines))) for p in test_w]
        for p in test.built:
            built_pairs.setdefault(p.meta["locale"], []).append((p.gold, _main_text(p, clf.classify(p.lines))))
            # the same page as flat text (no layout): the regional languages' extracted plain text, out of fold
            q = flatten_page(p)
            if q.lines:
                flat_pairs.setdefault(p.meta["locale"], []).append((q.gold, _main_text(q, clf.classify(q.lines))))
        for p in test_t:
            c = np.array(line_counts([p], clf))
            counts += c
            lang = p.source.removeprefix("turku-") if p.source != "turku" else "en"
            by_lang[lang] = by_lang.get(lang, 0) + c
            doc_f1s.append(_f1(*c))
    s = score_pages(pairs)
    per_lang = {lang: round(_f1(*c.tolist()), 4) for lang, c in sorted(by_lang.items())}
    return {"wcxb_f1": round(s.f1, 4), "wcxb_p": round(s.precision, 4), "wcxb_r": round(s.recall, 4),
            "turku_f1": round(_f1(*counts.tolist()), 4), "turku_doc_f1": round(float(np.mean(doc_f1s)), 4),
            "turku_by_language": per_lang, "turku_language_mean": round(float(np.mean(list(per_lang.values()))), 4),
            "built_by_locale": {loc: round(score_pages(v).f1, 4) for loc, v in sorted(built_pairs.items())},
            "built_flat_by_locale": {loc: round(score_pages(v).f1, 4) for loc, v in sorted(flat_pairs.items())},
            "stay/threshold": sorted({(p["stay"], p["threshold"]) for p in (models or {}).values()}),
            "layout stay/threshold": sorted({tuple(p["layout"].values())
                                             for p in (models or {}).values()})}


def _named(spec: str, option: str) -> list[str]:
    """The columns ``spec`` names ("lex_*,later_copy": a trailing * matches a prefix; "calibration": the
    page calibration columns of issue 14's sixth round)."""
    names = [d for c in spec.split(",") if c.strip() for d in _GROUPS.get(c.strip(), (c.strip(),))]

    def matches(n: str, c: str) -> bool:
        return n == c or (c.endswith("*") and n.startswith(c[:-1]))

    unknown = [c for c in names if not any(matches(n, c) for n in FEATURE_NAMES)]
    if unknown:
        raise SystemExit(f"{option}: no such feature column: {', '.join(unknown)}")
    return [n for n in FEATURE_NAMES if any(matches(n, c) for c in names)]


def _columns(with_: str, without: str) -> tuple[str, ...]:
    """The default columns (``DEFAULT_COLUMNS``) plus those ``with_`` names, but those ``without`` names,
    in ``FEATURE_NAMES`` order."""
    chosen = set(DEFAULT_COLUMNS) | set(_named(with_, "--with"))
    chosen -= set(_named(without, "--without"))
    return tuple(n for n in FEATURE_NAMES if n in chosen)


def main(argv: list[str] | None = None, out: Path = WEIGHTS_PATH) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", action="store_true", help="3-fold cross-validation on the fit split; writes nothing")
    ap.add_argument("--out", type=Path, default=out, help=f"where to write the weights (default {out})")
    ap.add_argument("--without", default="", metavar="COLUMNS",
                    help="comma-separated feature columns to leave out (a trailing * matches a prefix), "
                         "to compare variants by their out-of-fold scores")
    ap.add_argument("--with", dest="with_", default="", metavar="COLUMNS",
                    help="feature columns to add to the default ones, as --without; 'calibration' names the page "
                         "calibration columns (issue 14's sixth round, not in the shipped model)")
    ap.add_argument("--context", choices=("all", "flat", "none"), default="none",
                    help="a second stage over the first one's scores in context, for every page or for flat "
                         "text only (to compare; not in the shipped model, see docs/boilerplate.md); default none")
    ap.add_argument("--context-guard", type=int, default=CONTEXT_GUARD_CHARS, metavar="CHARS",
                    help="with --context: the first stage decides a page where the second stage would keep "
                         f"fewer characters than this and the first keeps as many (0: no guard; default "
                         f"{CONTEXT_GUARD_CHARS})")
    ap.add_argument("--flat-copies", type=float, default=0.0, metavar="SHARE",
                    help="also fit on flat copies of the fit wcxb and built pages (no indentation, turku-style "
                         "bullets; bench/boilerplate_multi_flat.py), their lines weighing SHARE times turku's in "
                         "all (issue 14's seventh round, measured and not in the shipped model; default 0: none)")
    ap.add_argument("--flat-model", action="store_true",
                    help="fit a second network ensemble on the flat pages only (with --flat-copies, their copies "
                         "too) and run it on flat text, today's on rendered layouts (issue 14's seventh round, "
                         "measured and not in the shipped model)")
    ap.add_argument("--trees", type=int, default=TREES, metavar="N",
                    help="also fit N gradient-boosted trees (LightGBM, depth <= --tree-depth) and blend their "
                         f"P(content) with the networks' on flat text (issue 14's tenth round; default {TREES}; "
                         "0: networks only)")
    ap.add_argument("--tree-depth", type=int, default=TREE_DEPTH, metavar="D",
                    help=f"with --trees: the trees' greatest depth (default {TREE_DEPTH}); the run walks all "
                         "of them as deep as the deepest, so depth costs time on every line")
    ap.add_argument("--tree-blend", type=float, default=TREE_BLEND, metavar="W",
                    help=f"with --trees: the trees' weight in the blend, 0-1 (default {TREE_BLEND})")
    ap.add_argument("--tree-rate", type=float, default=TREE_RATE, metavar="R",
                    help=f"with --trees: LightGBM's learning rate (default {TREE_RATE})")
    ap.add_argument("--tree-flat-rows", action="store_true",
                    help="with --trees: fit the trees on the flat pages' rows only (default: on every row)")
    ap.add_argument("--tree-band", type=float, nargs=2, default=TREE_BAND, metavar=("LO", "HI"),
                    help="with --trees: blend the trees only on lines whose networks' P(content) lies strictly "
                         f"between LO and HI (default {TREE_BAND[0]} {TREE_BAND[1]}; 0 1: on every line)")
    ap.add_argument("--thresholds", type=float, nargs="+", default=list(Config().thresholds), metavar="T",
                    help="the keep thresholds the tuning chooses from, per kind of page (default: %(default)s)")
    ap.add_argument("--trees-on-layouts", action="store_true",
                    help="with --trees: blend the trees on rendered layouts too (default: on flat text only)")
    ap.add_argument("--seed", type=int, default=Config().seed, metavar="S",
                    help="the networks' first seed (default %(default)s); refits with other seeds show how far a "
                         "score moves by chance (see docs/boilerplate.md, issue 14's twelfth round)")
    args = ap.parse_args(argv)
    if args.trees < 0 or not 1 <= args.tree_depth <= 12 or not 0 < args.tree_blend <= 1 or not 0 < args.tree_rate <= 1:
        ap.error("--trees must be >= 0, --tree-depth 1-12, --tree-blend and --tree-rate in (0, 1]")
    if args.tree_band and not 0 <= args.tree_band[0] < args.tree_band[1] <= 1:
        ap.error("--tree-band: 0 <= LO < HI <= 1")
    if args.flat_copies < 0:
        ap.error("--flat-copies: SHARE must be >= 0")
    if not all(0 < t < 1 for t in args.thresholds):
        ap.error("--thresholds: each in (0, 1)")
    out = args.out
    data = load_all()
    cfg = Config(columns=_columns(args.with_, args.without), context=args.context != "none",
                 context_layouts=args.context == "all", context_guard_chars=args.context_guard,
                 flat_copies=args.flat_copies, flat_model=args.flat_model, trees=args.trees,
                 tree_depth=args.tree_depth, tree_blend=args.tree_blend, tree_layouts=args.trees_on_layouts,
                 tree_rate=args.tree_rate, tree_flat_rows=args.tree_flat_rows,
                 tree_band=tuple(args.tree_band) if args.tree_band else None,
                 thresholds=tuple(sorted(set(args.thresholds))), seed=args.seed)
    if args.cv:
        t0 = time.time()
        print(json.dumps(cross_validate(data, cfg, models={})), f"({time.time() - t0:.0f} s)")
        return
    params = fit(fit_sets(data, load_multi(data["wcxb"]), cfg), cfg)
    write_params(params, out)
    print({k: params[k] for k in ("stay", "threshold", "layout")}, params["fit"]["oof_score"])


def write_params(params: dict, out: Path) -> None:
    """Write fitted parameters to ``out``; for the shipped model the word tables go to ``lexicon.json``."""
    tables = params.get("lexicon")
    if tables and out == WEIGHTS_PATH:  # the shipped model: the tables in their own file beside weights.json
        LEXICON_PATH.write_text(json.dumps(
            {"about": "log-odds of main content per lower-cased word, fitted by bench/boilerplate_train.py "
                      "(see pipeline/boilerplate/lexicon.py)",
             **{kind: dict(sorted(table.items())) for kind, table in tables.items()}},
            ensure_ascii=False, separators=(",", ":")) + "\n")
        params["lexicon"] = LEXICON_PATH.name
    rounded = _round({k: v for k, v in params.items() if k != "trees"})
    if "trees" in params:  # thresholds in full: a rounded one could fall on the other side of a feature value
        rounded["trees"] = {**_round(params["trees"]), "threshold": params["trees"]["threshold"]}
    out.write_text(json.dumps(rounded, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        # one BLAS thread: the fit is then the same on every run (threaded sums are not)
        os.execve(sys.executable, [sys.executable, "-m", "bench.boilerplate_train", *sys.argv[1:]],
                  {**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    main()
