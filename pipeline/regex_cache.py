"""Compiled patterns of the third-party ``regex`` module, kept from one process to the next.

The first time htmldate leaves a page's date to dateparser, dateparser compiles its patterns
for every locale: ~900 patterns of the ``regex`` module, 1.7 of the 2.0 CPU-seconds of that
warm-up, because ``regex`` parses a pattern in Python before its C part builds the matcher. A
run pays it in every process that meets such a page (the run itself, the workers' forkserver,
each Airflow task), and ``bench/throughput.py`` counts it against the HTML path's ratio to
trafilatura. ``regex`` pickles a compiled pattern as the C constructor's arguments (its
``_pickled_data``), so a pickled pattern loads without being parsed again. This module keeps
such a file, written once per environment when it is set up (``python -m pipeline.regex_cache``,
run by ``make setup`` and the Docker image), and serves its patterns to ``regex.compile``:
the same patterns, built from the same arguments, only without the parsing. Without the file
(or with one written by another ``regex`` or Python), nothing changes but the time.

No library offers this; it is kept because the benchmark shows the saving (docs/performance.md).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Where the patterns are kept: beside the package, like its byte-compiled modules.
PATTERNS_FILE = Path(__file__).resolve().parent / "_generated" / "regex-patterns.pickle"

#: A pattern is looked up by its text, its flags and regex's DEFAULT_VERSION (which changes its meaning).
Key = tuple[str, int, int]

_lock = threading.RLock()  # reentrant: loading the file must never wait for itself
_installed: Callable[..., Any] | None = None  # regex's own _compile, while ours stands in for it
_installed_from: Path | None = None
_patterns: dict[Key, Any] | None = None  # loaded on the first compile of a pattern without named lists


def fingerprint() -> dict[str, str]:
    """What the stored arguments are only valid for: the ``regex`` build and the Python that ran it."""
    import regex
    from regex import _regex

    return {"regex": regex.__version__, "magic": str(_regex.MAGIC), "python": sys.version.split()[0]}


class _PatternsUnpickler(pickle.Unpickler):
    """Loads nothing but patterns: the one callable a pickled ``regex`` pattern names."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("_regex", "compile") or (module, name) == ("regex._regex", "compile"):
            from regex import _regex

            return _regex.compile
        raise pickle.UnpicklingError(f"{module}.{name} is not a regex pattern")


def load(path: Path = PATTERNS_FILE) -> dict[Key, Any]:
    """The stored patterns, or none when the file is missing, unreadable or for another build."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    try:
        stored = _PatternsUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # a damaged file costs the saving, never a run
        log.warning("regex patterns in %s not used: %s", path, exc)
        return {}
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint():
        log.info("regex patterns in %s were written by another regex or Python: not used", path)
        return {}
    patterns = stored.get("patterns")
    return patterns if isinstance(patterns, dict) else {}


def install(path: Path = PATTERNS_FILE) -> None:
    """Serve ``regex.compile`` from the stored patterns (idempotent; loads the file on first need)."""
    global _installed, _installed_from
    from regex import _main

    with _lock:
        if _installed is not None:
            return
        original = _main._compile

        def compile_stored(pattern: Any, flags: int, ignore_unused: bool, kwargs: dict[str, Any],
                           cache_it: bool) -> Any:
            if cache_it and not kwargs and type(pattern) is str:
                found = _stored(path).get((pattern, int(flags), _default_version()))
                if found is not None:
                    return found
            return original(pattern, flags, ignore_unused, kwargs, cache_it)

        _main._compile = compile_stored
        _installed, _installed_from = original, path


def uninstall() -> None:
    """Give ``regex`` its own compile back (for tests and for :func:`record`)."""
    global _installed, _patterns
    from regex import _main

    with _lock:
        if _installed is not None:
            _main._compile = _installed
        _installed, _patterns = None, None


def _stored(path: Path) -> dict[Key, Any]:
    global _patterns
    if _patterns is None:
        with _lock:
            if _patterns is None:
                _patterns = {}  # a compile while the file loads (none is known to happen) compiles as before
                _patterns = load(path)
    return _patterns


def _default_version() -> int:
    import regex

    return int(regex.DEFAULT_VERSION)


def record(warm: Callable[[], object]) -> dict[Key, Any]:
    """Every cacheable pattern ``regex`` compiles while *warm* runs (with its own compile; the
    stored patterns, if installed, are served again afterwards). Only what is compiled *now* is
    seen: dateparser keeps the patterns of a locale it has loaded, so record in a fresh process
    (as ``python -m pipeline.regex_cache`` does)."""
    import regex
    from regex import _main

    installed_from = _installed_from if _installed is not None else None
    uninstall()
    original = _main._compile
    seen: dict[Key, Any] = {}

    def compile_recorded(pattern: Any, flags: int, ignore_unused: bool, kwargs: dict[str, Any],
                         cache_it: bool) -> Any:
        compiled = original(pattern, flags, ignore_unused, kwargs, cache_it)
        # only what compile_stored may serve: no named lists, no locale-dependent pattern
        if cache_it and not kwargs and type(pattern) is str and not compiled.flags & regex.LOCALE:
            seen.setdefault((pattern, int(flags), _default_version()), compiled)
        return compiled

    _main._compile = compile_recorded
    try:
        warm()
    finally:
        _main._compile = original
        if installed_from is not None:
            install(installed_from)
    return seen


def warm_dateparser() -> None:
    """What a run's first undated page makes dateparser compile: its patterns for every locale."""
    from htmldate.extractors import get_external_parser

    # No locale reads this as a date, so dateparser tries (and compiles its patterns for) all.
    get_external_parser().get_date_data("qzx wvq 0 zqx")


def write(patterns: dict[Key, Any], path: Path = PATTERNS_FILE) -> None:
    """Store *patterns* atomically (a concurrent reader sees the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps({"fingerprint": fingerprint(), "patterns": patterns}, protocol=pickle.HIGHEST_PROTOCOL)
    fd, tmp = tempfile.mkstemp(prefix=".regex-patterns-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.regex_cache",
        description="Compile dateparser's regex patterns once and store them for every later docpipe process "
                    "(make setup runs this).")
    parser.add_argument("--out", type=Path, default=PATTERNS_FILE, help=f"the file to write (default {PATTERNS_FILE})")
    args = parser.parse_args(argv)
    started = time.process_time()
    patterns = record(warm_dateparser)
    seconds = time.process_time() - started
    try:
        write(patterns, args.out)
    except OSError as exc:
        print(f"regex patterns not stored: {exc}", file=sys.stderr)
        return 1
    print(f"{len(patterns)} regex patterns ({seconds:.1f} CPU-s to compile) stored in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
