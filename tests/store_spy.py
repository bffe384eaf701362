"""A store wrapper for tests that show what a step lists (discovery, batches, StartAfter)."""

from __future__ import annotations

from typing import Any


class ListingSpy:
    """Wraps a store; records each listing's prefix (``listed``) and start key (``starts``)."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.listed: list[str] = []
        self.starts: list[str | None] = []

    def list(self, prefix: str = "", skipped: list[str] | None = None, start_after: str | None = None) -> Any:
        self.listed.append(prefix)
        self.starts.append(start_after)
        if start_after is None:
            return self._store.list(prefix, skipped=skipped)
        return self._store.list(prefix, skipped=skipped, start_after=start_after)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
