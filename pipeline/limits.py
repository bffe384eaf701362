"""Per-document time limits, so one pathological page cannot stall a batch.

A timer signal interrupts Python code that runs too long and raises
:class:`DocumentTimeout`, which fails that document only. Signals work in the main thread
(the CLI and Airflow task processes); elsewhere the limit is not enforced and that is
logged once. Long C calls (one lxml parse) are interrupted when they return to Python.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)
_warned = False


class DocumentTimeout(TimeoutError):
    """A document took longer than the configured limit in one stage."""


@contextmanager
def time_limit(seconds: float | None, what: str = "document") -> Iterator[None]:
    global _warned
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        if not _warned:
            log.info("per-document time limits are enforced only in the main thread")
            _warned = True
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout(f"{what} took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
