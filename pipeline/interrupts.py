"""Ctrl-C held over steps that must not be split: the run's process only, main thread only."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def held_interrupt() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block is done, then deliver it.

    Writing a document's outcome and counting it must not be split: a KeyboardInterrupt between
    the two left a record on disk that the interrupted run's manifest does not list. Nor may
    submitting a task to the worker pool, which can fork a worker: one interrupted between the
    fork and its registration in the pool is never stopped, and fails noisily once the run has
    exited. Only the main thread receives Python's signal handlers; elsewhere (an Airflow task's
    thread, a worker) this does nothing. A held SIGINT goes to the handler that was installed before.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[FrameType | None] = []
    previous = signal.signal(signal.SIGINT, lambda _signum, frame: held.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        if callable(previous):
            previous(signal.SIGINT, held[0])
        elif previous == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)
