"""Learned lexical evidence: a weight per lower-cased word, and each line's score from them.

The tables (``lexicon.json`` beside ``weights.json``, written by ``bench/boilerplate_train.py``;
one for flat extracted text, one for rendered layouts, whose labels mean different things) hold
smoothed log-odds of a word being in main content rather than chrome, learned from the fit
split of the labelled sets with one vote per document (``bench/boilerplate_lexicon.py``), so
one site's words cannot dominate. A line's score is the mean weight of its known words and
the share of its words that are known; a line with no known word (a script the table has not
seen: Arabic, Persian, Urdu, Bengali) scores 0 on both, which is neutral, not noise.

Words are looked up by the 64-bit hash :mod:`.features` computes for every token of a page at
once, so scoring a page is a ``searchsorted`` and a few cumulative sums, with no per-word Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .features import token_hash

LEXICON_PATH = Path(__file__).with_name("lexicon.json")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word weights keyed by token hash (``hashes`` sorted, ``weights`` aligned with them)."""

    hashes: np.ndarray  # uint64, sorted
    weights: np.ndarray  # float64: log-odds of content against the prior; 0 is neutral

    @classmethod
    def from_words(cls, table: dict[str, float]) -> Lexicon:
        """From ``{lower-cased word: weight}`` (as stored in ``lexicon.json``)."""
        pairs = sorted((token_hash(w), float(v)) for w, v in table.items())
        return cls(np.array([h for h, _ in pairs], dtype=np.uint64), np.array([v for _, v in pairs]))

    def __len__(self) -> int:
        return len(self.hashes)

    def line_scores(self, unique: np.ndarray, inverse: np.ndarray, tok_off: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """(mean weight of each line's known words, share of its words that are known); 0, 0 without any.

        From :func:`~.features.page_tokens`: the page's distinct token hashes, which of them each
        token is, and line i's tokens ``tok_off[i]:tok_off[i + 1]``. The distinct tokens are looked
        up, a third as many as the tokens.
        """
        n = len(tok_off) - 1
        if not len(self.hashes) or not len(inverse):
            return np.zeros(n), np.zeros(n)
        at = np.minimum(np.searchsorted(self.hashes, unique), len(self.hashes) - 1)
        known = self.hashes[at] == unique
        cum = np.zeros((2, len(inverse) + 1))
        np.cumsum(np.take(np.where(known, self.weights[at], 0.0), inverse), out=cum[0, 1:])
        np.cumsum(np.take(known, inverse), out=cum[1, 1:])
        total, n_known = cum[:, tok_off[1:]] - cum[:, tok_off[:-1]]
        n_tok = np.diff(tok_off)
        return total / np.maximum(n_known, 1), n_known / np.maximum(n_tok, 1)


def load_lexicons(ref: str | dict[str, dict[str, float]] | None, base: Path = LEXICON_PATH.parent
                  ) -> tuple[Lexicon, Lexicon]:
    """The (flat text, rendered layout) lexicons a model's parameters name: a file name beside
    ``weights.json``, inline tables (``{"weights": {word: weight}}``, one for both kinds of page, or
    ``{"flat": {...}, "layout": {...}}``), or none (empty: every word neutral)."""
    if isinstance(ref, str):
        return _load_file(str(base / ref))
    return _from_tables(ref or {})


def _from_tables(tables: dict[str, dict[str, float]]) -> tuple[Lexicon, Lexicon]:
    if "weights" in tables:
        one = Lexicon.from_words(tables["weights"])
        return one, one
    return Lexicon.from_words(tables.get("flat") or {}), Lexicon.from_words(tables.get("layout") or {})


@lru_cache(maxsize=2)
def _load_file(path: str) -> tuple[Lexicon, Lexicon]:
    stored = json.loads(Path(path).read_text())
    return _from_tables({k: v for k, v in stored.items() if k != "about"})
