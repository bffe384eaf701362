"""Object keys that cannot escape a store's root or prefix.

Keys are built from untrusted material (URLs, file names from scraped archives), so every
key is checked the same way before any store touches it. Bad input raises ``ValueError``;
nothing is silently rewritten, because a rewritten key would collide or surprise later.

Long names are **rejected, not hashed**: a segment may have at most 255 UTF-8 bytes
(``NAME_MAX`` on Linux filesystems) and a whole key at most 1024 bytes (the S3 limit).
Hashing would make keys unpredictable and lossy; callers that derive keys from arbitrary
strings should hash those strings themselves (the pipeline keys documents by content hash).
"""

from __future__ import annotations

import unicodedata

MAX_SEGMENT_BYTES = 255
MAX_KEY_BYTES = 1024

# Cc: C0/C1 controls incl. NUL, DEL; Cs: lone surrogates (not encodable);
# Zl/Zp: U+2028/U+2029, which split "lines" in logs and manifests.
_BAD_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _check_chars(text: str, what: str) -> None:
    if "\\" in text:
        raise ValueError(f"{what} must not contain backslashes: {text!r}")
    for ch in text:
        if unicodedata.category(ch) in _BAD_CATEGORIES:
            raise ValueError(f"{what} must not contain control characters: {text!r}")


def _check_segment(segment: str, key: str, max_segment_bytes: int | None) -> None:
    if segment == "":
        raise ValueError(f"key has an empty segment (leading, trailing or double '/'): {key!r}")
    if segment in (".", ".."):
        raise ValueError(f"key must not contain '.' or '..' segments: {key!r}")
    if max_segment_bytes is not None and len(segment.encode()) > max_segment_bytes:
        raise ValueError(
            f"key segment longer than {max_segment_bytes} UTF-8 bytes "
            f"(hash long names before using them as keys): {segment[:40]!r}..."
        )


def validate_key(key: str, *, max_segment_bytes: int | None = MAX_SEGMENT_BYTES) -> str:
    """Return key unchanged if it is a safe relative key, else raise ValueError.

    ``max_segment_bytes=None`` lifts the per-segment limit (S3 has none; local disks do).
    """
    if not isinstance(key, str):
        raise ValueError(f"key must be a str, got {type(key).__name__}")
    if key == "":
        raise ValueError("key must not be empty")
    _check_chars(key, "key")
    if key.startswith("/"):
        raise ValueError(f"key must be relative, not absolute: {key!r}")
    if len(key.encode()) > MAX_KEY_BYTES:
        raise ValueError(f"key longer than {MAX_KEY_BYTES} UTF-8 bytes: {key[:40]!r}...")
    for segment in key.split("/"):
        _check_segment(segment, key, max_segment_bytes)
    return key


def validate_prefix(prefix: str) -> str:
    """Return a listing prefix unchanged if safe, else raise ValueError.

    A prefix is a plain string prefix ("clean/", "clean/ab" or ""): every complete segment
    follows the key rules, the last (partial) one only the character rules.
    """
    if not isinstance(prefix, str):
        raise ValueError(f"prefix must be a str, got {type(prefix).__name__}")
    if prefix == "":
        return prefix
    _check_chars(prefix, "prefix")
    if prefix.startswith("/"):
        raise ValueError(f"prefix must be relative, not absolute: {prefix!r}")
    if len(prefix.encode()) > MAX_KEY_BYTES:
        raise ValueError(f"prefix longer than {MAX_KEY_BYTES} UTF-8 bytes")
    complete = prefix.rpartition("/")[0]
    if complete:
        for segment in complete.split("/"):
            _check_segment(segment, prefix, None)
    return prefix


def safe_key(*parts: str) -> str:
    """Join key parts with '/' and validate the result (see module docstring for rules).

    A part may itself contain '/' ("2024/05"), but no part may be empty, absolute,
    '.'/'..', or contain backslashes or control characters.

    >>> safe_key("clean", "ab12.json")
    'clean/ab12.json'
    """
    if not parts:
        raise ValueError("safe_key needs at least one part")
    for part in parts:
        if not isinstance(part, str):
            raise ValueError(f"key parts must be str, got {type(part).__name__}")
        if part == "":
            raise ValueError("key parts must not be empty")
        if part.startswith("/"):
            raise ValueError(f"key parts must be relative, not absolute: {part!r}")
    return validate_key("/".join(parts))
