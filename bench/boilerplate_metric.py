"""The article-extraction-benchmark metric: multiset overlap of 4-token shingles.

Per page TP/FP/FN are normalised to sum to 1; precision and recall are averaged over
pages and F1 is taken of the two averages (as in scrapinghub/article-extraction-benchmark).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of ``n``-token shingles (a text shorter than n is one shingle)."""
    toks = _TOKEN_RE.findall(text or "")
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks)


def page_counts(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) for one page."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


@dataclass(slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "pages": self.pages}


def score_pages(pairs: list[tuple[str, str]]) -> Score:
    """Averaged precision/recall and their F1 over (true, pred) page pairs."""
    ps, rs = [], []
    for true, pred in pairs:
        tp, fp, fn = page_counts(true, pred)
        ps.append(1.0 if fp == 0 else tp / (tp + fp))
        rs.append(1.0 if fn == 0 else tp / (tp + fn))
    if not ps:
        return Score(0.0, 0.0, 0.0, 0)
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f, len(ps))
