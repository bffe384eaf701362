"""Read-only access to a destination for the viewer: manifests, one record at a time, pages.

Cost is bounded per page: the runs page lists ``runs/`` (names only) and reads the manifests it
shows; a document page reads one record; failed/awaiting lists read one listing page and the
records on it. Nothing is ever written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pipeline.ids import doc_id_for, is_valid_doc_id
from pipeline.store import ObjectNotFound, Store

from .keys import AREAS, Kind, key_for, name_of
from .listing import list_all

JSON = dict[str, Any]

RUN_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}")
MAX_OBJECT_BYTES = 64 * 1024 * 1024
READ_THREADS = (
    8  # concurrent reads for a page of manifests or records  # a record of a 16 MiB page is a few times its size
)


def is_run_id(value: str) -> bool:
    return bool(RUN_ID.fullmatch(value))


@dataclass(frozen=True, slots=True)
class Stored:
    """A document's outcome: its record (``clean``) or its error record (``error``)."""

    kind: Kind
    doc_id: str
    data: JSON


@dataclass(slots=True)
class Listed:
    """One page of documents (with the records read for it) and where the next page starts."""

    items: list[Stored]
    next_token: str | None
    scanned: int = 0


@dataclass(slots=True)
class Found:
    """What a search matched: documents (id → how) and how far the manifest scan went."""

    query: str
    documents: dict[str, str] = field(default_factory=dict)
    stored: dict[str, Stored | None] = field(default_factory=dict)
    scanned_runs: int = 0
    next_run: str | None = None  # continue the source-URI scan from this run (older ones)


