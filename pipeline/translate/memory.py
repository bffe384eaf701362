"""Translation memory: never translate the same segment with the same model twice.

News sites repeat their chrome on every page ("Leave a comment", "Back to top"), so most segments
of a crawl were already translated. Entries are content-addressed by (model id *including its
version*, source language, normalised segment): a new model version misses and retranslates, and
a hit is exactly what that model said.

The default store is SQLite in WAL mode with a busy timeout, safe for several worker processes on
one machine (not on NFS). The store is a small protocol, so an object-store or shared-database
backend can replace it without touching :class:`TranslationMemory` or :class:`CachedTranslator`.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.langtags import normalize_tag
from pipeline.translate.base import Translator

_SPACES = re.compile(r"\s+")


def normalize_segment(text: str) -> str:
    """NFC with whitespace runs collapsed to one space and the ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def memory_key(model_id: str, source: str, text: str, decoding: str = "") -> str:
    """Content address of a segment: sha256 over model id, decoding settings, source tag and normalised text.

    *decoding* is :meth:`TranslationSettings.decoding_fingerprint`: the same model with another
    beam size or length cap says something else, so it must not answer from the other's memory.
    """
    payload = "\x1f".join((model_id, decoding, normalize_tag(source), normalize_segment(text)))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    key: str
    model_id: str
    source: str
    segment: str  # normalised source text, kept for audits and re-keying
    translation: str


class MemoryStore(Protocol):
    """Where entries live. Implementations must tolerate concurrent writers of identical entries."""

    def get(self, keys: list[str]) -> dict[str, str]:
        """Translations of the *keys* that are present."""
        ...

    def put(self, entries: list[MemoryEntry]) -> None:
        """Store *entries*; an existing key keeps its first translation."""
        ...


def default_memory_path() -> Path:
    """``<user data dir>/translation-memory.sqlite3`` (``translation.memory`` in the settings overrides it)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("docpipe")) / "translation-memory.sqlite3"


class SQLiteStore:
    """A :class:`MemoryStore` in one SQLite file, shared safely by threads and processes."""

    _SCHEMA = """
        CREATE TABLE IF NOT EXISTS memory (
            key TEXT PRIMARY KEY, model_id TEXT NOT NULL, source TEXT NOT NULL,
            segment TEXT NOT NULL, translation TEXT NOT NULL, created REAL NOT NULL
        ) WITHOUT ROWID"""
    _CHUNK = 500  # stays under SQLite's bound-parameter limit

    def __init__(self, path: str | os.PathLike[str] | None = None, busy_timeout_s: float = 60.0) -> None:
        self.path = Path(path).expanduser() if path else default_memory_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute(self._SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        """One connection per thread and process (sqlite3 connections must not cross either)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            self._enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _enable_wal(self, conn: sqlite3.Connection) -> None:
        """Switch to WAL, retrying while another process does the same.

        Changing the journal mode needs an exclusive lock and SQLite may answer "database is
        locked" at once, without its busy handler, when two workers open a new file together.
        """
        deadline = time.monotonic() + self.busy_timeout_s
        while True:
            try:
                if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def get(self, keys: list[str]) -> dict[str, str]:
        conn = self._connect()
        found: dict[str, str] = {}
        for i in range(0, len(keys), self._CHUNK):
            chunk = keys[i : i + self._CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(conn.execute(f"SELECT key, translation FROM memory WHERE key IN ({marks})", chunk))
        return found

    def put(self, entries: list[MemoryEntry]) -> None:
        if not entries:
            return
        now = time.time()
        conn = self._connect()
        with conn:  # one transaction: a batch is either stored or not
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT OR IGNORE INTO memory VALUES (?, ?, ?, ?, ?, ?)",
                [(e.key, e.model_id, e.source, e.segment, e.translation, now) for e in entries],
            )

    def __len__(self) -> int:
        return int(self._connect().execute("SELECT count(*) FROM memory").fetchone()[0])

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class TranslationMemory:
    """Segment-level memory over a :class:`MemoryStore`, with hit/miss counters."""

    def __init__(self, store: MemoryStore | None = None, decoding: str = "") -> None:
        """*decoding*: fingerprint of the output-shaping translation settings, part of every key."""
        self.store: MemoryStore = store if store is not None else SQLiteStore()
        self.decoding = decoding
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def get_many(self, model_id: str, source: str, texts: Iterable[str]) -> dict[str, str]:
        """``{text: translation}`` for the *texts* this model already translated."""
        keys = {text: memory_key(model_id, source, text, self.decoding) for text in dict.fromkeys(texts)}
        stored = self.store.get(list(dict.fromkeys(keys.values())))
        found = {text: stored[key] for text, key in keys.items() if key in stored}
        with self._lock:
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def put_many(self, model_id: str, source: str, translations: Mapping[str, str]) -> None:
        """Remember ``{text: translation}`` made by *model_id*."""
        entries = {}
        for text, translation in translations.items():
            key = memory_key(model_id, source, text, self.decoding)
            entries[key] = MemoryEntry(key, model_id, normalize_tag(source), normalize_segment(text), translation)
        self.store.put(list(entries.values()))

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses}


class CachedTranslator:
    """A :class:`Translator` that answers from memory and sends only the misses to *backend*."""

    def __init__(self, backend: Translator, memory: TranslationMemory | None = None) -> None:
        self.backend = backend
        self.memory = memory if memory is not None else TranslationMemory()

    def model_for(self, source: str, target: str) -> str | None:
        return self.backend.model_for(source, target)

    def translate(self, source: str, target: str, texts: list[str]) -> list[str]:
        model_id = self.backend.model_for(source, target)
        if model_id is None:
            return self.backend.translate(source, target, texts)  # raises NoModelError
        # Memory holds the trimmed text; each text's own leading/trailing whitespace is put back.
        cores = [text.strip() for text in texts]
        known = self.memory.get_many(model_id, source, [core for core in cores if core])
        pending: dict[str, str] = {}  # normalised → first text with that form: one backend call each
        for core in cores:
            if core and core not in known:
                pending.setdefault(normalize_segment(core), core)
        if pending:
            originals = list(pending.values())
            fresh = dict(zip(originals, self.backend.translate(source, target, originals), strict=True))
            self.memory.put_many(model_id, source, fresh)
            known.update(fresh)
            for core in cores:
                if core and core not in known:
                    known[core] = fresh[pending[normalize_segment(core)]]
        return [
            text[: len(text) - len(text.lstrip())] + known[core] + text[len(text.rstrip()) :] if core else text
            for text, core in zip(texts, cores, strict=True)
        ]
