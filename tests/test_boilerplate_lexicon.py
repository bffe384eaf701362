"""Learned lexical evidence: word weights looked up by token hash, fitted one vote per document."""

from __future__ import annotations

import numpy as np
import pytest

from bench.boilerplate_data import Page
from bench.boilerplate_lexicon import fit_lexicon
from pipeline.boilerplate import TextBoilerplateClassifier, split_lines
from pipeline.boilerplate import features as F
from pipeline.boilerplate.lexicon import LEXICON_PATH, Lexicon, load_lexicons

LEX = Lexicon.from_words({"reserved": -3.0, "rights": -2.0, "während": 1.5, "said": 2.0})


def _scores(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return LEX.line_scores(*F.page_tokens(split_lines("\n".join(texts))))


def test_line_scores_are_the_mean_of_known_words_and_their_share() -> None:
    mean, cov = _scores(["All Rights Reserved", "He SAID so, während she said no",
                         "nothing known here", "نستخدم ملفات تعريف الارتباط"])
    assert mean.tolist() == pytest.approx([-2.5, (2.0 + 1.5 + 2.0) / 3, 0.0, 0.0])
    assert cov.tolist() == pytest.approx([2 / 3, 3 / 7, 0.0, 0.0])  # unknown words and scripts: neutral


def test_featurize_fills_the_lexical_columns_only_with_a_lexicon() -> None:
    lines = split_lines("Home\nAll rights reserved\nHe said so.")
    at = [F.FEATURE_NAMES.index(c) for c in F.LEX_NAMES]
    X0, _ = F.featurize(lines)
    X1, _ = F.featurize(lines, lexicon=LEX)
    assert not X0[:, at].any()
    lex = X1[:, at]
    assert lex[:, 0].tolist() == pytest.approx([0.0, -2.5, 2.0])  # lex_mean
    assert lex[:, 2].tolist() == pytest.approx([0.0, 0.0, -2.5])  # prev_lex_mean
    assert lex[:, 3].tolist() == pytest.approx([-2.5, 2.0, 0.0])  # next_lex_mean
    assert lex[0, 5] == pytest.approx((-2.5 * 2 + 2.0) / 3)  # the page's, per known word


def test_later_copies_of_a_line_are_flagged() -> None:
    X, _ = F.featurize(split_lines("Menu\nText of the page.\nmenu\nMenu"))
    assert X[:, F.FEATURE_NAMES.index("later_copy")].tolist() == [0, 0, 1, 1]


def _page(pid: str, lines: list[tuple[str, int]]) -> Page:
    text = "\n".join(t for t, _ in lines)
    return Page("test", pid, text, split_lines(text), [y for _, y in lines])


def test_fit_gives_one_vote_per_document_and_needs_min_docs() -> None:
    # "share" is chrome in five pages; one page repeats it 40 times in content lines: one vote of five
    pages = [_page(f"p{i}", [("share this", 0), ("the cat sat on the mat.", 1), ("rare", int(i == 0))])
             for i in range(5)]
    pages.append(_page("loud", [("share share share share", 1)] * 10 + [("the dog.", 1)]))
    table = fit_lexicon(pages, min_docs=5)
    assert table["share"] < 0 < table["cat"]
    assert "rare" in table and "dog" not in table  # "dog" is in one page only
    assert "2024" not in fit_lexicon([_page(f"n{i}", [("2024", 1)]) for i in range(6)], min_docs=5)


def test_shipped_model_names_its_lexicon() -> None:
    clf = TextBoilerplateClassifier()
    if not any(c in F.LEX_NAMES for c in clf.features):
        pytest.skip("the shipped model uses no lexical columns")
    assert LEXICON_PATH.exists() and len(clf.flat_lexicon) > 1000 and len(clf.layout_lexicon) > 1000
    assert [len(lex) for lex in load_lexicons(None)] == [0, 0]
