"""Boilerplate features: the vectorised per-page computation agrees with the per-line definitions.

``features.featurize`` computes token counts, stopword rates, date stamps, chrome phrases,
switcher labels and comparison keys for a whole page at once (code-point tables, hashed
tokens, joined-string scans); these tests hold it to the plain per-line definitions, on
lines chosen to hit the edge cases (non-Latin scripts, combining marks, astral characters,
digits of other scripts, glued link labels, bullets).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

import numpy as np
import pytest

from pipeline.boilerplate import Line, TextBoilerplateClassifier, split_lines
from pipeline.boilerplate import features as F
from pipeline.boilerplate.html import _grow
from pipeline.boilerplate.lines import lines_containing, lines_containing_joined, norm_key
from pipeline.boilerplate.phrases import (
    match_chrome,
    match_chrome_many,
    switcher_lang,
    switcher_many,
    to_chrome_keys,
)
from pipeline.boilerplate.roles import assign_roles
from pipeline.boilerplate.text_classifier import WEIGHTS_PATH
from pipeline.document import Role

LINES = [
    "Russia becomes first nation to officially recognize Taliban government",
    "• Home", "* News", "+ Contact Us", "- o Sub-item", "ShareTweet", "Share on FacebookShare on Twitter",
    "Share 0 Tweet 0", "0 shares", "Leave a Reply Cancel reply", "LatestPakistanTop News", "RelatedPosts",
    "Your email address will not be published. Required fields are marked *",
    "Copyright © 2025 Example News. All rights reserved.", "Back to top button",
    "Wednesday, August 27, 2025", "27 Aug 2025 10:30 am", "Posted on 3rd March 2024", "Updated: 10/31/2024",
    "١٤/٠٣/٢٠٢٤", "May 3, 2017 By Erin Spain 4 Comments", "The 12 best scooters of 2025",
    "By Jane Roe", "Written by Top Growth Marketing", "Author: Sloane Brooks", "1. Securing Central Asian Borders",
    "iv) A numbered sub-point", "a. first", "Visit https://example.org or www.example.com today",
    "اترك تعليقاً", "زر الذهاب إلى الأعلى", "مقالات ذات صلة", "نظر بدهید", "تبصرہ کریں", "মন্তব্য করুন",
    "• دري", "• پښتو", "English | دري | پښتو", "বাঙালি", "আমাদের দেশ এবং এই পৃথিবী", "Ｆｕｌｌｗｉｄｔｈ ＮＥＷＳ",
    "ﬁnancial ﬂows", "Straße und STRASSE", "İstanbul Türkiye", "emoji 😀 and 𠀀 astral", "snake_case_name x_1",
    "THE NEWS ROOM", "Mixed CaseWords HereAnd There",
    "東京都に住む。ニュース", "ข่าววันนี้ของไทย", "2025年3月5日", "... and then it ended…", "Footnotes:",
    "The minister said on Tuesday that the agreement would be signed in Doha next month, and that both "
    "delegations had already settled the most difficult questions about trade, transit and prisoners.",
    "In the shifting geopolitical landscape, Moscow’s recognition marks a turning point; analysts said "
    "so — and they were not alone (2021–2025).",
]


def _lines(texts: list[str]) -> list[Line]:
    return split_lines("\n".join(texts))


def test_token_counts_stopwords_and_keys_match_per_line_definitions() -> None:
    lines = _lines(LINES)
    assert [ln.text for ln in lines] == LINES
    _, facts = F.featurize(lines)
    keys, _ = F._keys([ln.text for ln in lines])
    for i, (ln, key) in enumerate(zip(lines, keys, strict=True)):
        toks = F.TOKEN_RE.findall(ln.text)
        assert facts.n_tokens[i] == len(toks), ln.text
        stop = sum(map(F.is_function_word, toks)) / max(len(toks), 1)
        assert facts.stop_rate[i] == pytest.approx(stop), ln.text
        assert key == norm_key(ln.text), ln.text


def test_keys_of_lines_with_astral_characters_match_norm_key() -> None:
    """Emoji, mathematical digits and CJK extension B (above the BMP tables) keep the per-line definitions."""
    texts = ["Share 😀 this", "Score 𝟏𝟐 to 3", "𠀀𠀁 2024 news", "ＡＢＣ｜ＤＥＦ", "plain line 42", "x" * 400]
    keys, nodigit = F._keys(texts)
    assert keys == [norm_key(t) for t in texts[:-1]] + [texts[-1]]
    assert nodigit == [re.sub(r"\d+", "", norm_key(t)) for t in texts[:-1]] + [texts[-1]]


def test_url_column_matches_the_regex_per_line() -> None:
    """Only lines holding a hint are searched: the column must still equal the regex on every line."""
    texts = ["see www.example.org today", "HTTP://SHOUTING.EXAMPLE", "mail me: a@b.co", "x.com", "x.community",
             "@ alone", "http without colon", "plain text", "https://a.b/c " * 40]
    X, _ = F.featurize(_lines(texts))
    url = X[:, F.FEATURE_NAMES.index("url")]
    assert url.tolist() == [float(F._URL_RE.search(t[:F._HEAD]) is not None) for t in texts]
    assert url.tolist()[:6] == [1.0, 0.0, 1.0, 1.0, 0.0, 0.0]


def test_date_stamps_match_the_scalar_definition() -> None:
    lines = _lines(LINES)
    _, facts = F.featurize(lines)
    for ln, is_date in zip(lines, facts.is_date, strict=True):
        assert is_date == F.is_date_line(ln.text), ln.text
    got = {ln.text: is_date for ln, is_date in zip(lines, facts.is_date, strict=True)}
    assert got["Wednesday, August 27, 2025"] and got["27 Aug 2025 10:30 am"] and got["١٤/٠٣/٢٠٢٤"]
    assert got["Posted on 3rd March 2024"] and got["Updated: 10/31/2024"]
    assert not got["The 12 best scooters of 2025"] and not got["May 3, 2017 By Erin Spain 4 Comments"]


def test_phrase_matching_in_bulk_equals_line_by_line() -> None:
    texts = [*LINES, "Share", "Home", "News", "Related Articles", "Comments (12)", "Login to your account below"]
    keys = to_chrome_keys([norm_key(t) for t in texts])
    for segment in (True, False):
        assert match_chrome_many(keys, [segment] * len(texts)) == [match_chrome(t, segment=segment) for t in texts]
    assert switcher_many(texts, keys) == [switcher_lang(t) for t in texts]


def test_bylines_numbered_and_urls_are_per_line() -> None:
    # a line of bullets only must not lend its start to the next line's match
    lines = _lines(["*", "Written by Top Growth Marketing", "+", "6. Canon EOS R5", "Visit www.example.com"])
    X, facts = F.featurize(lines)
    col = {name: i for i, name in enumerate(F.FEATURE_NAMES)}
    assert facts.is_byline.tolist() == [False, True, False, False, False]
    assert X[:, col["numbered"]].tolist() == [0, 0, 0, 1, 0]
    assert X[:, col["url"]].tolist() == [0, 0, 0, 0, 1]


def test_templated_lines_and_empty_input() -> None:
    lines = _lines([f"Affordable Gym in {zipcode}, Camden County, New Jersey" for zipcode in (8004, 8007, 8009)]
                   + ["Something else entirely"])
    X, facts = F.featurize(lines)
    col = {name: i for i, name in enumerate(F.FEATURE_NAMES)}
    assert facts.dup.tolist() == [1, 1, 1, 1]
    assert np.exp(X[:3, col["log_dup_nodigit"]]).round().tolist() == [3, 3, 3]
    assert X[3, col["log_dup_nodigit"]] == 0
    assert X[:3, col["prefix_run"]].min() > 0
    X0, facts0 = F.featurize([])
    assert X0.shape == (0, len(F.FEATURE_NAMES)) and len(facts0) == 0
    with pytest.raises(ValueError, match="unknown feature columns"):
        F.featurize(lines, ("log_tokens", "no_such_column"))
    assert F.featurize(lines, ("bias", "log_tokens"))[0].shape == (4, 2)


def test_classifier_survives_odd_lines() -> None:
    clf = TextBoilerplateClassifier()
    odd = [Line(0, 0, "", 0), Line(0, 5, "Hello", 0), Line(0, 1, "•", 2), Line(0, 6, "😀 𠀀x", 0),
           Line(0, 3, "\ud800ab", 0), Line(0, 9, "x" * 5000, 0)]
    assert len(clf.classify(odd)) == len(odd)
    assert clf.classify([]) == []


def test_ensemble_matches_the_networks_written_out() -> None:
    """The folded, blocked product equals each network computed on its own from weights.json (in
    float64 to 1e-12: a record's rounded role_score must not depend on the CPU's kernels)."""
    params = json.loads(WEIGHTS_PATH.read_text())
    clf = TextBoilerplateClassifier(params=params)
    X, _ = F.featurize(_lines(LINES * 5), clf.features, clf.layout_lexicon)  # more rows than one BLAS block
    Z = (X - np.asarray(params["mean"])) / np.asarray(params["std"])
    ref = np.mean([1 / (1 + np.exp(-(np.tanh(Z @ np.asarray(n["w1"]) + n["b1"]) @ np.asarray(n["w2"]) + n["b2"])))
                   for n in params["nets"]], axis=0)
    assert np.abs(clf.net(X) - ref).max() < 1e-12


def test_grow_extends_kept_runs_over_confident_neighbours() -> None:
    facts = F.featurize(_lines(["a b c", "d e f", "g h i", "Share on Facebook", "j k l", "m n o"]))[1]
    keep = np.array([False, True, False, False, False, False])
    post = np.array([0.2, 1.0, 0.97, 0.99, 0.99, 0.99])
    _grow(keep, post, facts, 0.95)
    # the chrome line stops the run: what lies beyond it is not next to kept content
    assert keep.tolist() == [False, True, True, False, False, False]


def test_a_table_of_dates_is_content_a_lone_stamp_is_a_date() -> None:
    texts = ["Home sale prices by month", "Date       Change", "1/1/2013   +13.1%", "2/1/2013   +13.1%",
             "3/1/2013   +12.5%", "The figures come from the county's records of all closed sales in the period.",
             "March 3, 2024"]
    lines = _lines(texts)
    _, facts = F.featurize(lines)
    keep = np.array([True] * 6 + [True])
    roles = assign_roles(lines, facts, keep, np.full(len(lines), 0.9))
    got = {ln.text: r for ln, (r, _) in zip(lines, roles, strict=True)}
    assert all(got[t].is_main and got[t] != Role.DATE for t in texts[2:5])
    assert got["March 3, 2024"] == Role.DATE


@pytest.mark.parametrize("padding", [0, 12])  # few needles: str.find each; many: the Aho-Corasick automaton
def test_lines_containing_finds_every_needle_once_per_line_in_order(padding: int) -> None:
    texts = ["share share this", "nothing", "تابعنا على تويتر", "we share; this", "", "ss"]
    padded = tuple(f"absent{k}" for k in range(padding))
    needles = ("share", "share this", "this", "تويتر", "absent", "s", "", *padded)
    found = lines_containing(texts, needles)
    # the reference: one substring test per needle and text
    assert found == {n: [i for i, t in enumerate(texts) if n in t] for n in needles if n and any(n in t for t in texts)}
    assert found["share"] == [0, 3]  # twice in line 0, listed once
    assert found["s"] == [0, 3, 5]  # overlapping occurrences, and one in the last line
    joined = "\n".join(texts)
    starts = [0, *accumulate(len(t) + 1 for t in texts[:-1])]
    assert lines_containing_joined(joined, starts, ("this", "تويتر", *padded)) == {0, 2, 3}
    assert lines_containing([], needles) == {} and lines_containing(texts, ()) == {}


def test_context_columns_read_the_page_around_each_line() -> None:
    from pipeline.boilerplate.context import CONTEXT_NAMES, context_columns

    lines = _lines(["Home", "News", "A long paragraph of the article, with words in it.", "Share", "Footer"])
    _, facts = F.featurize(lines)
    p1 = np.array([0.1, 0.2, 0.9, 0.3, 0.6])
    C = context_columns(p1, facts, layout=False)
    col = {name: C[:, i] for i, name in enumerate(CONTEXT_NAMES)}
    assert C.shape == (5, len(CONTEXT_NAMES))
    logit = np.log(p1 / (1 - p1))
    assert np.allclose(col["logit"], logit)
    assert np.allclose(col["logit_prev1"][1:], logit[:-1]) and np.allclose(col["logit_next2"][:3], logit[2:])
    assert np.allclose(col["logit_prev1"][0], logit.mean())  # beyond the page: the page's mean
    assert col["rank_score"].tolist() == [0.0, 0.25, 1.0, 0.5, 0.75]
    assert np.allclose(col["page_share_kept"], 0.4) and np.allclose(col["page_q50"], 0.3)
    assert col["position"][0] == 0.0 and col["position"][-1] == 1.0
    assert np.argmax(col["rank_length"]) == 2
    assert context_columns(np.zeros(0), F.featurize([])[1], layout=True).shape == (0, len(CONTEXT_NAMES))


def test_a_second_stage_in_the_weights_rescores_every_line() -> None:
    from pipeline.boilerplate.context import CONTEXT_NAMES
    from pipeline.boilerplate.text_classifier import _default_params

    d = len(CONTEXT_NAMES)
    # a second stage that says 0.9 whatever the first one said: its output replaces the first stage's
    ctx = {"features": list(CONTEXT_NAMES), "layouts": True, "mean": [0.0] * d, "std": [1.0] * d,
           "nets": [{"w1": [[0.1] * 4] * d, "b1": [0.0] * 4, "w2": [0.0] * 4, "b2": float(np.log(9.0))}]}
    lines = _lines(["A plain sentence of an article about the weather in the north.", "Another one, as plain."])
    plain = TextBoilerplateClassifier().content_probability(lines)[0]
    rescored = TextBoilerplateClassifier({**_default_params(), "context": ctx}).content_probability(lines)[0]
    assert not np.allclose(plain, 0.9) and np.allclose(rescored, 0.9, atol=1e-5)
    flat_only = TextBoilerplateClassifier({**_default_params(), "context": {**ctx, "layouts": False}})
    layout = [Line(ln.start, ln.end, ln.text, 2) for ln in lines]  # indented: a rendered layout, left alone
    first_stage = TextBoilerplateClassifier().content_probability(layout)[0]
    assert np.allclose(flat_only.content_probability(layout)[0], first_stage)


def test_calibration_columns_measure_each_line_against_its_page() -> None:
    texts = ["Home", "News", "A long sentence of the article, with the words of an article in it.", "Share",
             "Another sentence of the article is here, and it is long too."]
    X, facts = F.featurize(_lines(texts))
    col = {name: X[:, i] for i, name in enumerate(F.FEATURE_NAMES)}
    median = np.median(np.log1p(facts.n_tokens.astype(float)))
    assert np.allclose(col["tok_minus_median"], np.log1p(facts.n_tokens.astype(float)) - median)
    assert np.allclose(col["page_median_tokens"], median)
    # ranks by length: ties share their mean rank, the longest line ranks highest
    assert col["tok_rank"][0] == col["tok_rank"][1] == col["tok_rank"][3] < col["tok_rank"][4] < col["tok_rank"][2]
    assert np.allclose(col["page_punct_share"], 0.4) and np.allclose(col["page_sent_share"], 0.4)
    # the page's function-word median is over lines of three or more tokens: the two sentences here
    assert np.allclose(col["page_median_stop"], np.median(facts.stop_rate[[2, 4]]))
    assert 0 < col["page_prose_share"][0] <= col["page_core_share"][0] <= 1
    for name in ("page_median_tokens", "page_punct_share", "page_prose_share", "page_core_share"):
        assert np.ptp(col[name]) == 0  # one value per page
    # flat text only: on a rendered layout (indented lines) they are 0
    layout = [Line(ln.start, ln.end, ln.text, 2) for ln in _lines(texts)]
    at = F.FEATURE_NAMES.index(F.CALIB_NAMES[0])
    assert not F.featurize(layout)[0][:, at:at + len(F.CALIB_NAMES)].any()
    # a model fitted without them: the other columns are unchanged
    without = tuple(n for n in F.FEATURE_NAMES if n not in F.CALIB_NAMES)
    assert np.array_equal(F.featurize(_lines(texts), without)[0], X[:, [F.FEATURE_NAMES.index(n) for n in without]])


def test_the_guard_lets_the_first_stage_decide_a_page_the_second_would_empty() -> None:
    from pipeline.boilerplate.context import CONTEXT_NAMES
    from pipeline.boilerplate.text_classifier import _default_params

    d = len(CONTEXT_NAMES)
    # a second stage that says 0.001 whatever the first one said: it would drop every line
    ctx = {"features": list(CONTEXT_NAMES), "layouts": True, "mean": [0.0] * d, "std": [1.0] * d,
           "nets": [{"w1": [[0.0] * 4] * d, "b1": [0.0] * 4, "w2": [0.0] * 4, "b2": float(np.log(0.001 / 0.999))}]}
    # sentences under the prose rules' 30 tokens, so that only the models decide them
    body = ["The river rose through the night, and by morning the water stood in the streets of the lower town.",
            "Farmers on the plain moved their animals to the hills, where the council had opened two schools as "
            "shelters.",
            "A spokesman for the regional government said that the dams had held, but that more rain was expected "
            "on Friday.",
            "Residents who stayed behind described how the water came in quickly, filling cellars within an hour.",
            "The last flood of this size, in 1998, destroyed the old bridge, which was rebuilt with higher arches "
            "in 2003.",
            "Engineers will inspect the embankments once the level falls, and the schools are to reopen next week."]
    lines = _lines(["Home | News | Sport", *body, "Share this"])
    first = [r.is_main for r, _ in TextBoilerplateClassifier().classify(lines)]
    assert sum(len(ln.text) for ln, k in zip(lines, first, strict=True) if k) >= 500
    unguarded = TextBoilerplateClassifier({**_default_params(), "context": {**ctx, "guard_chars": 0}})
    guarded = TextBoilerplateClassifier({**_default_params(), "context": {**ctx, "guard_chars": 500}})
    assert unguarded.classify(lines).quality == ("article_fallback",)  # emptied: only the fallback kept text
    kept = guarded.classify(lines)
    assert kept.quality == () and [r.is_main for r, _ in kept] == first


def test_a_flat_model_in_the_weights_scores_flat_pages_only() -> None:
    from pipeline.boilerplate.text_classifier import _default_params

    params = {k: v for k, v in _default_params().items() if k != "trees"}  # the trees would be blended in
    d = len(params["features"])
    # a flat model that says 0.9 whatever the line: it replaces the first model on flat text only
    flat = {"mean": [0.0] * d, "std": [1.0] * d, "prior": 0.7,
            "nets": [{"w1": [[0.0] * 4] * d, "b1": [0.0] * 4, "w2": [0.0] * 4, "b2": float(np.log(9.0))}]}
    clf = TextBoilerplateClassifier({**params, "flat": flat})
    lines = _lines(["A plain sentence of an article about the weather in the north.", "Another one, as plain."])
    assert np.allclose(clf.content_probability(lines)[0], 0.9, atol=1e-5)
    assert not np.allclose(TextBoilerplateClassifier().content_probability(lines)[0], 0.9)
    layout = [Line(ln.start, ln.end, ln.text, 2) for ln in lines]  # indented: a rendered layout, today's model
    assert np.allclose(clf.content_probability(layout)[0], TextBoilerplateClassifier().content_probability(layout)[0])
    # the smoothing divides out the prior of the model that scored the page
    assert clf.flat_prior == 0.7 and clf.prior == params["prior"]
    assert TextBoilerplateClassifier().flat_prior == params["prior"]


def test_words_with_combining_marks_are_one_token() -> None:
    """Bengali vowel signs and viramas, Arabic harakat: ``re``'s ``\\w`` leaves them out, a token keeps them."""
    texts = ["আমাদের দেশ এবং এই পৃথিবী", "জানুয়ারি থেকে ডিসেম্বর", "أداءً طيبًا", "नमस्ते दुनिया", "ข่าววันนี้"]
    _, facts = F.featurize(_lines(texts))
    assert facts.n_tokens.tolist()[:4] == [5, 3, 2, 2]
    # a script written without spaces still counts its letters, not its marks
    assert facts.n_tokens[4] == len(re.findall(r"\w", texts[4]))
    assert F.TOKEN_RE.findall(texts[1]) == texts[1].split()


