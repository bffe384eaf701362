"""What every store offers: the :class:`Store` protocol, its errors and :class:`ObjectInfo`.

The pipeline only ever talks to this protocol, so a run can write to S3-compatible storage
or to a local directory laid out like a bucket without knowing which one it has.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

STALE_TEMP_SECONDS = 3600.0
"""A temp file untouched this long belongs to a writer that died (a live put takes seconds)."""


class StoreError(Exception):
    """Infrastructure failure: unreachable endpoint, refused credentials, full disk...

    Messages name the object (``s3://bucket/key`` or a path) and the cause but never
    credentials; S3 failures are raised ``from None`` so no botocore internals ride along.
    """


class ObjectNotFound(StoreError):
    """The key does not exist (or names a directory-like prefix, not an object)."""

    def __init__(self, key: str, uri: str | None = None) -> None:
        self.key = key
        super().__init__(f"object not found: {uri or key}")


class ObjectTooLarge(StoreError):
    """The object is larger than the caller's ``max_bytes``; raised before its body is read."""

    def __init__(self, key: str, size: int, limit: int, uri: str | None = None) -> None:
        self.key = key
        self.size = size
        self.limit = limit
        super().__init__(f"object too large: {uri or key} is {size} bytes, limit {limit}")


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """Listing/head metadata. ``etag`` is the S3 ETag without quotes; None for local files."""

    key: str
    size: int
    etag: str | None
    modified: float | None  # POSIX timestamp


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a listing: keys directly under a prefix, and an opaque token to go on from."""

    keys: list[str]
    next_token: str | None  # None: this was the last page


@runtime_checkable
class Store(Protocol):
    """A flat key → bytes namespace. Keys are ``/``-separated and relative ("clean/a.json")."""

    url: str  # "file:///abs/out" or "s3://bucket/prefix"; never carries credentials

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write atomically: readers see the old object or the whole new one, never a part."""
        ...

    def get(self, key: str, max_bytes: int | None = None) -> bytes:
        """Read a whole object; ObjectNotFound if missing, ObjectTooLarge above max_bytes."""
        ...

    def head(self, key: str) -> ObjectInfo | None:
        """Metadata of one object, or None if it does not exist."""
        ...

    def exists(self, key: str) -> bool:
        """True if an object (not a prefix) exists under key."""
        ...

    def list(
        self, prefix: str = "", skipped: list[str] | None = None, start_after: str | None = None
    ) -> Iterator[ObjectInfo]:
        """All objects whose key starts with prefix (a plain string prefix), sorted by key.

        Objects whose name is not a valid key (control characters, ``.``/``..`` segments) are
        left out; their names are appended to *skipped* when given, so a caller that must
        account for every object (input discovery) can still report them.

        *start_after* keeps only keys sorting after it (UTF-8 byte order, as S3's
        ``StartAfter``) and lets the store skip the rest without reading it: what keeps
        listing a time-partitioned prefix cheap when only its newest keys matter.
        """
        ...

    def list_page(self, prefix: str, token: str | None = None, limit: int = 50) -> ListPage:
        """Keys directly under *prefix* (no deeper ``/``), in key order, at most *limit*, from
        *token* on (a page's ``next_token``; ValueError for one this listing did not give).
        What keeps a listing page cheap on a prefix holding millions of objects."""
        ...

    def delete(self, key: str) -> None:
        """Remove an object; deleting a missing key is not an error (as on S3)."""
        ...

    def uri_for(self, key: str) -> str:
        """Absolute URI of key, for logs and manifests."""
        ...

    def sweep_temp_files(self, older_than: float = STALE_TEMP_SECONDS) -> int:
        """Remove what killed writers left behind (untouched for *older_than* seconds); returns
        how many objects went. Called at the start of every run; a no-op where writes leave
        nothing behind."""
        ...


def check_limit(limit: int) -> None:
    """A listing page holds at least one key."""
    if limit < 1:
        raise ValueError("limit must be at least 1")


def check_max_bytes(max_bytes: int | None) -> None:
    """Reject nonsense limits early so a typo does not silently mean "unlimited"."""
    if max_bytes is not None and (not isinstance(max_bytes, int) or max_bytes < 0):
        raise ValueError(f"max_bytes must be None or a non-negative int, got {max_bytes!r}")
