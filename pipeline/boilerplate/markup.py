"""Reading an HTML page: its rendered text and what the markup says about each block.

The page is rendered with the chrome left in (one block per line, see :mod:`.render`), so HTML
and plain text share every later stage. trafilatura's main text is aligned in order onto the
rendered lines (see :mod:`.align`): per line, the share of its tokens trafilatura kept, which is
its verdict on that line. The page's metadata, its language alternates (hreflang links and
switcher anchors) and the lines the markup names as image captions come with it.

Nothing here decides a role: :mod:`.html` weighs this evidence with the text classifier.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urljoin

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import DEFAULT_CONFIG, Document, set_date_params
from trafilatura.utils import load_html

from pipeline import regex_cache
from pipeline.document import Alternate, BlockEvidence, Metadata, PageEvidence

from .align import align_spans
from .captions import caption_lines, caption_texts
from .lines import Line, split_lines, tokens
from .phrases import switcher_lang
from .render import parse_html, parse_too_deep, render_flat, render_tree

# htmldate leaves some dates to dateparser, whose ~900 patterns are then compiled; served stored
regex_cache.install()


@dataclass(slots=True)
class HtmlPage:
    """A rendered page: its text, its lines, one :class:`BlockEvidence` per line, and the page's evidence."""

    text: str
    lines: list[Line]
    evidence: list[BlockEvidence]
    page: PageEvidence = field(default_factory=PageEvidence)


def _lang_tag(value: str) -> str | None:
    try:
        import langcodes

        return langcodes.standardize_tag(value.strip())
    except Exception:  # malformed hreflang
        return None


# anchors that can be switcher links: short label or an explicit language attribute (XPath runs in C)
_SHORT_ANCHORS = etree.XPath("//a[@hreflang or @lang or string-length(normalize-space(.)) <= 40]")


def find_alternates(root: etree._Element | None, url: str | None = None) -> list[Alternate]:
    """``<link rel=alternate hreflang>`` plus switcher links (anchors labelled by an autonym)."""
    if root is None:
        return []
    out: list[Alternate] = []
    seen: dict[tuple[str, str | None], Alternate] = {}

    def add(lang: str | None, label: str | None, href: str | None) -> None:
        if not lang:
            return
        href = urljoin(url, href) if (url and href) else href
        key = (lang, href)
        if key in seen:
            seen[key].label = seen[key].label or label
        else:
            seen[key] = Alternate(lang=lang, label=label, href=href)
            out.append(seen[key])

    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        hreflang = link.get("hreflang")
        if "alternate" in rel and hreflang and hreflang.lower() != "x-default":
            add(_lang_tag(hreflang), None, link.get("href"))
    for a in _SHORT_ANCHORS(root):
        label = " ".join(a.text_content().split())
        if not label:
            continue
        code = switcher_lang(label)
        attr = a.get("hreflang") or a.get("lang")
        if code or attr:
            add(_lang_tag(attr) if attr else code, label, a.get("href"))
    return out


def _metadata(doc: object, url: str | None) -> Metadata:
    if doc is None:
        return Metadata(url=url)

    def get(key: str) -> str | None:
        value = getattr(doc, key, None)
        return str(value) if value else None

    return Metadata(title=get("title"), author=get("author"), date=get("date"),
                    site=get("sitename"), url=get("url") or url)


def page_metadata(tree: HtmlElement, url: str | None = None) -> Document:
    """The page metadata docpipe records — title, author, date, site name, URL — found as
    trafilatura's ``extract_metadata`` finds them (trafilatura 2.x, ``trafilatura/metadata.py``),
    without the categories, tags, licence and host name it also looks for and docpipe never
    used: their XPath searches over the whole page were ~10 % of trafilatura's time (1.3
    CPU-s per 300 wcxb pages). Reads the tree only (htmldate and the author search work on
    copies). ``tests/test_layout_shortcuts.py`` checks the fields against ``extract_metadata``.
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    with suppress(Exception):  # as trafilatura: its JSON-LD reader has bugs, the rest still counts
        metadata = extract_meta_json(tree, metadata)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    date_config = set_date_params(DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH"))
    date_config["url"] = metadata.url
    metadata.date = find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")  # a Twitter handle
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        found = META_URL.match(metadata.url)
        if found:
            metadata.sitename = found[1]
    metadata.filedate = date_config.get("max_date")
    metadata.clean_and_trim()
    return metadata


def run_trafilatura(html: str | bytes | etree._Element, url: str | None = None) -> tuple[str, Metadata]:
    """trafilatura's main text (comments excluded) and the page metadata (:func:`page_metadata`).

    ``favor_recall``: on the wcxb fit split it is as good alone as the default and, followed
    by our veto of chrome-like lines, better (F1 0.948 vs 0.946), and it is faster.

    Accepts an already parsed tree (trafilatura then skips its own parsing: ~20 % faster,
    same output on the dev pages). trafilatura works on its own copy of a tree it is given
    (``bare_extraction``: ``if tree is filecontent: tree = copy(tree)``), so the caller's tree
    is left as it was and needs no copy of its own.

    What ``bare_extraction(with_metadata=True)`` does, in its order: the metadata first, then
    the main text, told the metadata's URL when the caller gave none; no metadata when
    trafilatura gives up on the text.
    """
    try:
        tree = load_html(html)
        if tree is None:
            raise ValueError("empty page")
        meta = page_metadata(tree, url)
        doc = trafilatura.bare_extraction(tree, url=url or meta.url, with_metadata=False, include_comments=False,
                                          include_tables=True, include_images=False, favor_recall=True)
    except Exception:  # trafilatura gives up on some malformed pages; the text model takes over
        doc = None
    if doc is None:
        return "", _metadata(None, url)
    return doc.text or "", _metadata(meta, url)


def block_evidence(lines: list[Line], main: str, captions: list[bool]) -> list[BlockEvidence]:
    """Per line: how much of it trafilatura's *main* text holds, in order, and whether it is a caption.

    With no main text there is nothing to align: every share is 0.
    """
    if not main.strip():
        return [BlockEvidence(caption=caption) for caption in captions]
    aligned = align_spans([tokens(ln.text) for ln in lines], tokens(main))
    return [BlockEvidence(extracted_share=share, extracted_span=span, caption=caption)
            for (share, span), caption in zip(aligned, captions, strict=True)]


def read_html(html: str, url: str | None = None) -> HtmlPage:
    """Render *html* (decoded text) and gather the markup's evidence on the page and each line."""
    root = parse_html(html)
    if root is None:
        return HtmlPage("", [], [], PageEvidence(Metadata(url=url)))
    too_deep = parse_too_deep()
    main, meta = run_trafilatura(root, url)  # trafilatura copies the tree before changing it
    alternates = find_alternates(root, url)
    captions = caption_texts(root)
    if too_deep:  # the tree lost everything below 256 levels: flat text, and the text model decides alone
        text, main = render_flat(html), ""
    else:
        text = render_tree(root)
    lines = split_lines(text)
    evidence = block_evidence(lines, main, caption_lines(lines, captions))
    return HtmlPage(text, lines, evidence, PageEvidence(meta, alternates, extracted=bool(main.strip())))
