"""The fast paths of pipeline.langid give the answers of the plain code they replace.

Each shortcut (single-script runs, the no-op normalisation check, packed orthographic counts,
hand-built JSON, streaming in batches, py3langid's derived model, langdetect restated,
batched detection, reading a prefix first, Pashto decided by its letters alone) is held
against a straightforward version of the same computation or the library it stands in for.
"""

from __future__ import annotations

import io
import json
import math
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline.langid import (
    Detection,
    LangContext,
    LanguageIdentifier,
    detect_line,
    get_identifier,
    orthography,
)
from pipeline.langid.ensemble import FT_PREFIX_CHARS, prefix
from pipeline.langid.jsonl import iter_line_batches, record_json, write_detections
from pipeline.langid.normalize import for_scoring, letter_count
from pipeline.langid.runs import WHITESPACE, runs
from pipeline.scripts import IGNORABLE, script_runs

ROOT = Path(__file__).resolve().parents[1]

# Pieces of the text a scraped page gives: several scripts, digits, URLs, glued chrome,
# odd whitespace, invisible controls, presentation forms, tatweel, harakat, surrogate-free junk.
_PIECES = [
    "news", "Kabul", "FacebookShare", "the", "www.example.com/a", "mail@x.org", "خبر", "العربية",
    "پښتو", "ژبه", "دری", "اردو", "ہے", "می\u200cشود", "كتاب", "ﻛﺘﺎب", "عـــربي", "كَتَبَ", "বাংলা", "ভাষা",
    "য়", "Привет", "中文", "123", "٣٤٥", "۱۲۳", "—", "«»", "...", "!", "،", "؟", "(", ")", "।", "@", "/",
    "e\u0301", "\u064b", "😀", "ª", "µ",
]  # fmt: skip
_SPACES = [" ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u2028", "\x85", "\x1c", "\u200b",
           "\u200c", "\u200e", "\u202b", "\u2066", "\ufeff", "\u00ad", "\x00"]  # fmt: skip


def _random_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 12)):
            roll = rng.random()
            if roll < 0.55:
                parts.append(rng.choice(_PIECES))
            elif roll < 0.9:
                parts.append(rng.choice(_SPACES))
            else:
                parts.append("".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(1, 3))))
        out.append("".join(parts))
    return out


TEXTS = _random_texts(3000)


@pytest.fixture(scope="module")
def ident() -> LanguageIdentifier:
    return get_identifier()


# -- script runs and normalisation --------------------------------------------------------


def test_runs_match_script_runs() -> None:
    for text in TEXTS:
        assert runs(text) == script_runs(text), text


def test_whitespace_list_is_what_isspace_accepts() -> None:
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_DROP_RE = re.compile("[" + "".join(sorted(c for c in IGNORABLE if c != "\u200c")) + "\u0640]")


