"""Language identification (pipeline.langid): seeds, spans, context, CLI, dev-data smoke."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.langid import (
    Detection,
    LangContext,
    LanguageIdentifier,
    detect_line,
    get_identifier,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = Path(__file__).parents[1].parent / "shared"
LID_DATA = SHARED / "dev-data" / "lid"

needs_shared = pytest.mark.skipif(
    not LID_DATA.is_dir(), reason=f"dev data not present at {LID_DATA} (fresh checkout)"
)


@pytest.fixture(scope="module")
def ident() -> LanguageIdentifier:
    return get_identifier()


def _seed_lines(name: str) -> list[str]:
    return [ln.strip() for ln in (SEEDS / name).read_text("utf-8").splitlines() if ln.strip()]


@pytest.mark.parametrize(
    ("label", "langs"),
    [("پښتو", {"ps"}), ("دري", {"fa", "fa-AF"}), ("عربي", {"ar"}), ("اردو", {"ur"}),
     ("বাঙালি", {"bn"})],
)
def test_seed_language_switcher(ident: LanguageIdentifier, label: str, langs: set[str]) -> None:
    switcher = [ln.lstrip("• ").strip() for ln in _seed_lines("000_e09215701c99cdbe.txt")]
    assert label in switcher  # the label really is on the seed page
    det = ident.detect(f"• {label}")
    assert det.lang in langs
    assert det.score >= 0.9


@pytest.mark.parametrize(
    "text", ["اترك تعليقاً", "زر الذهاب إلى الأعلى", "مقالات ذات صلة", "اظهر المزيد", "إغلاق"]
)
def test_seed_arabic_chrome(ident: LanguageIdentifier, text: str) -> None:
    assert text in _seed_lines("002_721552d5c6f5a1f6.txt")
    assert ident.detect(text).lang == "ar"


def test_glued_chrome(ident: LanguageIdentifier) -> None:
    assert ident.detect("Share on FacebookShare on Twitter").lang == "en"
    assert ident.detect("آسياأخبار العالمأوروبا").lang == "ar"


@pytest.mark.parametrize("text", ["2025", "١٤٠٣", "12:45 — 3/4", "", "   ", "x", "(1)"])
def test_no_language_evidence_is_und(ident: LanguageIdentifier, text: str) -> None:
    det = ident.detect(text)
    assert det == Detection("und", 0.0)


def test_sentences(ident: LanguageIdentifier) -> None:
    cases = {
        "Russia has become the first country to officially recognise the Taliban.": "en",
        "روسیه نخستین کشوری است که حکومت طالبان را به رسمیت می‌شناسد.": "fa",
        "روسیه لومړی هېواد دی چې د طالبانو حکومت په رسمیت پېژني.": "ps",
        "روس طالبان حکومت کو باضابطہ طور پر تسلیم کرنے والا پہلا ملک بن گیا ہے۔": "ur",
        "أصبحت روسيا أول دولة تعترف رسميا بحكومة طالبان.": "ar",
        "রাশিয়া তালেবান সরকারকে স্বীকৃতি দেওয়া প্রথম দেশ হয়েছে।": "bn",
        "La Russie est devenue le premier pays à reconnaître le gouvernement taliban.": "fr",
    }
    for text, lang in cases.items():
        det = ident.detect(text)
        assert det.lang == lang, (text, det)
        assert 0.8 <= det.score <= 1.0


def test_spans_english_with_inline_verse(ident: LanguageIdentifier) -> None:
    para = next(ln for ln in _seed_lines("004_87c7c7ce24f39e7c.txt") if "﴿١٠٠﴾" in ln)
    spans = ident.spans(para)
    assert [(s.lang, s.script) for s in spans] == [("en", "Latn"), ("ar", "Arab"), ("en", "Latn")]
    verse_start = para.index("الَّذِينَ")
    verse_end = para.index("﴿١٠٠﴾") + len("﴿١٠٠﴾")
    assert (spans[1].start, spans[1].end) == (verse_start, verse_end)
    assert spans[0].start == 0 and para[spans[0].end - 7 : spans[0].end] == "system."
    assert para[spans[2].start :].startswith('**"Those who take disbelievers')
    assert spans[2].end == len(para)
    assert all(0.5 <= s.score <= 1.0 for s in spans)
    # The whole paragraph is mostly English.
    assert ident.detect(para).lang == "en"


def test_context_prior_tips_ambiguous_short_strings(ident: LanguageIdentifier) -> None:
    # Words spelled the same in Pashto and Persian: alone they read as Persian.
    shared_words = ["نه", "هو", "کور"]
    pashto_site = LangContext({"ps": 0.8, "en": 0.2})
    flipped = 0
    for word in shared_words:
        alone = ident.detect(word)
        with_ctx = ident.detect(word, pashto_site)
        assert with_ctx.lang == "ps", (word, alone, with_ctx)
        flipped += alone.lang != "ps"
    assert flipped >= 1  # the prior changed at least one decision
    # A clear Persian sentence is not overridden by the prior.
    sentence = "این کتاب را دیروز از کتابخانه گرفتم و امروز خواندم."
    assert ident.detect(sentence, pashto_site).lang == "fa"


def test_context_from_detections() -> None:
    dets = [Detection("ps", 0.9), Detection("ps", 0.8), Detection("fa-AF", 0.7),
            Detection("und", 0.0), Detection("en", 0.3)]
    ctx = LangContext.from_detections(dets)
    assert set(ctx.prior) == {"ps", "fa"}
    assert ctx.prior["ps"] == pytest.approx(1.7 / 2.4)


def test_detect_batch_matches_detect(ident: LanguageIdentifier) -> None:
    texts = ["اترك تعليقاً", "Leave a comment", "اترك تعليقاً", "پښتو", "۱۲۳"]
    assert ident.detect_batch(texts) == [ident.detect(t) for t in texts]


def test_detect_line_record(ident: LanguageIdentifier) -> None:
    rec = detect_line("Read more: اظهر المزيد", ident)
    assert rec["text"] == "Read more: اظهر المزيد"
    assert [s["lang"] for s in rec["spans"]] == ["en", "ar"]
    assert rec["spans"][1]["start"] == rec["text"].index("اظهر")
    assert set(rec["spans"][0]) == {"start", "end", "lang", "score", "script"}
    json.dumps(rec)


def test_cli_json_lines() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.langid"],
        input="زر الذهاب إلى الأعلى\nShare on Twitter\n\n",
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=True,
    )
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["lang"] for r in records] == ["ar", "en", "und"]


@needs_shared
def test_ntrex_sample_accuracy(ident: LanguageIdentifier) -> None:
    gold = {"eng": "en", "arb": "ar", "fas": "fa", "prs": "fa", "pus": "ps", "urd": "ur",
            "ben": "bn"}
    for code, lang in gold.items():
        lines = (LID_DATA / "ntrex128" / f"{code}.txt").read_text("utf-8").splitlines()
        sample = lines[1::20]  # 100 sentences
        dets = ident.detect_batch(sample)
        acc = sum(d.lang.split("-")[0] == lang for d in dets) / len(sample)
        assert acc >= 0.98, (code, acc)


@needs_shared
def test_ui_chrome_pashto_sample(ident: LanguageIdentifier) -> None:
    rows = (LID_DATA / "ui-chrome" / "ps.tsv").read_text("utf-8").splitlines()[1::4]
    texts = [r.split("\t")[1] for r in rows if "\t" in r]
    alone = ident.detect_batch(texts)
    acc_alone = sum(d.lang == "ps" for d in alone) / len(texts)
    ctx = LangContext.from_detections(alone)
    acc_ctx = sum(ident.detect(t, ctx).lang == "ps" for t in texts) / len(texts)
    assert acc_alone >= 0.8
    assert acc_ctx > acc_alone


def test_models_load_offline() -> None:
    """A fresh identifier loads all three detectors with sockets disabled."""
    from pytest_socket import disable_socket, enable_socket

    disable_socket()
    try:
        fresh = LanguageIdentifier()
        assert fresh.detect("This sentence is long enough for the fast path alone.").lang == "en"
        ens = fresh.ensemble
        assert max(ens.py3.probs("مانسون مہینے", ("fa", "ur")).items(), key=lambda kv: kv[1])
        assert set(ens.langdetect.probs("مانسون مہینے")) <= {"ar", "fa", "ur"}
        assert ens.fasttext.loaded and ens.py3.loaded and ens.langdetect.loaded
    finally:
        enable_socket()


def test_odd_input_does_not_crash(ident: LanguageIdentifier) -> None:
    assert ident.detect("abc \ud800 this is English text").lang == "en"
    assert ident.detect("first line\nsecond line of English text").lang == "en"
    long_text = "This is a long English paragraph about the news. " * 200
    assert ident.detect(long_text).lang == "en"
    assert ident.spans(long_text)[0].end == len(long_text.rstrip())
