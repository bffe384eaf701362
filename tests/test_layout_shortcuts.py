"""The layout stage's shortcuts give what the long way gives.

Each speed-up of the HTML path (``docs/performance.md``) leans on a library's behaviour or
replaces a slow piece with an equivalent one; these tests pin that the shortcut's answer is
the one the long way gives, so a library upgrade that breaks the assumption fails here.
"""

from __future__ import annotations

import pickle

import lxml.html
import pytest
import trafilatura
from hypothesis import given
from hypothesis import strategies as st
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.canvas.block import Block
from inscriptis.model.canvas.prefix import Prefix
from inscriptis.model.html_element import HtmlElement
from lxml import etree

from pipeline.boilerplate import render
from pipeline.boilerplate.captions import caption_texts
from pipeline.boilerplate.markup import _metadata, find_alternates, read_html, run_trafilatura
from pipeline.boilerplate.render import parse_html, render_tree
from pipeline.document import Block as Block_
from pipeline.document import Role

_PARAGRAPH = ("The council met on Tuesday to discuss the new library, which will open next spring "
              "after three years of building work and a long argument about its cost. ")
PAGE = f"""<!doctype html><html lang="en"><head><title>New library opens in spring</title>
<meta name="author" content="Ann Writer"><meta property="article:published_time" content="2024-03-05">
</head><body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>New library opens in spring</h1>{"".join(f"<p>{_PARAGRAPH * 3}</p>" for _ in range(4))}
<figure><img src="a.jpg"><figcaption>The new building</figcaption></figure></article>
<footer><p>&copy; 2024 The Town Paper</p></footer></body></html>"""


def test_trafilatura_works_on_its_own_copy_of_the_tree() -> None:
    """``read_html`` hands trafilatura its own parsed tree, uncopied, and renders it afterwards:
    the metadata search and the text extraction leave it as it was."""
    root = parse_html(PAGE)
    before = etree.tostring(root)
    main, meta = run_trafilatura(root)
    assert "The council met on Tuesday" in main
    assert meta.title == "New library opens in spring"
    assert etree.tostring(root) == before


_JSON_LD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
            ' "headline": "Bridge reopens", "author": {"@type": "Person", "name": "Bo Reporter"},'
            ' "datePublished": "2023-11-02T08:00:00Z", "publisher": {"@type": "Organization", "name": "river news"}}'
            '</script>')
_PAGES = {
    "meta tags": PAGE,
    "JSON-LD, site name from it, canonical URL": PAGE.replace("<title>", _JSON_LD + '<link rel="canonical" '
                                                              'href="https://river.example/bridge"><title>'),
    "og tags, lower-case site name, date in the text": PAGE.replace(
        '<meta name="author" content="Ann Writer">',
        '<meta property="og:site_name" content="@townpaper"><meta property="og:url" content="https://town.example/a">')
        .replace('<meta property="article:published_time" content="2024-03-05">', "")
        .replace("<article>", "<article><p class='date'>Published 7 May 2022</p>"),
    "no text: trafilatura gives up, the metadata goes with it":
        "<html><head><title>Tiny</title></head><body></body></html>",
}


@pytest.mark.parametrize("url", [None, "https://town.example/news/library"])
@pytest.mark.parametrize("html", _PAGES.values(), ids=_PAGES.keys())
def test_text_and_metadata_are_bare_extractions(html: str, url: str | None) -> None:
    """``run_trafilatura`` finds the metadata without categories, tags and licence: the text and
    every recorded field are what ``bare_extraction(with_metadata=True)`` gives."""
    doc = trafilatura.bare_extraction(parse_html(html), url=url, with_metadata=True, include_comments=False,
                                      include_tables=True, include_images=False, favor_recall=True)
    expected = ((doc.text or "") if doc is not None else "", _metadata(doc, url))
    assert run_trafilatura(parse_html(html), url) == expected
    assert run_trafilatura(html, url) == expected  # unparsed input too


def test_metadata_cases_differ() -> None:
    """The pages above exercise different branches (else the test above proves little)."""
    found = [run_trafilatura(parse_html(html))[1] for html in _PAGES.values()]
    assert found[0].author == "Ann Writer" and found[0].date == "2024-03-05"
    assert (found[1].title, found[1].author, found[1].site, found[1].url) == (
        "Bridge reopens", "Ann Writer; Bo Reporter", "River News", "https://river.example/bridge")
    assert found[2].site == "Townpaper" and found[2].date == "2022-05-07"
    assert found[3].title is None and found[3].url is None


# ASCII and Unicode whitespace (str.isspace), letters, and the pieces of character references
_CHUNKS = st.lists(st.sampled_from([" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2003", "\u3000",
                            "\u200b", "a", "é", "ب", "&", "amp;", "#39;", "lt", ";", "*"]), max_size=10).map("".join)


