"""English language names: the committed table (start-up without langcodes' name database)
says what langcodes says, and tags outside it still get langcodes' answer."""

from __future__ import annotations

import json

import langcodes

from pipeline.langtags import NAMES_PATH, _name_table, display_name


def test_the_name_table_is_langcodes_own_answer() -> None:
    table = json.loads(NAMES_PATH.read_text("utf-8"))
    assert {"en", "ar", "fa", "fa-AF", "ps", "ur", "bn", "ceb"} <= set(table)
    assert table == _name_table()  # regenerate with `python -m pipeline.langtags`
    assert {tag: display_name(tag) for tag in table} == {
        tag: langcodes.Language.get(tag).display_name() for tag in table
    }


def test_tags_outside_the_table_ask_langcodes() -> None:
    assert "pt-BR" not in json.loads(NAMES_PATH.read_text("utf-8"))
    assert display_name("pt-BR") == "Portuguese (Brazil)"
    assert display_name("und") == "undetermined"
    assert display_name("qqq-not-a-tag-!") == "qqq-not-a-tag-!"
