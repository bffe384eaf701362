"""The spellings of one word that are all in use, for word lists matched exactly (by hash or set lookup).

Arabic-script text types one letter with different code points: yeh as Persian ی, Arabic ي or final ى,
kaf as Persian ک or Arabic ك – often mixed, Arabic yeh beside Persian kaf, as Afghan and Pakistani
keyboards produce them –, and Persian compounds are written with or without a zero-width non-joiner
(سه‌شنبه, سهشنبه). Bengali য় ড় ঢ় are one code point or the letter and a nukta (NFC gives the latter:
the precomposed forms are composition exclusions). A line's key (:func:`.boilerplate.lines.norm_key`,
:func:`.boilerplate.phrases.chrome_key`) unifies such variants; the boilerplate features' token hashes
and language ID's Dari word lists (:mod:`.langid.dari`) match words exactly, so their lists hold every
spelling: one place makes them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_YEH = "یيى"  # Persian, Arabic, Arabic final (alef maksura, typed for a final yeh)
_KAF = "کك"
_ZWNJ = "\u200c"
# every yeh written as one of its two spellings and every kaf as one of its two: four tables
_LETTER_TABLES = tuple(str.maketrans({y: yeh for y in _YEH} | {k: kaf for k in _KAF})
                       for yeh in _YEH[:2] for kaf in _KAF)
_BENGALI_NUKTA = {"\u09df": "\u09af\u09bc", "\u09dc": "\u09a1\u09bc", "\u09dd": "\u09a2\u09bc"}  # য় ড় ঢ়


def spelling_variants(words: Iterable[str]) -> frozenset[str]:
    """Every word lower-cased, with and without its ZWNJs, with every yeh and every kaf in each of
    their spellings (Persian and Arabic yeh, Persian and Arabic kaf: four forms of a word with both),
    and with both forms of its nukta letters."""
    out: set[str] = set()
    for word in words:
        word = unicodedata.normalize("NFC", word.lower())
        forms = {word, word.replace(_ZWNJ, "")}
        forms |= {f.translate(table) for f in list(forms) for table in _LETTER_TABLES}
        for one, two in _BENGALI_NUKTA.items():
            forms |= {f.replace(one, two) for f in forms} | {f.replace(two, one) for f in forms}
        out |= forms
    return frozenset(out)
