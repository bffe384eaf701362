"""HTML -> plain text with every visible block on its own line (chrome included).

inscriptis keeps the layout (indentation, bullets, one block per line) that the text
classifier was trained on, the same shape scrapers produce. Parsing is done here with an
lxml parser that never touches the network or resolves external entities and survives
broken markup; script/style/noscript/template content is never rendered.

libxml2 stops building the tree 256 levels deep (``XML_PARSE_HUGE`` would lift that and the
other safety limits with it), silently dropping everything below. Such pages are rendered by
:func:`render_flat` instead: the standard library's streaming parser, which has no depth
limit, with one line per block element and no layout.

Two of inscriptis' per-node steps are replaced with equivalents that give the same result in
fewer Python steps (:func:`_merge_normal_text`, :func:`_copy_element`; ~20 % of rendering;
``tests/test_layout_shortcuts.py`` checks each against inscriptis' own on generated input).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import lxml.html
from inscriptis import Inscriptis
from inscriptis.model.canvas.block import Block
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_element import HtmlElement
from lxml import etree

_OPTS = {"no_network": True, "remove_comments": True, "remove_pis": True, "recover": True,
         "default_doctype": False}
_PARSER_UTF8 = lxml.html.HTMLParser(encoding="utf-8", **_OPTS)  # input is always re-encoded as UTF-8
# lxml.html picks each element's class with a Python callback (form controls get their own
# classes) every time an element gets a Python object: ~1.3M times per 300 pages, ~0.36 µs each.
# Nothing that reads these trees (trafilatura, htmldate, inscriptis, this package) uses the
# form classes, so every element is an HtmlElement, chosen in C.
_PARSER_UTF8.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))
_CONFIG = ParserConfig(display_images=False, display_links=False)
_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head")


# browsers (HTML5 "after body" mode) keep parsing content that follows a premature </body> or
# </html> into the body; libxml2 drops it (wcxb has article bodies after an early </html>)
_END_BODY_RE = re.compile(rb"</(?:body|html)\s*>", re.I)


def parse_html(html: str) -> etree._Element | None:
    """Parse possibly broken HTML safely; ``None`` for an empty document.

    *html* is decoded text (:func:`pipeline.decode.decode`: BOM, UTF-8, ``<meta charset>``,
    then a guess); libxml2 ignores HTML5 ``<meta charset>``, so decoding is never left to it.
    """
    data = _END_BODY_RE.sub(b"", html.encode("utf-8", "replace"))
    if not data.strip():
        return None
    try:
        root = lxml.html.document_fromstring(data, parser=_PARSER_UTF8)
    except (etree.ParserError, ValueError):
        return None
    return root


def parse_too_deep() -> bool:
    """True when the last :func:`parse_html` in this thread hit libxml2's depth limit."""
    return any(entry.message.startswith("Excessive depth") for entry in _PARSER_UTF8.error_log)


_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
})


class _FlatText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0  # inside script/style/...: their text is never rendered

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def render_flat(html: str) -> str:
    """Text of a page without building a tree: block elements become line breaks.

    For pages nested too deeply for libxml2; indentation and bullets are not reproduced.
    """
    parser = _FlatText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _merge_normal_text(self: Block, text: str) -> None:
    """``Block.merge_normal_text`` with the whitespace collapsed by ``str.split`` in C instead of
    a Python loop over every character (``str.split()`` and ``str.isspace`` agree on what is
    whitespace): a space where the text has whitespace, none at the block's start or after a
    space already written; the text is unescaped after collapsing, as inscriptis does."""
    words = text.split()
    if words:
        normalized = " ".join(words)
        if text[0].isspace() and not self.collapsable_whitespace:
            normalized = " " + normalized
        self.collapsable_whitespace = text[-1].isspace()
        if self.collapsable_whitespace:
            normalized += " "
    elif text and not self.collapsable_whitespace:
        normalized = " "
        self.collapsable_whitespace = True
    else:
        return
    text = unescape("".join((self.prefix.first, normalized)) if not self._content else normalized)
    self._content += text
    self.idx += len(text)


def _copy_element(self: HtmlElement) -> HtmlElement:
    """``HtmlElement.__copy__`` (one per rendered element) with the slots assigned one by one,
    not through ``getattr``/``setattr`` over ``__slots__``."""
    new = self.__class__.__new__(self.__class__)
    new.align, new.annotation, new.canvas, new.display = self.align, self.annotation, self.canvas, self.display
    new.limit_whitespace_affixes, new.list_bullet = self.limit_whitespace_affixes, self.list_bullet
    new.margin_after, new.margin_before, new.padding_inline = self.margin_after, self.margin_before, self.padding_inline
    new.prefix, new.previous_margin_after, new.suffix = self.prefix, self.previous_margin_after, self.suffix
    new.tag, new.valign, new.whitespace = self.tag, self.valign, self.whitespace
    return new


# inscriptis' own versions, for the tests that compare; the replacements are installed only
# while the element's slots are the ones copied above (else inscriptis keeps its own)
INSCRIPTIS_MERGE_NORMAL_TEXT = Block.merge_normal_text
INSCRIPTIS_COPY_ELEMENT = HtmlElement.__copy__
_ELEMENT_SLOTS = ("align", "annotation", "canvas", "display", "limit_whitespace_affixes", "list_bullet",
                  "margin_after", "margin_before", "padding_inline", "prefix", "previous_margin_after", "suffix",
                  "tag", "valign", "whitespace")
if sorted(HtmlElement.__slots__) == sorted(_ELEMENT_SLOTS):
    HtmlElement.__copy__ = _copy_element  # type: ignore[method-assign]
if set(Block.__slots__) == {"_content", "collapsable_whitespace", "idx", "prefix"}:
    Block.merge_normal_text = _merge_normal_text  # type: ignore[method-assign]


def render_tree(root: etree._Element | None) -> str:
    """Text of a parsed tree, one block per line (the tree is modified: drops invisibles)."""
    if root is None:
        return ""
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None:
            el.drop_tree() if hasattr(el, "drop_tree") else el.getparent().remove(el)
    return Inscriptis(root, _CONFIG).get_text()


def render_html(html: str) -> str:
    """Rendered text of an HTML page (decoded text; see module docstring)."""
    root = parse_html(html)
    return render_flat(html) if parse_too_deep() else render_tree(root)
