"""Each page of the viewer as a function: destination + links + parameters → HTML (or None: 404).

The web app and the static report both call these, so the two show the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import present
from .reader import Destination, Listed, Stored, no_model_languages
from .render import Links, render

RUNS_PER_PAGE = 20
DOCS_PER_PAGE = 50
RUN_DOCUMENTS_SHOWN = 1000


def _item(stored: Stored) -> dict[str, Any]:
    awaiting = no_model_languages(stored.data) if stored.kind == "clean" else []
    return {"doc_id": stored.doc_id, "kind": stored.kind, "data": stored.data, "awaiting": awaiting}


def _failed_entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    failed = (manifest.get("documents") or {}).get("failed") or []
    return [
        {k: str(d.get(k) or "") for k in ("doc_id", "uri", "stage", "error_type")}
        for d in failed
        if isinstance(d, dict)
    ]


def runs_page(dest: Destination, links: Links, *, before: str | None = None, limit: int = RUNS_PER_PAGE) -> str:
    manifests, next_before = dest.runs(before=before, limit=limit)
    runs = [
        {"manifest": _with_counts(m), "charts": present.run_charts(m), "failed": _failed_entries(m)} for m in manifests
    ]
    return render("runs.html", links, destination=dest.url, runs=runs, next_before=next_before)


def run_page(dest: Destination, links: Links, run_id: str, *, offset: int = 0) -> str | None:
    """A run: charts, failures, and its processed and skipped documents, 1,000 a page from *offset*."""
    manifest = dest.manifest(run_id)
    if manifest is None:
        return None
    manifest = _with_counts(manifest)
    documents = manifest.get("documents") or {}
    failed = _failed_entries(manifest)
    listed = [
        (label, str(i))
        for status, label in (("written", "processed"), ("skipped", "skipped"))
        for i in documents.get(status) or ()
        if isinstance(i, str)
    ]
    offset = max(offset, 0)
    window = listed[offset : offset + RUN_DOCUMENTS_SHOWN]
    shown = [(label, [i for lbl, i in window if lbl == label]) for label in ("processed", "skipped")]
    more = offset + RUN_DOCUMENTS_SHOWN if len(listed) > offset + RUN_DOCUMENTS_SHOWN else None
    return render(
        "run.html",
        links,
        destination=dest.url,
        manifest=manifest,
        charts=present.run_charts(manifest),
        flagged=present.run_flagged(manifest),
        failed=failed,
        failed_ids=[d["doc_id"] for d in failed],
        documents=shown,
        offset=offset,
        per_page=RUN_DOCUMENTS_SHOWN,
        more=more,
        total=len(listed),
        orchestrator=(manifest.get("pipeline") or {}).get("orchestrator") or {},
    )


def document_page(dest: Destination, links: Links, doc_id: str) -> str | None:
    stored = dest.document(doc_id)
    if stored is None:
        return None
    lines = present.lines_of(stored.data) if stored.kind == "clean" else []
    return render(
        "document.html",
        links,
        destination=dest.url,
        doc_id=doc_id,
        stored=stored,
        lines=lines,
        roles=present.role_counts(lines),
        translations=dict(present.translation_counts(stored.data)),
        quality=present.quality_notes(stored.data) if stored.kind == "clean" else [],
        awaiting=no_model_languages(stored.data) if stored.kind == "clean" else [],
    )


def find_page(dest: Destination, links: Links, *, query: str = "", from_run: str | None = None) -> str:
    found = dest.find(query, from_run=from_run) if query.strip() else None
    items = [_item(s) for s in (found.stored.values() if found else ()) if s is not None]
    missing = [d for d, s in found.stored.items() if s is None] if found else []
    return render("find.html", links, destination=dest.url, query=query, found=found, items=items, missing=missing)


def failed_page(dest: Destination, links: Links, *, token: str | None = None, limit: int = DOCS_PER_PAGE) -> str:
    listed = ListView.of(dest.failed(token=token, limit=limit))
    return render("failed.html", links, destination=dest.url, listed=listed, limit=limit)


def awaiting_page(dest: Destination, links: Links, *, token: str | None = None, limit: int = DOCS_PER_PAGE) -> str:
    listed = ListView.of(dest.awaiting_model(token=token, limit=limit))
    return render("awaiting.html", links, destination=dest.url, listed=listed, limit=limit)


@dataclass(frozen=True, slots=True)
class ListView:
    items: list[dict[str, Any]]
    next_token: str | None
    scanned: int

    @classmethod
    def of(cls, listed: Listed) -> ListView:
        return cls([_item(s) for s in listed.items], listed.next_token, listed.scanned)


def _with_counts(manifest: dict[str, Any]) -> dict[str, Any]:
    """A manifest with every field the templates read (old or partial manifests lack some)."""
    counts = {k: int((manifest.get("counts") or {}).get(k) or 0) for k in ("seen", "written", "skipped", "failed")}
    defaults = {
        "status": "unknown",
        "started_at": "",
        "finished_at": "",
        "seconds": 0,
        "destination": "",
        "error": None,
        "models": [],
        "translation_memory": {},
        "documents": {},
    }
    return {**defaults, **manifest, "counts": counts}
