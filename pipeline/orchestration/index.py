"""The discovery index: which landing objects already have an outcome, without listing the outputs.

Listing ``clean/`` and ``errors/`` on every run makes discovery's cost grow with everything ever
processed. The bucket stays the state, but a compact summary of it is kept next to the outputs
(keys in :mod:`pipeline.outputs`)::

    state/discovery/<landing>/index.json.gz       landing key → [etag, size, outcome]
    state/discovery/<landing>/deltas/<run>-NNNN.json   what one batch added (one writer each)

Each batch writes its own delta after its documents have outcomes (no two writers share an
object, retries overwrite their own); discovery merges the base and the deltas, writes the
merged base and deletes the deltas it merged. A landing object is pending when the index has
no entry for its key or its etag or size changed. Steady state therefore costs one landing
listing, one small listing of ``deltas/`` and one read, whatever the history.

The index is rebuilt from the bucket (landing listing + ``clean/``/``errors/`` listings, the
rules of :func:`pipeline.orchestration.discovery.find_pending`) when it is missing, unreadable,
of another version or landing prefix, or older than ``index_max_age_hours``: that bounds how
long an outcome deleted behind the index's back stays unnoticed. The other drift: an outcome
written by something that writes no delta (``docpipe run`` into the same destination) makes
its input look pending once; the batch processes it again as new (its plan knows no outcome
for it; see :func:`pipeline.orchestration.batches.process_batch`) and its delta records it.

With ``landing_time_ordered`` the index also keeps a *high-water key*: the largest landing key
below which every listed object had its outcome (the first pending key stops it, so a backlog
deferred to later runs, or a batch that failed, is listed again until done). Discovery then
lists only the keys after it (``StartAfter``), and the whole prefix when the last full listing
(``full_listed``) is older than ``full_listing_hours``, when the index was rebuilt, or when there
is no high-water key yet. Only a full listing notices deleted landing objects, late arrivals
(a key below the high-water mark) and overwrites of old keys.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline import outputs
from pipeline.ids import doc_id_for
from pipeline.inputs import object_uri
from pipeline.store import ObjectInfo, ObjectNotFound, Store

INDEX_VERSION = 1
Entry = tuple[str, int, str]  # etag, size, outcome ("clean" | "failed")


@dataclass(slots=True)
class DiscoveryIndex:
    landing_prefix: str
    entries: dict[str, Entry] = field(default_factory=dict)
    built: float = 0.0  # when it was last rebuilt from the bucket (epoch seconds)
    high_water: str = ""  # every landing key up to this one had its outcome at the last listing
    full_listed: float = 0.0  # when the whole landing prefix was last listed (epoch seconds)

    def pending(self, objects: Iterable[ObjectInfo]) -> list[ObjectInfo]:
        """Landing objects with no entry, or whose etag or size differs from their entry's."""
        found = []
        for info in objects:
            entry = self.entries.get(info.key)
            if entry is None or entry[0] != (info.etag or "") or entry[1] != info.size:
                found.append(info)
        return found

    def advance_high_water(self, listed: Iterable[ObjectInfo], pending: Iterable[ObjectInfo], start: str) -> None:
        """Move the high-water key to the last of the *listed* keys (all after *start*) that
        precede the first pending one."""
        stop = min((info.key for info in pending), default=None)
        done = [info.key for info in listed if stop is None or info.key < stop]
        self.high_water = max(done, default=start)

    def full_listing_due(self, max_age_hours: float) -> bool:
        return not self.high_water or time.time() - self.full_listed >= max_age_hours * 3600

    def to_bytes(self) -> bytes:
        body = {
            "version": INDEX_VERSION,
            "landing_prefix": self.landing_prefix,
            "built": self.built,
            "high_water": self.high_water,
            "full_listed": self.full_listed,
            "entries": {key: list(entry) for key, entry in sorted(self.entries.items())},
        }
        return gzip.compress(json.dumps(body, separators=(",", ":")).encode(), mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> DiscoveryIndex:
        body = json.loads(gzip.decompress(data))
        if body.get("version") != INDEX_VERSION:
            raise ValueError(f"index version {body.get('version')!r}, expected {INDEX_VERSION}")
        entries = {key: (str(e[0]), int(e[1]), str(e[2])) for key, e in body["entries"].items()}
        return cls(
            str(body["landing_prefix"]),
            entries,
            float(body["built"]),
            str(body.get("high_water") or ""),  # absent in indexes written before it existed
            float(body.get("full_listed") or 0.0),
        )


def delta_entries(keys: list[str], etags: list[str], sizes: list[int], statuses: Mapping[str, str]) -> dict[str, Any]:
    """A batch's delta: its keys whose documents now have an outcome (*statuses*: key → outcome)."""
    return {
        key: [etag, size, statuses[key]] for key, etag, size in zip(keys, etags, sizes, strict=True) if key in statuses
    }


def write_delta(output: Store, landing_prefix: str, run: str, index: int, entries: Mapping[str, Any]) -> None:
    key = outputs.discovery_delta_key(landing_prefix, run, index)
    output.put(key, json.dumps({"version": INDEX_VERSION, "entries": entries}).encode(), "application/json")


def rebuild(landing: Store, output: Store, landing_prefix: str, objects: list[ObjectInfo]) -> DiscoveryIndex:
    """The index from the bucket itself: landing objects whose outcome is as new as they are."""
    outcomes = outputs.inventory(output).outcomes()
    index = DiscoveryIndex(landing_prefix, built=time.time())
    for info in objects:
        stored = outcomes.get(doc_id_for(object_uri(landing, info.key)))
        if stored is None:
            continue
        if stored.modified is None or (info.modified is not None and info.modified > stored.modified):
            continue  # changed after its outcome was written: pending
        index.entries[info.key] = (info.etag or "", info.size, stored.status)
    return index


def load(output: Store, landing_prefix: str, max_age_hours: float) -> tuple[DiscoveryIndex | None, str]:
    """The stored index with every delta merged in, or None and why it must be rebuilt."""
    try:
        index = DiscoveryIndex.from_bytes(output.get(outputs.discovery_index_key(landing_prefix)))
    except ObjectNotFound:
        return None, "missing"
    except (ValueError, KeyError, TypeError, OSError, EOFError) as exc:
        return None, f"unreadable ({exc})"
    if index.landing_prefix != landing_prefix:
        return None, f"built for {index.landing_prefix!r}"
    if time.time() - index.built > max_age_hours * 3600:
        return None, f"older than {max_age_hours:g} h"
    return index, "loaded"


def list_deltas(output: Store, landing_prefix: str) -> list[ObjectInfo]:
    return list(output.list(outputs.discovery_deltas_prefix(landing_prefix)))


def merge_deltas(output: Store, index: DiscoveryIndex, deltas: list[ObjectInfo]) -> list[str]:
    """Fold *deltas* into *index*; returns the delta keys merged (to delete once saved)."""
    merged = []
    for info in deltas:
        try:
            body = json.loads(output.get(info.key))
        except ObjectNotFound:
            continue  # compacted by a concurrent discovery meanwhile
        for key, entry in body.get("entries", {}).items():
            index.entries[key] = (str(entry[0]), int(entry[1]), str(entry[2]))
        merged.append(info.key)
    return merged


def save(output: Store, index: DiscoveryIndex, merged: list[str]) -> None:
    """Store the merged index, then drop the deltas it now contains."""
    output.put(outputs.discovery_index_key(index.landing_prefix), index.to_bytes(), "application/gzip")
    for key in merged:
        output.delete(key)
