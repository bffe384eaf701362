"""Boilerplate stripping in every language, and never an emptied article.

The fallback tests build their own pages; the dev-set test runs the text classifier (and the
HTML path) over every development set in ``../shared`` and skips when it is absent.
"""

from __future__ import annotations

import pytest
import regional_news

from pipeline.boilerplate import TextBoilerplateClassifier, extract_html, split_lines
from pipeline.boilerplate.features import featurize
from pipeline.boilerplate.roles import ARTICLE_FALLBACK
from pipeline.document import Role
from pipeline.records import schema_errors

ARTICLE = [
    "Home", "News", "Sport", "Login",
    "Die Regierung hat am Dienstag angekündigt, dass die neuen Regeln ab dem kommenden Jahr gelten sollen.",
    "Nach Angaben des Ministeriums sollen vor allem kleine Betriebe von den Änderungen profitieren, "
    "die seit langem eine Vereinfachung fordern.",
    "Kritiker bemängeln dagegen, dass die Finanzierung der Maßnahmen noch immer nicht geklärt sei.",
    "Share on Facebook", "Share on Twitter", "© 2025 Beispiel Zeitung",
]


def _main(lines, roles) -> str:
    return "\n".join(ln.text for ln, (r, _) in zip(lines, roles, strict=True) if r.is_main)


def _deaf_classifier() -> TextBoilerplateClassifier:
    """A classifier that keeps no line (threshold above 1, no prose floor)."""
    clf = TextBoilerplateClassifier()
    clf.threshold = clf.layout_threshold = 1.01
    clf.prose_floor = 0.0
    return clf


def test_a_page_with_prose_falls_back_to_its_article_run_and_says_so() -> None:
    lines = split_lines("\n".join(ARTICLE))
    roles = _deaf_classifier().classify(lines)
    main = _main(lines, roles)
    assert roles.quality == (ARTICLE_FALLBACK,)
    assert "Die Regierung hat am Dienstag" in main and "Kritiker bemängeln" in main
    assert "Share on Facebook" not in main and "Home" not in main


def test_the_fallback_run_is_bounded_by_prose_not_by_product_tiles() -> None:
    tiles = [f"Kit Inyector para Calentador Gas Butano {n} Litros Totalmente nuevo {n},00 EUR" for n in range(5, 17)]
    lines = split_lines("\n".join(tiles[:6] + ARTICLE[4:7] + tiles[6:]))
    roles = _deaf_classifier().classify(lines)
    main = _main(lines, roles)
    assert roles.quality == (ARTICLE_FALLBACK,)
    assert all(t in main for t in ARTICLE[4:7])
    assert not any(t in main for t in tiles)  # before: every tile with at least 3 tokens joined the run


def test_a_page_whose_prose_is_teasers_cut_with_an_ellipsis_falls_back_to_them() -> None:
    # a list of articles: headlines, and the start of each text cut with "…" (no sentence terminal ends
    # them); before, the fallback counted only terminated sentences and the page ended empty
    teasers = [
        "Kaupunginvaltuusto päätti maanantain kokouksessaan, että uuden koulun rakentaminen alkaa jo ensi "
        "keväänä, vaikka rahoituksesta ei ole vielä…",
        "Kirjaston aukioloajat muuttuvat kesäkuun alusta, kun henkilökunnan määrää vähennetään ja osa "
        "palveluista siirretään verkkoon, jossa asiakkaat voivat…",
        "Pelastuslaitos muistuttaa, että metsäpalovaroitus on voimassa koko maakunnassa, eikä avotulta saa "
        "tehdä edes omalla pihalla ennen kuin...",
    ]
    lines = split_lines("\n".join(["Etusivu", "Uutiset", "Tapahtumat", "Artikkelit", *teasers,
                                    "Ota yhteyttä", "© 2025 Esimerkki"]))
    roles = _deaf_classifier().classify(lines)
    main = _main(lines, roles)
    assert roles.quality == (ARTICLE_FALLBACK,)
    assert all(t in main for t in teasers)
    assert "Etusivu" not in main and "Ota yhteyttä" not in main


def test_a_page_of_chrome_only_is_not_given_a_body() -> None:
    lines = split_lines("Home\nNews\nLogin\nShare on Facebook\nContact us\n© 2025 Example")
    roles = _deaf_classifier().classify(lines)
    assert roles.quality == () and _main(lines, roles) == ""


def test_the_shipped_classifier_keeps_a_short_german_article_and_drops_its_chrome() -> None:
    # the model alone scores these three mid-length paragraphs 0.2-0.3 on a 10-line page (a
    # known weakness, see docs/boilerplate.md); the page must still come out with its article
    lines = split_lines("\n".join(ARTICLE))
    roles = TextBoilerplateClassifier().classify(lines)
    main = _main(lines, roles)
    assert all(t in main for t in ARTICLE[4:7])
    assert not any(t in main for t in ARTICLE[:4] + ARTICLE[7:])


