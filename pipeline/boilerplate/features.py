"""Per-line features for the boilerplate model: shape, language, repetition and context.

The page is analysed as one array: its lines (each cut to its first ``_HEAD`` characters)
are joined, encoded as code points, and a per-code-point table gives word/upper/lower/
digit/letter/punctuation flags and the script. Per-line counts (tokens, capitalised words,
digits, letters per script, sentence marks, commas, separators, glued link labels) are
then segment sums, and the context columns (neighbours' values, windowed means, distance
to the article's prose) are array operations too. Only what needs string matching per line
(chrome phrases, language-switcher labels, date stamps, bylines) is done in Python, and
only for short lines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from pipeline.document import Role
from pipeline.spelling import spelling_variants

from .date_words import DATE_WORDS as _DATE_WORDS
from .date_words import MONTHS as _MONTHS
from .lines import Line, lines_containing_joined, norm_key
from .phrases import match_chrome, match_chrome_many, switcher_many, to_chrome_keys

# scripts written without spaces between words (Han, kana, Thai, Lao, Myanmar, Khmer): each of their
# word characters is a token, so a Chinese or Japanese paragraph is long, not one giant "word"
NO_SPACE_RANGES = ((0x0E00, 0x0F00), (0x1000, 0x10A0), (0x1780, 0x1800), (0x3040, 0x3100), (0x3400, 0x4DC0),
                   (0x4E00, 0xA000), (0xF900, 0xFB00), (0xFF66, 0xFFA0), (0x20000, 0x40000))
_NO_SPACE_CLASS = "".join(f"\\U{lo:08x}-\\U{hi - 1:08x}" for lo, hi in NO_SPACE_RANGES)


def _mark_class() -> str:
    """The BMP's combining marks (Unicode category M) outside the no-space scripts, as a regex class body.

    ``re``'s ``\\w`` leaves them out, so with ``\\w`` alone a Bengali word broke at every vowel sign and
    virama (জানুয়ারি was four tokens, থেকে two) and an Arabic word at its harakat: token counts of Bengali
    lines were ~2.5 times their words and no Bengali function word or month was ever recognised. Up to
    ``_MARKS_MAX`` marks continue the token they follow; a mark after anything else (an emoji's variation
    selector) is no token. (Astral marks are rare; a no-space script's marks stay outside tokens, as each
    of its letters is a token of its own.)
    """
    spans: list[list[int]] = []
    for cp in range(0x10000):
        if unicodedata.category(chr(cp))[0] == "M" and not any(lo <= cp < hi for lo, hi in NO_SPACE_RANGES):
            if spans and spans[-1][1] == cp - 1:
                spans[-1][1] = cp
            else:
                spans.append([cp, cp])
    return "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in spans)


_MARK_CLASS = _mark_class()
_MARKS_MAX = 4  # marks in a row after a letter (a vowel sign, nukta and chandrabindu are three)
# what a token is: a character of a no-space script, or a run of word characters each followed by its marks
TOKEN_RE = re.compile(
    f"(?=\\w)[{_NO_SPACE_CLASS}]|(?:(?![{_NO_SPACE_CLASS}])\\w[{_MARK_CLASS}]{{0,{_MARKS_MAX}}})+")
_MARK_CHAR_RE = re.compile(f"[{_MARK_CLASS}]")
_WORD_CHAR_RE = re.compile(r"\w")  # what a line's key keeps (norm_key): the per-site memory stores keys
_BULLETS = frozenset("•*+-–—·▪►»○◦●■□✓→>")
_MENU_BULLETS = frozenset("•*+-·")  # a repeated short line starting with one of these is a menu item
# sentence terminals of every script the sites publish in: Latin, Arabic ؟, Urdu ۔, Bengali/Devanagari । ॥,
# CJK 。！？, Armenian ։, Ethiopic ። , Myanmar ။, Thai ฯ is no terminal (abbreviation)
_SENT_END = frozenset(".!?؟۔।॥。！？։።။")
_END_PUNCT = frozenset(_SENT_END | frozenset(':"”\')»」』）'))
_HEAD = 400  # characters of a line analysed; counts of longer lines are scaled from their head
_DATE_MAX_CHARS = 64
_KEY_MAX = 300  # lines up to this long are compared on a normalised key (and matched to phrases)
_URL_RE = re.compile(r"https?://|www\.|@\w+\.\w|\.com\b")
_URL_HINTS = ("http", "www.", "@", ".com")  # every _URL_RE match contains one of these
_LEAD = "[" + re.escape("".join(sorted(_BULLETS))) + r" \t\u00a0]*"  # no newline: one line only
# a byline's first word(s); only lines of at most six tokens are tested
_BYLINE_STARTS = tuple(sorted(spelling_variants((
    "by", "written by", "author", "posted by", "بقلم", "بواسطة", "نویسنده", "لیکوال", "লেখক",
    # reporters' and staff bylines of the region's news sites ("Staff Correspondent" is a Bengali paper's
    # usual byline); words that also start headings – Arabic تحرير "liberation", كتب "books" – left out
    "مراسل", "مراسلة", "خبرنگار", "گزارشگر", "مصنف", "رپورٹ", "رپورٹر", "نامہ نگار", "لیکنه", "راپور",
    "নিজস্ব প্রতিবেদক", "প্রতিবেদক", "স্টাফ রিপোর্টার", "লিখেছেন",
    "autor", "autorin", "geschrieben von", "verfasst von", "escrito por", "publicado por", "écrit par", "publié par",
    "auteur", "kirjoittanut", "kirjoittaja", "skrivet av", "postad av", "publicerad av", "skribent", "scritto da",
    "geschreven door", "napisał", "napisała", "автор", "yazar",
))))
# the lookahead (the words' first letters) spares the ~30 alternatives on the lines no byline word can start;
# the word ends where no word character or mark follows (``\b`` would end a Bengali word at a vowel sign)
_BYLINE_LINE_RE = re.compile(
    r"^" + _LEAD + "(?=[" + re.escape("".join(sorted({w[0] for w in _BYLINE_STARTS}))) + "])(?:"
    + "|".join(map(re.escape, _BYLINE_STARTS)) + f")(?![\\w{_MARK_CLASS}])", re.I | re.M)
_NUMBERED_LINE_RE = re.compile(r"^" + _LEAD + r"(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]\s+\S", re.I | re.M)
_NON_DECIMAL_RE = re.compile(r"\d+")
_PREFIX_CHARS = 12
LAYOUT_MIN_INDENTED = 0.2  # a page with this share of indented lines is a rendered layout (see is_layout)

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
    # more of ar, fa/prs, ps, ur and bn (issue 14's twelfth round: with a dozen words each, prose in these
    # languages had a third of the function-word rate of English prose; Arabic also writes "and", "with",
    # "to" as prefixes, so its common prefixed forms are listed)
    "إن إنه أنه أنها لم لن كل بعد قبل حيث عند منذ ذلك تلك الذين كانت يكون تكون تم أي غير حتى لكن ولكن له لها "
    "لهم فيه فيها منه منها عليه عليها إلا أيضا أيضاً قال وقال وقد وكان وكانت وفي ومن وعلى وإلى وأن بأن لأن وهو "
    "وهي ولا وما ولم وذلك هناك عندما إذا اذا لقد فقد "
    "کرد کند کنند کرده بود بودند باشد اند ای هر وی او ما شما آنها همه پس چون اگر دارد دارند دیگر گفت روی نه "
    "هیچ چه باید میان ها بیش خواهد شود شوند هست نمی گفته میباشد "
    "دی ده وو وي به نه دغه هر ځینې خو بیا کوي کړي شو شوې کړ وویل لپاره څخه باندې پورې کله زه موږ دوی یو "
    "تھی تھے ہو ہوں ہوا ہوئے ہوئی گا گی گے جو جس جن کہ تو نہیں نہ اس ان کر کیا کرنے رہا رہے رہی جا جاتا گیا "
    "گئی گئے بعد تک ساتھ والے والی لیکن مگر اگر کچھ سب اپنے اپنی کسی ہی جب کہا "
    "আর কিন্তু তবে বা যা যার তিনি তারা আমি আমরা তাদের এর এটি এটা সেই কি কী কোন হয়েছে ছিল ছিলেন হচ্ছে করেন "
    "করেছে করছে দিয়ে নিয়ে পর পরে মধ্যে সঙ্গে সাথে বলে বলেন জানান এখন কোনো সব অনেক আরও শুধু কাছে উপর হলে "
    "যদি তো নয় "
    # de es fr pt it nl sv fi pl ru: the most frequent function words (prose is full of them in any
    # language; a menu or a title has few)
    "der die das und ist nicht ein eine einen dem den des mit von zu auf für sich auch als wie bei oder "
    "wird werden sind wir ihr sie es aus nach noch über um wenn dass aber nur kann hat "
    "el la los las un una unos del al y o que en es por para con se su sus lo como más pero le les ya "
    "le la les un une des du de et est pas pour dans sur avec ce cette qui que ne au aux sont il elle ils nous vous "
    "o os as um uma do da dos das em no na nos nas e que não com por para se mais ao "
    "il lo gli le di da del della che e è per non con su sono un una dei delle nel alla "
    "de het een en van is dat die niet op te zijn voor met als ook er maar aan bij om "
    "och att det som en ett är på för med av den till har inte de var om jag kan så men ska "
    "ja on ei että se oli ovat mutta kun myös tai jos hän ole niin kuin mitä sen vain "
    "i w z na do nie się że to jest o jak a od po dla ale czy tak "
    "и в не на что с по как это к а но из у за то же от для так он она они все "
)
STOPWORDS = spelling_variants(_STOPWORD_TEXT.split())


# the Arabic article and the proclitics written before it: و ف ب ك ل, "and", "so", "with", "as", "for"
_ALEF, _LAM = "\u0627", "\u0644"
_ARABIC_PROCLITICS = "\u0648\u0641\u0628\u0643\u0644"
_PROCLITIC_CPS = np.array([ord(c) for c in _ARABIC_PROCLITICS])


def is_function_word(token: str) -> bool:
    """Scalar reference of what :func:`featurize` counts as a function word: a stopword, or an Arabic word
    of four letters or more with the article ("ال", "وال", "بال", … "لل"; see :func:`_arabic_article`)."""
    t = token.lower()
    article = _ALEF + _LAM
    return (t in STOPWORDS or (len(t) >= 4 and t[:2] in (article, _LAM + _LAM))
            or (len(t) >= 5 and t[0] in _ARABIC_PROCLITICS and t[1:3] == article))


BASE_NAMES = (
    "log_tokens", "log_chars", "long", "end_punct", "sentences", "comma_rate", "stop_rate",
    "page_word_rate", "title_rate", "upper_rate", "digit_rate", "bullet", "indent", "numbered", "log_dup",
    "adj_dup", "chrome_strong", "chrome_weak", "switcher", "date", "byline", "separators",
    "url", "foreign_script", "foreign_lang", "glue", "alpha_rate", "rel_len", "title_like",
    "pos", "short_run",
)
_CTX_BASE = ("log_tokens", "end_punct", "stop_rate", "page_word_rate", "bullet", "log_dup", "chrome_strong",
             "title_like", "indent", "short_run")
EXTRA_NAMES = (
    "win_max_tokens", "doc_log_lines", "pos2", "indent_delta", "no_words", "doc_bullet_rate",
    "doc_indent_rate", "doc_mean_tokens", "doc_long_rate",
)
# page-context columns: where the line sits relative to the page's prose, its indentation and
# its templated neighbours (computed last; a model may be fitted without them, see _selection)
PAGE_NAMES = (
    "ellipsis", "copyright", "has_date", "starts_lower", "ends_colon", "tok_pos", "main_indent",
    "indent_off", "indent_run", "prose_density", "prose_prev", "prose_next", "in_core", "core_dist",
    "core_tok_dist", "win10_long", "rel_tokens", "log_dup_nodigit", "log_prefix_dup", "prefix_run", "later_copy",
)
# page calibration (issue 14, sixth round): the line measured against its own page – its length relative
# to the page's median and its rank, the page's median length, its share of punctuated and sentence lines,
# the line's function-word rates minus the page's median, the share of the page's tokens in prose and in
# the article core – so that one model can tell, on a flat page where every line looks middling, which of
# them stand out. Flat text only: on a rendered layout (see LAYOUT_MIN_INDENTED) they are 0 but
# "lex_minus_median". Measured and not in the shipped model: they come last (with "lex_minus_median"),
# so the shipped columns are a prefix of FEATURE_NAMES and its matrix a view, not a copy
CALIB_NAMES = (
    "tok_minus_median", "chars_minus_median", "tok_rank", "page_median_tokens", "page_punct_share",
    "page_sent_share", "stop_minus_median", "page_median_stop", "page_word_minus_median", "page_prose_share",
    "page_core_share",
)
# learned lexical evidence (see lexicon.py): the line's mean known-word weight and coverage, its
# neighbours' and the page's, and its weight minus the page's median line weight; all 0 without a
# lexicon or for words it does not know
LEX_NAMES = ("lex_mean", "lex_cov", "prev_lex_mean", "next_lex_mean", "win_lex_mean", "doc_lex_mean",
             "lex_minus_median")
FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    *BASE_NAMES,
    *(f"prev_{n}" for n in _CTX_BASE),
    *(f"next_{n}" for n in _CTX_BASE),
    *(f"win_{n}" for n in _CTX_BASE),
    *EXTRA_NAMES,
    *PAGE_NAMES,
    *LEX_NAMES[:-1],
    *CALIB_NAMES,
    LEX_NAMES[-1],  # lex_minus_median, a calibration column computed with the lexical ones
)
_IDX = {n: i for i, n in enumerate(BASE_NAMES)}
_CALIB_AT = FEATURE_NAMES.index(CALIB_NAMES[0])
_CTX_IDX = [_IDX[n] for n in _CTX_BASE]
_COLUMN = {n: i for i, n in enumerate(FEATURE_NAMES)}

# code-point flags
_WORD, _UPPER, _LOWER, _DIGIT, _ALPHA, _SENT, _COMMA, _SEP, _DECIMAL = 1, 2, 4, 8, 16, 32, 64, 128, 256
_END, _BULLET, _MENU_BULLET = 512, 1024, 2048  # line-final punctuation, bullet characters, menu bullets
_NO_SPACE = 4096  # a script written without spaces: each word character is a token
_MARK = 8192  # a combining mark outside the no-space scripts (see _mark_class)
_SPACE = 32
_SLASH = ord("/")
_COPY = ord("©")


def _flags_of(c: str) -> tuple[int, int]:
    """(flags, script) of one character; the tables below hold this for every BMP code point."""
    f = 0
    if _WORD_CHAR_RE.match(c):
        f |= _WORD
    if _MARK_CHAR_RE.match(c):
        f |= _MARK
    if any(lo <= ord(c) < hi for lo, hi in NO_SPACE_RANGES):
        f |= _NO_SPACE
    if c.isupper():
        f |= _UPPER
    if c.islower():
        f |= _LOWER
    if "0" <= c <= "9":
        f |= _DIGIT
    if c.isalpha():
        f |= _ALPHA
    if c in _SENT_END:
        f |= _SENT
    if c in ",،、，":
        f |= _COMMA
    if c in "|»·":
        f |= _SEP
    if c.isdecimal():
        f |= _DECIMAL
    if c in _END_PUNCT:
        f |= _END
    if c in _BULLETS:
        f |= _BULLET
    if c in _MENU_BULLETS:
        f |= _MENU_BULLET
    return f, (4 if c.isalpha() else 0)


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flags, script (0 none, 1 Latin, 2 Arabic, 3 Bengali, 4 other letter) and lower case per BMP code point.

    The word flag is exactly ``re``'s ``\\w`` (what a line's key keeps); with the mark flag (up to
    ``_MARKS_MAX`` marks after a word character continue its token) token counts equal
    ``len(TOKEN_RE.findall(line))``.
    """
    chars = np.arange(0x10000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    cps = np.arange(0x10000)

    def mask(values: object) -> np.ndarray:
        return np.frombuffer(bytes(values), dtype=np.uint8).astype(bool)  # type: ignore[arg-type]

    word = np.frombuffer(re.sub(r"\w", "\x01", chars).encode("utf-32-le", "surrogatepass"), dtype=np.uint32) == 1
    word[1] = False
    mark = np.frombuffer(re.sub(_MARK_CHAR_RE, "\x01", chars).encode("utf-32-le", "surrogatepass"),
                         dtype=np.uint32) == 1
    mark[1] = False
    alpha = mask(map(str.isalpha, chars))
    flags = (word * _WORD | mark * _MARK | mask(map(str.isupper, chars)) * _UPPER
             | mask(map(str.islower, chars)) * _LOWER
             | ((cps >= 48) & (cps <= 57)) * _DIGIT | alpha * _ALPHA
             | mask(map(str.isdecimal, chars)) * _DECIMAL).astype(np.uint16)
    for lo, hi in NO_SPACE_RANGES:
        if lo < 0x10000:
            flags[lo:hi] |= _NO_SPACE
    for chars_, bit in ((_SENT_END, _SENT), (",،、，", _COMMA), ("|»·", _SEP), (_END_PUNCT, _END), (_BULLETS, _BULLET),
                        (_MENU_BULLETS, _MENU_BULLET)):
        for c in chars_:
            flags[ord(c)] |= bit

    def rng(lo: int, hi: int) -> np.ndarray:
        return (cps >= lo) & (cps < hi)

    latin = alpha & (rng(0, 0x250) | rng(0x1E00, 0x1F00))
    arabic = alpha & (rng(0x600, 0x700) | rng(0x750, 0x780) | rng(0x8A0, 0x900) | rng(0xFB50, 0xFE00)
                      | rng(0xFE70, 0xFF00))
    bengali = alpha & rng(0x980, 0xA00)
    script = np.select([latin, arabic, bengali, alpha], [1, 2, 3, 4], 0).astype(np.uint8)
    low = cps.astype(np.uint64)
    for c in np.flatnonzero(mask(map(str.isupper, chars))).tolist():
        lc = chr(c).lower()
        if len(lc) == 1:
            low[c] = ord(lc)
    return flags, script, low


def is_date_line(text: str) -> bool:
    """True when the line is only a date/time stamp (e.g. "Wednesday, August 27, 2025").

    Scalar reference of what :func:`featurize` computes for all lines at once: at most 12
    tokens, at most ``_DATE_MAX_CHARS`` characters, a number among them, and every token a
    number of up to four digits or a date word.
    """
    toks = TOKEN_RE.findall(text.lower())
    numbers = sum(t.isdecimal() and len(t) <= 4 for t in toks)
    return (len(text) <= _DATE_MAX_CHARS and 0 < len(toks) <= 12 and numbers > 0
            and all((t.isdecimal() and len(t) <= 4) or t in _DATE_WORDS for t in toks))


def _window_mean(col: np.ndarray, w: int) -> np.ndarray:
    """Mean of ``col`` (a vector, or each column of a matrix) over ``[i-w, i+w]`` excluding i itself."""
    n = len(col)
    c = np.concatenate((np.zeros((1, *col.shape[1:])), np.cumsum(col, axis=0)))
    idx = np.arange(n)
    lo = np.maximum(idx - w, 0)
    hi = np.minimum(idx + w + 1, n)
    tot = c[hi] - c[lo] - col
    cnt = (hi - lo - 1).clip(min=1)
    return tot / (cnt if col.ndim == 1 else cnt[:, None])


def _run_lengths(values: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of equal values it belongs to."""
    n = len(values)
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    bounds = np.concatenate(([0], change, [n]))
    return np.repeat(np.diff(bounds), np.diff(bounds))


def _nearest_distance(mask: np.ndarray, forward: bool) -> np.ndarray:
    """Lines to the nearest True of ``mask`` above (or, ``forward``, below) each line; n+1 if none."""
    n = len(mask)
    idx = np.arange(n)
    if not forward:
        last = np.where(mask, idx, -1)
        last = np.maximum.accumulate(np.concatenate(([-1], last[:-1])))
        return np.where(last >= 0, idx - last, n + 1)
    nxt = np.where(mask, idx, 2 * n + 2)
    nxt = np.minimum.accumulate(np.concatenate((nxt[1:], [2 * n + 2]))[::-1])[::-1]
    return np.where(nxt <= n, nxt - idx, n + 1)


_STOP, _DATEW, _MONTH = 1, 2, 4  # token classes
_PAGE_WORDS = 24  # a page's function words: its most frequent tokens...
_PAGE_WORD_MIN_COUNT = 3  # ...that occur at least this often
_P = 1_000_003  # token hash: sum of lower-cased code point * P**position, modulo 2**64 (uint64 arithmetic)
_P_INV = pow(_P, -1, 1 << 64)
_POWERS: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i modulo 2**64 for i < n (cached, grown by doubling)."""
    if not _POWERS or len(_POWERS[0]) < n:
        size = max(1 << 16, 1 << (n - 1).bit_length())
        pw = np.empty(size, dtype=np.uint64)
        ipw = np.empty(size, dtype=np.uint64)
        pw[0] = ipw[0] = 1
        np.cumprod(np.full(size - 1, _P, dtype=np.uint64), out=pw[1:])
        np.cumprod(np.full(size - 1, _P_INV, dtype=np.uint64), out=ipw[1:])
        _POWERS[:] = [pw, ipw]
    return _POWERS[0], _POWERS[1]


def token_hash(word: str) -> int:
    """The hash :func:`_char_counts` computes for a (lower-cased) token."""
    return sum(ord(c) * pow(_P, k, 1 << 64) for k, c in enumerate(word)) % (1 << 64)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[np.ndarray, np.ndarray]:
    """Sorted hashes of the words with a class (stopword, date word, month) and their class bits."""
    classes: dict[str, int] = {}
    for words, bit in ((STOPWORDS, _STOP), (_DATE_WORDS, _DATEW), (_MONTHS, _MONTH)):
        for w in words:
            classes[w] = classes.get(w, 0) | bit
    table = sorted((token_hash(w), bit) for w, bit in classes.items() if len(w) <= 16)
    return np.array([h for h, _ in table], dtype=np.uint64), np.array([b for _, b in table], dtype=np.int64)


def _char_counts(lens: np.ndarray, joined: str) -> dict[str, np.ndarray]:
    r"""Per-line counts over the heads of the lines, in one vectorised pass over their code points.

    ``joined``: the heads, each followed by a newline; ``lens``: their lengths.

    Tokens are :data:`TOKEN_RE`'s runs (``\\w+`` with combining marks); a token's class (stopword, date word, month) is
    looked up by a 64-bit polynomial hash of its lower-cased characters.
    """
    flags_t, script_t, low_t = _tables()
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    astral = np.flatnonzero(cp > 0xFFFF)
    small = cp
    if len(astral):
        small = cp.copy()
        small[astral] = 0
    # np.take: half the time of fancy indexing for these gathers (the same arrays)
    flags, script, low = np.take(flags_t, small), np.take(script_t, small), np.take(low_t, small)
    for pos in astral.tolist():
        c = int(cp[pos])
        flags[pos], script[pos] = _flags_of(chr(c))
        low[pos] = c
    n = len(lens)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    word = (flags & _WORD).astype(bool)
    no_space = (flags & _NO_SPACE).astype(bool) & word
    # a token's characters: word characters, and up to _MARKS_MAX marks after one (not after a no-space one)
    mark = (flags & _MARK).astype(bool)
    if mark.any():
        word = word.copy()
        for _ in range(_MARKS_MAX):
            word[1:] |= mark[1:] & word[:-1] & ~no_space[:-1]
    # a token starts at a word character after a non-word one, and at every character of a no-space script
    boundary = np.ones(len(cp), dtype=bool)  # boundary[i]: a token cannot continue from i-1 into i
    boundary[1:] = ~word[:-1] | no_space[:-1] | no_space[1:]
    word_start = word & boundary
    upper = (flags & _UPPER).astype(bool)
    space = cp == _SPACE
    space_next = np.zeros(len(cp), dtype=bool)
    space_next[:-1] = space[1:]
    glue = np.zeros(len(cp), dtype=bool)
    glue[:-1] = (flags[:-1] & _LOWER).astype(bool) & upper[1:]
    slash = cp == _SLASH
    slash[1:] &= space[:-1]
    slash &= space_next
    masks = np.stack([
        word_start, word_start & upper, (flags & _DIGIT).astype(bool),
        (flags & _SENT).astype(bool) & space_next, (flags & _COMMA).astype(bool), (flags & _SEP).astype(bool) | slash,
        glue, script == 1, script == 2, script == 3, script == 4, cp == _COPY,
    ])
    # a line's head and newline are at most _HEAD + 1 code points: its counts fit int16 (half the work of int64)
    sums = np.add.reduceat(masks.view(np.uint8), starts, axis=1, dtype=np.int16).astype(np.int64)
    names = ("tokens", "caps", "digits", "sent", "commas", "seps", "glue", "latin", "arabic", "bengali", "other",
             "copy")
    out = dict(zip(names, sums, strict=True))
    tok_starts = np.flatnonzero(word_start)
    n_tok = len(tok_starts)
    tok_names = ("upper_words", "stop", "date_tokens", "numbers", "months", "page_words")
    tok_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(out["tokens"], out=tok_off[1:])
    out["tok_off"] = tok_off
    if not n_tok:
        out.update((k, np.zeros(n, dtype=np.int64)) for k in tok_names)
        out["tok_unique"] = np.zeros(0, dtype=np.uint64)
        out["tok_inverse"] = np.zeros(0, dtype=np.int64)
    else:
        # per token: length, characters that are not upper case / not digits, hash of the lower-cased text
        continues = np.zeros(len(cp), dtype=bool)
        continues[:-1] = word[1:] & ~boundary[1:]
        tok_ends = np.flatnonzero(word & ~continues) + 1
        tok_len = tok_ends - tok_starts
        cumulative = np.zeros((2, len(cp) + 1), dtype=np.int32)
        np.cumsum(np.stack([word & ~upper, word & ~(flags & _DECIMAL).astype(bool)]), axis=1, out=cumulative[:, 1:])
        not_upper, not_digit = cumulative[:, tok_ends] - cumulative[:, tok_starts]
        pw, ipw = _powers(len(cp))
        prefix_hash = np.zeros(len(cp) + 1, dtype=np.uint64)
        np.cumsum(low * pw[:len(cp)], out=prefix_hash[1:])
        tok_hash = (np.take(prefix_hash, tok_ends) - np.take(prefix_hash, tok_starts)) * np.take(ipw, tok_starts)
        unique, inverse, count = np.unique(tok_hash, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        # the class of each distinct token (a third as many as tokens), looked up in the sorted vocabulary
        hashes, bits = _vocabulary()
        at = np.minimum(np.searchsorted(hashes, unique), len(hashes) - 1)
        token_class = np.where(tok_len <= 16, np.take(np.where(hashes[at] == unique, bits[at], 0), inverse), 0)
        number = (not_digit == 0) & (tok_len <= 4)
        # the page's own function words, in any language: its most frequent tokens (not numbers)
        top = np.argsort(-count, kind="stable")[:_PAGE_WORDS]
        is_top = np.zeros(len(unique), dtype=bool)
        is_top[top[count[top] >= _PAGE_WORD_MIN_COUNT]] = True
        page_word = np.take(is_top, inverse) & (not_digit > 0)
        per_line = np.zeros((6, n_tok + 1), dtype=np.int64)
        stop = (token_class & _STOP).astype(bool)
        if out["arabic"].any():  # Arabic-script letters on the page
            stop |= _arabic_article(cp, tok_starts, tok_len)
        np.cumsum(np.stack([(tok_len >= 2) & (not_upper == 0), stop,
                            ((token_class & _DATEW) > 0) | number, number, token_class & _MONTH,
                            page_word]).astype(bool),
                  axis=1, out=per_line[:, 1:])
        out["tok_unique"] = unique  # the page's distinct token hashes, and which one each token is
        out["tok_inverse"] = inverse
        diff = per_line[:, tok_off[1:]] - per_line[:, tok_off[:-1]]
        out.update(zip(tok_names, diff, strict=True))
    out["first"] = cp[starts]
    out["second"] = cp[starts + 1]
    out["lens"] = lens
    out["starts"] = starts
    out["cp"] = cp
    # "." or ")" among the first 8 characters: the lines a numbered head ("1. ", "iv) ") can start
    first8 = np.minimum(starts[:, None] + np.arange(8), len(cp) - 1)
    mark = cp[first8]
    out["mark8"] = (((mark == 46) | (mark == 41)) & (np.arange(8) < lens[:, None])).any(axis=1)
    return out


def _arabic_article(cp: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Per token: does it begin with the Arabic article, "ال" (or a proclitic and "ال", or "لل")?

    Arabic writes "the", "and the", "with the" as prefixes; counted as function words as English "the" is,
    Arabic prose has about the function-word rate of other languages' prose (it had a third of it).
    Words of four letters or more only ("الى" is a stopword of its own).
    """
    at = np.minimum(starts[:, None] + np.arange(3), len(cp) - 1)
    c0, c1, c2 = cp[at].T
    alef, lam = ord(_ALEF), ord(_LAM)
    plain = (lens >= 4) & (c0 == alef) & (c1 == lam)
    prefixed = (lens >= 5) & np.isin(c0, _PROCLITIC_CPS) & (c1 == alef) & (c2 == lam)
    li = (lens >= 4) & (c0 == lam) & (c1 == lam)
    return plain | prefixed | li


def _flags_at(cps: np.ndarray) -> np.ndarray:
    """Flags of the given code points (astral ones looked up one by one)."""
    flags = _tables()[0]
    out = flags[np.minimum(cps, 0xFFFF)]
    for i in np.flatnonzero(cps > 0xFFFF).tolist():
        out[i] = _flags_of(chr(int(cps[i])))[0]
    return out


def _keys(texts: list[str], n_chars: np.ndarray | None = None) -> tuple[list[str], list[str]]:
    """:func:`norm_key` of every line up to ``_KEY_MAX`` characters (longer lines verbatim), and the
    same keys without digits ("Gym in 08004" and "Gym in 08007" share one).

    NFKC per line, one case fold of all short lines joined, then the word-character table drops
    everything ``norm_key`` drops (non-word characters and ``_``). ``n_chars``: the lines' lengths.
    """
    if n_chars is None:
        n_chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    long = np.flatnonzero(n_chars > _KEY_MAX).tolist()
    short = texts.copy()
    for i in long:
        short[i] = ""
    # NFKC line by line (a newline is a normalisation boundary: the same as of the lines joined), as most lines
    # pass its quick check and the page as a whole does not: 0.07 -> 0.03 ms per page
    folded = "\n".join([unicodedata.normalize("NFKC", t) for t in short]).casefold()
    cp = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kept = cp[_table_at(_key_table(), cp, lambda c: c != "_" and _WORD_CHAR_RE.match(c) is not None)]
    keys = kept.tobytes().decode("utf-32-le").split("\n")
    nodigit = kept[~_table_at(_decimal_table(), kept, str.isdecimal)].tobytes().decode("utf-32-le").split("\n")
    if len(keys) != len(texts) or len(nodigit) != len(texts):
        # an NFKC form holding a newline: per line
        keys = [norm_key(t) for t in short]
        nodigit = [_NON_DECIMAL_RE.sub("", k) for k in keys]
    for i in long:
        keys[i] = nodigit[i] = texts[i]
    return keys, nodigit


def _table_at(table: np.ndarray, cps: np.ndarray, scalar: Callable[[str], bool]) -> np.ndarray:
    """``table[cps]`` for a table over the BMP; code points above it (emoji, rare CJK) by ``scalar``."""
    astral = np.flatnonzero(cps > 0xFFFF)
    if not len(astral):
        return np.take(table, cps)
    out = np.take(table, np.where(cps > 0xFFFF, 0, cps))
    for i in astral.tolist():
        out[i] = scalar(chr(int(cps[i])))
    return out


@lru_cache(maxsize=1)
def _decimal_table() -> np.ndarray:
    return (_tables()[0] & _DECIMAL).astype(bool)


@lru_cache(maxsize=1)
def _key_table() -> np.ndarray:
    """Code points :func:`norm_key` keeps (word characters but ``_``), plus the newline separating lines."""
    keep = (_tables()[0] & _WORD).astype(bool)
    keep[ord("_")] = False
    keep[ord("\n")] = True
    return keep


def _lines_matching(pattern: re.Pattern[str], heads: list[str], which: list[int]) -> list[int]:
    """Indices (from ``which``) of the lines where ``pattern`` matches (one scan of those lines joined)."""
    if not which:
        return []
    joined = "\n".join([heads[i] for i in which])
    pos = [m.start() for m in pattern.finditer(joined)]
    if not pos:
        return []
    offsets = np.cumsum([0] + [len(heads[i]) + 1 for i in which[:-1]])
    return [which[j] for j in np.unique(np.searchsorted(offsets, pos, side="right") - 1).tolist()]


def _hinted_lines_matching(pattern: re.Pattern[str], hints: tuple[str, ...], heads: list[str], joined: str,
                           starts: np.ndarray) -> np.ndarray:
    """Per line: does ``pattern`` match its head? ``hints`` are substrings one of which every match of
    ``pattern`` contains (same case), so only the lines holding one are searched. ``joined``: the heads
    joined by newlines, ``starts``: where each begins in it (``pattern`` never matches across a line)."""
    found = np.zeros(len(heads), dtype=bool)
    for i in lines_containing_joined(joined, starts.tolist(), hints):
        found[i] = pattern.search(heads[i]) is not None
    return found


@dataclass(slots=True)
class _StringMatches:
    """Per line, what string matching found (see :func:`_string_matches`)."""

    role: list[Role | None]  # role of the chrome phrase
    strength: np.ndarray  # 2 strong chrome phrase, 1 weak, 0 none
    switcher: np.ndarray  # a language-switcher label
    byline: np.ndarray
    numbered: np.ndarray  # a numbered subhead ("1. ...", "iv) ...")
    url: np.ndarray  # contains a URL or e-mail address


def _string_matches(texts: list[str], heads: list[str], joined: str, keys: list[str], lines: list[Line],
                    n_tokens: np.ndarray, n_chars: np.ndarray, counts: dict[str, np.ndarray]) -> _StringMatches:
    """Chrome phrases, switcher labels, bylines, numbered heads and URLs, per line (``joined``: the heads joined,
    ``counts``: from :func:`_char_counts`)."""
    n = len(texts)
    roles: list[Role | None] = [None] * n
    strengths = [0] * n
    switcher = np.zeros(n, dtype=bool)
    short_mask = (n_tokens <= 40) & (n_chars <= _KEY_MAX)
    short = np.flatnonzero(short_mask).tolist()
    tiny = np.flatnonzero(short_mask & (n_tokens <= 6)).tolist()
    if short:
        chrome_keys = to_chrome_keys([keys[i] for i in short])
        for i, (r, strength) in zip(short, match_chrome_many(chrome_keys, (n_tokens[short] <= 8).tolist()),
                                    strict=True):
            roles[i] = r
            strengths[i] = strength
        chrome_key_of = dict(zip(short, chrome_keys, strict=True))
        for i, code in zip(tiny, switcher_many([texts[i] for i in tiny], [chrome_key_of[i] for i in tiny]),
                           strict=True):
            if code is not None:
                switcher[i] = True
    # a short line's English too (a long line is not matched in its own language either: on a line of 2 MB
    # the phrase scan of its English took seconds)
    for i, text_en in enumerate([ln.text_en for ln in lines]):
        if text_en and strengths[i] == 0 and short_mask[i]:
            r, strength = match_chrome(text_en)
            if strength:
                roles[i] = r
                strengths[i] = strength
    byline = np.zeros(n, dtype=bool)
    starts_byline = _BYLINE_LINE_RE.match  # line by line: ``^`` tried at every position of the lines joined costs more
    byline[[i for i in tiny if starts_byline(heads[i])]] = True
    numbered = np.zeros(n, dtype=bool)
    numbered[_lines_matching(_NUMBERED_LINE_RE, heads, np.flatnonzero(counts["mark8"]).tolist())] = True
    return _StringMatches(role=roles, strength=np.array(strengths, dtype=np.int64), switcher=switcher,
                          byline=byline, numbered=numbered,
                          url=_hinted_lines_matching(_URL_RE, _URL_HINTS, heads, joined, counts["starts"]))


def best_run(mass: np.ndarray) -> tuple[int, int]:
    """[a, b) maximising the sum of ``mass`` (maximum subarray from cumulative sums)."""
    c = np.concatenate(([0.0], np.cumsum(mass)))
    low = np.minimum.accumulate(c)
    arg_low = np.maximum.accumulate(np.where(c == low, np.arange(len(c)), 0))
    b = int(np.argmax(c - low))
    return int(arg_low[b]), b


def is_layout(indented: int, lines: int) -> bool:
    """True for a rendered web page with its layout kept (inscriptis-style indentation), from the
    number of its *lines* and of those *indented*.

    Such pages alternate in long runs (a 30-line menu, the article, a footer) and get their
    own smoothing; already-extracted flat text (one paragraph per line, no indentation) has
    short runs. On the dev data the share of indented lines separates them cleanly: rendered
    wcxb pages >= 0.99 in nine pages of ten, turku-en documents 0.
    """
    return lines > 0 and indented >= LAYOUT_MIN_INDENTED * lines


@lru_cache(maxsize=16)
def _selection(columns: tuple[str, ...]) -> tuple[np.ndarray, bool, bool, bool, bool]:
    """Indices of ``columns`` in ``FEATURE_NAMES``, whether any of them is a page-context or calibration column,
    whether any is a calibration column, whether "lex_minus_median" is one (a page median per page: not worth
    computing for a model that drops it), and whether they are the first ones of ``FEATURE_NAMES``, in order."""
    unknown = [c for c in columns if c not in _COLUMN]
    if unknown:
        raise ValueError(f"unknown feature columns: {unknown}")
    return (np.array([_COLUMN[c] for c in columns], dtype=np.int64), bool(set(PAGE_NAMES + CALIB_NAMES) & set(columns)),
            bool(set(CALIB_NAMES) & set(columns)), LEX_NAMES[-1] in columns, columns == FEATURE_NAMES[:len(columns)])


@dataclass(slots=True)
class LineFacts:
    """What the classifier's rules and role assignment need to know about each line, one entry per line.

    Built once per page by :func:`featurize` beside the feature matrix: the score rules read
    whole columns at once, role assignment walks them line by line.
    """

    n_tokens: np.ndarray  # int: ``\w+`` tokens (a line longer than ``_HEAD`` characters: scaled from its head)
    dup: np.ndarray  # int: occurrences of the line's normalised text in the page (site-repeated lines: >= 2)
    chrome_role: list[Role | None]  # the role of the chrome phrase the line is or contains
    chrome_strength: np.ndarray  # int: 2 a strong chrome phrase, 1 a weak one (an ordinary word), 0 none
    switcher: np.ndarray  # bool: a language-switcher label ("English | دري | پښتو")
    is_date: np.ndarray  # bool: only a date/time stamp (see :func:`is_date_line`)
    is_byline: np.ndarray  # bool: starts like a byline ("By", "Written by", "بقلم", ...)
    ends_punct: np.ndarray  # bool: ends with sentence or closing punctuation
    stop_rate: np.ndarray  # float: share of stopword tokens: prose has many, menus and titles few
    foreign: np.ndarray  # bool: a short line in another script / language than the page
    other_lang: np.ndarray  # bool: ``Line.lang`` (from language ID) differs from the page's dominant language
    glued: np.ndarray  # bool: two or more lower->upper joins, link labels without spaces ("LatestPakistanTop")
    menu_bullet: np.ndarray  # bool: starts with a menu bullet character (• * + - ·)

    def __len__(self) -> int:
        return len(self.n_tokens)

    @classmethod
    def empty(cls) -> LineFacts:
        ints, flags = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        return cls(n_tokens=ints, dup=ints, chrome_role=[], chrome_strength=ints, switcher=flags, is_date=flags,
                   is_byline=flags, ends_punct=flags, stop_rate=np.zeros(0), foreign=flags, other_lang=flags,
                   glued=flags, menu_bullet=flags)


def featurize(lines: list[Line], columns: tuple[str, ...] = FEATURE_NAMES, lexicon: LineScorer | None = None
              ) -> tuple[np.ndarray, LineFacts]:
    """Feature matrix (n_lines x len(columns)) and the page's :class:`LineFacts`.

    ``columns`` (a subset of ``FEATURE_NAMES``, for fitting experiments) defaults to all of them;
    ``lexicon`` (a :class:`~.lexicon.Lexicon`) fills the ``LEX_NAMES`` columns, 0 without one.
    """
    n = len(lines)
    sel, needs_page, needs_calib, needs_lex_median, prefix = _selection(tuple(columns))
    if n == 0:
        return np.zeros((0, len(sel))), LineFacts.empty()
    texts = [ln.text for ln in lines]
    n_chars = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    long = np.flatnonzero(n_chars > _HEAD).tolist()
    heads = texts.copy()
    for i in long:
        heads[i] = texts[i][:_HEAD]
    joined = "\n".join(heads) + "\n"
    counts = _char_counts(np.minimum(n_chars, _HEAD), joined)
    head_chars = counts["lens"]
    head_tokens = counts["tokens"]
    n_tokens = np.where(n_chars > head_chars, (head_tokens * n_chars) // np.maximum(head_chars, 1) + 1, head_tokens)
    keys, nodigit_keys = _keys(texts, n_chars)
    key_count = Counter(keys)
    dup = np.fromiter(map(key_count.__getitem__, keys), dtype=np.int64, count=n)
    adjacent_dup = np.zeros(n)
    if n > 1:
        same = np.fromiter(map(str.__eq__, keys[:-1], keys[1:]), dtype=bool, count=n - 1)
        adjacent_dup[:-1] = same
        adjacent_dup[1:] = np.maximum(adjacent_dup[1:], same)
    matches = _string_matches(texts, heads, joined, keys, lines, n_tokens, n_chars, counts)
    numbers = counts["numbers"]
    is_date = ((n_tokens <= 12) & (n_chars <= _DATE_MAX_CHARS) & (numbers > 0)
               & (counts["date_tokens"] == head_tokens))
    has_date = is_date | ((n_tokens <= 25) & (numbers > 0) & (counts["months"] > 0))

    n_tokens_f = n_tokens.astype(np.float64)
    head_tokens_safe = np.maximum(head_tokens, 1).astype(np.float64)
    # the last character: that of the head but for the lines longer than it (an empty line: a space)
    last = counts["cp"][np.maximum(counts["starts"] + head_chars - 1, 0)]
    last[head_chars == 0] = _SPACE
    for i in long:
        last[i] = ord(texts[i][-1])
    last_flags = _flags_at(last)
    ends = (last_flags & _END) > 0
    sent_end = (last_flags & _SENT) > 0
    title = counts["caps"] / head_tokens_safe
    upper = counts["upper_words"] / head_tokens_safe
    stop = counts["stop"] / head_tokens_safe
    first_flags = _flags_at(counts["first"])
    bullet = ((first_flags & _BULLET) > 0) & ((head_chars == 1) | (counts["second"] == _SPACE))
    indent = np.array([ln.indent for ln in lines], dtype=np.float64)
    letters_by_script = np.column_stack([counts["latin"], counts["arabic"], counts["bengali"], counts["other"]])
    letters = letters_by_script.sum(axis=1)
    script = np.where(letters > 0, letters_by_script.argmax(axis=1) + 1, 0)
    page_script = int(letters_by_script.sum(axis=0).argmax()) + 1
    langs = [ln.lang for ln in lines]
    letters_by_lang: Counter[str] = Counter()
    if any(langs):
        for lang, n_letters in zip(langs, letters.tolist(), strict=True):
            if lang:
                letters_by_lang[lang] += n_letters
    page_lang = letters_by_lang.most_common(1)[0][0] if letters_by_lang else None
    weight_short = np.where(n_tokens_f < 15, 1.0, 0.5)
    foreign_script = np.where((letters > 0) & (script != page_script), weight_short, 0.0)
    if page_lang:
        other_lang = np.fromiter((bool(lang) and lang != page_lang for lang in langs), dtype=bool, count=n)
        foreign_lang = np.where(other_lang, weight_short, 0.0)
    else:
        foreign_lang = np.zeros(n)
    title_like = (n_tokens_f >= 3) & (n_tokens_f <= 20) & ~ends & (title >= 0.6)
    log_tokens = np.log1p(n_tokens_f)
    short = log_tokens < math.log1p(6)
    short_run = np.where(short, np.log1p(_run_lengths(short)), 0.0)
    pos = np.arange(n) / max(n - 1, 1)
    indent8 = np.minimum(indent, 40) / 8.0
    # every column is written once into the page's matrix (FEATURE_NAMES order), not stacked and copied;
    # column-major: each column is one contiguous write
    X = np.empty((n, len(FEATURE_NAMES)), order="F")
    X[:, 0] = 1.0
    base = X[:, 1:1 + len(BASE_NAMES)]
    for j, col in enumerate((
        log_tokens, np.log1p(n_chars), n_tokens_f >= 25, ends, np.log1p(counts["sent"] + sent_end),
        counts["commas"] / head_tokens_safe, stop, counts["page_words"] / head_tokens_safe, title, upper,
        counts["digits"] / np.maximum(head_chars, 1),
        bullet, indent8, matches.numbered, np.log(dup), adjacent_dup, matches.strength == 2, matches.strength == 1,
        matches.switcher, is_date, matches.byline, np.minimum(counts["seps"], 5), matches.url, foreign_script,
        foreign_lang, np.minimum(counts["glue"], 4), letters / np.maximum(head_chars, 1), n_chars / n_chars.max(),
        title_like, pos, short_run,
    )):
        base[:, j] = col
    context = base[:, _CTX_IDX]
    k = len(_CTX_IDX)
    at = 1 + len(BASE_NAMES)
    X[0, at:at + k] = 0.0  # prev_*
    X[1:, at:at + k] = context[:-1]
    X[:-1, at + k:at + 2 * k] = context[1:]  # next_*
    X[-1, at + k:at + 2 * k] = 0.0
    X[:, at + 2 * k:at + 3 * k] = _window_mean(context, 3)  # win_*
    at += 3 * k
    padded = np.concatenate((np.zeros(2), log_tokens, np.zeros(2)))
    win_max = padded[:n].copy()
    for shift in range(1, 5):
        np.maximum(win_max, padded[shift:shift + n], out=win_max)
    for j, col in enumerate((
        win_max, np.log1p(n) / 6.0, (pos - 0.5) ** 2, indent8 - np.median(indent8), log_tokens == 0,
        bullet.mean(), float((indent > 0).mean()), log_tokens.mean(), base[:, 2].mean(),
    )):
        X[:, at + j] = col
    at += len(EXTRA_NAMES)
    if needs_page:  # the page-context and calibration columns come after the others but the lexical ones
        prose_share, core_share = _page_columns(texts, keys, nodigit_keys, n_tokens_f, ends, stop, indent, has_date,
                                                counts, last, first_flags, out=X[:, at:at + len(PAGE_NAMES)])
        if needs_calib and is_layout(int((indent > 0).sum()), n):
            X[:, _CALIB_AT:_CALIB_AT + len(CALIB_NAMES)] = 0.0
        elif needs_calib:
            _calibration_columns(log_tokens, base[:, 1], n_tokens_f, ends, counts["sent"] + sent_end > 0, stop,
                                 base[:, _IDX["page_word_rate"]], prose_share, core_share,
                                 out=X[:, _CALIB_AT:_CALIB_AT + len(CALIB_NAMES)])
    at += len(PAGE_NAMES)
    k = len(LEX_NAMES) - 1
    if lexicon is not None:
        scores = lexicon.line_scores(counts["tok_unique"], counts["tok_inverse"], counts["tok_off"])
        lexical = lexical_columns(*scores, counts["tokens"], median=needs_lex_median)
        X[:, at:at + k] = lexical[:, :k]
        X[:, -1] = lexical[:, k]
    else:
        X[:, at:at + k] = 0.0
        X[:, -1] = 0.0
    X = X[:, :len(sel)] if prefix else X[:, sel]  # a prefix (the shipped columns): a view, no copy
    facts = LineFacts(
        n_tokens=n_tokens, dup=dup, chrome_role=matches.role, chrome_strength=matches.strength,
        switcher=matches.switcher, is_date=is_date, is_byline=matches.byline, ends_punct=ends, stop_rate=stop,
        foreign=(n_tokens_f <= 8) & ((foreign_script > 0) | (foreign_lang > 0)), other_lang=foreign_lang > 0,
        glued=counts["glue"] >= 2, menu_bullet=(first_flags & _MENU_BULLET) > 0)
    return X, facts


class LineScorer(Protocol):
    """What :func:`featurize` needs of a lexicon (:class:`~.lexicon.Lexicon`)."""

    def line_scores(self, unique: np.ndarray, inverse: np.ndarray, tok_off: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]: ...


def page_tokens(lines: list[Line]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What a lexicon scores: the page's distinct token hashes (of the lines' heads), which of them
    each token is, in order (``unique[inverse]`` are the tokens' hashes), and each line's token
    offsets (line i's tokens are ``[off[i], off[i + 1])``)."""
    if not lines:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64)
    heads = [ln.text[:_HEAD] for ln in lines]
    counts = _char_counts(np.fromiter(map(len, heads), dtype=np.int64, count=len(heads)), "\n".join(heads) + "\n")
    return counts["tok_unique"], counts["tok_inverse"], counts["tok_off"]


def lexical_columns(mean: np.ndarray, coverage: np.ndarray, head_tokens: np.ndarray,
                    out: np.ndarray | None = None, *, median: bool = True) -> np.ndarray:
    """The ``LEX_NAMES`` columns from a lexicon's per-line scores (see :meth:`~.lexicon.Lexicon.line_scores`):
    the line's, its neighbours', the ±3-line window's and the page's (known-word weighted); into ``out``.
    Without *median* the last column ("lex_minus_median", ~50 µs per page) is left 0."""
    n = len(mean)
    if out is None:
        out = np.empty((n, len(LEX_NAMES)))
    out[:, 0] = mean
    out[:, 1] = coverage
    out[0, 2] = out[-1, 3] = 0.0
    out[1:, 2] = mean[:-1]
    out[:-1, 3] = mean[1:]
    out[:, 4] = _window_mean(mean, 3)
    known = coverage * head_tokens
    out[:, 5] = (mean * known).sum() / max(known.sum(), 1.0)
    if not median:
        out[:, 6] = 0.0
        return out
    has_known = coverage > 0
    page_median = float(np.median(mean[has_known])) if has_known.any() else 0.0
    out[:, 6] = np.where(has_known, mean - page_median, 0.0)
    return out


def _calibration_columns(log_tokens: np.ndarray, log_chars: np.ndarray, n_tokens: np.ndarray, ends: np.ndarray,
                         sentence: np.ndarray, stop: np.ndarray, page_word_rate: np.ndarray, prose_share: float,
                         core_share: float, out: np.ndarray) -> None:
    """The ``CALIB_NAMES`` columns, written into ``out``: each line against its page's medians and ranks,
    and the page's own level (median length, punctuated and sentence lines, prose and core shares).
    Function-word medians are over the lines of three or more tokens (a menu's one-word items say nothing)."""
    n = len(log_tokens)
    median_tokens = float(np.median(log_tokens))
    out[:, 0] = log_tokens - median_tokens
    out[:, 1] = log_chars - float(np.median(log_chars))
    ascending = np.sort(n_tokens)
    out[:, 2] = (np.searchsorted(ascending, n_tokens, "left") + np.searchsorted(ascending, n_tokens, "right")) / (2 * n)
    out[:, 3] = median_tokens
    out[:, 4] = float(ends.mean())
    out[:, 5] = float(sentence.mean())
    wordy = n_tokens >= 3
    median_stop = float(np.median(stop[wordy])) if wordy.any() else 0.0
    out[:, 6] = stop - median_stop
    out[:, 7] = median_stop
    out[:, 8] = page_word_rate - (float(np.median(page_word_rate[wordy])) if wordy.any() else 0.0)
    out[:, 9] = prose_share
    out[:, 10] = core_share


def _page_columns(texts: list[str], keys: list[str], nodigit: list[str], n_tokens: np.ndarray, ends: np.ndarray,
                  stop: np.ndarray, indent: np.ndarray, has_date: np.ndarray, counts: dict[str, np.ndarray],
                  last: np.ndarray, first_flags: np.ndarray, out: np.ndarray) -> tuple[float, float]:
    """The ``PAGE_NAMES`` columns, written into ``out``: line-shape extras, indentation relative to the
    article's, position relative to the page's prose (its densest stretch, the nearest prose line above
    and below) and templated neighbours (same text but digits, same start). Returns the shares of the
    page's tokens in prose lines and in the article core (calibration columns)."""
    n = len(texts)
    ellipsis = last == 0x2026
    for i in np.flatnonzero(last == 46).tolist():
        ellipsis[i] = texts[i].endswith("...")
    copyright_ = counts["copy"] > 0
    starts_lower = (first_flags & _LOWER) > 0
    ends_colon = last == 58
    page_tokens = n_tokens.sum()
    tokens_before = np.cumsum(n_tokens) - n_tokens
    tok_pos = tokens_before / max(page_tokens, 1.0)
    # the indent most article tokens sit at
    prose = (n_tokens >= 12) & ends & (stop >= 0.2)
    prose_weight = np.where(prose, n_tokens, 0.0)
    if prose_weight.sum() > 0:
        indent_int = indent.astype(np.int64)
        mode = int(np.bincount(indent_int, weights=prose_weight).argmax())
    else:
        mode = int(np.median(indent))
    main_indent = indent == mode
    indent_off = np.minimum(np.abs(indent - mode), 40) / 8.0
    indent_run = np.log1p(_run_lengths(indent))
    density = _window_mean(prose.astype(np.float64), 8)
    d_prev = np.log1p(np.minimum(_nearest_distance(prose, False), 50))
    d_next = np.log1p(np.minimum(_nearest_distance(prose, True), 50))
    # the article core: the stretch of lines with the most prose tokens net of a cost per other line
    mass = np.where(prose, n_tokens, -np.minimum(n_tokens, 10) - 2.0)
    a, b = best_run(mass)
    idx = np.arange(n)
    in_core = (idx >= a) & (idx < b)
    dist = np.where(idx < a, a - idx, np.where(idx >= b, idx - b + 1, 0))
    core_dist = np.log1p(np.minimum(dist, 100))
    tokens_through = np.cumsum(n_tokens)
    core_lo = tokens_before[a] if a < n else page_tokens
    core_hi = tokens_through[b - 1] if b > 0 else 0.0
    tok_dist = np.where(idx < a, core_lo - tokens_through, np.where(idx >= b, tokens_before - core_hi, 0.0))
    core_tok_dist = np.log1p(np.maximum(tok_dist, 0.0)) / 5.0
    win10_long = _window_mean((n_tokens >= 25).astype(np.float64), 10)
    rel_tokens = n_tokens / max(n_tokens.max(), 1.0)
    # templated lines: the same text but for its numbers ("Gym in 08004", "Gym in 08007"), or the same start
    nodigit_count = Counter(nodigit)
    dup_nodigit = np.fromiter(map(nodigit_count.__getitem__, nodigit), dtype=np.float64, count=n)
    prefix = [k[:_PREFIX_CHARS] for k in keys]
    prefix_count = Counter(prefix)
    prefix_dup = np.fromiter(map(prefix_count.__getitem__, prefix), dtype=np.float64, count=n)
    same_prev = np.zeros(n, dtype=bool)
    if n > 1:
        same_prev[1:] = np.fromiter(map(str.__eq__, prefix[1:], prefix[:-1]), dtype=bool, count=n - 1)
    key_len = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    same_prev &= key_len >= _PREFIX_CHARS
    run_id = np.cumsum(~same_prev)
    prefix_run = np.log1p(np.bincount(run_id)[run_id] - 1)
    # a second (third...) copy of a line: extracted text keeps the first and drops the others
    first = dict(zip(reversed(keys), range(n - 1, -1, -1), strict=True))  # the smallest index wins
    later_copy = (np.fromiter(map(first.__getitem__, keys), dtype=np.int64, count=n) < idx) & (key_len > 0)
    for j, col in enumerate((ellipsis, copyright_, has_date, starts_lower, ends_colon, tok_pos, main_indent,
                             indent_off, indent_run, density, d_prev, d_next, in_core, core_dist, core_tok_dist,
                             win10_long, rel_tokens, np.log(dup_nodigit), np.log(prefix_dup), prefix_run,
                             later_copy)):
        out[:, j] = col
    total = max(float(page_tokens), 1.0)
    return float(prose_weight.sum()) / total, float(n_tokens[a:b].sum()) / total
