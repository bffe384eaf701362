"""Per-site chrome memory: lines a site repeats across its pages are recognised as chrome.

Unit tests for the memory itself (sites, keys, thresholds, persistence, merging concurrent
writers, damaged objects), then whole runs on a small site built from the seeds' articles
with the same promo lines on every page — lines the text classifier keeps on a page alone.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from seaweed import S3Bucket

from pipeline.boilerplate import host_memory
from pipeline.boilerplate.host_memory import HostMemory, SiteLines, line_key, normalise_host, site_of
from pipeline.inputs import discover
from pipeline.records import schema_errors
from pipeline.runner import Runner
from pipeline.settings import Settings
from pipeline.store import open_store
from pipeline.store.local import LocalStore
from pipeline.verify import verify

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SITE = "kabul-ledger.example"
PROMO = [
    "The Kabul Ledger relies on readers like you to keep independent reporting from Afghanistan free for everyone.",
    "Kabul Ledger is an independent outlet covering politics, economy and society across the region.",
    "Editorial desk",
]


# -- sites and keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "uri", "site"),
    [
        ("https://WWW.TOLOnews.com/afghanistan-1", None, "tolonews.com"),
        ("https://pajhwok.com./en/2025", "s3://b/raw/other.org/x.txt", "pajhwok.com"),
        (None, "s3://bucket/raw/tolonews.com/2025/07/a.txt", "tolonews.com"),
        (None, "file:///data/scrape/www.khaama.com/page.html", "khaama.com"),
        (None, "file:///data/scrape/archive.tar.gz/page.txt", None),  # a file name, not a host
        (None, "s3://my.bucket.example/page.txt", None),  # the bucket is not a site
        (None, "file:///seeds/000_e0.txt", None),
        ("not a url", None, None),
        (None, None, None),
        ("https://xn--mgbh0fb.example/a", None, "xn--mgbh0fb.example"),
    ],
)
def test_site_of(url: str | None, uri: str | None, site: str | None) -> None:
    assert site_of(url, uri) == site


def test_normalise_host_rejects_what_is_not_a_host_name() -> None:
    assert normalise_host("localhost") is None  # no dot: not a public site
    assert normalise_host("192.168.0.1") is None
    assert normalise_host("a/b.com") is None
    assert normalise_host("مثال.example") == "xn--mgbh0fb.example"
    longest = ".".join(["a" * 61] * 4) + ".ab"  # 249 characters: its state key still fits a file name
    assert normalise_host(longest) == longest
    assert HostMemory(LocalStore("/nonexistent")).key_for(longest).endswith(".json")
    assert normalise_host("a" * 61 + "." + longest) is None


def test_line_key_folds_case_punctuation_and_digits() -> None:
    assert line_key("• Comments (3)") == line_key("comments 12")
    assert line_key("Share on Facebook") == line_key("SHARE ON FACEBOOK!")
    assert line_key("Share on Facebook") != line_key("Share on Twitter")
    assert line_key("— · —") is None
    assert len(line_key("اترك تعليقاً") or "") == 16


# -- counting and thresholds --------------------------------------------------------------


def test_a_page_counts_once_by_input_id_or_content_hash() -> None:
    site = SiteLines(SITE)
    assert site.add(("doc-a", "sha256:1"), frozenset({"k"}))
    assert not site.add(("doc-a", "sha256:2"), frozenset({"k"}))  # re-scraped page
    assert not site.add(("doc-b", "sha256:1"), frozenset({"k"}))  # the same bytes elsewhere
    assert (site.pages, site.pages_with("k")) == (1, 1)


def test_repeated_needs_min_pages_and_min_share() -> None:
    memory = HostMemory(min_pages=3, min_share=0.5)
    for i in range(2):
        memory.observe(SITE, (f"p{i}",), ["Home", "Story number one is about wheat prices." if i else "Other story."])
    assert memory.repeated(SITE, ["Home", "Other story."]) == [False, False]  # 2 pages < min_pages
    memory.observe(SITE, ("p2",), ["Home", "A third story."])
    assert memory.repeated(SITE, ["Home", "A third story.", "Never seen"]) == [True, False, False]
    for i in range(3, 8):  # "Home" is on 3 of 8 pages now: below half
        memory.observe(SITE, (f"p{i}",), [f"Story {'abcde'[i - 3]}"])
    assert memory.repeated(SITE, ["Home"]) == [False]
    assert memory.repeated("unknown.example", ["Home"]) == [False]


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="min_pages"):
        HostMemory(min_pages=1)
    with pytest.raises(ValueError, match="min_share"):
        HostMemory(min_share=1.5)


def test_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_memory, "MAX_LINES", 50)
    monkeypatch.setattr(host_memory, "MAX_PAGES_REMEMBERED", 10)
    site = SiteLines(SITE)
    for i in range(40):
        site.add((f"p{i}",), frozenset({"menu", *(f"line-{i}-{j}" for j in range(5))}))
    assert len(site.lines) <= 50 and len(site.page_ids) <= 10
    assert site.pages_with("menu") == 40  # repeated lines survive eviction; single-page lines go first
    assert site.pages == 40


# -- persistence -------------------------------------------------------------------------------


def test_flush_writes_and_a_new_process_reads(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    first = HostMemory(store)
    for i, story in enumerate(["Wheat prices", "Border talks", "Flood relief"]):
        first.observe(SITE, (f"p{i}",), ["Home", story])
    assert first.flush() == 1
    assert first.flush() == 0  # nothing new
    stored = json.loads((tmp_path / "state" / "hosts" / f"{SITE}.json").read_text())
    assert stored["pages"] == 3 and "Home" not in json.dumps(stored)  # counts of hashed keys, no text
    second = HostMemory(store)
    assert second.repeated(SITE, ["Home", "Border talks"]) == [True, False]


def test_concurrent_writers_merge_instead_of_overwriting(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    a, b = HostMemory(store), HostMemory(store)
    a.site(SITE), b.site(SITE)  # both read the (empty) state before either writes
    for i in range(2):
        a.observe(SITE, (f"a{i}",), ["Home"])
        b.observe(SITE, (f"b{i}",), ["Home"])
    b.observe(SITE, ("a0",), ["Home"])  # a page both workers saw counts once
    a.flush()
    b.flush()
    merged = HostMemory(store).site(SITE)
    assert merged.pages == 4
    assert merged.pages_with(line_key("Home")) == 4


def test_a_damaged_object_is_ignored_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "state" / "hosts").mkdir(parents=True)
    (tmp_path / "state" / "hosts" / f"{SITE}.json").write_text("{not json")
    memory = HostMemory(LocalStore(tmp_path))
    with caplog.at_level(logging.WARNING):
        memory.observe(SITE, ("p0",), ["Home"])
    assert "unreadable host memory" in caplog.text
    memory.flush()  # replaced by a valid object
    assert HostMemory(LocalStore(tmp_path)).site(SITE).pages == 1


# -- whole runs ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The seeds' cleaned article texts (made by a run without memory)."""
    out = tmp_path_factory.mktemp("articles")
    Runner(open_store(str(out)), Settings.load({"host_memory": False})).run(discover([str(SEEDS)]))
    texts = [json.loads(p.read_text())["text"] for p in sorted((out / "clean").glob("*.json"))]
    assert len(texts) == 5
    return texts


