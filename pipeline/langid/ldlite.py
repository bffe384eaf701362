"""langdetect's detection, restated for the strings the ensemble gives it, without importing it.

The ensemble asks langdetect about short Arabic-script strings only, and importing the
package costs ~30 ms per process (``six``, its Unicode block table, its message catalogue)
against ~0.15 ms per string. This module does what ``Detector.append`` /
``get_probabilities`` do (Nakatani's algorithm as packaged by langdetect 1.0.9, Apache-2.0):
URL and e-mail removal, space collapsing, the Latin clean-up, character normalisation,
1- to 3-gram extraction, then seven seeded random walks over the n-grams' language
probabilities. Every operation is the same one in the same order, so the probabilities are
identical (``tests/test_langid_speed.py`` compares them with langdetect's on the dev data).

It only handles characters whose normalisation it states exactly (Basic Latin, Latin-1,
Arabic, Arabic Supplement, General Punctuation): :func:`detect` returns None for anything
else, and the caller asks langdetect itself.
"""

from __future__ import annotations

import random
import re

__all__ = ["detect"]

ALPHA, ALPHA_WIDTH = 0.5, 0.05
ITERATION_LIMIT = 1000
PROB_THRESHOLD = 0.1
CONV_THRESHOLD = 0.99999
BASE_FREQ = 10000
N_TRIAL = 7
MAX_TEXT_LENGTH = 10000

_URL_RE = re.compile(r"https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}")
_MAIL_RE = re.compile(r"[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}")
_HANDLED_RE = re.compile("[\x00-\xff\u0600-\u06ff\u0750-\u077f\u2000-\u206f]*")
_LATIN_RE = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', so [ \\ ] ^ _ ` too
_BELOW_0300_RE = re.compile("[\x00-\u02ff]")  # the complement of langdetect's non-Latin


def _normalise(ch: str) -> str:
    """``NGram.normalize`` for the handled characters."""
    cp = ord(ch)
    if cp <= 0x7F:
        return " " if ch < "A" or "Z" < ch < "a" or ch > "z" else ch
    if cp <= 0xFF:
        return " " if ch in "\u00a0\u00ab\u00b0\u00bb" else ch
    if 0x2000 <= cp <= 0x206F:
        return " "
    return "\u064a" if ch == "\u06cc" else ch  # Farsi yeh -> Arabic yeh


def _ngrams(text: str, table: dict[str, list[float]]) -> list[str]:
    """``Detector._extract_ngrams``: the 1-3-grams of ``text`` that have a profile entry."""
    out = []
    grams = " "
    capital = False
    for raw in text:
        ch = _normalise(raw)
        last = grams[-1]
        if last == " ":
            grams = " "
            capital = False
            if ch == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        for n in (1, 2, 3):
            if len(grams) < n:
                break
            w = grams[-n:]
            if w != " " and w in table:
                out.append(w)
    return out


def detect(text: str, langs: list[str], table: dict[str, list[float]], seed: int = 0) -> dict[str, float] | None:
    """langdetect's probabilities (those above 0.1) for ``text`` over three languages, ``{}``
    when it finds no n-gram; None when ``text`` has characters this module does not handle."""
    if len(langs) != 3 or _HANDLED_RE.fullmatch(text) is None:
        return None
    text = _MAIL_RE.sub(" ", _URL_RE.sub(" ", text))
    text = re.sub(" {2,}", " ", text[:MAX_TEXT_LENGTH])
    if len(_LATIN_RE.findall(text)) * 2 < len(text) - len(_BELOW_0300_RE.findall(text)):
        text = _LATIN_RE.sub("", text)
    ngrams = _ngrams(text, table)
    if not ngrams:
        return {}
    rnd = random.Random(seed)
    choice = rnd.choice
    total_prob = [0.0, 0.0, 0.0]
    for _ in range(N_TRIAL):
        p0 = p1 = p2 = 1.0 / 3
        weight = (ALPHA + rnd.gauss(0.0, 1.0) * ALPHA_WIDTH) / BASE_FREQ
        i = 0
        while True:
            w0, w1, w2 = table[choice(ngrams)]
            p0 *= weight + w0
            p1 *= weight + w1
            p2 *= weight + w2
            if i % 5 == 0:
                total = p0 + p1 + p2  # = sum([p0, p1, p2]), the same additions
                p0, p1, p2 = p0 / total, p1 / total, p2 / total
                if max(p0, p1, p2) > CONV_THRESHOLD or i >= ITERATION_LIMIT:
                    break
            i += 1
        total_prob[0] += p0 / N_TRIAL
        total_prob[1] += p1 / N_TRIAL
        total_prob[2] += p2 / N_TRIAL
    return {lang: p for lang, p in zip(langs, total_prob, strict=True) if p > PROB_THRESHOLD}
