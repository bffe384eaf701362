"""The boilerplate stage decides every role, for HTML and plain text; the layout stage only reads.

Stages run on real documents, in the pipeline's order, with the real classifier and extractor.
"""

from __future__ import annotations

import pytest
from test_boilerplate import HTML

from pipeline.boilerplate import extract_html
from pipeline.boilerplate.host_memory import HostMemory
from pipeline.document import Document, Metadata, Role, Source, Translation, TranslationStatus
from pipeline.ids import doc_id_for
from pipeline.stages import AssembleStep, BoilerplateStep, LanguageStep, LayoutStep, TranslateStep
from pipeline.stages.boilerplate import ROLE_SCORE_DECIMALS
from pipeline.translate import NoModelTranslator


def _html_doc(html: str, uri: str = "file:///scrape/www.example.org/talks.html") -> Document:
    doc = Document(doc_id=doc_id_for(uri), source=Source(uri=uri, sha256="", bytes=len(html), format="html"))
    doc.text = html
    return doc


@pytest.fixture(scope="module")
def language() -> LanguageStep:
    return LanguageStep()


def _read(doc: Document, language: LanguageStep) -> Document:
    """Stages 2-4: layout, language, translation (no models: nothing is translated)."""
    for step in (LayoutStep(), language, TranslateStep(NoModelTranslator())):
        assert not step.process_batch([doc])
    return doc


def test_layout_attaches_evidence_and_decides_nothing(language: LanguageStep) -> None:
    doc = _read(_html_doc(HTML), language)
    assert doc.blocks and all(b.role == Role.CONTENT and b.role_score == 1.0 for b in doc.blocks)
    assert all(b.evidence is not None for b in doc.blocks)
    shares = {b.text: b.evidence.extracted_share for b in doc.blocks if b.evidence is not None}
    assert shares["* Home"] == 0.0 and shares["Back to top"] == 0.0
    assert shares["This time both sides brought technical teams, a sign that they expect detailed bargaining on "
                  "trade, transit and the management of the border crossings over the coming weeks."] == 1.0
    assert doc.markup is not None and doc.markup.extracted
    assert doc.markup.metadata.title == "Talks resume in Doha"
    assert {a.lang for a in doc.markup.alternates} >= {"ps", "fa-AF", "ar"}
    assert doc.metadata == Metadata() and doc.alternates == []  # decided by the boilerplate stage


def test_boilerplate_stage_assigns_html_roles_title_and_alternates(language: LanguageStep) -> None:
    doc = _read(_html_doc(HTML), language)
    for step in (BoilerplateStep(), AssembleStep()):
        assert not step.process_batch([doc])
    expected = extract_html(HTML)
    # the record's score is rounded: the model's last digits differ between CPUs
    rounded = [(role, round(score, ROLE_SCORE_DECIMALS)) for role, score in expected.roles]
    assert [(b.role, b.role_score) for b in doc.blocks] == rounded
    assert all(s.role == doc.blocks[s.block].role for s in doc.segments)
    assert doc.clean_text == expected.main_text()
    assert doc.metadata == expected.metadata and doc.metadata.author == "Jane Roe"
    assert doc.metadata.title == "Talks resume in Doha" and doc.title_en == "Talks resume in Doha"
    assert {a.lang for a in doc.alternates} == {"ps", "fa-AF", "ar"}


def test_html_roles_do_not_read_translations(language: LanguageStep) -> None:
    """The HTML path was tuned on rendered lines alone: English glosses must not move its roles."""
    plain, glossed = _read(_html_doc(HTML), language), _read(_html_doc(HTML), language)
    for segment in glossed.segments:
        segment.lang = "ar"
        segment.translation = Translation(TranslationStatus.TRANSLATED, "Share on Facebook", "test-model@1")
    for doc in (plain, glossed):
        assert not BoilerplateStep().process_batch([doc])
    assert [(b.role, b.role_score) for b in glossed.blocks] == [(b.role, b.role_score) for b in plain.blocks]