def site_page(article: str) -> str:
    """A page of the site: a menu, the article with the site's promo block in the middle."""
    paragraphs = [p for p in article.split("\n") if p.strip()]
    return "\n\n".join(["Home\nPolitics\nEconomy", *paragraphs[:6], PROMO[0], f"{PROMO[1]}\n{PROMO[2]}",
                        *paragraphs[6:9]]) + "\n"


def write_site(root: Path, articles: list[str]) -> Path:
    site = root / "raw" / SITE
    site.mkdir(parents=True)
    for i, article in enumerate(articles):
        (site / f"page-{i}.txt").write_text(site_page(article))
    return site


def kept(out: Path) -> dict[str, list[bool]]:
    """Per record: is each promo line in its clean text?"""
    result = {}
    for path in sorted((out / "clean").glob("*.json")):
        record = json.loads(path.read_text())
        assert not schema_errors(record, "record")
        result[path.stem] = [line in record["text"] for line in PROMO]
    return result


def test_alone_the_classifier_keeps_the_promo(articles: list[str], tmp_path: Path) -> None:
    """The premise of the next tests: these lines are not recognisable on one page."""
    site = write_site(tmp_path, articles[:4])
    out = tmp_path / "out"
    Runner(open_store(str(out)), Settings.load({"host_memory": False})).run(discover([str(site)]))
    assert all(flags == [True, True, True] for flags in kept(out).values())
    assert not (out / "state").exists()