@pytest.mark.parametrize("text", [
    "😀\ufe0fabc and ✔\ufe0f done", "中\u0301a 東京\u0301", "e\u0301lecteur cafe\u0301", "\u0301lead mark",
    "ক" + "\u09bf" * 6 + "খ", "হয়েছে ও য়ে",  # six marks in a row; য় as one code point and as য + nukta
])
def test_token_counts_with_marks_in_odd_places_match_token_re(text: str) -> None:
    _, facts = F.featurize(_lines([text]))
    toks = F.TOKEN_RE.findall(text)
    assert facts.n_tokens[0] == len(toks)
    assert facts.stop_rate[0] == pytest.approx(sum(map(F.is_function_word, toks)) / max(len(toks), 1))


@pytest.mark.parametrize("text", [
    "১৪ ডিসেম্বর ২০২৪, ১০:৩০", "প্রকাশ: ০৫ ডিসেম্বর ২০২৪, ১০: ৩০", "বুধবার, ২০ অগ্রহায়ণ ১৪৩১",
    "١٤ ديسمبر ٢٠٢٤", "نشر في 5 يناير 2024", "آخر تحديث: 12:30 م", "منذ 5 دقائق", "الخميس 14 رجب 1446 هـ",
    "۱۴ قوس ۱۴۰۳ - ۱۰:۳۰", "سه‌شنبه ۱۴ آذر ۱۴۰۳", "۲۴ آذر ۱۴۰۳", "14 دسمبر 2024", "۱۴ لیندۍ ۱۴۰۳",
    "۱۴ ليندۍ ۱۴۰۳",  # Arabic yeh
])
def test_dates_in_the_sites_languages_are_date_stamps(text: str) -> None:
    assert F.is_date_line(text)
    _, facts = F.featurize(_lines([text, "A line of prose that is not a date at all."]))
    assert facts.is_date.tolist() == [True, False]


