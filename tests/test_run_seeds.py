"""The main job end to end on the five seeds, into a local directory.

One run is shared by the module (the pipeline's models load once); each test reads the
records it wrote and checks them against the schema and the seeds' known content and chrome.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.decode import decode
from pipeline.ids import doc_id_for
from pipeline.records import schema_errors

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
MAIN_ROLES = ("content", "heading")  # the title is metadata (`title`, `title_en`), not body text

# (seed prefix, lines the article body must keep, chrome that must be gone from `text`)
EXPECTATIONS = {
    "000": (
        [
            "Nearly four years have elapsed since the withdrawal of U.S. forces from Afghanistan in 2021",
            "Historical Context and Changing Realities",
            "1. Securing Central Asian Borders",
            "as a full and equal member of the global order.",
        ],
        [
            "Login to your account below",
            "Forgotten Password",
            "Periodic Commentary",
            "View All Result",
            "Share on Facebook",
            "all rights are reserved for Muslims.",
            "Leave a Reply",
            "پښتو",
        ],
    ),
    "001": (
        [
            "Afghanistan’s Taliban government announced late earlier this month",
            "The Comrades and the Mullas:",
            "seems a breakthrough for the Taliban.",
        ],
        ["No comments:", "GENDER APARTHEID OK"],  # the kicker above the headline is chrome
    ),
    "002": (
        [
            "In a bold diplomatic move, Russia has officially recognized the Taliban-led government",
            "while reshaping the rules of international relations in a post-American era.",
        ],
        ["اترك تعليقاً", "زر الذهاب إلى الأعلى", "مقالات ذات صلة", "إغلاق", "لن يتم نشر عنوان بريدك"],
    ),
    "003": (
        [
            "Kabul: Russia has become the first country to officially recognise the Taliban government",
            "Complex History of Russia and Afghanistan",
            "but this stance remains contentious globally.",
        ],
        ["Back to top button", "Leave a Reply", "Your email address will not be published", "Related Articles"],
    ),
    "004": (
        [
            "On Thursday, Russia announced that it had officially accepted the credentials",
            "الَّذِينَ يَتَّخِذُونَ الْكَافِرِينَ أَوْلِيَاءَ",
            "But indeed, honor belongs to Allah entirely.",
        ],
        [],
    ),
}


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(SEEDS), "--out", str(out), "--no-progress"]) == 0
    return out


def _record(out: Path, seed: Path) -> dict:
    return json.loads((out / "clean" / f"{doc_id_for(seed.resolve().as_uri())}.json").read_text("utf-8"))


def _seed(prefix: str) -> Path:
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


def test_every_seed_has_one_valid_record(seeds_out: Path) -> None:
    assert len(SEED_FILES) == 5
    assert sorted(p.name for p in (seeds_out / "clean").glob("*.json")) == sorted(
        f"{doc_id_for(p.resolve().as_uri())}.json" for p in SEED_FILES
    )
    assert not (seeds_out / "errors").exists() or not list((seeds_out / "errors").iterdir())
    for seed in SEED_FILES:
        record = _record(seeds_out, seed)
        assert schema_errors(record) == []
        assert record["source"]["uri"] == seed.resolve().as_uri()
        txt = (seeds_out / "clean" / f"{record['doc_id']}.txt").read_text("utf-8")
        assert txt == record["text_en"] + "\n"


def test_title_is_metadata_not_body(seeds_out: Path) -> None:
    record = _record(seeds_out, _seed("003"))
    title = "Russia becomes first country to recognise Taliban govt in Afghanistan"
    assert record["title"] == record["title_en"] == title
    assert title not in record["text"] and title not in record["text_en"]
    assert [s["role"] for s in record["segments"] if s["text"] == title] == ["title"]


@pytest.mark.parametrize("prefix", sorted(EXPECTATIONS))
def test_article_kept_and_chrome_dropped(seeds_out: Path, prefix: str) -> None:
    record = _record(seeds_out, _seed(prefix))
    kept, dropped = EXPECTATIONS[prefix]
    for text in kept:
        assert text in record["text"], f"article text lost: {text!r}"
    for text in dropped:
        assert text not in record["text"], f"chrome kept: {text!r}"
        # ... but never lost: it stays in the segments with a non-content role
        assert any(text in s["text"] and s["role"] not in MAIN_ROLES for s in record["segments"]), text


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_segments_tile_the_text(seeds_out: Path, seed: Path) -> None:
    record = _record(seeds_out, seed)
    analysed = decode(seed.read_bytes()).text
    cursor = 0
    for i, segment in enumerate(record["segments"]):
        assert segment["id"] == i
        assert segment["start"] >= cursor
        assert analysed[cursor : segment["start"]].strip() == "", "a gap holds text no segment covers"
        assert analysed[segment["start"] : segment["end"]] == segment["text"]
        cursor = segment["end"]
    assert analysed[cursor:].strip() == ""


def test_language_switcher_languages(seeds_out: Path) -> None:
    record = _record(seeds_out, _seed("000"))
    switcher = {s["text"].lstrip("• "): s["lang"] for s in record["segments"] if s["role"] == "language_switcher"}
    expected = {"پښتو": "ps", "دري": "fa", "عربي": "ar", "اردو": "ur", "বাঙালি": "bn"}
    for label, lang in expected.items():
        assert switcher.get(label, "").split("-")[0] == lang, (label, switcher)
    assert {a["lang"].split("-")[0] for a in record["alternates"]} >= set(expected.values())


def test_arabic_chrome_is_arabic_and_awaits_a_model(seeds_out: Path) -> None:
    record = _record(seeds_out, _seed("002"))
    chrome = [s for s in record["segments"] if s["text"] in ("اترك تعليقاً", "زر الذهاب إلى الأعلى", "مقالات ذات صلة")]
    assert len(chrome) == 3
    for segment in chrome:
        assert segment["lang"] == "ar"
        assert segment["role"] not in MAIN_ROLES
        assert segment["translation"] == {"text": None, "model": None, "status": "no_model"}


def test_inline_arabic_verse_is_its_own_segment(seeds_out: Path) -> None:
    record = _record(seeds_out, _seed("004"))
    verse = [s for s in record["segments"] if s["text"].startswith("الَّذِينَ")]
    assert len(verse) == 1 and verse[0]["lang"] == "ar" and verse[0]["script"] == "Arab"
    block = [s for s in record["segments"] if s["block"] == verse[0]["block"]]
    assert block[0]["lang"] == "en" and len(block) >= 3
    assert "[untranslated ar: الَّذِينَ" in record["text_en"]
    assert record["languages"]["en"] > 0.9 and 0 < record["languages"]["ar"] < 0.1


def test_english_segments_need_no_translation(seeds_out: Path) -> None:
    for seed in SEED_FILES:
        for segment in _record(seeds_out, seed)["segments"]:
            if segment["lang"] == "en":
                assert segment["translation"]["status"] == "not_needed"


def test_manifest_counts(seeds_out: Path) -> None:
    manifests = list((seeds_out / "runs").glob("*.json"))
    assert len(manifests) == 1
    manifest = json.loads(manifests[0].read_text("utf-8"))
    assert schema_errors(manifest, "manifest") == []
    assert manifest["status"] == "completed"
    assert manifest["counts"] == {"seen": 5, "written": 5, "skipped": 0, "failed": 0}
    assert manifest["languages"]["en"] == 5
    assert manifest["translations"]["no_model"] > 0
