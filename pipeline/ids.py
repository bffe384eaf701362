"""Document ids: stable for a source location, safe as an object key.

The id is a readable slug of the file name plus a hash of the full source URI, so two
``index.html`` files from different folders never collide, reprocessing the same location
overwrites its record, and no character of an untrusted name reaches a key unfiltered.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_UNSAFE = re.compile(r"[^a-z0-9]+")
_SLUG_MAX = 48
# The shape doc_id_for produces, as a JSON Schema / ECMA-262 pattern too (the reprocess DAG's Param uses it)
DOC_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{16}$"
DOC_ID_MAX_CHARS = _SLUG_MAX + 1 + 16
_DOC_ID_RE = re.compile(DOC_ID_PATTERN)


def doc_id_for(uri: str) -> str:
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    slug = _UNSAFE.sub("-", ascii_stem).strip("-")[:_SLUG_MAX].strip("-") or "doc"
    digest = hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{slug}-{digest}"


def is_valid_doc_id(value: str) -> bool:
    """The shape :func:`doc_id_for` produces; anything else is refused as a key part."""
    return len(value) <= DOC_ID_MAX_CHARS and _DOC_ID_RE.fullmatch(value) is not None
