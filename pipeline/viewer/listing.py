"""One page of a listing, with a token to continue from: what keeps listing pages cheap.

The :class:`~pipeline.store.Store` protocol lists a whole prefix (``S3Store.list`` even collects
it to sort it), which is right for a run but not for a page of 50 names out of a million. Here
S3 is asked for one page (``ListObjectsV2`` with ``MaxKeys``, ``Delimiter`` and the server's
``ContinuationToken``); a local directory is walked from the start and cut, the token being the
last key shown. Tokens are opaque to callers either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from botocore.exceptions import BotoCoreError, ClientError

from pipeline.store import S3Store, Store, validate_prefix


@dataclass(frozen=True, slots=True)
class Page:
    keys: list[str]
    next_token: str | None  # None: this was the last page


def list_page(store: Store, prefix: str, *, token: str | None = None, limit: int = 50) -> Page:
    """Keys directly under *prefix* (no deeper ``/``), in key order, at most *limit* of them."""
    validate_prefix(prefix)
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if isinstance(store, S3Store):
        return _s3_page(store, prefix, token, limit)
    keys = (info.key for info in store.list(prefix) if "/" not in info.key[len(prefix) :])
    if token:
        keys = (key for key in keys if key > token)
    page = list(islice(keys, limit + 1))
    more = len(page) > limit
    page = page[:limit]
    return Page(page, page[-1] if more and page else None)


def list_all(store: Store, prefix: str) -> list[str]:
    """Every key directly under *prefix* (used for runs/: names only, one request per 1,000)."""
    keys: list[str] = []
    token: str | None = None
    while True:
        page = list_page(store, prefix, token=token, limit=1000)
        keys += page.keys
        if page.next_token is None:
            return keys
        token = page.next_token


def _s3_page(store: S3Store, prefix: str, token: str | None, limit: int) -> Page:
    # The store's own client and error translation (credentials scrubbed); see module docstring.
    request = {
        "Bucket": store.bucket,
        "Prefix": store._key_prefix + prefix,
        "Delimiter": "/",
        "MaxKeys": min(limit, 1000),
    }
    if token:
        request["ContinuationToken"] = token
    try:
        reply = store._client.list_objects_v2(**request)
    except ClientError as exc:
        if token and exc.response.get("Error", {}).get("Code") == "InvalidArgument":
            raise ValueError("not a continuation token of this listing") from None
        raise store._error("list", None, exc) from None
    except BotoCoreError as exc:
        raise store._error("list", None, exc) from None
    strip = len(store._key_prefix)
    keys = sorted(obj["Key"][strip:] for obj in reply.get("Contents", ()) if not obj["Key"].endswith("/"))
    return Page(keys, reply.get("NextContinuationToken") if reply.get("IsTruncated") else None)