@given(chunks=st.lists(_CHUNKS, max_size=6), bullet=st.sampled_from(["", "* ", "1. "]), padding=st.integers(0, 4))
def test_whitespace_collapse_is_inscriptis_own(chunks: list[str], bullet: str, padding: int) -> None:
    states = []
    for merge in (render.INSCRIPTIS_MERGE_NORMAL_TEXT, render._merge_normal_text):
        prefix = Prefix()
        prefix.register_prefix(padding, bullet)
        block = Block(0, prefix)
        for chunk in chunks:
            merge(block, chunk)
        states.append((block._content, block.idx, block.collapsable_whitespace, prefix.consumed, block.content))
    assert states[0] == states[1]


def test_element_copy_is_inscriptis_own() -> None:
    assert Block.merge_normal_text is render._merge_normal_text  # the replacements are in place
    assert HtmlElement.__copy__ is render._copy_element
    for shared in [HtmlElement(), *CSS_PROFILES["relaxed"].values(), *CSS_PROFILES["strict"].values()]:
        element = render.INSCRIPTIS_COPY_ELEMENT(shared)  # the profiles are inscriptis' globals: not changed here
        element.previous_margin_after = 3
        ours, theirs = render._copy_element(element), render.INSCRIPTIS_COPY_ELEMENT(element)
        assert ours is not element
        assert [getattr(ours, a) for a in HtmlElement.__slots__] == [getattr(theirs, a) for a in HtmlElement.__slots__]


_LAYOUTS = """<html><body><div>  Menu <a href="/">Home</a>\n\t<a>News</a></div>
<ul><li>one &amp;amp; two</li><li> <b>bold</b>   <i> it </i></li><ol><li>x</li></ol></ul>
<p>Text with&nbsp;&nbsp;spaces, <span>a span</span>,<q>quoted</q> and<br>a break.</p>
<pre>  keep   this
  <b>but  not  this</b></pre>
<table><tr><td>a  b</td><td><p>c</p></td></tr><tr><th>d</th></tr></table>
<blockquote><p>quote</p></blockquote><div style="white-space: pre">  pre   div </div>
<div style="display:none">hidden</div><h2> Heading </h2></body></html>"""


@pytest.mark.parametrize(("html", "expected"), [(PAGE, "The council met"), (_LAYOUTS, "one & two")])
def test_rendering_is_inscriptis_own(html: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = render_tree(parse_html(html))
    monkeypatch.setattr(Block, "merge_normal_text", render.INSCRIPTIS_MERGE_NORMAL_TEXT)
    monkeypatch.setattr(HtmlElement, "__copy__", render.INSCRIPTIS_COPY_ELEMENT)
    assert ours == render_tree(parse_html(html))
    assert expected in ours


_FORM = PAGE.replace("<footer>", """<form action="/search" method="get"><label for="q">Search the paper</label>
<input id="q" name="q" value="library"><select name="s"><option selected>News</option><option>Sport</option></select>
<textarea name="t">Write to the editor about the new library and its opening next spring.</textarea>
<button>Go</button></form><footer>""")


@pytest.mark.parametrize("html", [PAGE, _FORM, _LAYOUTS])
def test_plain_element_classes_read_as_lxml_html_ones(html: str) -> None:
    """``parse_html`` makes every element an ``HtmlElement`` (no Python class lookup per element):
    trafilatura, its metadata search and the rendering read the tree as they read lxml.html's own,
    with its form-element classes."""
    stock = lxml.html.HTMLParser(encoding="utf-8", **render._OPTS)
    root = parse_html(html)
    assert {type(el) for el in root.iter(etree.Element)} == {lxml.html.HtmlElement}

    def theirs() -> etree._Element:
        return lxml.html.document_fromstring(render._END_BODY_RE.sub(b"", html.encode()), parser=stock)

    if "<input" in html:  # the stock parser gives form controls classes of their own
        assert isinstance(theirs().find(".//input"), lxml.html.InputElement)

    assert run_trafilatura(parse_html(html), "https://town.example/a") == run_trafilatura(theirs(), "https://town.example/a")
    assert render_tree(parse_html(html)) == render_tree(theirs())
    assert find_alternates(parse_html(html)) == find_alternates(theirs())
    assert caption_texts(parse_html(html)) == caption_texts(theirs())


def test_blocks_survive_pickling() -> None:
    """Blocks cross from the workers to the parent pickled as their constructor's arguments."""
    page = read_html(_FORM, None)
    blocks = [Block_(index=i, start=ln.start, end=ln.end, text=ln.text, indent=ln.indent, evidence=ev)
              for i, (ln, ev) in enumerate(zip(page.lines, page.evidence, strict=True))]
    blocks[0].role, blocks[0].role_score, blocks[1].evidence = Role.TITLE, 0.25, None
    assert any(b.evidence and b.evidence.extracted_span for b in blocks)
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(blocks, protocol=protocol)) == blocks
