"""Script detection and script runs (pipeline.scripts)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.scripts import IGNORABLE, script_of, script_runs

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.mark.parametrize(
    ("ch", "script"),
    [
        ("a", "Latn"), ("É", "Latn"), ("ب", "Arab"), ("ښ", "Arab"), ("ے", "Arab"),
        ("ক", "Beng"), ("া", "Beng"), ("ж", "Cyrl"), ("क", "Deva"), ("中", "Hani"),
        ("7", "Zyyy"), (",", "Zyyy"), (" ", "Zyyy"), ("،", "Zyyy"), ("ـ", "Zyyy"),
        ("﴾", "Zyyy"), ("\u064e", "Zinh"), ("\u0301", "Zinh"), ("\u200c", "Zinh"),
    ],
)
def test_script_of(ch: str, script: str) -> None:
    assert script_of(ch) == script


def _texts(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], sc) for s, e, sc in script_runs(text)]


def test_common_characters_attach_to_previous_run() -> None:
    assert _texts("Hello, world") == [("Hello, world", "Latn")]
    assert _texts("ابن (1)") == [("ابن (1)", "Arab")]
    assert _texts("  Hello  ") == [("Hello", "Latn")]


def test_only_common_or_empty() -> None:
    assert _texts("123 !!") == [("123 !!", "Zyyy")]
    assert script_runs("") == []
    assert script_runs(" \t\n ") == []


def test_mixed_scripts_split_and_punctuation_follows_its_word() -> None:
    assert _texts("Hello (عربی) world") == [
        ("Hello", "Latn"), ("(عربی)", "Arab"), ("world", "Latn")
    ]
    assert _texts("آسياأخبار العالمأوروبا") == [("آسياأخبار العالمأوروبا", "Arab")]


def test_harakat_and_zwnj_stay_inside_the_arabic_run() -> None:
    assert _texts("الَّذِينَ يَتَّخِذُونَ") == [("الَّذِينَ يَتَّخِذُونَ", "Arab")]
    assert _texts("می\u200cخواهم") == [("می\u200cخواهم", "Arab")]


def test_bidi_controls_do_not_break_offsets() -> None:
    text = "see \u200f\u200eعربی\u200e now"
    runs = script_runs(text)
    assert [(text[s:e], sc) for s, e, sc in runs] == [
        ("see", "Latn"), ("عربی", "Arab"), ("now", "Latn")
    ]


def test_seed_verse_paragraph() -> None:
    line = next(
        ln for ln in (SEEDS / "004_87c7c7ce24f39e7c.txt").read_text("utf-8").splitlines()
        if "﴿١٠٠﴾" in ln
    )
    runs = script_runs(line)
    assert [sc for _s, _e, sc in runs] == ["Latn", "Arab", "Latn"]
    arab = line[runs[1][0] : runs[1][1]]
    assert arab.startswith("الَّذِينَ") and arab.endswith("﴿١٠٠﴾")
    assert line[runs[2][0] :].startswith('**"Those who take')


_alphabet = st.sampled_from(
    list("ab ,.1(") + list("عربیښ") + ["\u064e", "\u200c", "\u200f", "ক", "\n", "ж", "﴾"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=40))
def test_runs_cover_text_in_order(text: str) -> None:
    runs = script_runs(text)
    covered = set()
    prev_end = 0
    for start, end, _script in runs:
        assert prev_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece[0] not in IGNORABLE
        assert piece[-1] not in IGNORABLE
        covered.update(range(start, end))
        prev_end = end
    for i, ch in enumerate(text):
        if not ch.isspace() and ch not in IGNORABLE:
            assert i in covered, (text, runs)
    scripts = [sc for _s, _e, sc in runs]
    assert all(a != b for a, b in pairwise(scripts))
