"""Bot checks, block and error pages are walls, not articles: nothing kept, the record flagged.

Every page here is written for the test (none is taken from the dev data): a scraper's usual
walls in the languages the sites publish in, and articles that merely mention one.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient

import pipeline
from pipeline.boilerplate import TextBoilerplateClassifier, extract_html, split_lines
from pipeline.boilerplate.interstitials import INTERSTITIAL
from pipeline.boilerplate.roles import ARTICLE_FALLBACK
from pipeline.cli import main
from pipeline.document import QUALITY_FLAGS, Role
from pipeline.ids import doc_id_for
from pipeline.records import schema_errors
from pipeline.viewer.app import app_for

CLOUDFLARE_HTML = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>
<div class="main-wrapper"><div class="main-content">
<h1 class="zone-name-title h1">www.kabul-news.example</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<div id="challenge-body-text" class="core-msg spacer">www.kabul-news.example needs to review the security of
your connection before proceeding.</div></div></div>
<div class="footer"><div class="ray-id">Ray ID: <code>7f1a2b3c4d5e6f70</code></div>
<div id="footer-text">Performance &amp; security by <a href="https://www.cloudflare.com">Cloudflare</a></div></div>
</body></html>"""

WALLS = {
    "en-challenge": ["Just a moment...", "Checking your browser before accessing www.example.org.",
                     "This process is automatic. Your browser will redirect to your requested content shortly.",
                     "Please allow up to 5 seconds…", "DDoS protection by Cloudflare", "Ray ID: 6a1b2c3d4e5f"],
    "de-captcha": ["Sicherheitsüberprüfung", "Bitte bestätigen Sie, dass Sie kein Roboter sind.",
                   "Wir haben ungewöhnlich viele Anfragen von Ihrem Netzwerk erhalten und möchten sicherstellen, "
                   "dass Sie ein Mensch sind.", "Warum sehe ich diese Seite?", "Kontakt", "Impressum"],
    "en-blocked": ["Attention Required! | Cloudflare", "Sorry, you have been blocked",
                   "You are unable to access example.org", "Why have I been blocked?",
                   "This website is using a security service to protect itself from online attacks. The action you "
                   "just performed triggered the security solution.", "Cloudflare Ray ID: 7f1a2b3c4d5e6f70"],
    "fa-404": ["صفحه اصلی", "اخبار", "سیاست", "ورزش", "جستجو", "خطای ۴۰۴", "صفحه مورد نظر یافت نشد.",
               "ممکن است این صفحه حذف شده یا نشانی آن تغییر کرده باشد.", "بازگشت به صفحه اصلی",
               "© ۱۴۰۴ همه حقوق محفوظ است"],
    "ar-404": ["الرئيسية", "أخبار", "رياضة", "بحث", "خطأ ٤٠٤", "عذراً، الصفحة المطلوبة غير موجودة.",
               "العودة إلى الصفحة الرئيسية"],
    "ur-404": ["ہوم", "پاکستان", "دنیا", "کھیل", "صفحہ نہیں ملا", "معذرت، آپ جو صفحہ تلاش کر رہے ہیں وہ موجود نہیں ہے۔",
               "ہوم پیج پر واپس جائیں"],
    "bn-404": ["হোম", "জাতীয়", "খেলা", "অনুসন্ধান", "দুঃখিত, পৃষ্ঠাটি পাওয়া যায়নি।",
               "আপনি যে পৃষ্ঠাটি খুঁজছেন সেটি সরানো হয়েছে অথবা আর নেই।", "হোমপেজে ফিরে যান"],
}

