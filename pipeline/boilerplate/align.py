"""In-order alignment of page lines to a reference text (an extractor's output or a gold text).

Menus repeat words and whole titles, so matching each line independently is wrong: the
article must be found as one in-order chain. Every line proposes candidate spans in the
reference token stream (exact runs starting at occurrences of its first tokens); a
weighted longest-increasing-chain (Fenwick tree over reference positions) keeps the set of
non-overlapping, order-preserving spans that covers the most tokens.
"""

from __future__ import annotations

from collections import defaultdict

_MAX_CANDIDATES = 12


class _MaxFenwick:
    """Prefix-maximum Fenwick tree holding (score, candidate id)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.score = [0] * (n + 1)
        self.arg = [-1] * (n + 1)

    def update(self, i: int, score: int, arg: int) -> None:
        i += 1
        while i <= self.n:
            if score > self.score[i]:
                self.score[i] = score
                self.arg[i] = arg
            i += i & -i

    def query(self, i: int) -> tuple[int, int]:
        """Best over positions < i."""
        best, arg = 0, -1
        while i > 0:
            if self.score[i] > best:
                best, arg = self.score[i], self.arg[i]
            i -= i & -i
        return best, arg


def align_spans(line_tokens: list[list[str]], ref: list[str]) -> list[tuple[float, tuple[int, int] | None]]:
    """Per line: matched fraction and the ``[lo, hi)`` span of ``ref`` it aligned to (or None)."""
    n_ref = len(ref)
    out: list[tuple[float, tuple[int, int] | None]] = [(0.0, None)] * len(line_tokens)
    if n_ref == 0:
        return out
    pos: dict[str, list[int]] = defaultdict(list)
    for i, tok in enumerate(ref):
        pos[tok].append(i)
    # candidates: (line, start, end, matched)
    cands: list[tuple[int, int, int, int]] = []
    for li, toks in enumerate(line_tokens):
        m = len(toks)
        if m == 0:
            continue
        seen: set[int] = set()
        need = max(1, (m + 1) // 2)
        # Anchor on the rarest tokens of the line (at most 3): few, precise candidates.
        counts = [len(pos.get(t, ())) for t in toks[:64]]
        anchors = sorted((c, j) for j, c in enumerate(counts) if c)[:3]
        evaluated = 0
        for count, a in anchors:
            if evaluated >= _MAX_CANDIDATES * 2 or (count > _MAX_CANDIDATES and evaluated):
                break
            perfect = False
            for p in pos[toks[a]][:_MAX_CANDIDATES * 4]:
                start = p - a
                if start in seen:
                    continue
                seen.add(start)
                evaluated += 1
                # a window clipped by the ends of the reference may be too short to reach half
                lo, hi = max(start, 0), min(start + m, n_ref)
                if hi - lo < need:
                    continue
                # matched tokens within the window, tolerant to small edits
                hits = [j for j in range(lo, hi) if ref[j] == toks[j - start]]
                if len(hits) >= need:
                    # tight span: an extra token in the line ("1." before a list item) must not
                    # overlap the previous line's span
                    cands.append((li, hits[0], hits[-1] + 1, len(hits)))
                    perfect = perfect or (len(hits) == m and count == 1)
            if perfect:
                break
    if not cands:
        return out
    tree = _MaxFenwick(n_ref + 1)
    best = [0] * len(cands)
    back = [-1] * len(cands)
    i = 0
    while i < len(cands):
        j = i
        while j < len(cands) and cands[j][0] == cands[i][0]:
            j += 1
        for k in range(i, j):
            _, lo, _, matched = cands[k]
            prev, arg = tree.query(lo + 1)
            best[k] = prev + matched
            back[k] = arg
        for k in range(i, j):
            tree.update(cands[k][2], best[k], k)
        i = j
    k = max(range(len(cands)), key=best.__getitem__)
    while k >= 0:
        li, lo, hi, matched = cands[k]
        out[li] = (matched / len(line_tokens[li]), (lo, hi))
        k = back[k]
    return out

