"""Dari (``fa-AF``) or Iranian Persian: specific evidence only.

The two are one written language; most sentences, and nearly every interface string, could
be either. So Persian is answered ``fa`` unless something specific says Afghanistan. What
counts here is spelling and vocabulary that Afghan usage has and Iranian usage does not —
general knowledge of the two standards, not words taken from the development data:

* Pashto-only letters (ټ ډ ړ ږ ښ ګ ڼ ځ څ ې ۍ) inside text already judged Persian: Afghan
  institutions and loans (پوهنځی faculty, څارنوال prosecutor, ښاروالی municipality);
* Afghan names of the Gregorian months, taken from English (جنوری, فبروری, اپریل, ...;
  Iran: ژانویه, فوریه, آوریل, ...) and of the solar months (ثور, جوزا, سنبله, دلو, حوت);
* Afghan spellings of loanwords, which follow English vowels (انترنت, ویب, تکنالوژی, دالر,
  ملیون, تلیفون, کمپیوتر, انجنیر, داکتر; Iran: اینترنت, وب, تکنولوژی, دلار, میلیون, تلفن,
  کامپیوتر, مهندس, دکتر) and Afghan administrative words (پوهنتون, ولسوالی, شاروالی,
  شفاخانه, موتر, جرگه).

Words that are also ordinary Iranian vocabulary (میزان, سرطان, اسد, جدی, ولایت, ریاست, and
جولای, which Iranian news writes beside ژوئیه) are left out on purpose: they would turn
ordinary Persian into Dari. The counter-evidence list (Iranian month names, اینترنت, تومان,
استان, ...) keeps a page that shows both from being called Dari.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.spelling import spelling_variants

__all__ = ["DARI_WORDS", "IRANIAN_WORDS", "canonical", "is_dari", "page_evidence"]

DARI_WORDS = frozenset(
    """
    جنوری فبروری اپریل سپتمبر دسمبر
    ثور جوزا سنبله حوت
    انترنت انترنتی ویب ویبسایت ویب‌سایت تکنالوژی دالر دالری ملیون ملیارد تلیفون تیلفون
    کمپیوتر کمپیوتری انجنیر داکتر داکتران پالیسی کتگوری پروگرام پروگرام‌ها
    پوهنتون پوهنتونها پوهنتون‌ها ولسوالی ولسوالیها ولسوالی‌ها شاروالی شفاخانه موتر موترها جرگه
    """.split()  # noqa: SIM905 - a word list reads better as text
)

IRANIAN_WORDS = frozenset(
    """
    ژانویه فوریه آوریل ژوئن ژوئیه سپتامبر دسامبر
    فروردین اردیبهشت خرداد مرداد شهریور آبان اسفند
    اینترنت اینترنتی وب وبسایت وب‌سایت تکنولوژی فناوری رایانه دلار میلیون میلیارد تلفن
    کامپیوتر مهندس تومان استان استانداری شهرداری بیمارستان خودرو رایانامه
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_PASHTO_LETTERS_RE = re.compile("[ټډړږښګڼځڅېۍ]")
_WORD_RE = re.compile("[\u0621-\u064a\u0671-\u06d3][\u0621-\u064a\u0671-\u06d3\u200c]*")


# each word as pages write it: with Arabic or Persian yeh and kaf, with or without ZWNJ
_DARI = spelling_variants(DARI_WORDS)
_IRANIAN = spelling_variants(IRANIAN_WORDS)


def is_dari(text: str) -> bool:
    """Whether ``text`` (already judged Persian) is spelt or worded the Afghan way."""
    if _PASHTO_LETTERS_RE.search(text) is not None:
        return True
    return not _DARI.isdisjoint(_WORD_RE.findall(text))


def page_evidence(texts: Iterable[str]) -> int:
    """How many Dari words a page has; 0 as soon as it has an Iranian one."""
    dari = 0
    for text in texts:
        words = _WORD_RE.findall(text)
        if not _IRANIAN.isdisjoint(words):
            return 0
        dari += sum(w in _DARI for w in words)
    return dari


def canonical(tag: str) -> str:
    """A declared tag as this module compares it: ``prs``/``fa_AF``/``fa-af`` -> ``fa-AF``,
    ``fa-IR`` -> ``fa-IR``, anything else its lower-case language subtag."""
    parts = tag.strip().replace("_", "-").split("-")
    lang = parts[0].lower()
    regions = {p.upper() for p in parts[1:] if len(p) == 2}
    if lang == "prs" or (lang == "fa" and "AF" in regions):
        return "fa-AF"
    if lang in ("fa", "pes") and "IR" in regions:
        return "fa-IR"
    return "fa" if lang == "pes" else lang
