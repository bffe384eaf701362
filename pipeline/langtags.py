"""Language tags: one place that turns detector labels into the tags records carry.

Records use ISO 639-1 where one exists (``ar``, ``fa``, ``ps``), BCP 47 regions only where
they carry meaning (``fa-AF`` for Dari), and ``und`` for "not enough signal". Translation
routes varieties to the model of their macro-language (Dari → the Persian model).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import langcodes

UNDETERMINED = "und"

# Varieties that translation models cover under another tag.
_MODEL_LANGUAGE = {"prs": "fa", "pes": "fa", "arb": "ar", "pbt": "ps", "pbu": "ps", "urd": "ur"}


@lru_cache(maxsize=4096)
def normalize_tag(tag: str | None) -> str:
    """Canonical short form of *tag* (``"prs"`` → ``"fa-AF"``, ``"arb"`` → ``"ar"``)."""
    if not tag or tag.lower() in {"und", "unknown", "zxx", "mul"}:
        return UNDETERMINED
    if tag.lower() == "prs":
        return "fa-AF"
    try:
        return str(langcodes.standardize_tag(tag, macro=True))
    except (ValueError, LookupError):
        return UNDETERMINED


def base_language(tag: str) -> str:
    """The language subtag alone: ``fa-AF`` → ``fa``."""
    return normalize_tag(tag).split("-", 1)[0]


def model_language(tag: str) -> str:
    """The language whose translation model serves *tag* (Dari → Persian)."""
    lang = base_language(tag)
    return _MODEL_LANGUAGE.get(lang, lang)


#: English names of the tags records usually carry, written by ``python -m pipeline.langtags``
#: from langcodes: its own name table (``language_data``) takes ~0.15 s to load, a tenth of a
#: one-page run (docs/performance.md, "Start-up"). Other tags ask langcodes.
NAMES_PATH = Path(__file__).with_name("language_names.json")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    try:
        return json.loads(NAMES_PATH.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def display_name(tag: str) -> str:
    """English name of *tag* (``fa-AF`` → ``Persian (Afghanistan)``), or *tag* if unknown."""
    if tag == UNDETERMINED:
        return "undetermined"
    name = _names().get(tag)
    return name if name is not None else _langcodes_name(tag)


def _langcodes_name(tag: str) -> str:
    try:
        return langcodes.Language.get(tag).display_name()
    except (ValueError, LookupError):
        return tag


def _name_table() -> dict[str, str]:
    """Every two-letter language, the three-letter ones the detectors name, and ``fa-AF``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    tags = [a + b for a in letters for b in letters]
    tags += ["ceb", "eml", "ilo", "war", "pam", "bcl", "hsb", "dsb", "nds", "als", "arz", "azb", "ckb",
             "fa-AF", "pnb", "sah", "yue", "wuu", "lmo", "scn", "vec", "vls", "frr", "min", "mzn", "new"]
    table = {}
    for tag in tags:
        if normalize_tag(tag) != tag:
            continue  # not a tag records carry (an alias, or unknown)
        name = _langcodes_name(tag)
        if not name.lower().startswith("unknown language"):
            table[tag] = name
    return table


if __name__ == "__main__":
    table = _name_table()
    NAMES_PATH.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {len(table)} names to {NAMES_PATH}")
