"""A local directory laid out like a bucket: key "clean/a.json" is file ``<root>/clean/a.json``.

Writes go to a temp file in the target directory, are fsynced and then ``os.replace``d
over the target, so a reader (or a crash) never exposes a half-written object. Leftover
temp files from a crash are invisible to :meth:`LocalStore.list` and :meth:`head`, and
:meth:`LocalStore.sweep_temp_files` (called at the start of every run) removes old ones.
Symlinks are not followed when listing, and no key may resolve outside the root.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from itertools import islice
from pathlib import Path

from .base import (
    STALE_TEMP_SECONDS,
    ListPage,
    ObjectInfo,
    ObjectNotFound,
    ObjectTooLarge,
    StoreError,
    check_limit,
    check_max_bytes,
)
from .keys import validate_key, validate_prefix

log = logging.getLogger(__name__)

TMP_PREFIX = ".docpipe-tmp-"
"""Temp files start with this; keys whose last segment does are refused."""


def _file_mode() -> int:
    # mkstemp creates 0600 files; give objects the mode a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


def _fsync_dir(directory: Path) -> None:
    """Persist a rename: on POSIX the directory entry is only durable once the dir is synced."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse fsync on directories; the data is synced
        pass
    finally:
        os.close(fd)


class LocalStore:
    """Store backed by a directory. ``url`` is the root's ``file://`` URI."""

    def __init__(self, root: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = self.root.as_uri()
        self._fsync = fsync

    def __repr__(self) -> str:
        return f"LocalStore({self.url!r})"

    # -- paths ---------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        """Validated key → path inside root; ValueError/StoreError if it could escape."""
        validate_key(key)
        if key.rpartition("/")[2].startswith(TMP_PREFIX):
            raise ValueError(f"keys must not start with the temp-file prefix {TMP_PREFIX!r}")
        path = self.root.joinpath(*key.split("/"))
        self._check_inside(path)
        return path

    def _check_inside(self, path: Path) -> None:
        # Key validation stops '..'; this stops symlinks inside the root pointing outside.
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(self.root):
            raise StoreError(f"{path} resolves outside the store root {self.root}")

    def uri_for(self, key: str) -> str:
        return self._path(key).as_uri()

    # -- objects -------------------------------------------------------------------------

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Atomic write (temp file + fsync + replace). content_type is not stored locally."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise StoreError(f"cannot write {path}: a parent of the key is an existing object") from None
        except OSError as exc:
            raise StoreError(f"cannot create directory for {path}: {exc.strerror}") from None
        self._check_inside(path)  # mkdir may have walked through a freshly swapped symlink
        try:
            fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise StoreError(f"cannot write {path}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fchmod(fh.fileno(), _FILE_MODE)
                if self._fsync:
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException as exc:
            with suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, IsADirectoryError):
                raise StoreError(f"cannot write {path}: a directory has that name") from None
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write {path}: {exc.strerror}") from None
            raise
        if self._fsync:
            _fsync_dir(path.parent)

    def get(self, key: str, max_bytes: int | None = None) -> bytes:
        """Read an object; its size is checked (fstat) before a single byte is read."""
        check_max_bytes(max_bytes)
        path = self._path(key)
        try:
            # O_NONBLOCK: opening a FIFO someone left in the tree must not hang the run.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key, path.as_uri()) from None
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror}") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # directory (a prefix), FIFO, device...
            os.close(fd)
            raise ObjectNotFound(key, path.as_uri())
        with os.fdopen(fd, "rb") as fh:
            if max_bytes is not None and st.st_size > max_bytes:
                raise ObjectTooLarge(key, st.st_size, max_bytes, path.as_uri())
            try:
                data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
            except OSError as exc:
                raise StoreError(f"cannot read {path}: {exc.strerror}") from None
        if max_bytes is not None and len(data) > max_bytes:  # grew in place behind our back
            raise ObjectTooLarge(key, len(data), max_bytes, path.as_uri())
        return data

    def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise StoreError(f"cannot stat {path}: {exc.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            return None
        return ObjectInfo(key=key, size=st.st_size, etag=None, modified=st.st_mtime)

    def exists(self, key: str) -> bool:
        return self.head(key) is not None

    def delete(self, key: str) -> None:
        """Unlink the file; missing keys are fine. Empty directories are left in place."""
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            if exc.errno in (errno.EISDIR, errno.EPERM) and path.is_dir():
                return  # a directory is a prefix, not an object
            raise StoreError(f"cannot delete {path}: {exc.strerror}") from None

    # -- listing -------------------------------------------------------------------------

    def sweep_temp_files(self, older_than: float = STALE_TEMP_SECONDS) -> int:
        """Delete temp files left by killed writers (not modified for *older_than* seconds).

        Young temp files are left alone: they may belong to a concurrent run's put in progress.
        Returns how many were removed; unreadable directories are skipped.
        """
        cutoff = time.time() - older_than
        removed = 0
        for directory, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(directory, d))]
            for name in filenames:
                if not name.startswith(TMP_PREFIX):
                    continue
                path = os.path.join(directory, name)
                try:
                    if os.lstat(path).st_mtime < cutoff:
                        os.unlink(path)
                        removed += 1
                except FileNotFoundError:  # another sweeper got it
                    continue
                except OSError as exc:
                    log.warning("cannot remove stale temp file %s: %s", path, exc.strerror)
        if removed:
            log.info("removed %d stale temp file(s) under %s", removed, self.root)
        return removed

    def list(
        self, prefix: str = "", skipped: list[str] | None = None, start_after: str | None = None
    ) -> Iterator[ObjectInfo]:
        """Recursive listing in S3 order, streamed without loading the whole tree.

        Directories are sorted as ``name + "/"`` so "a-b" comes before "a/x", exactly as
        S3 orders the flat keys. Temp files and symlinks are skipped; so are names that are
        not valid keys, with a warning, and appended to *skipped* when given. With
        *start_after*, directories whose every key sorts before it are not entered.
        """
        validate_prefix(prefix)
        base = prefix.rpartition("/")[0]
        start = self.root.joinpath(*base.split("/")) if base else self.root
        self._check_inside(start)
        yield from self._walk(start, f"{base}/" if base else "", prefix, skipped, start_after or "")

    def list_page(self, prefix: str, token: str | None = None, limit: int = 50) -> ListPage:
        """Walked from the start and cut; the token is the last key shown."""
        check_limit(limit)
        keys = (info.key for info in self.list(prefix) if "/" not in info.key[len(prefix) :])
        if token:
            keys = (key for key in keys if key > token)
        page = list(islice(keys, limit + 1))
        more = len(page) > limit
        page = page[:limit]
        return ListPage(page, page[-1] if more and page else None)

    def _walk(
        self, directory: Path | str, rel: str, prefix: str, skipped: list[str] | None, after: str
    ) -> Iterator[ObjectInfo]:
        try:
            with os.scandir(directory) as it:
                entries = [e for e in it if not e.name.startswith(TMP_PREFIX)]
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            raise StoreError(f"cannot list {directory}: {exc.strerror}") from None
        items: list[tuple[str, os.DirEntry[str], bool]] = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    items.append((entry.name + "/", entry, True))
                elif entry.is_file(follow_symlinks=False):
                    items.append((entry.name, entry, False))
            except OSError:
                continue
        items.sort(key=lambda item: item[0])
        for sort_name, entry, is_dir in items:
            key = rel + sort_name
            if is_dir:
                # Every key below sorts after `key`; all of them sort at or before `after`
                # when `key` does and is not a prefix of it.
                if key <= after and not after.startswith(key):
                    continue
                if key.startswith(prefix) or prefix.startswith(key):
                    yield from self._walk(entry.path, key, prefix, skipped, after)
                continue
            if not key.startswith(prefix) or key <= after:
                continue
            try:
                validate_key(key)
            except ValueError:
                log.warning("skipping file whose name is not a valid key: %r", key)
                if skipped is not None:
                    skipped.append(key)
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:  # deleted while we were listing
                continue
            yield ObjectInfo(key=key, size=st.st_size, etag=None, modified=st.st_mtime)
