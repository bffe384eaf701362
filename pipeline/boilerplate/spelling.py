"""The spellings of one word that are all in use, for word lists matched exactly (by hash, not by key).

Arabic and Persian type the same letters with different code points (yeh ي/ی and the final ى, kaf ك/ک),
and Bengali য় ড় ঢ় are either one code point or the letter and a nukta (NFC gives the latter: the
precomposed forms are composition exclusions). A line's key (:func:`.lines.norm_key` and
:func:`.phrases.chrome_key`) unifies such variants; the token hashes of :mod:`.features` do not, so a
word list for them lists every spelling.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# the spellings of one letter that are both in use (matching is exact, by hash)
_ARABIC_PERSIAN = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})
_PERSIAN_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_BENGALI_NUKTA = {"\u09df": "\u09af\u09bc", "\u09dc": "\u09a1\u09bc", "\u09dd": "\u09a2\u09bc"}  # য় ড় ঢ়


def spelling_variants(words: Iterable[str]) -> frozenset[str]:
    """Every word lower-cased, with its other yeh/kaf and nukta spellings."""
    out: set[str] = set()
    for word in words:
        word = word.lower()
        forms = {word, unicodedata.normalize("NFC", word), word.translate(_ARABIC_PERSIAN),
                 word.translate(_PERSIAN_ARABIC)}
        for one, two in _BENGALI_NUKTA.items():
            forms |= {f.replace(one, two) for f in forms} | {f.replace(two, one) for f in forms}
        out |= forms
    return frozenset(out)
