"""Orthographic evidence inside the Arabic script: which of ar, fa, ps, ur wrote this?

Statistical detectors trained on sentences fall apart on two-word chrome, but the four
languages spell differently, and a single letter can settle it:

* Pashto-only letters ټ ډ ړ ږ ښ ګ ڼ ې ۍ ځ څ;
* Urdu-only letters ٹ ڈ ڑ ں ے ۓ ھ and the "goal" heh ہ ۃ (the others write ه, which
  is thus evidence against Urdu);
* پ چ ژ گ exist in Persian, Urdu and Pashto, never in Arabic;
* Persian/Urdu/Pashto write final yeh and kaf as ی ک, Arabic as ي ك (Pashto also uses ي);
* Arabic-only marks: ة ى, hamza seats أ إ ؤ, tanwin, the article ال;
* ZWNJ inside words (می‌شود) is typical of Persian typesetting;
* ی and ي in one text: Pashto writes both (Arabic has no ی, Persian and Urdu no ي);
* Pashto infinitives and plurals end in -ول, -ونه, -ونو;
* a few very frequent function words per language.

:func:`features` turns a text into a small vector of ``log1p(count)`` values, one per
group above. It does not decide anything: the ensemble weighs these counts together with the
detectors' probabilities, with weights fitted on held-out data (see ``ensemble.py``).
"""

from __future__ import annotations

import math
import re
import sys

__all__ = ["FEATURE_NAMES", "counts", "features", "has_foreign_letters"]

PASHTO_LETTERS = frozenset("ټډړږښګڼېۍځڅ")
URDU_LETTERS = frozenset("ٹڈڑںےۓھہۃ")
NON_ARABIC_LETTERS = frozenset("پچژگ")
PERSIAN_YEH_KAF = frozenset("یک")
ARABIC_KAF = frozenset("ك")
ARABIC_YEH = frozenset("ي")
ARABIC_ONLY = frozenset("ةىأإؤ")
HEH = frozenset("ه")  # Urdu writes the goal heh ہ instead
TANWIN = frozenset("\u064b\u064c\u064d")

# Pashto infinitive and plural endings (-ول, -ونه, -ونو, -ولو): rare word endings elsewhere.
PASHTO_SUFFIXES = ("ول", "ونه", "ونو", "ولو")

# Frequent, short, and (mostly) unshared between the four languages.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "ar": frozenset(
        [
            "في",
            "من",
            "على",
            "إلى",
            "الى",
            "عن",
            "التي",
            "الذي",
            "الذين",
            "هذا",
            "هذه",
            "ذلك",
            "تلك",
            "أن",
            "إن",
            "كان",
            "كانت",
            "لم",
            "لن",
            "قد",
            "مع",
            "أو",
            "ما",
            "هو",
            "هي",
            "بعد",
            "قبل",
            "حتى",
            "ثم",
            "عند",
            "كل",
            "بين",
            "غير",
            "أي",
            "ضد",
            "خلال",
            "منذ",
            "حول",
            "لا",
        ]
    ),
    "fa": frozenset(
        [
            "است",
            "این",
            "را",
            "از",
            "با",
            "برای",
            "می",
            "نمی",
            "آن",
            "یک",
            "شد",
            "شده",
            "بود",
            "کرد",
            "کند",
            "کنید",
            "شود",
            "های",
            "ها",
            "تا",
            "اما",
            "یا",
            "خود",
            "ما",
            "شما",
            "آنها",
            "نیز",
            "هستند",
            "بر",
            "ای",
            "همه",
            "هیچ",
            "چه",
            "دیگر",
            "شما",
            "خواهد",
            "باید",
        ]
    ),
    "ps": frozenset(
        [
            "د",
            "په",
            "چې",
            "کې",
            "دی",
            "ده",
            "دي",
            "له",
            "څخه",
            "ته",
            "یې",
            "شو",
            "شوي",
            "کړي",
            "کوي",
            "دا",
            "هغه",
            "ورته",
            "پر",
            "تر",
            "سره",
            "وو",
            "وي",
            "ځکه",
            "لپاره",
            "باندې",
            "نو",
            "کښې",
        ]
    ),
    "ur": frozenset(
        [
            "کے",
            "کی",
            "کا",
            "میں",
            "ہے",
            "ہیں",
            "کو",
            "نے",
            "سے",
            "اور",
            "یہ",
            "وہ",
            "ایک",
            "بھی",
            "نہیں",
            "تھا",
            "تھی",
            "گیا",
            "گئی",
            "کر",
            "کیا",
            "ہو",
            "جو",
            "اس",
            "ان",
            "آپ",
            "لیے",
        ]
    ),
}

FEATURE_NAMES: tuple[str, ...] = (
    "ps_letters",
    "ur_letters",
    "pcgz",
    "fa_yeh_kaf",
    "ar_kaf",
    "ar_yeh",
    "ar_only",
    "heh",
    "tanwin",
    "al_article",
    "zwnj",
    "yeh_mix",
    "ps_suffix",
    "fw_ar",
    "fw_fa",
    "fw_ps",
    "fw_ur",
)