# what servers, firewalls and bot managers send instead of the page (nginx, Apache, Akamai, Cloudflare 1020,
# PerimeterX, Sucuri, DataDome), written from their well-known default pages
HTML_WALLS = {
    "nginx-404": "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr>"
                 "<center>nginx/1.18.0</center></body></html>",
    "apache-403": "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1><p>You don't have "
                  "permission to access this resource.</p><hr><address>Apache/2.4.41 (Ubuntu) Server at "
                  "example.org Port 443</address></body></html>",
    "akamai": "<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>You don't have permission"
              " to access \"http://www.example.com/news/\" on this server.<p>Reference #18.1a2b3c4d.1700000000"
              "</body></html>",
    "cloudflare-1020": "<html><head><title>Access denied</title></head><body><h1>Error 1020</h1><h2>Access denied</h2>"
                       "<p>This website is using a security service to protect itself from online attacks.</p>"
                       "<p>Cloudflare Ray ID: 7f1a2b3c4d5e6f70 • Performance &amp; security by Cloudflare</p>"
                       "</body></html>",
    "perimeterx": "<html><head><title>Access to this page has been denied.</title></head><body><h1>Access to this "
                  "page has been denied.</h1><p>Press &amp; Hold to confirm you are a human (and not a bot).</p>"
                  "</body></html>",
    "sucuri": "<html><head><title>Sucuri WebSite Firewall - Access Denied</title></head><body><h1>Access Denied - "
              "Sucuri Website Firewall</h1><p>If you are the site owner, please contact us.</p></body></html>",
    "datadome": "<html><head><title>example.com</title></head><body><p>Please enable JS and disable any ad blocker"
                "</p></body></html>",
}

ARTICLE_ON_CAPTCHAS = [
    "Home", "Digital", "Login",
    "Warum wir ständig beweisen müssen, dass wir kein Roboter sind",
    "Wer im Netz ein Formular abschickt, klickt immer öfter auf ein Kästchen mit der Aufschrift „Ich bin kein "
    "Roboter“. Die Tests sollen automatisierte Programme abhalten, kosten aber jeden Tag Millionen Stunden.",
    "Forscher der Universität haben nun gemessen, wie lange Menschen für die Aufgaben brauchen, und fanden "
    "große Unterschiede zwischen den Verfahren der Anbieter.",
    "Am schnellsten waren die Teilnehmer bei Bildern mit Ampeln, am langsamsten bei verzerrten Buchstaben, "
    "die viele auch nach drei Versuchen nicht lesen konnten.",
    "Share on Facebook", "© 2025 Beispiel Zeitung",
]


def _main(lines, roles) -> str:
    return "\n".join(ln.text for ln, (r, _) in zip(lines, roles, strict=True) if r.is_main)


@pytest.fixture(scope="module")
def classifier() -> TextBoilerplateClassifier:
    return TextBoilerplateClassifier()


@pytest.mark.parametrize("name", sorted(WALLS))
def test_a_wall_keeps_nothing_and_says_so(classifier: TextBoilerplateClassifier, name: str) -> None:
    lines = split_lines("\n".join(WALLS[name]))
    roles = classifier.classify(lines)
    assert roles.quality == (INTERSTITIAL,)
    assert _main(lines, roles) == ""
    assert Role.TITLE not in {r for r, _ in roles}
    assert any(r == Role.NOTICE for r, _ in roles)  # the message lines: the site speaking, not the article


def test_an_article_about_captchas_is_an_article(classifier: TextBoilerplateClassifier) -> None:
    # its prose beyond the lines that use a wall's words is above the fallback's floor (200 characters);
    # below it (a two-sentence brief quoting "I am not a robot") the page would be taken for a wall
    lines = split_lines("\n".join(ARTICLE_ON_CAPTCHAS))
    roles = classifier.classify(lines)
    assert roles.quality in ((), (ARTICLE_FALLBACK,))
    assert "Millionen Stunden" in _main(lines, roles) and "große Unterschiede" in _main(lines, roles)


def test_a_short_article_with_a_recaptcha_footer_is_an_article(classifier: TextBoilerplateClassifier) -> None:
    text = "\n".join([
        "Kabul airport reopens for domestic flights",
        "Domestic flights resumed at Kabul airport on Monday after a two-day closure caused by heavy snow, "
        "the civil aviation authority said, and the first planes left for Herat and Mazar-i-Sharif.",
        "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
    ])
    lines = split_lines(text)
    roles = classifier.classify(lines)
    assert INTERSTITIAL not in roles.quality
    assert "Domestic flights resumed" in _main(lines, roles)


