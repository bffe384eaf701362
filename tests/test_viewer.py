"""The records viewer over real destinations (runs of the pipeline), through its HTTP interface.

Pages are fetched with FastAPI's test client and parsed with lxml; the browser tests
(test_viewer_browser.py) check what a person sees. S3 tests use the session SeaweedFS.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from seaweed import S3Bucket, SeaweedServer
from viewer_data import IMG_TEXT, SCRIPT_TEXT, build_destination, environment, make_inputs, uri_of

from pipeline.cli import main
from pipeline.ids import doc_id_for
from pipeline.store import open_store
from pipeline.viewer.app import app_for
from pipeline.viewer.keys import key_for, name_of
from pipeline.viewer.links import run_url
from pipeline.viewer.reader import Destination

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dest(tmp_path_factory: pytest.TempPathFactory, seaweed: SeaweedServer) -> Iterator[tuple[Path, Path]]:
    """(work dir, destination dir): the demo inputs run twice (the second run forced on one file).

    Asks for the session SeaweedFS first: once translation models ran in this process (their
    threads), starting ``weed`` (a fork with a preexec_fn) can crash the child with SIGSEGV.
    """
    work = tmp_path_factory.mktemp("viewer")
    out = Path(build_destination(work))
    time.sleep(1.1)  # run ids have one-second resolution
    with environment(DOCPIPE_MODELS_DIR=str(work / "models")):
        assert main(["run", str(work / "inputs" / "broken.bin"), "--out", str(out), "--force", "--no-progress"]) == 0
    yield work, out


@pytest.fixture(scope="module")
def client(dest: tuple[Path, Path]) -> TestClient:
    return TestClient(app_for(str(dest[1])))


def doc_id(work: Path, name: str) -> str:
    return doc_id_for(uri_of(work, name))


def page(client: TestClient, url: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    return lxml.html.fromstring(response.text)


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_runs_page_lists_manifests_newest_first_with_charts(client: TestClient, dest: tuple[Path, Path]) -> None:
    runs = sorted((p.stem for p in (dest[1] / "runs").glob("*.json")), reverse=True)
    assert len(runs) == 2
    html = page(client, "/")
    sections = html.cssselect("section.run")
    assert [s.get("id") for s in sections] == [f"run-{r.lower()}" for r in runs]
    newest, first = sections
    assert "1 seen · 0 processed · 0 skipped · 1 failed" in text(newest)
    assert "7 seen · 6 processed · 0 skipped · 1 failed" in text(first)
    charts = {text(c.cssselect("h3")[0]): c for c in first.cssselect(".chart")}
    assert set(charts) == {"Documents", "Languages (documents)", "Translations (segments)", "Failures by stage",
                           "Time per stage"}  # fmt: skip
    labels = [t.text for t in charts["Translations (segments)"].cssselect("svg text")]
    assert labels[:6] == ["translated", "16", "awaiting a model", "9", "failed", "0"]
    assert "decode" in [t.text for t in charts["Failures by stage"].cssselect("svg text")]
    assert first.cssselect(f'a[href="/runs/{runs[1]}"]')


def test_runs_page_paginates(dest: tuple[Path, Path]) -> None:
    destination = Destination(open_store(str(dest[1])))
    first, before = destination.runs(limit=1)
    second, after = destination.runs(before=before, limit=1)
    assert [m["run_id"] for m in first + second] == destination.run_ids() and after is None


def test_run_page_links_every_document(client: TestClient, dest: tuple[Path, Path]) -> None:
    work, out = dest
    run_id = min(p.stem for p in (out / "runs").glob("*.json"))
    html = page(client, f"/runs/{run_id}")
    hrefs = {a.get("href") for a in html.cssselect("a")}
    for name in ("000_e09215701c99cdbe.txt", "002_721552d5c6f5a1f6.txt", "hostile.html", "broken.bin"):
        assert f"/docs/{doc_id(work, name)}" in hrefs
    failed = text(html.cssselect("#failed + table")[0])
    assert "decode" in failed and "DecodeError" in failed
    conf = json.loads(html.cssselect("pre.conf")[0].text)
    assert conf == {"doc_ids": [doc_id(work, "broken.bin")]}
    page(client, "/runs/20990101T000000Z-abcdef", 404)
    page(client, "/runs/..%2Fclean", 404)


def test_document_page_shows_roles_languages_and_translations(client: TestClient, dest: tuple[Path, Path]) -> None:
    html = page(client, f"/docs/{doc_id(dest[0], '002_721552d5c6f5a1f6.txt')}")
    rows = html.cssselect("tr.line")
    comments = [r for r in rows if r.get("data-role") == "comments"]
    assert comments and all("stripped" in r.get("class") for r in comments)
    segment = comments[0].cssselect("td.orig span.seg")[0]
    assert (segment.get("lang"), segment.get("dir")) == ("ar", "rtl")
    assert comments[0].cssselect("td.orig")[0].get("dir") == "rtl"
    assert "اترك تعليقاً" in text(segment)
    assert text(comments[0].cssselect("td.en")[0]) == "Leave a comment"
    content = [r for r in rows if r.get("data-role") == "content"]
    assert content and all("kept" in r.get("class") for r in content)
    assert not content[0].cssselect("td.en")  # English kept as is: the original spans both columns
    assert [r.get("data-role") for r in rows if "title" in r.get("class").split()] == ["title"]


def test_untranslated_segments_are_marked(client: TestClient, dest: tuple[Path, Path]) -> None:
    html = page(client, f"/docs/{doc_id(dest[0], '000_e09215701c99cdbe.txt')}")
    marks = {m.get("data-lang") for m in html.cssselect("td.en .mark.no_model")}
    assert marks == {"ps", "ur", "bn"}
    alternates = [(text(r[0]), text(r[1])) for r in html.cssselect("tr.alternate")]
    assert ("fa-AF", "دري") in alternates and ("ps", "پښتو") in alternates
    awaiting = json.loads(html.cssselect("pre.conf")[-1].text)
    assert awaiting == {"doc_ids": [doc_id(dest[0], "000_e09215701c99cdbe.txt")]}


def test_error_record_page_shows_stage_type_and_message(client: TestClient, dest: tuple[Path, Path]) -> None:
    html = page(client, f"/docs/{doc_id(dest[0], 'broken.bin')}")
    box = html.cssselect("#error")[0]
    assert text(box.cssselect(".stage")[0]) == "decode"
    assert text(box.cssselect(".etype")[0]) == "DecodeError"
    assert "binary content" in text(box.cssselect(".msg")[0])
    page(client, "/docs/not-a-document", 404)
    page(client, "/docs/missing-0123456789abcdef", 404)


def test_hostile_content_is_text(client: TestClient, dest: tuple[Path, Path]) -> None:
    work, out = dest
    hostile = doc_id(work, "hostile.html")
    # A stored record whose metadata links are hostile too (the pipeline never writes such URLs,
    # but the viewer must not trust the bucket).
    record = json.loads((out / "clean" / f"{hostile}.json").read_text())
    forged = "forged-" + "0" * 16
    record.update(doc_id=forged, url="javascript:window.__pwned=6", title="<b>bold?</b>\u202eevil")
    record["alternates"] = [{"lang": 'ar" onmouseover="x', "label": "<i>x</i>", "href": "javascript:alert(1)"}]
    (out / "clean" / f"{forged}.json").write_text(json.dumps(record))
    try:
        for doc in (hostile, forged):
            raw = client.get(f"/docs/{doc}").text
            assert SCRIPT_TEXT not in raw and IMG_TEXT not in raw and "<b>bold" not in raw and "<i>x" not in raw
            html = lxml.html.fromstring(raw)
            assert not html.cssselect("script") and not html.cssselect("img") and not html.cssselect("body b")
            assert not [a for a in html.cssselect("a") if not a.get("href", "").startswith(("/", "http"))]
            body = text(html.cssselect("table.text")[0])
            assert SCRIPT_TEXT in body and IMG_TEXT in body and "javascript:window.__pwned=3" in body
            assert "\u202e" not in raw and "U+202E" in [c.text for c in html.cssselect(".ctl")]
        forged_page = lxml.html.fromstring(client.get(f"/docs/{forged}").text)
        assert "javascript:window.__pwned=6" in text(forged_page.cssselect("table.meta")[0])
        assert {e.get("lang") for e in forged_page.cssselect("[lang]")} <= {"en", "ar", "und"}
    finally:
        (out / "clean" / f"{forged}.json").unlink()


def test_find_by_id_prefix_uri_and_url(client: TestClient, dest: tuple[Path, Path]) -> None:
    work, _ = dest
    seed = doc_id(work, "002_721552d5c6f5a1f6.txt")

    def found(query: str) -> list[str]:
        response = client.get("/find", params={"q": query})
        assert response.status_code == 200
        return [text(a) for a in lxml.html.fromstring(response.text).cssselect("table.doclist td:first-child a")]

    assert found(seed) == [seed]
    assert found("002-721552") == [seed]
    assert found(uri_of(work, "002_721552d5c6f5a1f6.txt")) == [seed]
    assert found("721552d5c6f5a1f6.txt") == [seed]  # a source URI substring, from the manifests
    assert set(found("/inputs/00")) == {
        doc_id(work, f"00{i}_{h}.txt")
        for i, h in enumerate(
            ("e09215701c99cdbe", "9146651e75e6095e", "721552d5c6f5a1f6", "c6c02cf326206763", "87c7c7ce24f39e7c")
        )
    }
    assert found("broken") == [doc_id(work, "broken.bin")]
    assert found("http://example.org/nothing-here") == []
    assert found("<script>") == []


def test_failed_and_awaiting_lists_give_reprocess_parameters(client: TestClient, dest: tuple[Path, Path]) -> None:
    work, _ = dest
    failed = page(client, "/failed")
    assert [text(a) for a in failed.cssselect("table.doclist td:first-child a")] == [doc_id(work, "broken.bin")]
    confs = [json.loads(p.text) for p in failed.cssselect("pre.conf")]
    assert confs == [{"status": "failed"}, {"doc_ids": [doc_id(work, "broken.bin")]}]
    assert 'airflow dags trigger docpipe_reprocess --conf \'{"status": "failed"}\'' in [
        p.text for p in failed.cssselect("pre.cmd")
    ]
    awaiting = page(client, "/awaiting")
    assert [text(a) for a in awaiting.cssselect("table.doclist td:first-child a")] == [
        doc_id(work, "000_e09215701c99cdbe.txt")
    ]
    assert json.loads(awaiting.cssselect("pre.conf")[0].text) == {"status": "awaiting_model"}


def test_listing_pages_continue_with_tokens(dest: tuple[Path, Path]) -> None:
    destination = Destination(open_store(str(dest[1])))
    everything, token, pages = [], None, 0
    while True:
        ids, token = destination.ids("clean", token=token, limit=3)
        everything += ids
        pages += 1
        if token is None:
            break
    assert pages == 4 and everything == sorted(p.stem for p in (dest[1] / "clean").glob("*.json"))


def test_s3_destination_pages_with_continuation_tokens_and_hides_credentials(
    s3_bucket: S3Bucket, seaweed_env: dict[str, str], tmp_path: Path
) -> None:
    destination_url = build_destination(tmp_path, f"{s3_bucket.url}/docpipe")
    destination = Destination(open_store(destination_url))
    ids, token = destination.ids("clean", limit=2)
    assert len(ids) == 1 and token  # .json and .txt share the page: one record per two keys
    everything = list(ids)
    while token:
        more, token = destination.ids("clean", token=token, limit=2)
        everything += more
    assert everything == sorted(doc_id_for(uri_of(tmp_path, n)) for n in (
        "000_e09215701c99cdbe.txt", "001_9146651e75e6095e.txt", "002_721552d5c6f5a1f6.txt",
        "003_c6c02cf326206763.txt", "004_87c7c7ce24f39e7c.txt", "hostile.html"))  # fmt: skip
    client = TestClient(app_for(destination_url))
    secret, key = seaweed_env["AWS_SECRET_ACCESS_KEY"], seaweed_env["AWS_ACCESS_KEY_ID"]
    run_id = destination.run_ids()[0]
    bodies = [client.get(u).text for u in ("/", f"/runs/{run_id}", "/failed", "/awaiting", "/find?q=002")]
    bodies.append(client.get(f"/docs/{everything[0]}").text)
    assert all(secret not in b and key not in b for b in bodies)
    assert "docpipe/clean" not in bodies[0] and f"{s3_bucket.url}/docpipe" in bodies[0]
    failed = lxml.html.fromstring(bodies[2])
    assert [text(a) for a in failed.cssselect("table.doclist td:first-child a")] == [
        doc_id_for(uri_of(tmp_path, "broken.bin"))
    ]


def test_unreachable_store_is_a_clear_error_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAVIEWERTESTKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "viewer-test-secret-value")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    response = TestClient(app_for("s3://nowhere/out")).get("/")
    assert response.status_code == 503
    assert "cannot read the destination" in response.text
    assert "viewer-test-secret-value" not in response.text and "AKIAVIEWERTESTKEY" not in response.text


def test_report_writes_the_same_pages_as_static_files(dest: tuple[Path, Path], tmp_path: Path) -> None:
    work, out = dest
    report = tmp_path / "report"
    assert main(["report", str(out), "--html", str(report)]) == 0
    runs = sorted(p.stem for p in (out / "runs").glob("*.json"))
    assert sorted(p.stem for p in (report / "runs").glob("*.html")) == runs
    docs = {p.stem for p in (report / "docs").glob("*.html")}
    assert doc_id(work, "002_721552d5c6f5a1f6.txt") in docs and doc_id(work, "broken.bin") in docs
    index = lxml.html.fromstring((report / "index.html").read_text())
    hrefs = {a.get("href") for a in index.cssselect("a")}
    assert f"runs/{runs[0]}.html" in hrefs and "failed.html" in hrefs and not any(h.startswith("/") for h in hrefs)
    run_page = lxml.html.fromstring((report / "runs" / f"{runs[0]}.html").read_text())
    assert f"../docs/{doc_id(work, 'broken.bin')}.html" in {a.get("href") for a in run_page.cssselect("a")}
    for href in {a.get("href") for a in run_page.cssselect("a")}:
        assert (report / "runs" / href.split("#")[0]).resolve().exists(), href
    doc = lxml.html.fromstring((report / "docs" / f"{doc_id(work, '002_721552d5c6f5a1f6.txt')}.html").read_text())
    assert "Leave a comment" in text(doc)


def test_view_and_report_refuse_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "nope"), "--html", str(tmp_path / "r")]) == 2
    assert main(["view", str(tmp_path / "nope")]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_view_command_serves_on_loopback(dest: tuple[Path, Path]) -> None:
    docpipe = shutil.which("docpipe", path=str(Path(sys.executable).parent))
    assert docpipe
    proc = subprocess.Popen([docpipe, "view", str(dest[1]), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        with urllib.request.urlopen(url.group(0), timeout=30) as response:  # listening before the line
            assert response.status == 200 and b"Runs" in response.read()
    finally:
        proc.terminate()
        proc.wait(10)


def test_pipeline_does_not_import_the_viewer() -> None:
    code = (
        "import sys, pipeline.cli, pipeline.runner, pipeline.orchestration, pipeline.viewer.links;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('fastapi', 'jinja2', 'uvicorn', 'starlette')"
        " or m in ('pipeline.viewer.app', 'pipeline.viewer.render')]; print(bad); assert not bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_keys_and_links() -> None:
    assert key_for("clean", "a-0123456789abcdef") == "clean/a-0123456789abcdef.json"
    assert key_for("run", "20250101T000000Z-abcdef") == "runs/20250101T000000Z-abcdef.json"
    assert name_of("error", "errors/a-0123456789abcdef.json") == "a-0123456789abcdef"
    assert name_of("run", "runs/20250101T000000Z-abcdef/batch-0000.json") is None
    assert name_of("clean", "clean/a-0123456789abcdef.txt") is None
    with pytest.raises(ValueError):
        key_for("clean", "../x")
    assert run_url("http://127.0.0.1:8080/docpipe/", "20250101T000000Z-abcdef") == (
        "http://127.0.0.1:8080/docpipe/runs/20250101T000000Z-abcdef"
    )
    assert make_inputs  # the inputs builder is shared with the browser tests and the screenshots
