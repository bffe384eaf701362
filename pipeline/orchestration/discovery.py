"""Discovery and reprocess selection: which landing objects a run (or a reprocess) takes.

Change detection reads the bucket, never the scheduler's state: a landing object is
*pending* when no record of it exists in ``clean/`` or ``errors/``, or when it was modified
after its record was written (both timestamps come from the same object store, so clocks
agree). A wiped scheduler database therefore reprocesses nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from pipeline.ids import doc_id_for, is_valid_doc_id
from pipeline.inputs import object_uri
from pipeline.orchestration.settings import JSON, Stores
from pipeline.outputs import StoredOutcome, inventory
from pipeline.settings import Settings, as_prefix
from pipeline.store import ObjectInfo, ObjectNotFound, Store

STATUS_FILTERS = ("any", "failed", "awaiting_model")
log = logging.getLogger(__name__)


class SelectionError(ValueError):
    """A reprocess request that cannot be honoured as given (not an infrastructure error)."""


DOC_ID_RULE = (
    "A document id is the name of clean/<doc_id>.json: lowercase letters and digits in words joined "
    "by hyphens, then a hyphen and 16 hex digits, e.g. bbc-pashto-3f2a9c1e0b7d4e65."
)


# -- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One landing object to process, and why."""

    key: str  # relative to the bucket
    uri: str
    doc_id: str
    size: int
    reason: str  # "new" | "changed" | "selected"
    etag: str = ""  # as listed: the batch records it in the discovery index
    outcome: str = ""  # the stored outcome known when planning ("clean" | "failed"), "" for none


def landing_objects(
    stores: Stores, settings: Settings, subprefix: str = "", start_after: str = ""
) -> Iterator[ObjectInfo]:
    """Objects under the landing prefix; dotfiles and temp names are skipped as ``discover`` does.

    Keys no store may address (control characters, ``.``/``..`` segments) are listed too, with
    no modification time: they are inputs all the same, and the runner gives each an error
    record instead of letting it vanish. *start_after* lists only the keys sorting after it.
    """
    landing = settings.orchestration.landing_prefix
    prefix = landing + as_prefix(subprefix).rstrip("/") if subprefix else landing
    unaddressable: list[str] = []
    for info in stores.landing.list(prefix, skipped=unaddressable, start_after=start_after or None):
        if not any(part.startswith(".") for part in info.key[len(landing) :].split("/")):
            yield info
    for key in unaddressable:
        yield ObjectInfo(key=key, size=0, etag=None, modified=None)


def find_pending(
    objects: Iterable[ObjectInfo], outcomes: Mapping[str, StoredOutcome], uri_for: Callable[[str], str]
) -> list[Candidate]:
    """Landing objects with no stored outcome, or modified after theirs was written.

    Strictly *after*: S3 timestamps have one-second resolution, and an object uploaded in the
    same second its record was written must not look changed forever (it would be re-read on
    every run). An overwrite within that same second is picked up by a reprocess.
    """
    pending: list[Candidate] = []
    for info in objects:
        uri = uri_for(info.key)
        doc_id = doc_id_for(uri)
        stored = outcomes.get(doc_id)
        if stored is None:
            pending.append(Candidate(info.key, uri, doc_id, info.size, "new"))
        elif stored.modified is None or (info.modified is not None and info.modified > stored.modified):
            pending.append(Candidate(info.key, uri, doc_id, info.size, "changed"))
    return pending


@dataclass(frozen=True, slots=True)
class Discovery:
    """What one listing found: the pending candidates and how they compare with the rest."""

    candidates: list[Candidate]
    listed: int  # landing objects considered (dotfiles left out)
    outcomes: int  # landing objects with a recorded outcome (the discovery index)
    start_after: str = ""  # the listing began after this key (landing_time_ordered); "": full

    def count(self, reason: str) -> int:
        return sum(1 for c in self.candidates if c.reason == reason)

    def describe(self) -> str:
        """One line for logs and task labels: listed, already done, new, changed."""
        new, changed = self.count("new"), self.count("changed")
        after = f" after {self.start_after}" if self.start_after else ""
        return (
            f"{_plural(self.listed, 'landing object')} listed{after}, "
            f"{_plural(self.outcomes, 'stored outcome')}: "
            f"{self.listed - new - changed} already done, {new} new, {changed} changed"
        )


def discover(stores: Stores, settings: Settings) -> Discovery:
    """New or changed landing objects, compared against the discovery index of the output area.

    One landing listing and the index (:mod:`pipeline.orchestration.index`); ``clean/`` and
    ``errors/`` are listed only to rebuild a missing or stale index. With
    ``landing_time_ordered`` the landing listing starts after the index's high-water key, except
    every ``full_listing_hours`` (the trade-off is explained in the index module).
    """
    from pipeline.orchestration import index as discovery_index

    where = settings.orchestration
    index, why = discovery_index.load(stores.output, where.landing_prefix, where.index_max_age_hours)
    after = ""
    if index is not None and where.landing_time_ordered and not index.full_listing_due(where.full_listing_hours):
        after = index.high_water
    objects = list(landing_objects(stores, settings, start_after=after))
    deltas = discovery_index.list_deltas(stores.output, where.landing_prefix)
    if index is None:
        log.info("discovery index %s: rebuilding it from the bucket", why)
        index = discovery_index.rebuild(stores.landing, stores.output, where.landing_prefix, objects)
        merged, changed = [d.key for d in deltas], True  # the rebuild saw their outcomes
    else:
        merged = discovery_index.merge_deltas(stores.output, index, deltas)
        changed = bool(merged)
    if not after:  # a full listing: landing objects deleted since are forgotten
        present = {info.key for info in objects}
        gone = [key for key in index.entries if key not in present]
        for key in gone:
            del index.entries[key]
        changed = changed or bool(gone)
    pending_objects = index.pending(objects)
    if where.landing_time_ordered:
        before = (index.high_water, index.full_listed)
        index.advance_high_water(objects, pending_objects, after)
        if not after:
            index.full_listed = time.time()
        changed = changed or (index.high_water, index.full_listed) != before
    if changed:
        discovery_index.save(stores.output, index, merged)
    pending = []
    for info in pending_objects:
        uri = object_uri(stores.landing, info.key)
        entry = index.entries.get(info.key)
        reason, outcome = ("changed", entry[2]) if entry else ("new", "")
        pending.append(Candidate(info.key, uri, doc_id_for(uri), info.size, reason, info.etag or "", outcome))
    return Discovery(pending, len(objects), len(index.entries), after)


