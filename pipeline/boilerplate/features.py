"""Per-line features for the boilerplate model: shape, language, repetition and context.

Everything is cheap string arithmetic so the classifier runs at hundreds of pages per
second. Context columns (neighbours' values, windowed means) let a linear model see that
a short line sits inside a menu (short neighbours) or inside an article (long ones).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from pipeline.document import Role

from .lines import Line, norm_key
from .phrases import match_chrome, switcher_lang

_TOKEN_RE = re.compile(r"\w+")
_BULLETS = frozenset("•*+-–—·▪►»○◦●■□✓→>")
_BULLET_STR = "".join(_BULLETS) + " "
_END_PUNCT = frozenset('.!?。؟۔।:"”\')»')
_SENT_MARKS = (". ", "? ", "! ", "؟ ", "۔ ", "। ")
_HEAD = 160  # long lines: shape statistics from their first characters only (speed)
_NUMBERED_RE = re.compile(r"^(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]\s+\S", re.I)
_GLUE_RE = re.compile(r"[a-z][A-Z]")
_URL_RE = re.compile(r"https?://|www\.|@\w+\.\w|\.com\b")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
_DATE_TOKEN_RE = re.compile(
    rf"\b(?:{_MONTHS}|{_WEEKDAYS}|\d{{1,4}}(?:st|nd|rd|th)?|am|pm|gmt|utc|ist|pkt|"
    r"ago|hours?|minutes?|mins?|days?|weeks?|months?|years?|yesterday|today|"
    r"posted|published|updated|on|at|last|by|in|and|the|read|min|time|pst|est|et)\b",
    re.I,
)
_BYLINE_RE = re.compile(r"^(?:by|written by|author|posted by|بقلم|بواسطة|نویسنده|لیکوال|লেখক)\b[:\s]*",
                        re.I)

_STOPWORD_TEXT = (
    "a about above after again against all am an and any are as at be because been before being below "
    "between both but by can could did do does doing down during each few for from further had has have "
    "having he her here hers herself him himself his how i if in into is it its itself just me more most "
    "my myself no nor not now of off on once only or other our ours out over own same she should so some "
    "such than that the their theirs them then there these they this those through to too under until up "
    "very was we were what when where which while who whom why will with would you your yours also has "
    "been said which its were their في من على إلى الى عن أن ان مع هذا هذه التي الذي كان قد لا ما هو هي و "
    "او أو ثم كما بين از به با در که این آن را است برای تا یک هم بر شد می های خود نیز اما یا شده د په له "
    "چې او دا هغه ته کې سره یې شوي وه دي هم تر پر کے کی کا میں ہے اور سے کو نے پر یہ وہ ہیں تھا بھی ایک "
    "لیے এবং এই ও থেকে করে জন্য একটি না হয় তার যে সে এ করা হবে "
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(slots=True)
class LineInfo:
    """Non-numeric facts about a line that role assignment needs after classification."""

    chrome_role: Role | None
    chrome_strength: int
    switcher: str | None
    is_date: bool
    is_byline: bool
    n_tokens: int
    ends_punct: bool
    dup: int
    foreign: bool = False  # short line in another script / language than the page
    stop_rate: float = 0.0  # share of stopword tokens: prose has many, menus and titles few


BASE_NAMES = (
    "log_tokens", "log_chars", "long", "end_punct", "sentences", "comma_rate", "stop_rate",
    "title_rate", "upper_rate", "digit_rate", "bullet", "indent", "numbered", "log_dup",
    "adj_dup", "chrome_strong", "chrome_weak", "switcher", "date", "byline", "separators",
    "url", "foreign_script", "foreign_lang", "glue", "alpha_rate", "rel_len", "title_like",
    "pos", "short_run",
)
_CTX_BASE = ("log_tokens", "end_punct", "stop_rate", "bullet", "log_dup", "chrome_strong",
             "title_like", "indent", "short_run")
FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    *BASE_NAMES,
    *(f"prev_{n}" for n in _CTX_BASE),
    *(f"next_{n}" for n in _CTX_BASE),
    *(f"win_{n}" for n in _CTX_BASE),
    "win_max_tokens", "doc_log_lines", "pos2", "indent_delta", "no_words", "doc_bullet_rate",
    "doc_indent_rate", "doc_mean_tokens", "doc_long_rate",
)
_IDX = {n: i for i, n in enumerate(BASE_NAMES)}
_CTX_IDX = [_IDX[n] for n in _CTX_BASE]


_SCRIPT_RES = (
    re.compile(r"[A-Za-z\u00C0-\u024F]"),
    re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]"),
    re.compile(r"[\u0980-\u09FF]"),
    re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u0600-\u06FF\u0750-\u077F\u0980-\u09FF"
               r"\uFB50-\uFDFF\uFE70-\uFEFF]"),
)
_DIGIT_RE = re.compile(r"\d")
_NO_DIGITS = str.maketrans("", "", "0123456789")


_ASCII_LETTERS = re.compile(r"[A-Za-z]")
_CAP_WORD_RE = re.compile(r"(?<!\w)[A-Z\u00C0-\u00DE]")
_UPPER_WORD_RE = re.compile(r"(?<!\w)[A-Z]{2,}(?!\w)")


def _line_script(text: str) -> tuple[int, int]:
    """(dominant script: 1 Latin, 2 Arabic, 3 Bengali, 4 other; letter count) of a line."""
    if text.isascii():
        letters = len(_ASCII_LETTERS.findall(text))
        return (1, letters) if letters else (0, 0)
    counts = [len(r.findall(text)) for r in _SCRIPT_RES]
    letters = sum(counts)
    if letters == 0:
        return 0, 0
    return 1 + max(range(4), key=counts.__getitem__), letters


def is_date_line(text: str) -> bool:
    """True when the line is only a date/time stamp (e.g. "Wednesday, August 27, 2025")."""
    if len(text) > 60 or not _DIGIT_RE.search(text):
        return False
    rest = _DATE_TOKEN_RE.sub(" ", text)
    return len(_TOKEN_RE.findall(rest)) == 0


def _window_mean(col: np.ndarray, w: int) -> np.ndarray:
    """Mean of ``col`` over ``[i-w, i+w]`` excluding i itself (edges use what exists)."""
    n = len(col)
    c = np.concatenate(([0.0], np.cumsum(col)))
    idx = np.arange(n)
    lo = np.maximum(idx - w, 0)
    hi = np.minimum(idx + w + 1, n)
    tot = c[hi] - c[lo] - col
    cnt = (hi - lo - 1).clip(min=1)
    return tot / cnt


def _line_stats(t: str, key: str) -> tuple[list[float], LineInfo]:
    """Features of a line that depend on its text only (cached per distinct text)."""
    nc = len(t)
    head = t[:_HEAD]
    low = head.lower()
    toks = _TOKEN_RE.findall(low)
    nh = len(toks)
    nt = nh if nc <= _HEAD else int(nh * nc / _HEAD) + 1
    body = t.lstrip(_BULLET_STR)
    if nt <= 40:
        role, strength = match_chrome(t, key=key if len(t) <= _HEAD else None, segment=nt <= 8)
        sw = switcher_lang(t, key) if nt <= 6 else None
        date = nt <= 12 and is_date_line(body)
    else:
        role, strength, sw, date = None, 0, None, False
    byline = nt <= 6 and bool(_BYLINE_RE.match(body))
    na = nh or 1
    if head.islower() or (not head.isascii() and not _CAP_WORD_RE.search(head)):
        title = upper = 0.0
    else:
        title = len(_CAP_WORD_RE.findall(head)) / na
        upper = len(_UPPER_WORD_RE.findall(head)) / na
    stop = sum(map(STOPWORDS.__contains__, toks)) / (nh or 1)
    last = t[-1]
    ends = 1.0 if last in _END_PUNCT else 0.0
    bullet = 1.0 if (t[0] in _BULLETS and (nc == 1 or t[1] == " ")) else 0.0
    seps = t.count("|") + t.count("»") + t.count(" / ") + t.count("·")
    title_like = 1.0 if (3 <= nt <= 20 and not ends and title >= 0.6) else 0.0
    log1p = math.log1p
    row = [
        log1p(nt), log1p(nc), 1.0 if nt >= 25 else 0.0, ends,
        log1p(sum(t.count(m) for m in _SENT_MARKS) + (1.0 if last in ".!?؟۔।" else 0.0)),
        t.count(",") / (nt or 1), stop, title, upper, (len(head) - len(head.translate(_NO_DIGITS))) / len(head), bullet,
        0.0, 1.0 if _NUMBERED_RE.match(body) else 0.0, 0.0, 0.0,
        1.0 if strength == 2 else 0.0, 1.0 if strength == 1 else 0.0,
        1.0 if sw else 0.0, 1.0 if date else 0.0, 1.0 if byline else 0.0, min(seps, 5),
        1.0 if _URL_RE.search(head) else 0.0, 0.0, 0.0,
        min(len(_GLUE_RE.findall(head)), 4), 0.0, 0.0, title_like, 0.0, 0.0,
    ]
    return row, LineInfo(role, strength, sw, date, byline, nt, bool(ends), 1, stop_rate=stop)


def featurize(lines: list[Line]) -> tuple[np.ndarray, list[LineInfo]]:
    """Feature matrix (n_lines x len(FEATURE_NAMES)) and per-line :class:`LineInfo`."""
    n = len(lines)
    infos: list[LineInfo] = []
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES))), infos
    keys = [norm_key(ln.text) if len(ln.text) <= _HEAD else ln.text for ln in lines]
    counts = Counter(keys)
    scripts = [_line_script(ln.text[:_HEAD]) for ln in lines]
    # Dominant script and language of the document, weighted by letters.
    script_w = [0, 0, 0, 0, 0]
    lang_w: Counter[str] = Counter()
    for (sc, letters), ln in zip(scripts, lines, strict=True):
        script_w[sc] += letters
        if ln.lang:
            lang_w[ln.lang] += letters
    doc_script = max(range(1, 5), key=script_w.__getitem__)
    doc_lang = lang_w.most_common(1)[0][0] if lang_w else None
    max_len = max(len(ln.text) for ln in lines)
    rows: list[list[float]] = []
    text_cache: dict[str, tuple[list[float], LineInfo]] = {}
    inv_pos = 1.0 / max(n - 1, 1)
    for i, ln in enumerate(lines):
        t = ln.text
        cached = text_cache.get(t)
        if cached is None:
            cached = _line_stats(t, keys[i])
            text_cache[t] = cached
        row, info = cached
        if ln.text_en and info.chrome_strength == 0:
            role, strength = match_chrome(ln.text_en)
            if strength:
                info = replace(info, chrome_role=role, chrome_strength=strength)
                row = row.copy()
                row[15], row[16] = (1.0, 0.0) if strength == 2 else (0.0, 1.0)
        sc, letters = scripts[i]
        nt = info.n_tokens
        dup = counts[keys[i]]
        key = keys[i]
        adj = 1.0 if ((i > 0 and keys[i - 1] == key) or (i + 1 < n and keys[i + 1] == key)) else 0.0
        row = [*row]
        row[11] = min(ln.indent, 40) / 8.0
        row[13] = math.log(dup) if key else 0.0
        row[14] = adj
        row[22] = (1.0 if nt < 15 else 0.5) if (letters and sc != doc_script) else 0.0
        row[23] = (1.0 if nt < 15 else 0.5) if (doc_lang and ln.lang and ln.lang != doc_lang) else 0.0
        row[25] = letters / min(len(t), _HEAD)
        row[26] = len(t) / max_len
        row[28] = i * inv_pos
        rows.append(row)
        foreign = nt <= 8 and (row[22] > 0 or row[23] > 0)
        if info.dup != dup or foreign:
            info = replace(info, dup=dup, foreign=foreign)
        infos.append(info)
    base = np.array(rows, dtype=np.float64)
    # Length of the run of short (< 6 token) lines this line belongs to.
    short = (base[:, 0] < np.log1p(6)).tolist()
    run = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and short[j] == short[i]:
            j += 1
        if short[i]:
            run[i:j] = np.log1p(j - i)
        i = j
    base[:, _IDX["short_run"]] = run
    ctx = base[:, _CTX_IDX]
    prev = np.vstack([np.zeros((1, ctx.shape[1])), ctx[:-1]])
    nxt = np.vstack([ctx[1:], np.zeros((1, ctx.shape[1]))])
    win = np.column_stack([_window_mean(ctx[:, k], 3) for k in range(ctx.shape[1])])
    lt = base[:, 0]
    pad = np.concatenate((np.zeros(2), lt, np.zeros(2)))
    win_max = np.max(np.lib.stride_tricks.sliding_window_view(pad, 5), axis=1)
    ind = base[:, _IDX["indent"]]
    indent_delta = ind - np.median(ind)
    pos = base[:, _IDX["pos"]]
    lt_mean = float(lt.mean())
    extra = np.column_stack([
        win_max, np.full(n, np.log1p(n) / 6.0), (pos - 0.5) ** 2, indent_delta,
        (lt == 0).astype(np.float64),
        np.full(n, base[:, _IDX["bullet"]].mean()), np.full(n, float((ind > 0).mean())),
        np.full(n, lt_mean), np.full(n, base[:, _IDX["long"]].mean()),
    ])
    X = np.hstack([np.ones((n, 1)), base, prev, nxt, win, extra])
    return X, infos
