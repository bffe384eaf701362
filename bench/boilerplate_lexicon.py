"""Fit the word-weight table of ``pipeline/boilerplate/lexicon.py`` from line-labelled pages.

Naive-Bayes log-ratios with one vote per document: in each page a word votes the share of its
labelled occurrences that are content, so a word a site prints on every line of its menu
counts once, like a word of one article sentence. The votes are summed over the pages, and a
word's weight is the log-odds of content among its votes, shrunk towards the prior by
``PSEUDO`` votes, minus the prior's log-odds (so 0 is neutral). Only words in at least
``MIN_DOCS`` pages are kept; numbers are left out (dates and prices are other features').
"""

from __future__ import annotations

import numpy as np

from bench.boilerplate_data import Page
from pipeline.boilerplate.features import TOKEN_RE, page_tokens, token_hash

# a word must occur in this many fit pages. 2 was measured in issue 14's thirteenth round (out of fold,
# three seeds: turku mean per language +0.010, es +0.046) and not kept: with more European words known the
# model leaned on them, and lines with no known word - every line of an Arabic, Persian, Urdu or Bengali
# page - scored lower (a hand-written Arabic news page's paragraphs, smoothed: 0.7-0.97 -> 0.2-0.35)
MIN_DOCS = 5
PSEUDO = 5.0  # prior votes every weight is shrunk with
MAX_WORD_CHARS = 24

_TOKENS: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
_WORD_OF: dict[int, str] = {}  # token hash -> the lower-cased word (for the readable table)
_HASHED: set[str] = set()


def tokens_of(p: Page) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`page_tokens` of a page, computed once per run; records the words behind the hashes."""
    if p.pid not in _TOKENS:
        _TOKENS[p.pid] = page_tokens(p.lines)
        for ln in p.lines:
            for w in TOKEN_RE.findall(ln.text[:400].lower()):
                if w not in _HASHED and len(w) <= MAX_WORD_CHARS and not w.isdigit():
                    _HASHED.add(w)
                    _WORD_OF[token_hash(w)] = w
    return _TOKENS[p.pid]


def fit_lexicon(pages: list[Page], min_docs: int = MIN_DOCS, pseudo: float = PSEUDO) -> dict[str, float]:
    """``{word: weight}`` from the labelled lines of ``pages`` (label -1: not used)."""
    hashes, votes = [], []
    for p in pages:
        if not p.lines:
            continue
        unique, inverse, tok_off = tokens_of(p)
        tok_hash = unique[inverse]
        labels = np.asarray(p.labels)[np.repeat(np.arange(len(p.lines)), np.diff(tok_off))]
        known = labels >= 0
        if not known.any():
            continue
        u, inv = np.unique(tok_hash[known], return_inverse=True)
        inv = inv.reshape(-1)
        hashes.append(u)
        votes.append(np.bincount(inv, weights=labels[known], minlength=len(u)) / np.bincount(inv, minlength=len(u)))
    if not hashes:
        return {}
    u, inv = np.unique(np.concatenate(hashes), return_inverse=True)
    inv = inv.reshape(-1)
    content = np.bincount(inv, weights=np.concatenate(votes), minlength=len(u))
    docs = np.bincount(inv, minlength=len(u)).astype(np.float64)
    prior = min(max(content.sum() / docs.sum(), 0.01), 0.99)
    weight = (np.log((content + pseudo * prior) / (docs - content + pseudo * (1 - prior)))
              - np.log(prior / (1 - prior)))
    table = {}
    for h, w in zip(u[docs >= min_docs].tolist(), weight[docs >= min_docs].tolist(), strict=True):
        word = _WORD_OF.get(h)
        if word is not None:
            table[word] = round(w, 3)
    return table