def test_a_batch_of_a_new_site_learns_its_chrome_and_a_later_page_benefits(
    articles: list[str], tmp_path: Path
) -> None:
    site = write_site(tmp_path, articles[:4])
    out = tmp_path / "out"
    report = Runner(open_store(str(out)), Settings.load()).run(discover([str(site)]))
    assert report.count("written") == 4
    assert all(flags == [False, False, False] for flags in kept(out).values())
    assert report.host_memory == {"sites": 1, "pages_added": 4, "repeated_lines": 4 * 6}  # menu + promo
    assert (out / "state" / "hosts" / f"{SITE}.json").is_file()
    manifest = json.loads((out / report.manifest_key).read_text())
    assert manifest["host_memory"]["pages_added"] == 4 and not schema_errors(manifest, "manifest")
    # the article text itself is untouched: every paragraph of every article is kept
    for record in (json.loads(p.read_text()) for p in (out / "clean").glob("*.json")):
        assert "Home" not in record["text"].split("\n")
        assert len(record["text"]) > 500

    # one new page of the known site, alone in its run: the stored memory recognises its promo
    (site / "page-4.txt").write_text(site_page(articles[4]))
    second = Runner(open_store(str(out)), Settings.load()).run(discover([str(site / "page-4.txt")]))
    assert second.count("written") == 1 and second.host_memory["pages_added"] == 1
    new_record = next(k for k in kept(out) if k.startswith("page-4"))
    assert kept(out)[new_record] == [False, False, False]
    assert verify(open_store(str(out))).ok  # state/ objects do not confuse the checker


def test_the_same_article_under_several_addresses_is_not_chrome(articles: list[str], tmp_path: Path) -> None:
    site = tmp_path / "raw" / SITE
    site.mkdir(parents=True)
    for i, suffix in enumerate(["", "?amp=1", "?print=1", "?utm=x"]):  # different bytes, same story
        (site / f"story-{i}.txt").write_text(site_page(articles[0]).replace("Home", f"Home{suffix}"))
    texts = {}
    for enabled in (False, True):
        out = tmp_path / f"out-{enabled}"
        report = Runner(open_store(str(out)), Settings.load({"host_memory": enabled})).run(discover([str(site)]))
        texts[enabled] = {p.name: json.loads(p.read_text())["text"] for p in (out / "clean").glob("*.json")}
    assert report.stages["boilerplate"]["host_duplicate_pages"] == 4  # the guard fired on every copy
    assert texts[True] == texts[False] and len(texts[True]) == 4


def test_cli_flag_and_environment_switch_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli import build_parser

    assert build_parser().parse_args(["run", "x", "--no-host-memory"]).host_memory is False
    assert build_parser().parse_args(["run", "x"]).host_memory is None
    monkeypatch.setenv("DOCPIPE_HOST_MEMORY", "off")
    assert Settings.load().host_memory is False
    assert Settings.load({"host_memory": True}).host_memory is True
    monkeypatch.setenv("DOCPIPE_HOST_MEMORY", "maybe")
    with pytest.raises(ValueError, match="DOCPIPE_HOST_MEMORY"):
        Settings.load()


@pytest.mark.slow
def test_memory_shared_through_s3_between_runs(
    articles: list[str], tmp_path: Path, s3_bucket: S3Bucket, seaweed_env: dict[str, str]
) -> None:
    """Two workers writing to one bucket: the second, with one page, uses what the first stored."""
    site = write_site(tmp_path, articles)
    dest = f"s3://{s3_bucket.name}/docpipe"
    first = Runner(open_store(dest), Settings.load()).run(discover([str(p) for p in sorted(site.iterdir())[:4]]))
    assert first.completed and first.host_memory["pages_added"] == 4
    client = s3_bucket.server.client()
    stored = json.loads(client.get_object(Bucket=s3_bucket.name, Key=f"docpipe/state/hosts/{SITE}.json")["Body"].read())
    assert stored["pages"] == 4
    second = Runner(open_store(dest), Settings.load()).run(discover([str(site / "page-4.txt")]))
    assert second.completed and second.host_memory == {"sites": 1, "pages_added": 1, "repeated_lines": 6}
    key = next(k for k in (o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket.name)["Contents"])
               if k.startswith("docpipe/clean/page-4") and k.endswith(".json"))
    text = json.loads(client.get_object(Bucket=s3_bucket.name, Key=key)["Body"].read())["text"]
    assert not any(line in text for line in PROMO)
