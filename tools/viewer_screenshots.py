#!/usr/bin/env python3
"""Screenshots of the records viewer for the docs: ``docs/viewer-runs.png``, ``docs/viewer-document.png``.

    .venv/bin/python tools/viewer_screenshots.py [--out docs/]

Runs the pipeline over the seeds, a binary file and a hostile page with the test fixture
models (tests/viewer_data.py, as the viewer's tests do), serves the result with the viewer on
a free loopback port and photographs the runs page and seed 002's document page (Arabic chrome
stripped, right to left, English beside) in Debian's headless Chromium (tests/browser.py).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium  # noqa: E402 - the tests' browser helper
from viewer_data import build_destination, environment, uri_of  # noqa: E402

from pipeline.cli import main as docpipe  # noqa: E402
from pipeline.ids import doc_id_for  # noqa: E402


def serve(destination: str) -> tuple[str, object]:
    import uvicorn

    from pipeline.viewer.app import app_for

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app_for(destination), log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default docs/)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docpipe-viewer-shots-") as tmp:
        work = Path(tmp)
        with environment(SOURCE_DATE_EPOCH="1767225600"):  # 2026-01-01: stable "processed" dates
            destination = build_destination(work)
            time.sleep(1.1)  # a second run, forced (run ids have one-second resolution)
            with environment(
                DOCPIPE_MODELS_DIR=str(work / "models"), DOCPIPE_TRANSLATION_MEMORY=str(work / "memory.sqlite3")
            ):
                docpipe(["run", str(work / "inputs"), "--out", destination, "--force", "--no-progress"])
        base, server = serve(destination)
        try:
            with chromium(width=1280, height=1150) as browser:
                browser.get(f"{base}/")
                browser.save_screenshot(str(args.out / "viewer-runs.png"))
                browser.get(f"{base}/docs/{doc_id_for(uri_of(work, '002_721552d5c6f5a1f6.txt'))}")
                height = browser.execute_script("return document.documentElement.scrollHeight")
                browser.set_window_size(1280, min(int(height) + 20, 4000))
                browser.save_screenshot(str(args.out / "viewer-document.png"))
        finally:
            server.should_exit = True  # type: ignore[attr-defined]
    for name in ("viewer-runs.png", "viewer-document.png"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
