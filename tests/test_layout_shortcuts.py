"""The layout stage's shortcuts give what the long way gives.

Each speed-up of the HTML path (``docs/performance.md``) leans on a library's behaviour or
replaces a slow piece with an equivalent one; these tests pin that the shortcut's answer is
the one the long way gives, so a library upgrade that breaks the assumption fails here.
"""

from __future__ import annotations

from lxml import etree

from pipeline.boilerplate.markup import run_trafilatura
from pipeline.boilerplate.render import parse_html

_PARAGRAPH = ("The council met on Tuesday to discuss the new library, which will open next spring "
              "after three years of building work and a long argument about its cost. ")
PAGE = f"""<!doctype html><html lang="en"><head><title>New library opens in spring</title>
<meta name="author" content="Ann Writer"><meta property="article:published_time" content="2024-03-05">
</head><body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>New library opens in spring</h1>{"".join(f"<p>{_PARAGRAPH * 3}</p>" for _ in range(4))}
<figure><img src="a.jpg"><figcaption>The new building</figcaption></figure></article>
<footer><p>&copy; 2024 The Town Paper</p></footer></body></html>"""


def test_trafilatura_works_on_its_own_copy_of_the_tree() -> None:
    """``read_html`` hands trafilatura its own parsed tree, uncopied, and renders it afterwards."""
    root = parse_html(PAGE)
    before = etree.tostring(root)
    main, meta = run_trafilatura(root)
    assert "The council met on Tuesday" in main
    assert meta.title == "New library opens in spring"
    assert etree.tostring(root) == before