@pytest.mark.parametrize("lang", sorted(regional_news.PAGES))
def test_a_regional_news_page_as_plain_text_keeps_its_article_and_drops_the_site(lang: str) -> None:
    """Menus, the date in the site's calendar, the byline, share buttons, tags, headline lists, footer.

    Before issue 14's twelfth round the Arabic page kept one of its six paragraphs (Arabic prose had a
    third of the function-word rate the model knows prose by) and the Bengali date stamp was body text.
    """
    texts, body = regional_news.page(lang)
    lines = split_lines("\n".join(texts))
    roles = TextBoilerplateClassifier().classify(lines)
    kept = [r.is_main for r, _ in roles]
    assert sum(k for k, b in zip(kept, body, strict=True) if b) >= sum(body) - 1, lang
    assert not any(k for k, b in zip(kept, body, strict=True) if not b), lang
    date_line = texts.index(regional_news.PAGES[lang].date)
    assert roles[date_line][0] is Role.DATE


@pytest.mark.parametrize("semantic", [True, False], ids=["semantic", "divs"])
@pytest.mark.parametrize("lang", sorted(regional_news.PAGES))
def test_a_regional_news_page_as_html_keeps_its_article_and_drops_the_site(lang: str, semantic: bool) -> None:
    page = regional_news.PAGES[lang]
    res = extract_html(regional_news.html_page(lang, semantic=semantic), f"https://news.example/{lang}/story.html")
    main = res.main_text()
    assert all(p in main for p in page.body), lang
    kept = [ln.text for ln, (r, _) in zip(res.lines, res.roles, strict=True) if r.is_main]
    assert not [t for t in kept if not any(t in p for p in page.body)], lang  # no menu, byline, list, footer


def test_sentence_terminals_and_tokens_of_every_script() -> None:
    texts = ["這是一個很長的句子，講述了一個國家的新聞和人們的生活。", "یہ ایک جملہ ہے جو ختم ہوتا ہے۔",
             "এটি একটি বাক্য যা শেষ হয়।", "هل هذه جملة؟", "メニュー"]
    _, facts = featurize(split_lines("\n".join(texts)))
    assert facts.ends_punct.tolist() == [True, True, True, True, False]
    assert facts.n_tokens[0] >= 20  # a Chinese sentence is long, not one token


@pytest.fixture(scope="module")
def dev_sets():
    from bench.boilerplate_data import SHARED

    if not (SHARED / "wcxb-dev-articles").exists():
        pytest.skip("../shared/dev-data/boilerplate is not present (development data)")
    from bench.boilerplate_data import load_all
    from bench.boilerplate_multi import load_multi

    data = load_all()
    return data, load_multi(data["wcxb"])


PROSE_CHARS = 500


def _gold_chars(page) -> int:
    if page.gold:
        return len(page.gold)
    labelled = sum(len(ln.text) for ln, y in zip(page.lines, page.labels, strict=True) if y == 1)
    if page.source != "trafilatura":
        return labelled
    _, facts = featurize(page.lines)  # no full gold text: the page's sentence lines
    sentences = ((facts.n_tokens >= 10) & facts.ends_punct) | (facts.n_tokens >= 40)
    return int(sum(len(ln.text) for ln, s in zip(page.lines, sentences, strict=True) if s))


def test_no_page_with_prose_ends_with_empty_text(dev_sets) -> None:
    from bench.boilerplate_multi_flat import flatten_page

    data, multi = dev_sets
    clf = TextBoilerplateClassifier()
    emptied, checked = [], 0
    html_pages = []
    # and every wcxb and built page as flat text (no layout: the flat model and the trees decide it)
    flat = {f"flat-{name}": [flatten_page(p) for p in pages if p.lines]
            for name, pages in {**data, **multi}.items() if name == "wcxb" or name.startswith("built-")}
    for name, pages in {**data, **multi, **flat}.items():
        for p in pages:
            if not p.lines or _gold_chars(p) < PROSE_CHARS:
                continue
            checked += 1
            if not _main(p.lines, clf.classify(p.lines)).strip():
                emptied.append((name, p.pid, "text"))
            if p.html:
                html_pages.append((name, p))
    for name, p in html_pages:
        if not extract_html(p.html, p.meta.get("url")).main_text().strip():
            emptied.append((name, p.pid, "html"))
    assert checked > 4000
    assert emptied == []


def test_the_quality_flag_reaches_a_valid_record() -> None:
    from pipeline.document import Document, Source
    from pipeline.records import clean_record
    from pipeline.settings import Settings

    doc = Document(doc_id="page-" + "0" * 16, source=Source(uri="file:///x.txt", sha256="0" * 64, bytes=10))
    plain = clean_record(doc, Settings(), "2026-01-01T00:00:00Z")
    assert "quality" not in plain and schema_errors(plain) == []
    doc.quality = [ARTICLE_FALLBACK]
    flagged = clean_record(doc, Settings(), "2026-01-01T00:00:00Z")
    assert flagged["quality"] == [ARTICLE_FALLBACK] and schema_errors(flagged) == []
    flagged["quality"] = ["made_up"]
    assert schema_errors(flagged)


def test_dev_only_languages_are_split_in_stable_halves(dev_sets) -> None:
    from bench.boilerplate_multi import TURKU_DEV_ONLY, dev_half

    _, multi = dev_sets
    for lang in TURKU_DEV_ONLY:
        fit, held = multi[f"turku-{lang}-train"], multi[f"turku-{lang}-dev"]
        assert {p.meta["half"] for p in fit} == {"fit"} and {p.meta["half"] for p in held} == {"held_out"}
        assert not {p.pid for p in fit} & {p.pid for p in held}
        assert 0.35 < len(held) / (len(fit) + len(held)) < 0.65
        # the half is a function of the document's text alone, not of its position in the file
        assert all(dev_half(p.text) == p.meta["half"] for p in fit + held)
