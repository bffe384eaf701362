"""``docpipe report DEST --html DIR``: the viewer's pages as static files, to attach or share.

Writes ``index.html`` (the newest runs), ``runs/<run_id>.html``, ``docs/<doc_id>.html`` for every
document those runs name, ``failed.html`` and ``awaiting.html`` (first pages). Links between the
files are relative, so the folder can be zipped or served from anywhere. There is no search:
that needs the server (``docpipe view``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import pages
from .reader import Destination
from .render import Links


@dataclass(slots=True)
class Written:
    runs: int = 0
    documents: int = 0
    missing: int = 0  # ids a manifest names that have no record (deleted or never written)


def write_report(dest: Destination, out: Path, *, runs: int = 20, limit: int = 500) -> Written:
    """Write the report for the *runs* newest runs into *out*; returns what was written."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "runs").mkdir(exist_ok=True)
    (out / "docs").mkdir(exist_ok=True)
    top, sub = Links(static=True), Links(static=True, depth=1)
    written = Written()
    _write(out / "index.html", pages.runs_page(dest, top, limit=runs))
    doc_ids: dict[str, None] = {}
    for run_id in dest.run_ids()[:runs]:
        html = pages.run_page(dest, sub, run_id)
        if html is None:
            continue
        _write(out / "runs" / f"{run_id}.html", html)
        written.runs += 1
        manifest = dest.manifest(run_id) or {}
        documents = manifest.get("documents") or {}
        for status in ("written", "skipped"):
            doc_ids.update(dict.fromkeys(i for i in documents.get(status) or () if isinstance(i, str)))
        doc_ids.update(dict.fromkeys(d.get("doc_id") for d in documents.get("failed") or () if isinstance(d, dict)))
    for doc_id in doc_ids:
        html = pages.document_page(dest, sub, str(doc_id))
        if html is None:
            written.missing += 1
            continue
        _write(out / "docs" / f"{doc_id}.html", html)
        written.documents += 1
    _write(out / "failed.html", pages.failed_page(dest, top, limit=limit))
    _write(out / "awaiting.html", pages.awaiting_page(dest, top, limit=limit))
    return written


def _write(path: Path, html: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
