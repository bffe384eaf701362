"""Language tags: one place that turns detector labels into the tags records carry.

Records use ISO 639-1 where one exists (``ar``, ``fa``, ``ps``), BCP 47 regions only where
they carry meaning (``fa-AF`` for Dari), and ``und`` for "not enough signal". Translation
routes varieties to the model of their macro-language (Dari → the Persian model).
"""

from __future__ import annotations

from functools import lru_cache

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


def display_name(tag: str) -> str:
    if tag == UNDETERMINED:
        return "undetermined"
    try:
        return langcodes.Language.get(tag).display_name()
    except (ValueError, LookupError):
        return tag
