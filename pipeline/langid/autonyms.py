"""Language names as labels: 'پښتو' on a language switcher means Pashto, and no detector
can know that from one word (fastText calls 'اردو' Persian).

The lookup is built once, lazily, from CLDR via langcodes/language-data: for each language of
interest, its autonym and its names in the other languages *written in its own script* (so
Persian's 'پشتو' and Urdu's 'عربی' count, but the English word "Persian" stays English). A
short list of common variants that CLDR lacks (Arabic-keyboard spellings, 'বাঙালি') is added.
Keys are normalised so Arabic ي/ك and Persian ی/ک, harakat, tatweel, case and surrounding
punctuation do not matter. Dari's names map to ``fa-AF``.

Building from CLDR takes ~2 s (language-data's name index), so the built table is shipped as
``autonyms.json`` and loaded from there; ``python -m pipeline.langid.autonyms`` rebuilds it
after a change to ``LANGUAGES`` or ``EXTRA_NAMES``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import unicodedata
from functools import lru_cache
from itertools import islice

from ..scripts import script_runs, strip_ignorable

__all__ = ["lookup", "normalise_name", "switcher_labels"]

# Languages a regional news site links to or quotes.
LANGUAGES = (
    "en", "ar", "fa", "fa-AF", "ps", "ur", "bn", "uz", "tk", "tg", "ru", "zh", "hi", "tr",
    "fr", "de", "es", "ug", "ckb", "sd", "pa", "ja", "ko", "id", "ms", "it", "pt", "az", "kk",
    "ky", "sw", "ha", "so", "am", "he", "el",
)

# Variants CLDR lacks, seen on real switchers.
EXTRA_NAMES = {
    "دری": "fa-AF", "دري": "fa-AF", "فارسی دری": "fa-AF", "عربي": "ar", "عربى": "ar",
    "বাঙালি": "bn", "বাঙ্গালী": "bn", "বাংলা": "bn", "پارسی": "fa", "اوزبیکی": "uz",
}

_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ـ": None})
_HARAKAT = {c: None for c in range(0x064B, 0x0656)} | {0x0670: None}
_PUNCT_RE = re.compile(r"[\W_\d]+")

TABLE_PATH = os.path.join(os.path.dirname(__file__), "autonyms.json")
_lock = threading.Lock()
_table: dict[str, str] | None = None


@lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> str:
    """Comparison key for language names (memoised: switcher checks normalise every word of
    every short line, and menu words repeat on every page of a site)."""
    text = unicodedata.normalize("NFC", strip_ignorable(text)).casefold()
    text = text.translate(_HARAKAT).translate(_FOLD)
    return _PUNCT_RE.sub(" ", text).strip()


def _main_script(text: str) -> str:
    runs = script_runs(text)
    if not runs:
        return "Zyyy"
    return max(runs, key=lambda r: r[1] - r[0])[2]


def _build() -> dict[str, str]:
    from langcodes import Language

    table: dict[str, str] = {}
    for code in LANGUAGES:
        lang = Language.get(code)
        autonym = lang.autonym()
        script = _main_script(autonym)
        names = {autonym}
        if script != "Latn":
            names.update(lang.display_name(other) for other in LANGUAGES)
        for name in names:
            if _main_script(name) != script:
                continue
            for variant in (name, name.split(" (")[0]):
                key = normalise_name(variant)
                if key and (variant == name or key not in table):
                    table.setdefault(key, code)
    for name, code in EXTRA_NAMES.items():
        table[normalise_name(name)] = code
    # Generic parenthesised variants ("فارسی (افغانستان)") must not shadow plain fa.
    table[normalise_name("فارسی")] = "fa"
    return table


def _get_table() -> dict[str, str]:
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                if os.path.isfile(TABLE_PATH):
                    with open(TABLE_PATH, encoding="utf-8") as f:
                        _table = json.load(f)
                else:
                    _table = _build()
    return _table


def lookup(text: str) -> str | None:
    """Language named by ``text`` (a whole label such as 'پښتو' or 'English'), else None."""
    if len(text) > 40:
        return None
    key = normalise_name(text)
    if not key:
        return None
    return _get_table().get(key)


_TOKEN_RE = re.compile(r"\S+")
MAX_LABEL_WORDS = 3


def switcher_labels(text: str) -> list[tuple[int, int, str]] | None:
    """A language-switcher row ('پښتو | دری | English') cut into its labels: ``(start, end,
    lang)`` of each, offsets into ``text``; None unless every word belongs to a label (of at
    most ``MAX_LABEL_WORDS`` words) and there are at least two labels.

    Such a row is several languages' names, not a sentence in one of them: each label keeps
    its own language.
    """
    words = (m.span() for m in _TOKEN_RE.finditer(text) if normalise_name(m.group()))
    tokens = list(islice(words, MAX_LABEL_WORDS))  # the rest only for a row that starts with a name
    if len(tokens) < 2 or all(
        lookup(text[tokens[0][0]:tokens[n - 1][1]]) is None for n in range(1, len(tokens) + 1)
    ):
        return None  # the row must start with a name: most texts stop here
    tokens += words
    labels = []
    k = 0
    while k < len(tokens):
        for n in range(min(MAX_LABEL_WORDS, len(tokens) - k), 0, -1):
            start, end = tokens[k][0], tokens[k + n - 1][1]
            lang = lookup(text[start:end])
            if lang is not None:
                labels.append((start, end, lang))
                k += n
                break
        else:
            return None
    return labels if len(labels) >= 2 else None


if __name__ == "__main__":
    built = _build()
    with open(TABLE_PATH, "w", encoding="utf-8") as f:
        json.dump(built, f, ensure_ascii=False, indent=0, sort_keys=True)
    print(f"wrote {len(built)} names to {TABLE_PATH}", file=sys.stderr)