class Destination:
    """A destination (local dir or S3) seen through the documented output layout."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def url(self) -> str:
        return self.store.url  # never carries credentials (Store contract)

    def _json_many(self, keys: list[str]) -> list[JSON | None]:
        """Several objects at once (S3 round trips overlap; boto3 clients are thread-safe)."""
        if len(keys) < 2:
            return [self._json(k) for k in keys]
        with ThreadPoolExecutor(min(len(keys), READ_THREADS)) as pool:
            return list(pool.map(self._json, keys))

    def _json(self, key: str) -> JSON | None:
        try:
            data = json.loads(self.store.get(key, max_bytes=MAX_OBJECT_BYTES))
        except ObjectNotFound:
            return None
        except ValueError:  # not JSON: show nothing rather than fail the page
            return None
        return data if isinstance(data, dict) else None

    # -- runs ----------------------------------------------------------------------------------

    def run_ids(self) -> list[str]:
        """Every run id, newest first (the id starts with its UTC start time)."""
        names = (name_of("run", key) for key in list_all(self.store, AREAS["run"]))
        return sorted((n for n in names if n and is_run_id(n)), reverse=True)

    def runs(self, *, before: str | None = None, limit: int = 20) -> tuple[list[JSON], str | None]:
        """Manifests of up to *limit* runs older than *before*, and the *before* of the next page."""
        ids = self.run_ids()
        if before:
            ids = [i for i in ids if i < before]
        page = ids[:limit]
        read = self._json_many([key_for("run", run_id) for run_id in page])
        manifests = [m or {"run_id": run_id, "status": "unreadable"} for run_id, m in zip(page, read, strict=True)]
        return manifests, (page[-1] if len(ids) > limit else None)

    def manifest(self, run_id: str) -> JSON | None:
        if not is_run_id(run_id):
            return None
        return self._json(key_for("run", run_id))

    # -- documents -----------------------------------------------------------------------------

    def document(self, doc_id: str) -> Stored | None:
        """The record of *doc_id*, else its error record, else None (one read, two if failed)."""
        if not is_valid_doc_id(doc_id):
            return None
        for kind in ("clean", "error"):
            data = self._json(key_for(kind, doc_id))
            if data is not None:
                return Stored(kind, doc_id, data)
        return None

    def ids(
        self, kind: Kind, *, token: str | None = None, limit: int = 50, prefix: str = ""
    ) -> tuple[list[str], str | None]:
        """One page of document ids in ``clean/`` or ``errors/`` (listing only, no reads)."""
        page = self.store.list_page(AREAS[kind] + prefix, token=token, limit=limit)
        names = [n for n in (name_of(kind, key) for key in page.keys) if n]
        return names, page.next_token

    def failed(self, *, token: str | None = None, limit: int = 50) -> Listed:
        """A page of error records (the ``failed`` selection of the reprocess DAG)."""
        names, next_token = self.ids("error", token=token, limit=limit)
        read = self._json_many([key_for("error", n) for n in names])
        items = [Stored("error", n, d) for n, d in zip(names, read, strict=True) if d is not None]
        return Listed(items, next_token, len(names))

    def awaiting_model(self, *, token: str | None = None, limit: int = 50) -> Listed:
        """Records with ``no_model`` segments among one page of ``clean/`` (``awaiting_model``).

        Which records await a model is only in the records, so each page reads the records
        of one listing page (``scanned``) and shows those that match.
        """
        page = self.store.list_page(AREAS["clean"], token=token, limit=limit * 2)  # .json and .txt
        names = [n for n in (name_of("clean", key) for key in page.keys) if n]
        read = self._json_many([key_for("clean", n) for n in names])
        items = [
            Stored("clean", n, d) for n, d in zip(names, read, strict=True) if d is not None and no_model_languages(d)
        ]
        return Listed(items, page.next_token, len(names))

    # -- find ----------------------------------------------------------------------------------

    def find(self, query: str, *, from_run: str | None = None, max_runs: int = 100, limit: int = 100) -> Found:
        """Documents by id (exact or prefix), by source URI (exact or substring) or page URL.

        A full ``s3://``/``file://`` URI gives its id directly (ids are a hash of the URI). A
        substring — or an ``http(s)`` URL, whose host and path are looked for in the source
        URIs — is searched in the ``inputs`` of the manifests, newest first, *max_runs* at a
        time; :attr:`Found.next_run` continues with older runs. A query that matched ids is
        not searched in the manifests unless *from_run* asks for it.
        """
        found = Found(query.strip())
        q = found.query
        if not q:
            return found
        if is_valid_doc_id(q):
            found.documents[q] = "document id"
        elif re.fullmatch(r"[a-z0-9-]{3,}", q):
            for kind in ("clean", "error"):
                for name in self.ids(kind, prefix=q, limit=limit)[0]:
                    found.documents.setdefault(name, "id starts with the query")
        if q.startswith(("s3://", "file://")):
            found.documents.setdefault(doc_id_for(q), "source URI")
        needle = re.sub(r"^https?://(www\.)?", "", q) if re.match(r"https?://", q) else q
        runs = [i for i in self.run_ids() if from_run is None or i <= from_run]
        if not found.documents or from_run:  # an id (or its start) needs no manifest scan
            self._scan_inputs(found, needle, runs, max_runs, limit)
        else:
            found.next_run = runs[0] if runs else None
        shown = list(found.documents)[:limit]
        stored = self._documents(shown)
        found.stored = {doc_id: stored.get(doc_id) for doc_id in shown}  # None: named, but no record
        return found

    def _documents(self, doc_ids: list[str]) -> dict[str, Stored]:
        """Records (else error records) of several documents, read concurrently."""
        valid = [d for d in doc_ids if is_valid_doc_id(d)]
        out = {
            d: Stored("clean", d, r)
            for d, r in zip(valid, self._json_many([key_for("clean", d) for d in valid]), strict=True)
            if r
        }
        missing = [d for d in valid if d not in out]
        errors = self._json_many([key_for("error", d) for d in missing])
        out.update({d: Stored("error", d, r) for d, r in zip(missing, errors, strict=True) if r})
        return out

    def _scan_inputs(self, found: Found, needle: str, runs: list[str], max_runs: int, limit: int) -> None:
        for manifest in self._json_many([key_for("run", run_id) for run_id in runs[:max_runs]]):
            found.scanned_runs += 1
            for uri in (manifest or {}).get("inputs") or ():
                if isinstance(uri, str) and needle in uri:
                    found.documents.setdefault(doc_id_for(uri), f"source URI ({uri})")
            if len(found.documents) >= limit:
                break
        rest = runs[found.scanned_runs :]
        found.next_run = rest[0] if rest else None


def no_model_languages(record: JSON) -> list[str]:
    """Languages of the record's segments awaiting a model, in first-seen order."""
    return list(dict.fromkeys(s.get("lang", "und") for s in _segments(record) if _status(s) == "no_model"))


def _segments(record: JSON) -> Iterator[JSON]:
    return (s for s in record.get("segments") or () if isinstance(s, dict))


def _status(segment: JSON) -> str:
    return str((segment.get("translation") or {}).get("status") or "")