PROMO = "Readers in twelve provinces support the independent reporting of this newsroom every month"
ARTICLES = [
    ["Farmers in the eastern valleys began the wheat harvest two weeks early this year, after a warm spring "
     "and unusually light rains left the fields dry by the middle of May.",
     "Agronomists from the provincial office said yields would be lower than last season, although prices at "
     "the district markets have so far stayed close to their usual levels."],
    ["The city council approved a plan on Monday to rebuild the old covered market, which was damaged by fire "
     "last winter and has stood empty since the traders moved to temporary stalls.",
     "Engineers expect the work to take eighteen months, and the council said the original stone arches "
     "would be kept and restored rather than replaced with a modern frame."],
    ["A new bus line linking the northern suburbs with the university opened this week, cutting the journey "
     "for thousands of students from over an hour to about twenty-five minutes.",
     "Drivers said the first mornings were crowded, and the transport authority promised to add more "
     "vehicles at peak times once it has counted how many passengers use the route."],
    ["Doctors at the regional hospital reported a sharp fall in measles cases this spring, which they credit "
     "to a vaccination campaign that reached villages cut off by snow in previous years.",
     "Health workers travelled on foot and by donkey to the most remote settlements, carrying vaccines in "
     "cool boxes and recording every child they treated in paper registers."],
]


def _site_page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in [paragraphs[0], PROMO, paragraphs[1]])
    return (f"<html><head><title>{paragraphs[0][:40]}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{paragraphs[0][:40]}</h1>{body}</article></body></html>")


def _promo_roles(language: LanguageStep, memory: HostMemory | None) -> list[tuple[Role, float]]:
    docs = [_read(_html_doc(_site_page(a), f"file:///scrape/www.example-news.org/page-{i}.html"), language)
            for i, a in enumerate(ARTICLES)]
    step = BoilerplateStep(memory=memory)
    assert not step.process_batch(docs)
    roles = [next((b.role, b.role_score) for b in doc.blocks if b.text == PROMO) for doc in docs]
    if memory is not None:
        assert step.stats.counters["host_repeated_demoted"] == len(docs)
    return roles


def test_html_lines_the_site_repeats_are_demoted(language: LanguageStep) -> None:
    alone = _promo_roles(language, None)
    assert all(role.is_main for role, _ in alone)  # the premise: on one page the promo reads as prose
    remembered = _promo_roles(language, HostMemory())
    assert all(role == Role.BOILERPLATE and score <= 0.05 for role, score in remembered)


def test_a_mostly_english_paragraph_is_judged_on_its_own_words(language: LanguageStep) -> None:
    """An inline quotation's translation must not make the article's last paragraph a notice (or chrome).

    A bad translation of a quoted verse ("All rights reserved.") once did: lines mostly in English are
    classified on their own text, and only lines mostly in another language on their English.
    """
    quote = "الَّذِينَ يَتَّخِذُونَ الْكَافِرِينَ أَوْلِيَاءَ مِن دُونِ الْمُؤْمِنِينَ"
    text = "\n".join([
        "Home", "News", "Opinion",
        "Talks on a new trade corridor resumed in Doha on Monday after a pause of almost three months.",
        ARTICLES[0][0], ARTICLES[0][1], ARTICLES[1][0],
        f"The statement ended with a verse, {quote}, which the movement quotes in every release it publishes.",
        "Share on Facebook",
    ])
    uri = "file:///scrape/www.example.org/statement.txt"
    doc = Document(doc_id=doc_id_for(uri), source=Source(uri=uri, sha256="", bytes=len(text), format="text"))
    doc.text = text
    _read(doc, language)
    verse = [s for s in doc.segments if s.text.startswith("الَّذِينَ")]
    assert len(verse) == 1 and verse[0].lang == "ar"
    verse[0].translation = Translation(TranslationStatus.TRANSLATED, "All rights reserved.", "test-model@1")
    assert not BoilerplateStep().process_batch([doc])
    last = next(b for b in doc.blocks if b.text.startswith("The statement ended"))
    assert last.role == Role.CONTENT
