"""Where documents are read from and written to: S3-compatible storage or a local directory.

Use :func:`open_store` with a URL and the :class:`Store` protocol; build keys with
:func:`safe_key` so untrusted names can never escape the store's root or prefix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .base import ListPage, ObjectInfo, ObjectNotFound, ObjectTooLarge, Store, StoreError
from .keys import safe_key, validate_key, validate_prefix
from .local import LocalStore

if TYPE_CHECKING:
    from .s3 import S3Store

__all__ = [
    "ListPage",
    "LocalStore",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectTooLarge",
    "S3Store",
    "Store",
    "StoreError",
    "open_store",
    "safe_key",
    "validate_key",
    "validate_prefix",
]


def __getattr__(name: str) -> Any:
    """``S3Store`` imports boto3 (~1 s) only when asked for: a local run never needs it."""
    if name == "S3Store":
        from .s3 import S3Store

        return S3Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(url: str, **options: Any) -> Store:
    """Open a store from a URL; options go to the store's constructor.

    ``s3://bucket/prefix`` → :class:`S3Store`; ``file:///abs``, ``/abs``, ``./rel`` or
    ``rel`` → :class:`LocalStore` on the absolute path. Credentials in the URL
    (``s3://key:secret@bucket``) are refused, and the error does not echo them.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("store URL must be a non-empty string")
    if "://" not in url:
        return LocalStore(url, **options)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "s3":
        if "@" in parts.netloc:
            raise ValueError("s3:// URLs must not embed credentials; use AWS env vars or a profile")
        if parts.query or parts.fragment:
            raise ValueError("s3:// URLs take no query or fragment")
        if not parts.netloc:
            raise ValueError("s3:// URL needs a bucket: s3://bucket/prefix")
        from .s3 import S3Store

        return S3Store(parts.netloc, parts.path.strip("/"), **options)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file:// URLs must be local, got host {parts.netloc!r}")
        if parts.query or parts.fragment:
            raise ValueError("file:// URLs take no query or fragment")
        return LocalStore(unquote(parts.path), **options)
    raise ValueError(f"unsupported store URL scheme {scheme!r}; use s3:// or a local path")
