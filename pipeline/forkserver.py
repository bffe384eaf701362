"""The forkserver the workers are forked from (:mod:`pipeline.workers`): started as early as a
run knows it will want workers, marked when it has preloaded, stopped when no worker was asked of it.

This module is light on purpose (standard library only): ``docpipe run`` starts the forkserver
before it imports the stages, so the ~1 s preload (:mod:`pipeline.worker_preload`) runs on
another core while this process imports and loads its own copy of the models.

multiprocessing has no public call for the server's pid, for knowing that its preload is done,
or for stopping it without waiting for the preload; those use the module's singleton
(``multiprocessing.forkserver._forkserver``) and a mark the preload leaves in a directory named
in the server's environment.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import tempfile
import threading
from multiprocessing import forkserver as _mp_forkserver
from multiprocessing import resource_tracker

START_METHOD = "forkserver"
#: Imported once by the forkserver before it forks the workers.
PRELOAD = ["pipeline.worker_preload"]
#: Names, in the forkserver's environment, the directory where the preload marks itself done.
PRELOADED_ENV = "DOCPIPE_FORKSERVER_PRELOADED"

_lock = threading.Lock()
_started: dict[int, bool] = {}  # pid of each forkserver started here → whether workers were asked of it
_marks: tempfile.TemporaryDirectory[str] | None = None


def context() -> multiprocessing.context.ForkServerContext:
    """The multiprocessing context the workers use, its preload set."""
    ctx = multiprocessing.get_context(START_METHOD)
    ctx.set_forkserver_preload(PRELOAD)
    return ctx  # type: ignore[return-value]


def start() -> None:
    """Start the forkserver if it is not running; returns at once (the server preloads on its
    own). SIGINT is blocked in this thread meanwhile: the server inherits the blocked signal, so a
    terminal's Ctrl-C, which reaches the whole process group, cannot kill it mid-preload (it
    ignores SIGINT only once loaded) in a KeyboardInterrupt traceback; the workers it forks
    inherit it too, and leave stopping to the run's process. A Ctrl-C in between is delivered
    when this returns."""
    context()
    # first: starting the tracker unblocks SIGINT in this thread (multiprocessing blocks and then
    # unblocks it around that spawn), which would leave the server unprotected
    resource_tracker.ensure_running()
    server = _mp_forkserver._forkserver
    with _lock:
        before = server._forkserver_pid
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        os.environ[PRELOADED_ENV] = _marks_dir()
        try:
            server.ensure_running()
        finally:
            os.environ.pop(PRELOADED_ENV, None)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        pid = server._forkserver_pid
        if pid is not None and pid != before:
            _started[pid] = False


def running_ours() -> int | None:
    """The running forkserver's pid if this process started it (so its preload leaves a mark)."""
    pid = _mp_forkserver._forkserver._forkserver_pid
    return pid if pid in _started else None


def loaded(pid: int) -> bool:
    """Whether forkserver *pid*, started here, has finished its preload."""
    return os.path.exists(os.path.join(_marks_dir(), str(pid)))


def claim(pid: int | None) -> None:
    """Record that a pool asks forkserver *pid* for workers: it is no longer stopped as unused."""
    if pid is not None:
        with _lock:  # stop_unused reads the flag under it
            _started[pid] = True


def stop_unused() -> None:
    """Stop the running forkserver if this process started it and no pool asked it for workers,
    even mid-preload: the run neither waits for it nor leaves it behind. (multiprocessing's own
    ``ForkServer._stop``, which its tests use, waits for the preload — the server reads its
    "alive" pipe only then —; SIGTERM ends it at once, and nothing was forked from it.)"""
    server = _mp_forkserver._forkserver
    with _lock:
        pid = server._forkserver_pid
        if pid is None or _started.get(pid, True):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        server._stop()
        del _started[pid]


def mark_loaded() -> None:
    """In the forkserver, once preloaded: leave the mark :func:`loaded` looks for."""
    marks = os.environ.get(PRELOADED_ENV)
    if marks:
        with contextlib.suppress(OSError):  # the run has ended meanwhile
            open(os.path.join(marks, str(os.getpid())), "wb").close()


def _marks_dir() -> str:
    """This process's directory where each forkserver it starts marks its preload done (one file
    named by the server's pid; removed when this process exits)."""
    global _marks
    if _marks is None:
        _marks = tempfile.TemporaryDirectory(prefix="docpipe-forkserver-")
    return _marks.name
