"""Paged listings for the viewer: one page of names at a time, never a whole prefix.

Each store answers one page itself (:meth:`~pipeline.store.Store.list_page`: S3 with one
``ListObjectsV2`` request and the server's continuation token, a local directory walked and
cut); tokens are opaque to callers.
"""

from __future__ import annotations

from pipeline.store import Store


def list_all(store: Store, prefix: str) -> list[str]:
    """Every key directly under *prefix* (used for runs/: names only, one request per 1,000)."""
    keys: list[str] = []
    token: str | None = None
    while True:
        page = store.list_page(prefix, token=token, limit=1000)
        keys += page.keys
        if page.next_token is None:
            return keys
        token = page.next_token
