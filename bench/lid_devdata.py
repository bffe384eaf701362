"""Loaders for the language-ID development sets in ``../shared/dev-data/lid``.

Used by the weight fitting (``bench/lid_fit.py``) and the benchmark (``bench/lid_eval.py``). Every
item carries a deterministic ``half`` (0 = fit, 1 = held out) so the weights are reported on
data they never saw. The split key keeps translations of one source together: the NTREX line
number, the English source string of a UI message, the word itself for lingua.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NTREX_GOLD", "UI_LOCALES", "Item", "default_root", "load_all"]

NTREX_GOLD = {"eng": "en", "arb": "ar", "fas": "fa", "prs": "fa", "pus": "ps", "urd": "ur",
              "ben": "bn"}
UI_LOCALES = {"ar": "ar", "fa_IR": "fa", "fa_AF": "fa", "ps": "ps", "ur": "ur", "bn_BD": "bn"}
LINGUA_LANGS = ("ar", "fa", "ur", "bn", "en")


@dataclass(frozen=True, slots=True)
class Item:
    dataset: str  # ntrex | ntrex2 | lingua-single | lingua-pairs | ui-chrome
    locale: str  # file the text came from (eng, prs, fa_AF, ... ; "en" for UI English)
    gold: str
    text: str
    half: int
    group: str = ""  # ui-chrome: the locale file an English string came from


def default_root() -> Path:
    """``../shared/dev-data/lid`` next to the project checkout."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "dev-data" / "lid"


def _half(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % 2


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def ntrex(root: Path) -> Iterator[Item]:
    for code, gold in NTREX_GOLD.items():
        for i, line in enumerate(_lines(root / "ntrex128" / f"{code}.txt")):
            line = line.strip()
            if not line:
                continue
            half = _half(f"ntrex:{i}")
            yield Item("ntrex", code, gold, line, half)
            yield Item("ntrex2", code, gold, " ".join(line.split()[:2]), half)


def lingua(root: Path) -> Iterator[Item]:
    for kind, name in (("single-words", "lingua-single"), ("word-pairs", "lingua-pairs")):
        for lang in LINGUA_LANGS:
            for line in _lines(root / "lingua-short" / kind / f"{lang}.txt"):
                if line.strip():
                    yield Item(name, lang, lang, line.strip(), _half(f"lingua:{line}"))


def ui_chrome(root: Path) -> Iterator[Item]:
    for locale, gold in UI_LOCALES.items():
        rows = _lines(root / "ui-chrome" / f"{locale}.tsv")[1:]
        for row in rows:
            parts = row.split("\t")
            if len(parts) < 2:
                continue
            english, translation = parts[0], parts[1]
            half = _half(f"ui:{english}")
            yield Item("ui-chrome", locale, gold, translation, half)
            yield Item("ui-chrome", "en", "en", english, half, group=locale)


def load_all(root: Path | None = None) -> list[Item]:
    root = root or default_root()
    return [*ntrex(root), *lingua(root), *ui_chrome(root)]
