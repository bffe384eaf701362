"""Flat copies of rendered pages (bench/boilerplate_multi_flat.py): flat by the layout rule, labels kept."""

from __future__ import annotations

from bench.boilerplate_data import Page
from bench.boilerplate_multi_flat import flat_line, flatten_page
from pipeline.boilerplate import split_lines
from pipeline.boilerplate.text_classifier import is_layout_page


def test_a_rendered_page_flattened_is_flat_text_with_its_labels() -> None:
    text = "\n".join(["Skip to content", "  * Home", "  * News", "      + World", "      o Sport", "  *",
                      "    Floods in the north", "    The river rose through the night, and the water stood in "
                      "the streets.", "    * a bullet point of the article", "  © 2025 Example"])
    lines = split_lines(text)
    labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 0]
    page = Page("built-ur", "wcxb-0007-ur", text, lines, labels, "gold", "", {"base": "wcxb-0007", "locale": "ur"})
    assert is_layout_page(page.lines)
    flat = flatten_page(page)
    assert not is_layout_page(flat.lines) and all(ln.indent == 0 for ln in flat.lines)
    assert [ln.text for ln in flat.lines] == [
        "Skip to content", "- Home", "- News", "- World", "- Sport", "Floods in the north",
        "The river rose through the night, and the water stood in the streets.", "- a bullet point of the article",
        "© 2025 Example"]
    assert flat.labels == [0, 0, 0, 0, 0, 1, 1, 1, 0]  # the bare bullet's line and label are left out
    # the copy keeps its source's base id: cross-validation puts it in its source's fold
    assert flat.meta["base"] == "wcxb-0007" and flat.pid != page.pid and flat.gold == page.gold
    wcxb = Page("wcxb", "wcxb-0009", text, lines, labels)
    assert flatten_page(wcxb).meta["base"] == "wcxb-0009"


def test_only_a_leading_bullet_changes() -> None:
    assert flat_line("o Sport", indent=6) == "- Sport" and flat_line("o que disse", indent=0) == "o que disse"
    assert flat_line("one more", indent=6) == "one more"
    assert flat_line("• Home") == "- Home" and flat_line("*") == "" and flat_line("3 * 4 = 12") == "3 * 4 = 12"
