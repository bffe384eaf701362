"""A real browser for tests of what a person sees: Debian's headless Chromium through chromedriver.

Selenium is given both binaries explicitly, so Selenium Manager never runs (it would try to
download a driver). Screenshots are for a developer to look at (``save_screenshot``); tests
assert on the DOM. Every browser gets its own profile directory and talks only to loopback.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
DRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first_existing(paths: tuple[str, ...]) -> str | None:
    return next((p for p in paths if Path(p).exists()), None)


def browser_binaries() -> tuple[str, str] | None:
    """(chromium, chromedriver) when both are installed (``make setup`` installs them)."""
    chromium, driver = _first_existing(CHROMIUM_CANDIDATES), _first_existing(DRIVER_CANDIDATES)
    return (chromium, driver) if chromium and driver else None


def require_browser() -> tuple[str, str]:
    found = browser_binaries()
    if found is None:
        pytest.skip("Chromium and chromedriver are not installed (Debian: chromium chromium-driver; make setup)")
    return found


@contextmanager
def chromium(width: int = 1400, height: int = 1000, lang: str = "en-US") -> Iterator[object]:
    """A headless Chromium WebDriver, quit (and its profile removed) on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = require_browser()
    profile = tempfile.mkdtemp(prefix="docpipe-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",  # tests run as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--metrics-recording-only",
        f"--window-size={width},{height}",
        f"--lang={lang}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