def discover_pending(stores: Stores, settings: Settings) -> list[Candidate]:
    """New or changed landing objects, compared against the discovery index of the output area."""
    return discover(stores, settings).candidates


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- reprocess selection -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    """A reprocess request, validated (the trigger form validates each field; this, the whole)."""

    doc_ids: tuple[str, ...] = ()
    prefix: str = ""
    since: date | None = None
    status: str = "any"
    all_documents: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Selection:
        """The request as a selection; :class:`SelectionError` says what is wrong, field by field."""
        selection = cls.parse(params)
        if not selection.narrows() and not selection.all_documents:
            raise SelectionError(
                "nothing selected: give doc_ids, a prefix, a since date or a status filter, "
                "or set all_documents to reprocess every landing object"
            )
        return selection

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> Selection:
        """Each field checked on its own (the trigger form's view); :meth:`from_params` adds the whole."""
        raw_ids = params.get("doc_ids") or ()
        if isinstance(raw_ids, str):
            raw_ids = raw_ids.split()
        ids = tuple(dict.fromkeys(str(i).strip() for i in raw_ids if str(i).strip()))
        bad = [i for i in ids if not is_valid_doc_id(i)]
        if bad:
            shown = ", ".join(repr(i) for i in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
            raise SelectionError(
                f"Document ids: {shown} {'is not a document id' if len(bad) == 1 else 'are not document ids'}. "
                f"{DOC_ID_RULE}"
            )
        since_raw = params.get("since")
        try:
            since = date.fromisoformat(str(since_raw)[:10]) if since_raw else None
        except ValueError:
            raise SelectionError(
                f"Processed since: {since_raw!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-04."
            ) from None
        status = str(params.get("status") or "any")
        if status not in STATUS_FILTERS:
            raise SelectionError(f"Status filter: must be one of {', '.join(STATUS_FILTERS)}, not {status!r}.")
        raw_prefix = str(params.get("prefix") or "")
        try:
            prefix = as_prefix(raw_prefix)
        except ValueError:
            raise SelectionError(
                f"Key prefix: {raw_prefix!r} must be a key prefix relative to the landing prefix, "
                "without '..' path parts or backslashes (e.g. 2024/05/ or tolo)."
            ) from None
        return cls(ids, prefix, since, status, bool(params.get("all_documents")))

    def narrows(self) -> bool:
        return bool(self.doc_ids or self.prefix or self.since or self.status != "any")

    def describe(self) -> JSON:
        data = asdict(self)
        data["doc_ids"] = list(self.doc_ids)
        data["since"] = self.since.isoformat() if self.since else None
        return data


def select_for_reprocess(stores: Stores, settings: Settings, selection: Selection) -> tuple[list[Candidate], list[str]]:
    """Landing objects matching *selection*, and the requested doc ids that matched nothing.

    Ids are matched by recomputing each landing object's id from its URI (a listing, no
    reads), so a document can be reprocessed whether it last succeeded, failed or never ran.
    ``since`` compares the date the stored record was written (UTC); ``awaiting_model`` reads
    the clean records of the remaining candidates to find ``no_model`` segments.
    """
    outcomes = inventory(stores.output).outcomes()
    wanted = set(selection.doc_ids)
    since_ts = datetime.combine(selection.since, datetime.min.time(), UTC).timestamp() if selection.since else None
    chosen: list[Candidate] = []
    for info in landing_objects(stores, settings, selection.prefix):
        uri = object_uri(stores.landing, info.key)
        doc_id = doc_id_for(uri)
        if wanted and doc_id not in wanted:
            continue
        stored = outcomes.get(doc_id)
        if since_ts is not None and (stored is None or (stored.modified or 0) < since_ts):
            continue
        if selection.status == "failed" and (stored is None or stored.status != "failed"):
            continue
        if selection.status == "awaiting_model" and (stored is None or not _awaits_model(stores.output, stored)):
            continue
        outcome = stored.status if stored else ""
        chosen.append(Candidate(info.key, uri, doc_id, info.size, "selected", info.etag or "", outcome))
    missing = sorted(wanted - {c.doc_id for c in chosen}) if wanted else []
    return chosen, missing


def _awaits_model(output: Store, stored: StoredOutcome) -> bool:
    if stored.status != "clean":
        return False
    try:
        record = json.loads(output.get(stored.key))
    except (ObjectNotFound, ValueError):
        return False
    return any((s.get("translation") or {}).get("status") == "no_model" for s in record.get("segments", ()))