def _plain_for_scoring(text: str) -> str:
    """The normalisation written out step by step, no shortcuts."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", _DROP_RE.sub("", text))
        if re.search("[\ufb50-\ufdff\ufe70-\ufefe]", text):
            text = unicodedata.normalize("NFKC", text)
    if "/" in text or "@" in text or "www." in text:
        text = _URL_RE.sub(" ", text)
    text = re.sub(r"\d+", " ", text)
    text = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def test_for_scoring_matches_the_plain_normalisation() -> None:
    for text in TEXTS:
        assert for_scoring(text) == _plain_for_scoring(text), text
        for start, end, script in runs(text):
            piece = text[start:end]
            if script == "Beng":  # Bengali runs skip NFC: no model reads their letters
                assert unicodedata.normalize("NFC", for_scoring(piece, script)) == _plain_for_scoring(piece)
            else:
                assert for_scoring(piece, script) == _plain_for_scoring(piece), piece


def test_letter_count_with_and_without_limit() -> None:
    for text in TEXTS:
        n = len(re.findall(r"[^\W\d_]", text))
        assert letter_count(text) == n
        assert letter_count(text, 2) == min(n, 2)
        assert letter_count(text, 3) == min(n, 3)


# -- orthographic counts ---------------------------------------------------------------


def _plain_features(text: str) -> list[float]:
    """The orthographic features counted character by character and word by word."""
    bare = re.sub("[\u064b-\u0655\u0670]", "", text)
    words = re.findall("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u0750-\u077f]+", bare)
    groups = [orthography.PASHTO_LETTERS, orthography.URDU_LETTERS, orthography.NON_ARABIC_LETTERS,
              orthography.PERSIAN_YEH_KAF, orthography.ARABIC_KAF, orthography.ARABIC_YEH,
              orthography.ARABIC_ONLY, orthography.HEH]  # fmt: skip
    counts = [sum(ch in group for ch in bare) for group in groups]
    counts += [
        sum(text.count(c) for c in orthography.TANWIN),
        sum(1 for w in words if len(w) > 3 and w.startswith("ال")),
        text.count("\u200c"),
        min(bare.count("ی"), bare.count("ي")),
        sum(1 for w in words if len(w) > 3 and w.endswith(orthography.PASHTO_SUFFIXES)),
    ]
    counts += [sum(w in orthography.FUNCTION_WORDS[lang] for w in words) for lang in ("ar", "fa", "ps", "ur")]
    return [math.log1p(c) for c in counts]


def test_orthographic_features_match_plain_counting() -> None:
    sentences = [
        "روسیه لومړی هېواد دی چې د طالبانو حکومت په رسمیت پېژني.",
        "روس طالبان حکومت کو باضابطہ طور پر تسلیم کرنے والا پہلا ملک بن گیا ہے۔",
        "أصبحت روسيا أول دولة تعترف رسمياً بحكومة طالبان، وذلك في هذا الأسبوع.",
        "این کتاب را دیروز از کتابخانه گرفتم و امروز خواندم؛ می‌خواهید؟",
        "د کور کارونه او ښوونځي ته تللو لپاره",
    ]
    for text in sentences + TEXTS:
        assert orthography.features(text) == pytest.approx(_plain_features(text)), text
    long_text = " ".join(sentences) * 2000  # counts beyond one packed field's range
    assert orthography.features(long_text) == pytest.approx(_plain_features(long_text))


# -- JSON lines -------------------------------------------------------------------------


def test_record_json_is_json_dumps(ident: LanguageIdentifier) -> None:
    lines = [*TEXTS[:400], "", 'quote " and backslash \\ and \x01', "Read more: اظهر المزيد", "پښتو"]
    for text in lines:
        rec = detect_line(text, ident)
        spans = [(s["start"], s["end"], s["lang"], s["score"], s["script"]) for s in rec["spans"]]
        assert record_json(text, rec["lang"], rec["score"], spans) == json.dumps(rec, ensure_ascii=False)


def test_writer_output_is_detect_line_per_line(ident: LanguageIdentifier) -> None:
    lines = ["زر الذهاب إلى الأعلى", "Share on Twitter", "", "زر الذهاب إلى الأعلى", *TEXTS[:200]]
    lines = [ln.replace("\n", " ").replace("\r", " ") for ln in lines]
    out = io.StringIO()
    n = write_detections(io.BytesIO(("\n".join(lines) + "\n").encode()), out, ident)
    assert n == len(lines)
    expected = [json.dumps(detect_line(ln, ident), ensure_ascii=False) for ln in lines]
    assert out.getvalue().split("\n") == [*expected, ""]


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 16])
def test_line_batches_split_like_lines(chunk: int) -> None:
    data = "اردو\r\nবাংলা\n\nlast line without newline ۱۲۳".encode()
    batches = list(iter_line_batches(io.BufferedReader(io.BytesIO(data)), chunk=chunk))
    assert [line for batch in batches for line in batch] == ["اردو", "বাংলা", "", "last line without newline ۱۲۳"]
    assert all(batches)
    assert list(iter_line_batches(io.BytesIO(b""))) == []
    bad = list(iter_line_batches(io.BytesIO(b"ok\n\xff\xfe broken\n"), chunk=chunk))
    assert [line for batch in bad for line in batch] == ["ok", "\ufffd\ufffd broken"]


def test_text_stream_without_buffer() -> None:
    lines = [line for batch in iter_line_batches(io.StringIO("a\nb\r\nc"), chunk=2) for line in batch]
    assert lines == ["a", "b", "c"]


@pytest.mark.timeout(120)
def test_cli_streams_a_line_before_input_ends() -> None:
    """An interactive caller gets each answer as soon as its line is complete."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.langid"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, encoding="utf-8",
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("پښتو\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["lang"] == "ps"
        proc.stdin.write("Share on Twitter\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["lang"] == "en"
    finally:
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait(timeout=60)
    assert proc.returncode == 0


# -- batches, prefixes, py3langid's derived model --------------------------------------


def test_batch_matches_one_by_one() -> None:
    texts = [*TEXTS[:300], "اترك تعليقاً", "Leave a comment", "اترك تعليقاً", "پښتو", "۱۲۳"]
    batched = LanguageIdentifier().span_tuples_batch(texts)
    single = LanguageIdentifier()
    assert batched == [single.span_tuples(t) for t in texts]
    ctx = LangContext({"ps": 0.8, "en": 0.2})
    assert LanguageIdentifier().detect_batch(texts, ctx) == [single.detect(t, ctx) for t in texts]


def test_prefix_cuts_long_texts_at_a_space() -> None:
    short = "کور کلي ته ځي"
    assert prefix(short, 4) is short
    long_text = "دا یو اوږد متن دی چې له دېرشو څخه ډېر توري لري او لا نور هم لري"
    first = prefix(long_text, 15)
    assert len(first) <= FT_PREFIX_CHARS and long_text.startswith(first) and long_text[len(first)] == " "
    unbroken = "x" * 100
    assert prefix(unbroken, 9) == "x" * FT_PREFIX_CHARS


def test_long_sentences_decided_as_on_the_whole_text(ident: LanguageIdentifier) -> None:
    """Reading a prefix first changes speed, not answers: sentences whose prefix is already
    sure get the label the whole text gets."""
    sentences = {
        "The statement from the ministry said that the new rules would apply to every province from next month.": "en",
        "وقالت الوزارة في بيان إن القواعد الجديدة ستطبق على جميع المحافظات اعتبارا من الشهر المقبل.": "ar",
        "وزارت در بیانیه‌ای گفت که قوانین جدید از ماه آینده در همه ولایات اجرا خواهد شد و کسی مستثنا نیست.": "fa",
        "وزارت په یوه اعلامیه کې وویل چې نوي قوانین به د راتلونکې میاشتې له پیله په ټولو ولایتونو کې پلي شي.": "ps",
        "وزارت نے ایک بیان میں کہا کہ نئے قواعد اگلے مہینے سے تمام صوبوں میں نافذ ہوں گے اور سب پر لاگو ہوں گے۔": "ur",
    }
    ens = ident.ensemble
    for text, lang in sentences.items():
        norm = for_scoring(text)
        n_words = norm.count(" ") + 1
        assert prefix(norm, n_words) is not norm
        script = "Latn" if text.isascii() else "Arab"
        post = ens.posterior(norm, script, n_words)
        assert max(post, key=post.__getitem__) == lang
        if script == "Arab":  # the whole text, by the fast model
            raw = ens.fasttext.predict_raw(norm, 10)
            whole = ens._arabic_fast(n_words, raw, orthography.counts(norm))
            assert max(whole, key=whole.__getitem__) == lang


def test_py3langid_derived_model_matches_the_full_one(ident: LanguageIdentifier) -> None:
    py3 = ident.ensemble.py3
    assert py3.lite() is not None
    full = type(py3)(lite_langs=("none",))  # never uses the derived model
    candidates = ("ar", "fa", "ps", "ur")
    texts = ["مانسون مہینے", "نجم", "سیمز سال داشت.", "باید ترسره شي.", "اترك تعليقاً", "كَتَبَ «خبر» ؟", "د"]
    for text in texts:
        lite_probs, full_probs = py3.probs(text, candidates), full.probs(text, candidates)
        assert lite_probs.keys() == full_probs.keys()
        for lang, p in full_probs.items():
            assert lite_probs[lang] == pytest.approx(p, abs=1e-5)
    # Bytes outside the derived model's alphabet (Latin letters): the full model answers.
    assert py3.probs("hello عربي", candidates) == pytest.approx(full.probs("hello عربي", candidates))
    assert py3.lite().raw_scores(b"hello") is None


def test_types_behave_like_values() -> None:
    assert Detection("und", 0.0) == Detection("und", 0.0)
    assert {Detection("ps", 0.9)} == {Detection("ps", 0.9)}
    assert repr(Detection("ar", 1.0)) == "Detection(lang='ar', score=1.0)"
    ctx = LangContext({"ps": 1.0})
    assert ctx == LangContext(prior={"ps": 1.0}) and LangContext().prior == {}
    assert "ps" in repr(ctx)


def test_langdetect_restated_gives_langdetects_probabilities(ident: LanguageIdentifier) -> None:
    import os

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    from pipeline.langid import ldlite

    factory = DetectorFactory()
    profiles = []
    for lang in ("ar", "fa", "ur"):
        with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as f:
            profiles.append(f.read())
    factory.load_json_profile(profiles)
    factory.set_seed(0)

    def langdetect_probs(text: str) -> dict[str, float]:
        detector = factory.create()
        detector.append(text)
        try:
            return {p.lang: p.prob for p in detector.get_probabilities()}
        except Exception:  # no features
            return {}

    langs, table = ident.ensemble.langdetect.get()
    rng = random.Random(3)
    blocks = [range(0x20, 0x100), range(0x600, 0x700), range(0x750, 0x780), range(0x2000, 0x2070)]
    alphabet = [chr(c) for block in blocks for c in block]
    pieces = ["http://x.org/a ", "mail@ex.com ", "  ", "ABC", "Abc", "ی", "ي", "کتاب ", "العربية ", "د کور ", "«»"]
    texts = ["مانسون مہینے", "نجم", "سیمز سال داشت.", "باید ترسره شي.", "اترك تعليقاً", "!!"]
    for _ in range(3000):
        texts.append("".join(rng.choice(pieces) if rng.random() < 0.2 else rng.choice(alphabet)
                             for _ in range(rng.randint(1, 25))))  # fmt: skip
    for text in texts:
        assert ldlite.detect(text, langs, table) == langdetect_probs(text), text
        assert ident.ensemble.langdetect.probs(text) == langdetect_probs(text)
    # Outside the characters it restates: None, and the model asks langdetect itself.
    assert ldlite.detect("Привет مرحبا", langs, table) is None
    assert ident.ensemble.langdetect.probs("Привет مرحبا") == langdetect_probs("Привет مرحبا")


def test_orthography_decides_only_when_fasttext_cannot_matter(ident: LanguageIdentifier) -> None:
    fast = ident.ensemble.weights[0]
    pashto = "د ښځو او ماشومانو لپاره ټولنیزې ګټې او ړندو ته ډېرې ښې لارې چارې"
    counts = orthography.counts(pashto)
    post = fast.orthography_decides(3, counts)
    assert post is not None and max(post, key=post.__getitem__) == "ps"
    # Whatever fastText would have said, the answer and its rounded score are the same.
    for label in ("ar", "fa", "ps", "ur", "arz"):
        for p in (1.0, 0.5, 0.0):
            with_ft = fast.fast_posterior(3, [(p, f"__label__{label}")], counts)
            assert max(with_ft, key=with_ft.__getitem__) == "ps"
            assert round(with_ft["ps"], 4) == round(post["ps"], 4) == 1.0
    persian = "این کتاب را دیروز از کتابخانه گرفتم و امروز خواندم و به دوستم دادم"
    assert fast.orthography_decides(3, orthography.counts(persian)) is None
    assert orthography.has_foreign_letters("ڪالهه سنڌ") and not orthography.has_foreign_letters(pashto)


@pytest.mark.parametrize("xdg", [None, "", "  ", "/tmp/docpipe-xdg-test"])
def test_cache_dir_is_platformdirs(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    """The hand-written cache-directory rule (no platformdirs import) is platformdirs' own."""
    import platformdirs

    from pipeline.langid.models import user_cache_dir

    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert user_cache_dir() == platformdirs.user_cache_dir("docpipe")