def test_month_names_that_are_ordinary_words_make_no_date_in_a_sentence() -> None:
    """The Dari solar months are the zodiac ("سرطان" is also cancer): a date stamp only as a whole line."""
    texts = ["۵ بیمار سرطان در کابل", "۱۴ سرطان ۱۴۰۳", "5 يناير في الرياض وفي جدة"]
    X, facts = F.featurize(_lines(texts))
    has_date = X[:, F.FEATURE_NAMES.index("has_date")]
    assert facts.is_date.tolist() == [False, True, False]
    assert has_date.tolist() == [0.0, 1.0, 1.0]


def test_function_words_of_the_regions_languages_are_counted() -> None:
    """Prose in Bengali, Arabic, Persian, Urdu and Pashto has function words, a menu has none."""
    prose = ["তিনি বলেন, এই প্রকল্পের কাজ আগামী মাসে শেষ হবে এবং এর ফলে অনেক মানুষ উপকৃত হবে।",
             "وقال إن جهوده لتحسين العلاقات مع كيم قد أتت بنتائج إيجابية.",
             "وی گفت که این طرح تا پایان سال آینده به پایان خواهد رسید و همه از آن سود می برند.",
             "انہوں نے کہا کہ یہ منصوبہ اگلے سال تک مکمل ہو جائے گا اور اس سے سب کو فائدہ ہوگا۔",
             "هغه وویل چې دا پروژه به د راتلونکي کال تر پایه بشپړه شي او ټول به ګټه ترې واخلي."]
    menus = ["প্রচ্ছদ", "اتصل بنا", "صفحه اصلی", "صفحۂ اول", "کور پاڼه"]
    _, facts = F.featurize(_lines(prose + menus))
    assert (facts.stop_rate[:5] >= 0.2).all(), facts.stop_rate[:5]
    assert (facts.stop_rate[5:] == 0).all()


def test_bylines_of_the_regions_news_sites() -> None:
    """Reporters' and staff bylines; a word ends where no letter or mark follows (Bengali vowel signs)."""
    bylines = ["নিজস্ব প্রতিবেদক", "مصنف: احمد علی", "خبرنگار: علی رضایی", "مراسل الجزيرة", "لیکوال: احمد"]
    others = ["প্রতিবেদকের কথা শুনুন", "مصنفین کی فہرست", "Byron Bay"]
    _, facts = F.featurize(_lines(bylines + others))
    assert facts.is_byline.tolist() == [True] * len(bylines) + [False] * len(others)