_HARAKAT_RE = re.compile("[\u064b-\u0655\u0670]")
_GROUPS = (
    PASHTO_LETTERS,
    URDU_LETTERS,
    NON_ARABIC_LETTERS,
    PERSIAN_YEH_KAF,
    ARABIC_KAF,
    ARABIC_YEH,
    ARABIC_ONLY,
    HEH,
)
_GROUP_OF = {ch: gi for gi, group in enumerate(_GROUPS) for ch in group}
_GROUP_RE = re.compile("[" + "".join(sorted(_GROUP_OF)) + "]")
_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u0750-\u077f]+")

# Every feature except tanwin and ZWNJ (which sit outside words) is a sum over words. So each
# distinct word's counts are computed once and packed into one integer, _FIELD_BITS bits per
# count, and adding the integers of a text's words adds all its counts at once. Fields: the
# FEATURE_NAMES indexes, plus one counting Persian yeh (yeh_mix is min(ی, ي), not a sum).
_FIELD_BITS = 16
_N_FIELDS = len(FEATURE_NAMES) + 1
_MAX_COUNT = (1 << _FIELD_BITS) - 1
_PACKED_BYTES = _N_FIELDS * _FIELD_BITS // 8


def _unit(field: int) -> int:
    return 1 << (_FIELD_BITS * field)


_LETTER_UNIT = {ch: _unit(gi) for ch, gi in _GROUP_OF.items()}
_LETTER_UNIT["ی"] += _unit(len(FEATURE_NAMES))
_TANWIN, _ZWNJ, _YEH_MIX, _AR_YEH = (FEATURE_NAMES.index(n) for n in ("tanwin", "zwnj", "yeh_mix", "ar_yeh"))
_AL_UNIT = _unit(FEATURE_NAMES.index("al_article"))
_PS_SUFFIX_UNIT = _unit(FEATURE_NAMES.index("ps_suffix"))
_FW_UNITS: dict[str, int] = {}
for _lang, _words in FUNCTION_WORDS.items():
    for _w in _words:
        _FW_UNITS[_w] = _FW_UNITS.get(_w, 0) + _unit(FEATURE_NAMES.index(f"fw_{_lang}"))


class _WordMemo(dict[str, int]):
    """word (harakat removed) -> its packed counts, computed on first sight."""

    def __missing__(self, word: str) -> int:
        if len(self) >= 200_000:
            self.clear()
        packed = sum(map(_LETTER_UNIT.__getitem__, _GROUP_RE.findall(word))) + _FW_UNITS.get(word, 0)
        if len(word) > 3:
            if word.startswith("ال"):
                packed += _AL_UNIT
            if word.endswith(PASHTO_SUFFIXES):
                packed += _PS_SUFFIX_UNIT
        self[word] = packed
        return packed


_MEMO = _WordMemo()
_LOG1P = [math.log1p(c) for c in range(256)]


def counts(text: str) -> list[int]:
    """Raw count of each orthographic group in ``text`` (order: FEATURE_NAMES);
    :func:`features` is ``log1p`` of these."""
    bare = _HARAKAT_RE.sub("", text)
    words = _WORD_RE.findall(bare)
    if len(bare) <= _MAX_COUNT:
        packed = sum(map(_MEMO.__getitem__, words))
        fields = memoryview(packed.to_bytes(_PACKED_BYTES, sys.byteorder)).cast("H").tolist()
    else:  # a count could overflow its field: unpack word by word
        fields = [0] * _N_FIELDS
        for w in words:
            packed = _MEMO[w]
            for i in range(_N_FIELDS):
                fields[i] += (packed >> (_FIELD_BITS * i)) & _MAX_COUNT
    fields[_TANWIN] = text.count("\u064b") + text.count("\u064c") + text.count("\u064d")
    fields[_ZWNJ] = text.count("\u200c")
    fields[_YEH_MIX] = min(fields.pop(), fields[_AR_YEH])  # Persian and Arabic yeh in one text
    return fields


# The letters of the four languages; any other Arabic-script letter (Sindhi ڪ ڄ ٻ, Kurdish ێ ۆ
# ڵ, Uyghur ە ۇ ۈ, Kashmiri ۄ, ...) means a language the orthography here knows nothing about.
_OWN_LETTERS = (
    frozenset(chr(c) for c in [*range(0x0621, 0x063B), *range(0x0641, 0x064B)])
    | PASHTO_LETTERS | URDU_LETTERS | NON_ARABIC_LETTERS | PERSIAN_YEH_KAF
    | frozenset("آٱۀۂ")
)
_FOREIGN_RE = re.compile(
    "["
    + "".join(
        chr(c) for c in [*range(0x0621, 0x06D4), 0x06D5, *range(0x0750, 0x0780)]
        if chr(c).isalpha() and chr(c) not in _OWN_LETTERS
    )
    + "]"
)


def has_foreign_letters(text: str) -> bool:
    """Whether ``text`` has an Arabic-script letter none of ar, fa, ps, ur writes."""
    return _FOREIGN_RE.search(text) is not None


def features(text: str) -> list[float]:
    """``log1p`` counts of each orthographic group in ``text`` (order: FEATURE_NAMES)."""
    return [_LOG1P[c] if c < 256 else math.log1p(c) for c in counts(text)]
