"""The viewer as an Airflow 3 plugin, in the real ``airflow standalone`` (tools/airflow_local.py).

The DAGs' bucket (the Airflow connection ``aws_default`` and ``DOCPIPE_BUCKET``, as the DAGs read
them) holds the outputs of a real run. Anonymous requests to the plugin are refused; after
logging in through Airflow's own login page, the "docpipe records" entry of the navigation
opens the viewer, which shows that run and its documents. Takes 2-3 minutes.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import chromium, require_browser
from seaweed import SeaweedServer
from selenium.webdriver.support.ui import WebDriverWait
from test_airflow_e2e import Standalone, standalone  # noqa: F401 - the fixture that starts Airflow
from viewer_data import build_destination, environment, uri_of

from pipeline.ids import doc_id_for
from pipeline.store import open_store
from pipeline.viewer.reader import Destination

pytestmark = [pytest.mark.airflow, pytest.mark.slow]


def status_of(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_plugin_is_behind_airflow_login_and_in_its_navigation(
    standalone: Standalone,  # noqa: F811
    seaweed: SeaweedServer,
    tmp_path: Path,
) -> None:
    require_browser()
    info, bucket = standalone.info, standalone.bucket
    with environment(**seaweed.env()):
        build_destination(tmp_path, f"s3://{bucket}")
        run_id = Destination(open_store(f"s3://{bucket}")).run_ids()[0]
    arabic = doc_id_for(uri_of(tmp_path, "002_721552d5c6f5a1f6.txt"))
    base = info["url"]

    # Refused without a login: no session cookie, a forged one, a bearer token that is not one.
    for path in ("/docpipe/", f"/docpipe/runs/{run_id}", f"/docpipe/docs/{arabic}", "/docpipe/find?q=002"):
        code, body = status_of(base + path)
        assert code == 401 and run_id not in body and "Leave a comment" not in body, (path, code)
    assert status_of(base + "/docpipe/", {"Cookie": "_token=not-a-jwt"})[0] in (401, 403)
    assert status_of(base + "/docpipe/", {"Authorization": "Bearer not-a-jwt"})[0] in (401, 403)

    with chromium(width=1400, height=900) as anonymous:
        anonymous.get(base + "/docpipe/")
        assert "Not authenticated" in anonymous.page_source and run_id not in anonymous.page_source

    with chromium(width=1400, height=900) as browser:
        wait = WebDriverWait(browser, 60)
        browser.get(base + "/")
        wait.until(lambda d: d.find_elements("css selector", "input[name=username]"))
        browser.find_element("css selector", "input[name=username]").send_keys(info["username"])
        browser.find_element("css selector", "input[name=password]").send_keys(info["password"])
        browser.find_element("css selector", "button[type=submit]").click()
        menu = wait.until(lambda d: d.find_elements("xpath", "//button[normalize-space()='Browse']"))
        menu[0].click()
        entry = wait.until(
            lambda d: d.find_elements("xpath", "//a[@role='menuitem'][normalize-space()='docpipe records']")
        )
        entry[0].click()
        frame = wait.until(lambda d: d.find_elements("css selector", "iframe"))[0]
        assert frame.get_attribute("src") == f"{base}/docpipe/"
        browser.switch_to.frame(frame)
        section = wait.until(lambda d: d.find_elements("css selector", f"#run-{run_id.lower()}"))[0]
        assert "7 seen · 6 processed · 0 skipped · 1 failed" in " ".join(section.text.split())
        assert f"s3://{bucket}" in browser.find_element("css selector", ".dest").text
        section.find_element("link text", run_id).click()
        wait.until(lambda d: d.find_elements("link text", arabic))[0].click()
        row = wait.until(lambda d: [r for r in d.find_elements("css selector", 'tr.line[data-role="comments"]')])[0]
        assert row.find_element("css selector", "td.en").text == "Leave a comment"
        assert seaweed.secret_key not in browser.page_source and seaweed.access_key not in browser.page_source
