"""A page's lines identified together (pipeline.langid.page): chrome prior, switcher rows,
page signals, Dari, the per-site chrome locale, ``docpipe detect --page`` and the stage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.boilerplate.host_memory import HostMemory
from pipeline.document import Block, Document, Source
from pipeline.langid import LanguageIdentifier, aggregate, detect_line, get_identifier
from pipeline.langid.dari import canonical, is_dari, page_evidence
from pipeline.langid.page import PageHints, declared_language, identify_page
from pipeline.stages.language import LanguageStep
from pipeline.store.local import LocalStore

ROOT = Path(__file__).resolve().parents[1]

# Persian interface words every detector also finds in Urdu: alone, each leans Urdu.
SHARED_WORDS = ["خروج", "تنظیمات", "نظرات", "جستجو"]
PERSIAN_LINES = ["می‌توانید نظر خود را اینجا بنویسید", "برای ورود به حساب کاربری کلیک کنید", "لطفاً صبر کنید"]
PASHTO_LINES = ["د پاڼې سرلیک", "ځواب ورکړئ"]
ARTICLE = [
    "The minister said on Tuesday that the new road to the airport would open next month.",
    "Officials expect traffic in the city centre to fall by a third once it is finished.",
]


@pytest.fixture(scope="module")
def ident() -> LanguageIdentifier:
    return get_identifier()


def _langs(texts: list[str], found_spans: list) -> list[str]:
    return [aggregate(t, s)[0] for t, s in zip(texts, found_spans, strict=True)]


def test_shared_words_alone_lean_urdu(ident: LanguageIdentifier) -> None:
    """The premise of the chrome prior: these words are not decidable alone."""
    assert [d.lang for d in ident.detect_batch(SHARED_WORDS)] == ["ur"] * len(SHARED_WORDS)


def test_chrome_prior_decides_shared_words_from_the_page(ident: LanguageIdentifier) -> None:
    page = PERSIAN_LINES[:2] + SHARED_WORDS[:2] + ARTICLE + SHARED_WORDS[2:] + PERSIAN_LINES[2:]
    found = identify_page(ident, page)
    langs = _langs(page, found.spans)
    assert langs[:4] == ["fa"] * 4 and langs[-3:] == ["fa"] * 3
    assert langs[4:6] == ["en", "en"]
    assert max(found.chrome, key=found.chrome.__getitem__) == "fa"
    assert found.chrome_locale() == "fa"


def test_strong_lines_keep_their_language_on_a_page_of_another(ident: LanguageIdentifier) -> None:
    """A page in two locales keeps both: Pashto lines with Pashto letters stay Pashto."""
    page = PERSIAN_LINES + SHARED_WORDS + PASHTO_LINES
    langs = _langs(page, identify_page(ident, page).spans)
    assert langs[-2:] == ["ps", "ps"]
    assert langs[:3] == ["fa"] * 3


def test_without_arabic_script_chrome_the_page_is_the_lines(ident: LanguageIdentifier) -> None:
    """An English page: the article prior as before, no chrome mix."""
    page = ["Home", "Contact us", *ARTICLE, "Leave a reply"]
    found = identify_page(ident, page)
    assert found.chrome == {} and found.chrome_locale() is None
    assert _langs(page, found.spans) == ["en"] * len(page)


def test_switcher_row_stays_per_label(ident: LanguageIdentifier) -> None:
    row = "پښتو | دری | English | اردو"
    expected = [("ps", "پښتو"), ("fa-AF", "دری"), ("en", "English"), ("ur", "اردو")]
    spans = detect_line(row)["spans"]
    assert [(s["lang"], row[s["start"]:s["end"]].strip(" |")) for s in spans] == expected
    page = [row, *SHARED_WORDS, *PERSIAN_LINES]
    found = identify_page(ident, page)
    assert [(s[2], row[s[0]:s[1]].strip(" |")) for s in found.spans[0]] == expected
    assert found.chrome_votes == len(SHARED_WORDS) + len(PERSIAN_LINES)  # the row did not vote


def test_declared_language_reads_the_head() -> None:
    assert declared_language(b'<!doctype html><html class="x" lang="fa-AF" dir="rtl">') == "fa-AF"
    assert declared_language(b"<html xml:lang='ur'><head>") == "ur"
    assert declared_language(b'<html><head><meta http-equiv="Content-Language" content="ps">') == "ps"
    assert declared_language(b'<html><head><meta name="language" content="prs" />') == "prs"
    assert declared_language(b'<html data-lang="ar"><head><meta charset="utf-8">') is None
    assert declared_language(b"plain text") is None


def test_declared_language_tips_a_page_of_shared_words(ident: LanguageIdentifier) -> None:
    page = SHARED_WORDS
    assert set(_langs(page, identify_page(ident, page).spans)) == {"ur"}
    langs = _langs(page, identify_page(ident, page, PageHints(declared="fa-IR")).spans)
    assert set(langs) == {"fa"}
    langs = _langs(page, identify_page(ident, page, PageHints(declared="prs")).spans)
    assert set(langs) == {"fa-AF"}


def test_dari_needs_specific_evidence(ident: LanguageIdentifier) -> None:
    assert is_dari("تاریخ نشر: ۱۵ جنوری") and is_dari("پوهنځی حقوق")
    assert not is_dari("تاریخ انتشار: ۱۵ ژانویه") and not is_dari("تنظیمات")
    assert ident.detect("تاریخ نشر: ۱۵ جنوری").lang == "fa-AF"
    assert page_evidence(["۱۵ جنوری", "انترنت"]) == 2
    assert page_evidence(["۱۵ جنوری", "اینترنت"]) == 0  # Iranian usage too: not specific
    assert canonical("fa_AF") == canonical("prs") == "fa-AF" and canonical("fa-IR") == "fa-IR"
    # Dari words elsewhere on the page make its Persian lines Dari; Iranian ones do not.
    page = [*PERSIAN_LINES, "تاریخ نشر: ۱۵ جنوری"]
    assert set(_langs(page, identify_page(ident, page).spans)) == {"fa-AF"}
    page = [*PERSIAN_LINES, "تاریخ انتشار: ۱۵ ژانویه"]
    assert set(_langs(page, identify_page(ident, page).spans)) == {"fa"}
    page = PERSIAN_LINES
    hints = PageHints(alternates=("fa-AF", "ps", "en"))
    assert set(_langs(page, identify_page(ident, page, hints).spans)) == {"fa-AF"}


def test_host_memory_remembers_the_chrome_locale(tmp_path: Path) -> None:
    store = LocalStore(str(tmp_path))
    memory = HostMemory(store)
    assert memory.chrome_locales("example.af") is None
    memory.remember_chrome_locale("example.af", "ps")
    memory.remember_chrome_locale("example.af", "ps")
    memory.remember_chrome_locale("example.af", "fa-AF")
    memory.observe("example.af", ("page-1",), ["a line"])
    assert memory.chrome_locales("example.af") == {"ps": 2 / 3, "fa-AF": 1 / 3}
    assert memory.flush() == 1
    other = HostMemory(store)  # another worker: writes merge into what is stored
    other.remember_chrome_locale("example.af", "ps")
    other.observe("example.af", ("page-2",), ["a line"])
    memory.remember_chrome_locale("example.af", "ps")
    memory.observe("example.af", ("page-3",), ["a line"])
    assert other.flush() == 1 and memory.flush() == 1
    assert HostMemory(store).chrome_locales("example.af") == {"ps": 4 / 5, "fa-AF": 1 / 5}


def _doc(doc_id: str, url: str, lines: list[str]) -> Document:
    doc = Document(doc_id=doc_id, source=Source(uri=url, sha256=doc_id, bytes=0))
    doc.metadata.url = url
    offset = 0
    for i, text in enumerate(lines):
        doc.blocks.append(Block(index=i, start=offset, end=offset + len(text), text=text))
        offset += len(text) + 1
    doc.text = "\n".join(lines)
    return doc


def test_language_stage_uses_and_feeds_the_site_memory() -> None:
    memory = HostMemory()
    step = LanguageStep(memory=memory)
    first = _doc("a", "https://news.example.ir/1", [*PERSIAN_LINES, *SHARED_WORDS, *ARTICLE])
    step.process(first)
    assert memory.chrome_locales("news.example.ir") == {"fa": 1.0}
    # The next page of the site has a single shared word: it starts from the site's locale.
    second = _doc("b", "https://news.example.ir/2", [SHARED_WORDS[0], *ARTICLE])
    step.process(second)
    assert second.segments[0].lang == "fa"
    alone = LanguageStep()
    third = _doc("c", "https://news.example.ir/3", [SHARED_WORDS[0], *ARTICLE])
    alone.process(third)
    assert third.segments[0].lang == "ur"  # without the memory: the word alone


def test_cli_detect_page() -> None:
    text = "\n".join([*SHARED_WORDS, *PERSIAN_LINES]) + "\n"
    cmd = [sys.executable, "-m", "pipeline.cli", "detect"]
    alone = subprocess.run(cmd, input=text, capture_output=True, text=True, check=True, cwd=ROOT)
    paged = subprocess.run([*cmd, "--page"], input=text, capture_output=True, text=True, check=True, cwd=ROOT)
    alone_recs = [json.loads(line) for line in alone.stdout.splitlines()]
    paged_recs = [json.loads(line) for line in paged.stdout.splitlines()]
    assert [r["text"] for r in paged_recs] == [*SHARED_WORDS, *PERSIAN_LINES]
    assert [r["lang"] for r in alone_recs[:4]] == ["ur"] * 4
    assert [r["lang"] for r in paged_recs] == ["fa"] * 7
    declared = subprocess.run([*cmd, "--page", "--page-lang", "fa-AF"], input=text, capture_output=True,
                              text=True, check=True, cwd=ROOT)
    assert {json.loads(line)["lang"] for line in declared.stdout.splitlines()} == {"fa-AF"}
    bad = subprocess.run([*cmd, "--page-lang", "fa"], input=text, capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "--page-lang needs --page" in bad.stderr


def test_language_stage_reads_the_declared_language_of_html() -> None:
    doc = _doc("d", "https://example.org/d", [*SHARED_WORDS, *ARTICLE])
    doc.source.format = "html"
    doc.raw = b'<!doctype html><html lang="prs" dir="rtl"><head><title>x</title></head><body></body></html>'
    LanguageStep().process(doc)
    assert [s.lang for s in doc.segments[: len(SHARED_WORDS)]] == ["fa-AF"] * len(SHARED_WORDS)
