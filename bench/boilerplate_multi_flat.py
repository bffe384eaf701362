"""Flat copies of rendered pages: extra flat training text for the line model (issue 14, seventh round).

The fit has few flat documents (turku: 543, fi 62) against ~600 rendered layouts (wcxb and the
pages built from it), and flat text gets its own smoothing and word table, so the model has seen
little of it. A rendered page flattened the way turku text looks – one block per line, no
indentation, list bullets as ``"- "`` (turku's) and bare bullets dropped – keeps its line labels
and becomes a flat page (:func:`pipeline.boilerplate.features.is_layout` says so) with a real
web page's chrome in it: menus, share rows, footers, in English and (built pages) in the
Arabic-script and Bengali locales.

A copy keeps its source page's base id (``meta["base"]``), so every cross-validation and tuning
fold puts it with its source; held-out pages are never flattened into the fit (the caller
flattens fit pages only).
"""

from __future__ import annotations

import re

from bench.boilerplate_data import Page
from pipeline.boilerplate.lines import split_lines

# inscriptis renders list items as "* ", "+ ", "o " by depth; other sites' own bullets as text
_BULLET = "[*+•·▪►○◦●■□]"
_BULLET_RE = re.compile(rf"^{_BULLET}\s*")
_DEEP_BULLET_RE = re.compile(rf"^(?:{_BULLET}|o(?= ))\s*")  # "o " only where indented ("o que" is Portuguese)


def flat_line(text: str, indent: int = 0) -> str:
    """A rendered line as flat text: a leading list bullet becomes ``"- "``; a bare bullet becomes ``""``."""
    m = (_DEEP_BULLET_RE if indent else _BULLET_RE).match(text)
    if not m:
        return text
    rest = text[m.end():]
    return f"- {rest}" if rest else ""


def flatten_page(page: Page) -> Page:
    """``page`` without indentation and with turku-style bullets; lines that were only a bullet are
    left out (with their labels). Same labels and gold text; ``meta["base"]`` is the source's base id."""
    kept = [(flat_line(ln.text, ln.indent), y) for ln, y in zip(page.lines, page.labels, strict=True)]
    kept = [(t, y) for t, y in kept if t.strip()]
    text = "\n".join(t for t, _ in kept)
    lines = split_lines(text)
    assert len(lines) == len(kept), page.pid
    base = page.meta.get("base", page.pid) if page.meta else page.pid
    return Page(f"{page.source}-flat", f"{page.pid}~flat", text, lines, [y for _, y in kept], page.gold, "",
                {**(page.meta or {}), "base": base, "flat_copy": True})
