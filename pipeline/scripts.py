"""Unicode script of characters and maximal same-script runs of text.

Language identification works per script run: a Bengali run is Bengali, an Arabic-script
run is one of a handful of languages, a Latin run mostly English. Python's ``unicodedata``
has no script property, so this module carries a compact table of ISO 15924 ranges for the
scripts a news page realistically contains, with the Unicode ``Common`` (``Zyyy``) and
``Inherited`` (``Zinh``) exceptions that matter (Arabic comma and tatweel, Devanagari danda,
Arabic harakat, ZWNJ), and falls back to the character name for letters outside the table.

:func:`script_runs` is on the hot path of the detector, so it never loops over characters in
Python: ``str.translate`` maps every character to a one-letter class code (memoised per code
point) and a back-referencing regular expression finds the runs in C.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

__all__ = ["IGNORABLE", "script_of", "script_runs", "strip_ignorable"]

COMMON = "Zyyy"
INHERITED = "Zinh"
UNKNOWN = "Zzzz"

#: Bidi controls and zero-width characters: invisible, ignored for analysis, never split runs.
IGNORABLE = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u2060", "\ufeff", "\u00ad"]
)
_IGNORABLE_RE = re.compile("[" + "".join(sorted(IGNORABLE)) + "]")


def strip_ignorable(text: str) -> str:
    """Delete bidi controls and zero-width characters (ZWNJ included)."""
    return _IGNORABLE_RE.sub("", text)


# (first, last, script), inclusive, sorted and non-overlapping.
_RANGES: list[tuple[int, int, str]] = sorted(
    [
        (0x0041, 0x005A, "Latn"), (0x0061, 0x007A, "Latn"), (0x00AA, 0x00AA, "Latn"),
        (0x00BA, 0x00BA, "Latn"), (0x00C0, 0x00D6, "Latn"), (0x00D8, 0x00F6, "Latn"),
        (0x00F8, 0x02AF, "Latn"), (0x02B0, 0x02B8, "Latn"), (0x0300, 0x036F, INHERITED),
        (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"), (0x0531, 0x058F, "Armn"),
        (0x0591, 0x05FF, "Hebr"), (0x0600, 0x06FF, "Arab"), (0x0700, 0x074F, "Syrc"),
        (0x0750, 0x077F, "Arab"), (0x0780, 0x07BF, "Thaa"), (0x07C0, 0x07FF, "Nkoo"),
        (0x0870, 0x08FF, "Arab"), (0x0900, 0x097F, "Deva"), (0x0980, 0x09FF, "Beng"),
        (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"),
        (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"),
        (0x0D00, 0x0D7F, "Mlym"), (0x0D80, 0x0DFF, "Sinh"), (0x0E00, 0x0E7F, "Thai"),
        (0x0E80, 0x0EFF, "Laoo"), (0x0F00, 0x0FFF, "Tibt"), (0x1000, 0x109F, "Mymr"),
        (0x10A0, 0x10FF, "Geor"), (0x1100, 0x11FF, "Hang"), (0x1200, 0x139F, "Ethi"),
        (0x13A0, 0x13FF, "Cher"), (0x1400, 0x167F, "Cans"), (0x1680, 0x169F, "Ogam"),
        (0x16A0, 0x16FF, "Runr"), (0x1780, 0x17FF, "Khmr"), (0x1800, 0x18AF, "Mong"),
        (0x19E0, 0x19FF, "Khmr"), (0x1AB0, 0x1AFF, INHERITED), (0x1C80, 0x1C8F, "Cyrl"),
        (0x1C90, 0x1CBF, "Geor"), (0x1D00, 0x1D25, "Latn"), (0x1D2C, 0x1D5C, "Latn"),
        (0x1D62, 0x1D65, "Latn"), (0x1D6B, 0x1D77, "Latn"), (0x1D79, 0x1DBE, "Latn"),
        (0x1DC0, 0x1DFF, INHERITED), (0x1E00, 0x1EFF, "Latn"), (0x1F00, 0x1FFF, "Grek"),
        (0x200C, 0x200D, INHERITED), (0x2071, 0x2071, "Latn"), (0x207F, 0x207F, "Latn"),
        (0x2090, 0x209C, "Latn"), (0x20D0, 0x20FF, INHERITED), (0x2C60, 0x2C7F, "Latn"),
        (0x2D00, 0x2D2F, "Geor"), (0x2D30, 0x2D7F, "Tfng"), (0x2D80, 0x2DDF, "Ethi"),
        (0x2DE0, 0x2DFF, "Cyrl"), (0x2E80, 0x2FDF, "Hani"), (0x3005, 0x3005, "Hani"),
        (0x3007, 0x3007, "Hani"), (0x3021, 0x3029, "Hani"), (0x302A, 0x302D, INHERITED),
        (0x3038, 0x303B, "Hani"), (0x3041, 0x3096, "Hira"), (0x3099, 0x309A, INHERITED),
        (0x309D, 0x309F, "Hira"), (0x30A1, 0x30FA, "Kana"), (0x30FD, 0x30FF, "Kana"),
        (0x3100, 0x312F, "Bopo"), (0x3131, 0x318E, "Hang"), (0x31A0, 0x31BF, "Bopo"),
        (0x31F0, 0x31FF, "Kana"), (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"),
        (0xA000, 0xA4CF, "Yiii"), (0xA500, 0xA63F, "Vaii"), (0xA640, 0xA69F, "Cyrl"),
        (0xA720, 0xA721, COMMON), (0xA722, 0xA787, "Latn"), (0xA78B, 0xA7FF, "Latn"),
        (0xA8E0, 0xA8FF, "Deva"), (0xA960, 0xA97F, "Hang"), (0xAB30, 0xAB5A, "Latn"),
        (0xAB5C, 0xAB64, "Latn"), (0xAC00, 0xD7AF, "Hang"), (0xD7B0, 0xD7FF, "Hang"),
        (0xF900, 0xFAFF, "Hani"), (0xFB00, 0xFB06, "Latn"), (0xFB13, 0xFB17, "Armn"),
        (0xFB1D, 0xFB4F, "Hebr"), (0xFB50, 0xFDFF, "Arab"), (0xFE00, 0xFE0F, INHERITED),
        (0xFE20, 0xFE2F, INHERITED), (0xFE70, 0xFEFE, "Arab"), (0xFF21, 0xFF3A, "Latn"),
        (0xFF41, 0xFF5A, "Latn"), (0xFF66, 0xFF6F, "Kana"), (0xFF71, 0xFF9D, "Kana"),
        (0xFFA0, 0xFFDC, "Hang"), (0x20000, 0x3FFFF, "Hani"), (0xE0100, 0xE01EF, INHERITED),
    ]
)
_STARTS = [r[0] for r in _RANGES]

# Unicode assigns these to Common/Inherited although they sit inside a script's block.
_EXCEPTIONS: dict[int, str] = {
    **dict.fromkeys([0x0374, 0x037E, 0x0385, 0x0387], COMMON),
    **dict.fromkeys([0x0605, 0x060C, 0x061B, 0x061F, 0x0640, 0x06DD, 0x08E2], COMMON),
    **dict.fromkeys([0xFD3E, 0xFD3F], COMMON),  # ornate parentheses ﴾ ﴿ around verse numbers
    **dict.fromkeys([0x0964, 0x0965, 0x0E3F, 0x10FB], COMMON),
    **dict.fromkeys(range(0x064B, 0x0656), INHERITED),  # Arabic harakat: fathatan .. hamza below
    0x0670: INHERITED,  # superscript alef
    **dict.fromkeys([0x0951, 0x0952, 0x0953, 0x0954, 0x0485, 0x0486], INHERITED),
}

# Fallback for letters outside the table: the first word of the character's name.
_NAME_PREFIX = {
    "LATIN": "Latn", "GREEK": "Grek", "CYRILLIC": "Cyrl", "ARMENIAN": "Armn", "HEBREW": "Hebr",
    "ARABIC": "Arab", "SYRIAC": "Syrc", "THAANA": "Thaa", "DEVANAGARI": "Deva",
    "BENGALI": "Beng", "GURMUKHI": "Guru", "GUJARATI": "Gujr", "ORIYA": "Orya", "TAMIL": "Taml",
    "TELUGU": "Telu", "KANNADA": "Knda", "MALAYALAM": "Mlym", "SINHALA": "Sinh", "THAI": "Thai",
    "LAO": "Laoo", "TIBETAN": "Tibt", "MYANMAR": "Mymr", "GEORGIAN": "Geor", "HANGUL": "Hang",
    "ETHIOPIC": "Ethi", "KHMER": "Khmr", "MONGOLIAN": "Mong", "HIRAGANA": "Hira",
    "KATAKANA": "Kana", "CJK": "Hani", "TIFINAGH": "Tfng", "SYLOTI": "Sylo", "OL": "Olck",
}


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    """ISO 15924 script code of one character.

    ``Zyyy`` for digits, punctuation, symbols, spaces and controls that belong to no script,
    ``Zinh`` for combining marks that take the script of their base (Arabic harakat, ZWNJ),
    ``Zzzz`` for a letter of a script this table does not know.
    """
    cp = ord(ch)
    exc = _EXCEPTIONS.get(cp)
    if exc is not None:
        return exc
    cat = unicodedata.category(ch)
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= _RANGES[i][1]:
        script = _RANGES[i][2]
        # Inside a script block only letters, marks and native digits belong to the script;
        # ASCII-like punctuation and symbols (e.g. in fullwidth forms) stay common.
        if cat[0] in "LM" or cat == "Nd" or script == INHERITED:
            return script
        if cat[0] in "PS" and script in {"Latn", "Hani", "Kana", "Hira", "Hang"}:
            return COMMON
        return script if cat[0] in "PSN" else COMMON
    if cat[0] == "M":
        return INHERITED
    if cat[0] == "L":
        try:
            return _NAME_PREFIX.get(unicodedata.name(ch).split(" ", 1)[0], UNKNOWN)
        except ValueError:
            return UNKNOWN
    return COMMON


# ---------------------------------------------------------------------------------------
# Runs: translate to one class code per character, then match with a backreference.

_WS, _COMMON_CODE, _INHERITED_CODE, _IGN = " ", ".", "~", "_"


class _CodeTable(dict[int, str]):
    """Lazily filled ``str.translate`` table: code point -> one-character class code."""

    def __init__(self) -> None:
        super().__init__()
        self.code_to_script: dict[str, str] = {}
        self._script_to_code: dict[str, str] = {}

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        if ch in IGNORABLE:
            code = _IGN
        elif ch.isspace():
            code = _WS
        else:
            script = script_of(ch)
            if script == COMMON:
                code = _COMMON_CODE
            elif script == INHERITED:
                code = _INHERITED_CODE
            else:
                code = self._script_to_code.get(script, "")
                if not code:
                    # Private-use code points: never collide with the four class codes.
                    code = chr(0xE000 + len(self._script_to_code))
                    self._script_to_code[script] = code
                    self.code_to_script[code] = script
        self[cp] = code
        return code


_TABLE = _CodeTable()
# Where one script's letters end and another's begin (neutral characters between). Found with
# a bounded lookahead, not a backreference repeat like ``(x)(?:[ ._~]*\1)*``, which keeps a
# backtracking frame per repetition and needed ~1.4 GB on a 10 MB single line.
_CHANGE_RE = re.compile(r"([^ ._~])(?=([ ._~]*)(?!\1)[^ ._~])")
_LETTER_RE = re.compile(r"[^ ._~]")
_NONSPACE_RE = re.compile(r"[^ _]")


def _same_code_runs(codes: str) -> list[tuple[int, int, str]]:
    """Maximal ``(start, end, code)`` runs of one code, neutral characters allowed inside."""
    first = _LETTER_RE.search(codes)
    if first is None:
        return []
    runs: list[tuple[int, int, str]] = []
    start = first.start()
    for change in _CHANGE_RE.finditer(codes, start):
        runs.append((start, change.end(1), codes[start]))
        start = change.end(2)
    runs.append((start, len(codes.rstrip(" ._~")), codes[start]))
    return runs


def script_runs(text: str) -> list[tuple[int, int, str]]:
    """Maximal runs ``(start, end, script)`` of one script, offsets into ``text``.

    Common and inherited characters join a neighbouring run: punctuation glued to a word
    stays with that word (trailing goes to the previous word, leading to the next), and a
    free-standing group like ``(1)`` or ``—`` joins the previous run. Whitespace between two
    runs of the same script does not split them. Runs are trimmed of whitespace and of
    invisible controls at both ends; together they cover every other character. A text of
    only common characters is a single ``Zyyy`` run.
    """
    codes = text.translate(_TABLE)
    matches = _same_code_runs(codes)
    if not matches:
        first = _NONSPACE_RE.search(codes)
        if first is None:
            return []
        end = len(codes.rstrip(" _"))
        return [(first.start(), end, COMMON)]
    code_to_script = _TABLE.code_to_script
    runs: list[tuple[int, int, str]] = []
    # Leading common characters belong to the first run.
    first = _NONSPACE_RE.search(codes, 0, matches[0][0])
    start = first.start() if first is not None else matches[0][0]
    for i, (_s, e, code) in enumerate(matches):
        if i + 1 < len(matches):
            nxt = matches[i + 1][0]
            gap = codes[e:nxt]
            last_ws = gap.rfind(" ")
            if last_ws < 0:
                end, next_start = e + len(gap.rstrip("_")), nxt
            else:
                end = e + len(gap[:last_ws].rstrip(" _"))
                rest = _NONSPACE_RE.search(codes, e + last_ws + 1, nxt)
                next_start = rest.start() if rest is not None else nxt
        else:
            end = len(codes.rstrip(" _"))
            next_start = end
        runs.append((start, end, code_to_script[code]))
        start = next_start
    return runs
