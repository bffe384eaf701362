"""Script runs of a line, with shortcuts for the common single-script cases.

:func:`pipeline.scripts.script_runs` maps every character through a lazily filled table and
scans the result with a regular expression — about 10 µs for a sentence, as much as the rest
of the detector's own Python work. Most lines are in one script: all ASCII (English), or
Arabic or Bengali letters with punctuation and spaces. Those are recognised with one
``isascii``/``fullmatch`` and cut with ``str.strip``; everything else goes to ``script_runs``.
The result is identical either way (``tests/test_langid_speed.py`` checks it against
``script_runs`` on random mixtures).
"""

from __future__ import annotations

import re

from ..scripts import IGNORABLE, script_runs

__all__ = ["runs"]

# Characters str.isspace() accepts; with the invisible controls, what runs are trimmed of.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_TRIM = WHITESPACE + "".join(sorted(IGNORABLE))

# Neutral characters (Common script, whitespace, invisible controls): ASCII except letters,
# Latin-1 punctuation and symbols (not ª µ º), General Punctuation, the BOM.
_NEUTRAL = "\x00-\x40\x5b-\x60\x7b-\xa9\xab-\xb4\xb6-\xb9\xbb-\xbf\u2000-\u206f\ufeff"

# (script, every character is that script or neutral, one character surely of that script)
_SINGLE: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "Arab",
        re.compile(f"[{_NEUTRAL}\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe]*"),
        re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]"),
    ),
    (
        "Beng",
        re.compile(f"[{_NEUTRAL}\u0964\u0965\u0980-\u09ff]*"),
        re.compile("[\u0985-\u09b9]"),
    ),
)
_ASCII_LETTER = re.compile("[A-Za-z]")


def runs(text: str) -> list[tuple[int, int, str]]:
    """Same as :func:`pipeline.scripts.script_runs`, faster on single-script lines."""
    if text.isascii():
        end = len(text.rstrip(WHITESPACE))
        if end == 0:
            return []
        start = len(text) - len(text.lstrip(WHITESPACE))
        return [(start, end, "Latn" if _ASCII_LETTER.search(text) else "Zyyy")]
    for script, only, marker in _SINGLE:
        if only.fullmatch(text) is not None:
            if marker.search(text) is None:
                break
            return [(len(text) - len(text.lstrip(_TRIM)), len(text.rstrip(_TRIM)), script)]
    return script_runs(text)
