"""Choose the HTML path's rescue / veto / grow thresholds on the wcxb fit split, out of fold.

The HTML rules read the text model's smoothed P(content). Scored by the shipped model, the
fit pages would look too certain (it was fitted on them), so each fit page is scored by a text
model fitted without its third (same folds as ``boilerplate_train --cv``, smoothing settings
as shipped). trafilatura runs once per page; every threshold combination is then scored with
the shingle metric. Held-out pages are never read.

    .venv/bin/python -m bench.boilerplate_html_tune      # ~2 min; prints the best combinations
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import sys

import numpy as np

from bench.boilerplate_data import held_out, load_all
from bench.boilerplate_metric import score_pages
from bench.boilerplate_multi import load_multi
from bench.boilerplate_train import Config, _base_id, _fold, fit_model, fit_sets
from pipeline.boilerplate.features import LineFacts
from pipeline.boilerplate.html import GROW_MIN, RESCUE_MIN, VETO_MAX, label_lines
from pipeline.boilerplate.lines import Line
from pipeline.boilerplate.markup import block_evidence, run_trafilatura
from pipeline.boilerplate.render import parse_html
from pipeline.boilerplate.text_classifier import WEIGHTS_PATH, TextBoilerplateClassifier

RESCUES = (0.8, 0.9, 0.97)
VETOES = (0.05, 0.15, 0.3)
GROWS = (0.9, 0.95, 0.99, 1.01)  # 1.01: never grow


class _Fixed:
    """Stands in for the text classifier: returns precomputed out-of-fold scores."""

    def __init__(self, post: np.ndarray, facts: LineFacts) -> None:
        self.post, self.facts = post, facts

    def smoothed(self, lines: list[Line]) -> tuple[np.ndarray, LineFacts]:
        return self.post, self.facts


def main() -> list[tuple]:
    data = load_all()
    fit = [p for p in data["wcxb"] if not held_out(p.pid) and p.lines]
    shipped = json.loads(WEIGHTS_PATH.read_text())
    models = {}
    sets = fit_sets(data, load_multi(data["wcxb"]), Config())
    for k in range(3):
        params = fit_model(sets.subset(lambda p, k=k: _fold(_base_id(p), 3) != k), Config())
        params.update({key: shipped[key] for key in ("stay", "threshold", "layout")})
        models[k] = TextBoilerplateClassifier(params=params)
    cases = []
    for p in fit:
        main, meta = run_trafilatura(copy.deepcopy(parse_html(p.html)), p.meta.get("url"))
        if not main.strip():  # the text model decides alone: no threshold here applies
            continue
        post, facts = models[_fold(p.pid, 3)].smoothed(p.lines)
        evidence = block_evidence(p.lines, main, [False] * len(p.lines))  # captions are not tuned here
        cases.append((p, evidence, meta.title, _Fixed(post, facts)))
    results = []
    for rescue, veto, grow in itertools.product(RESCUES, VETOES, GROWS):
        pairs = []
        for p, evidence, title, clf in cases:
            roles = label_lines(p.lines, evidence, True, title, clf, rescue=rescue, veto=veto, grow=grow)  # type: ignore[arg-type]
            pairs.append((p.gold, "\n".join(ln.text for ln, (r, _) in zip(p.lines, roles, strict=True) if r.is_main)))
        s = score_pages(pairs)
        results.append((round(s.f1, 4), round(s.precision, 4), round(s.recall, 4), rescue, veto, grow))
    results.sort(reverse=True)
    print(f"{len(cases)} fit pages; f1, precision, recall, rescue, veto, grow")
    for row in results[:8]:
        print(row)
    print("shipped:", next(r for r in results if r[3:] == (RESCUE_MIN, VETO_MAX, GROW_MIN)))
    return results


if __name__ == "__main__":
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":  # the same text models on every run
        os.execve(sys.executable, [sys.executable, "-m", "bench.boilerplate_html_tune", *sys.argv[1:]],
                  {**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    main()