def test_a_challenge_page_as_html_keeps_nothing() -> None:
    page = extract_html(CLOUDFLARE_HTML, "https://www.kabul-news.example/story")
    assert page.roles.quality == (INTERSTITIAL,)
    assert page.main_text() == ""


@pytest.mark.parametrize("name", sorted(HTML_WALLS))
def test_server_and_firewall_walls_as_html_keep_nothing(name: str) -> None:
    page = extract_html(HTML_WALLS[name], "https://www.example.com/news/story")
    assert page.roles.quality == (INTERSTITIAL,) and page.main_text() == ""


def test_a_short_story_with_a_javascript_notice_is_a_story() -> None:
    html = ("<html><head><title>Kabul airport reopens</title></head><body><article><h1>Kabul airport reopens</h1>"
            "<p>Domestic flights resumed at Kabul airport on Monday after a two-day closure caused by heavy snow, the "
            "civil aviation authority said.</p><p>The first planes left for Herat and Mazar-i-Sharif in the morning, "
            "and officials expect the international routes to follow by Wednesday.</p></article>"
            "<div id='comments'>Please enable JavaScript to view the comments.</div></body></html>")
    page = extract_html(html, "https://www.example.com/news/airport")
    assert INTERSTITIAL not in page.roles.quality and "Domestic flights resumed" in page.main_text()


def test_every_flag_is_in_the_schema_and_explained() -> None:
    schema = json.loads((Path(pipeline.__file__).parent / "schema" / "record.schema.json").read_text("utf-8"))
    assert set(schema["properties"]["quality"]["items"]["enum"]) == set(QUALITY_FLAGS) == {ARTICLE_FALLBACK,
                                                                                           INTERSTITIAL}


def test_a_wall_is_flagged_in_its_record_the_manifest_the_summary_and_the_viewer(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "story.html").write_text(CLOUDFLARE_HTML, "utf-8")
    (inputs / "fa-404.txt").write_text("\n".join(WALLS["fa-404"]), "utf-8")
    (inputs / "article.txt").write_text("\n".join(ARTICLE_ON_CAPTCHAS), "utf-8")
    assert main(["run", str(inputs), "--out", str(out), "--no-progress"]) == 0
    summary = capsys.readouterr().out
    assert "flagged" in summary and "2 interstitial" in summary
    walls = {doc_id_for((inputs / name).resolve().as_uri()) for name in ("story.html", "fa-404.txt")}
    for path in (out / "clean").glob("*.json"):
        record = json.loads(path.read_text("utf-8"))
        assert schema_errors(record) == []
        if record["doc_id"] in walls:
            assert record["quality"] == [INTERSTITIAL] and record["text"] == ""
        else:
            assert "quality" not in record and "Millionen Stunden" in record["text"]
    manifest = json.loads(next((out / "runs").glob("*.json")).read_text("utf-8"))
    assert schema_errors(manifest, "manifest") == []
    assert set(manifest["flagged"][INTERSTITIAL]) == walls and len(manifest["flagged"]) == 1
    client = TestClient(app_for(str(out)))
    run_page = lxml.html.fromstring(client.get(f"/runs/{manifest['run_id']}").text)
    listed = {a.text_content().strip() for a in run_page.cssselect("ul.flagged a")}
    assert listed == walls
    confs = [json.loads(pre.text) for pre in run_page.cssselect("ul.flagged + div.trigger pre.conf")]
    assert [set(c["doc_ids"]) for c in confs] == [walls]  # ready to paste into docpipe_reprocess
    doc_page = lxml.html.fromstring(client.get(f"/docs/{sorted(walls)[0]}").text)
    notes = " ".join(doc_page.cssselect("td.quality-notes")[0].text_content().split())
    assert notes == f"interstitial {QUALITY_FLAGS[INTERSTITIAL]}"
