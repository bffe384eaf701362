"""HTML -> plain text with every visible block on its own line (chrome included).

inscriptis keeps the layout (indentation, bullets, one block per line) that the text
classifier was trained on, the same shape scrapers produce. Parsing is done here with an
lxml parser that never touches the network or resolves external entities and survives
broken markup; script/style/noscript/template content is never rendered.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree

_OPTS = {"no_network": True, "remove_comments": True, "remove_pis": True, "recover": True,
         "default_doctype": False}
_PARSER_UTF8 = lxml.html.HTMLParser(encoding="utf-8", **_OPTS)  # input is always re-encoded as UTF-8
_CONFIG = ParserConfig(display_images=False, display_links=False)
_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head")


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes) -> str:
    """Bytes -> str: BOM, else ``<meta charset>``, else UTF-8, else cp1252.

    (libxml2 ignores HTML5 ``<meta charset>``, so decoding is not left to the parser.)
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace")
    m = _CHARSET_RE.search(data[:8192])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def parse_html(html: str | bytes) -> etree._Element | None:
    """Parse possibly broken HTML safely; ``None`` for an empty document."""
    text = html if isinstance(html, str) else decode_html(html)
    data = text.encode("utf-8", "replace")
    if not data.strip():
        return None
    try:
        root = lxml.html.document_fromstring(data, parser=_PARSER_UTF8)
    except (etree.ParserError, ValueError):
        return None
    return root


def render_tree(root: etree._Element | None) -> str:
    """Text of a parsed tree, one block per line (the tree is modified: drops invisibles)."""
    if root is None:
        return ""
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None:
            el.drop_tree() if hasattr(el, "drop_tree") else el.getparent().remove(el)
    return Inscriptis(root, _CONFIG).get_text()


def render_html(html: str | bytes) -> str:
    """Rendered text of an HTML page (see module docstring)."""
    return render_tree(parse_html(html))
