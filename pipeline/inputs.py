"""Finding input documents: files, directories (recursive) and ``s3://bucket/prefix``.

Every input becomes an :class:`InputItem` with a canonical URI (``file:///abs/path`` or
``s3://bucket/key``) — the URI is what the document id is derived from — and a reader that
fetches the bytes only when the document's batch comes up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pipeline.store import ObjectTooLarge, Store, open_store


class InputError(ValueError):
    """An input argument that names nothing readable (bad arguments, not a bad document)."""


@dataclass(frozen=True, slots=True)
class InputItem:
    uri: str
    size: int | None
    read: Callable[[int | None], bytes]  # max_bytes → bytes; raises if over the limit

    @property
    def name(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[-1]


def discover(inputs: list[str]) -> list[InputItem]:
    """All documents under *inputs*, each URI once, sorted for a reproducible order."""
    found: dict[str, InputItem] = {}
    for spec in inputs:
        for item in _expand(spec):
            found.setdefault(item.uri, item)
    return [found[uri] for uri in sorted(found)]


def _expand(spec: str) -> Iterator[InputItem]:
    if spec.startswith("s3://"):
        yield from _from_store(open_store(spec))
        return
    path = Path(spec.removeprefix("file://")).expanduser()
    if path.is_file():
        yield _file_item(path.resolve())
    elif path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield _file_item((Path(root) / name).resolve())
    else:
        raise InputError(f"input not found: {spec}")


def _file_item(path: Path) -> InputItem:
    def read(max_bytes: int | None) -> bytes:
        with path.open("rb") as handle:
            if max_bytes is not None and os.fstat(handle.fileno()).st_size > max_bytes:  # refuse unread
                raise ValueError(f"larger than the limit of {max_bytes} bytes")
            data = handle.read(max_bytes + 1 if max_bytes is not None else -1)
        if max_bytes is not None and len(data) > max_bytes:
            raise ValueError(f"larger than the limit of {max_bytes} bytes")
        return data

    return InputItem(uri=path.as_uri(), size=path.stat().st_size, read=read)


def _from_store(store: Store) -> Iterator[InputItem]:
    unaddressable: list[str] = []
    for info in store.list("", skipped=unaddressable):
        key = info.key

        def read(max_bytes: int | None, key: str = key, size: int = info.size) -> bytes:
            if max_bytes is not None and size > max_bytes:  # the listing's size: no request at all
                raise ObjectTooLarge(key, size, max_bytes, store.uri_for(key))
            return store.get(key, max_bytes=max_bytes)

        yield InputItem(uri=store.uri_for(key), size=info.size, read=read)
    # Keys no store may address (control characters, "." or ".." segments) are never read,
    # but they are inputs all the same: each gets an error record instead of vanishing.
    for key in unaddressable:
        yield InputItem(uri=object_uri(store, key), size=None, read=_refuse(key))


def object_uri(store: Store, key: str) -> str:
    """The URI of *key* in *store*; percent-encoded for a key no store may address, so that
    such an object still gets a stable document id and an error record."""
    try:
        return store.uri_for(key)
    except ValueError:
        return f"{store.url}/{quote(key, safe='/')}"


def _refuse(key: str) -> Callable[[int | None], bytes]:
    def read(max_bytes: int | None) -> bytes:
        raise ValueError(f"object key {key!r} is not safe to address (control characters or '.'/'..' segments)")

    return read
