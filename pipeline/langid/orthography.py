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

__all__ = ["FEATURE_NAMES", "features"]

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

# word -> indexes (into ar, fa, ps, ur) of the function-word lists it is on
_FW_INDEX: dict[str, tuple[int, ...]] = {}
for _i, _lang in enumerate(("ar", "fa", "ps", "ur")):
    for _w in FUNCTION_WORDS[_lang]:
        _FW_INDEX[_w] = (*_FW_INDEX.get(_w, ()), _i)

# Sparse str.translate tables are slow (a KeyError per unmapped character), so the
# deletion and the group counting below use regular expressions.
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
_WORD_RE = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u0750-\u077f]+")


def features(text: str) -> list[float]:
    """``log1p`` counts of each orthographic group in ``text`` (order: FEATURE_NAMES)."""
    tanwin = sum(text.count(c) for c in TANWIN)
    zwnj = text.count("\u200c")
    bare = _HARAKAT_RE.sub("", text)
    words = _WORD_RE.findall(bare)
    counts = [0] * len(_GROUPS)
    for ch in _GROUP_RE.findall(bare):
        counts[_GROUP_OF[ch]] += 1
    counts += [tanwin, sum(1 for w in words if len(w) > 3 and w.startswith("ال")), zwnj]
    counts += [
        min(bare.count("ی"), bare.count("ي")),
        sum(1 for w in words if len(w) > 3 and w.endswith(PASHTO_SUFFIXES)),
    ]
    fw = [0, 0, 0, 0]
    for w in words:
        for i in _FW_INDEX.get(w, ()):
            fw[i] += 1
    return [math.log1p(c) if c else 0.0 for c in counts + fw]
