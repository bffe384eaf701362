"""What a person sees in the viewer, in a real browser (Debian's headless Chromium).

The destination is a real run (tests/viewer_data.py) served by ``docpipe view`` on loopback.
Assertions read the rendered DOM and computed styles; screenshots of each page are written
to the test's temp dir for whoever wants to look (tools/viewer_screenshots.py makes docs/').
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, require_browser
from viewer_data import IMG_TEXT, SCRIPT_TEXT, build_destination, uri_of

from pipeline.ids import doc_id_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL of ``docpipe view``, work dir)."""
    require_browser()
    work = tmp_path_factory.mktemp("viewer-browser")
    out = build_destination(work)
    docpipe = shutil.which("docpipe", path=str(Path(sys.executable).parent))
    assert docpipe
    proc = subprocess.Popen([docpipe, "view", out, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line
        yield found.group(0), work
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(width=1400, height=1000) as driver:
        yield driver


def open_doc(browser: Any, viewer: tuple[str, Path], name: str, shot: Path | None = None) -> None:
    base, work = viewer
    browser.get(f"{base}/docs/{doc_id_for(uri_of(work, name))}")
    if shot is not None:
        browser.save_screenshot(str(shot))


def rows(browser: Any, role: str) -> list[Any]:
    return browser.find_elements("css selector", f'tr.line[data-role="{role}"]')


def style(browser: Any, element: Any, prop: str) -> str:
    return str(browser.execute_script(f"return getComputedStyle(arguments[0]).{prop}", element))


def test_arabic_chrome_is_stripped_right_to_left_with_english_beside(
    browser: Any, viewer: tuple[str, Path], tmp_path: Path
) -> None:
    open_doc(browser, viewer, "002_721552d5c6f5a1f6.txt", tmp_path / "002.png")
    arabic_chrome = [
        r for role in ("navigation", "related", "comments", "footer") for r in rows(browser, role)
        if r.find_elements("css selector", 'td.orig span.seg[lang="ar"]')
    ]  # fmt: skip
    assert len(arabic_chrome) >= 6
    content = rows(browser, "content")[0]
    kept_colour = style(browser, content.find_element("css selector", "td.orig"), "color")
    english = {}
    for row in arabic_chrome:
        assert "stripped" in row.get_attribute("class").split()
        original = row.find_element("css selector", "td.orig")
        segment = original.find_element("css selector", 'span.seg[lang="ar"]')
        assert style(browser, original, "direction") == "rtl" and style(browser, segment, "direction") == "rtl"
        assert style(browser, original, "color") != kept_colour  # muted, but there
        assert segment.find_element("css selector", ".tag").text == "ar"
        english[segment.text.removeprefix("ar").strip()] = row.find_element("css selector", "td.en").text
    # The fixture model's English, beside the original.
    assert english["اترك تعليقاً"] == "Leave a comment"
    assert english["مقالات ذات صلة"] == "Related articles"
    assert english["زر الذهاب إلى الأعلى"] == "Back to top button"
    # RTL text starts at the right edge of its cell.
    row = next(r for r in arabic_chrome if "اترك" in r.text)
    cell = row.find_element("css selector", "td.orig")
    seg = cell.find_element("css selector", "span.seg")
    assert seg.rect["x"] + seg.rect["width"] > cell.rect["x"] + cell.rect["width"] - 20


def test_dari_and_pashto_switcher_links_show_their_languages(browser: Any, viewer: tuple[str, Path]) -> None:
    open_doc(browser, viewer, "000_e09215701c99cdbe.txt")
    switcher = rows(browser, "language_switcher")
    by_lang: dict[str, set[str]] = {}
    for row in switcher:
        assert "stripped" in row.get_attribute("class").split()
        for seg in row.find_elements("css selector", "td.orig span.seg"):
            by_lang.setdefault(seg.get_attribute("lang"), set()).add(seg.text.split(None, 1)[-1])
    assert any("دري" in t for t in by_lang["fa-AF"]) and any("پښتو" in t for t in by_lang["ps"])
    assert any("বাঙালি" in t for t in by_lang["bn"]) and any("اردو" in t for t in by_lang["ur"])
    pashto = next(r for r in switcher if r.find_elements("css selector", 'span.seg[lang="ps"]'))
    assert pashto.find_element("css selector", "td.en .mark.no_model").text == "no model · ps"
    alternates = {
        r.find_element("css selector", "td:nth-child(1)").text: r.find_element("css selector", "td:nth-child(2)").text
        for r in browser.find_elements("css selector", "tr.alternate")
    }
    assert alternates["fa-AF"] == "دري" and alternates["ps"] == "پښتو"


def test_failed_input_shows_its_error(browser: Any, viewer: tuple[str, Path]) -> None:
    open_doc(browser, viewer, "broken.bin")
    box = browser.find_element("css selector", "#error")
    assert box.is_displayed()
    assert box.find_element("css selector", ".stage").text == "decode"
    assert box.find_element("css selector", ".etype").text == "DecodeError"
    assert "binary content" in box.find_element("css selector", ".msg").text
    base, _ = viewer
    browser.get(f"{base}/failed")
    assert "DecodeError" in browser.find_element("css selector", "table.doclist").text


def test_hostile_page_shows_its_text_and_runs_no_script(browser: Any, viewer: tuple[str, Path]) -> None:
    open_doc(browser, viewer, "hostile.html")
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script("return document.scripts.length") == 0
    assert browser.find_elements("css selector", "table.text img") == []
    body = browser.find_element("css selector", "table.text").text
    assert SCRIPT_TEXT in body and IMG_TEXT in body and "javascript:window.__pwned=3" in body
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", "a")]
    assert not [h for h in links if not h.startswith("http://127.0.0.1")]
    marks = browser.find_elements("css selector", "td.orig .ctl")
    assert [m.text for m in marks] == ["U+202E", "U+202C"]
    # The override is shown, not obeyed: the file name reads in its stored order.
    assert "txt.exe" in body
    # Nothing tried to run: no alert is open.
    assert browser.execute_script("return document.readyState") == "complete"
    base, _ = viewer
    browser.get(f"{base}/find?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert browser.execute_script("return document.scripts.length") == 0
    assert "<script>alert(1)</script>" in browser.find_element("css selector", "h2").text


def test_runs_page_draws_charts(browser: Any, viewer: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = viewer
    browser.get(f"{base}/")
    browser.save_screenshot(str(tmp_path / "runs.png"))
    charts = browser.find_elements("css selector", "section.run svg.bars")
    assert len(charts) == 5
    widths = [float(r.get_attribute("width")) for r in charts[0].find_elements("css selector", "rect")]
    assert widths[0] > 0 and widths[0] == max(widths)  # processed (6) is the longest bar
