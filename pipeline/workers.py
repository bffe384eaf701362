"""The per-document stages of a run, in this process or in a pool of worker processes.

A run's steps split in two at the first step that holds the run's per-site memory
(:func:`split_steps`; today the language step, which reads and records each site's chrome
locale; the boilerplate step after it holds the memory too):

* the **front** (decode, layout, and the memory-free halves of the later steps,
  :meth:`Step.ahead`: every line's language posteriors from the models, an HTML page's
  boilerplate labels) depends on nothing but the document and the settings: it is where the
  time goes (~80 % of a one-process run on HTML pages), and it runs in
  ``workers`` processes, a batch in pieces (:class:`FrontPool`), the models loaded once per run
  (a piece no worker has taken yet when the parent needs it, the parent runs itself);
* the **back** (the language step's second half — the page's chrome mix with the site's
  remembered locale —, translate, boilerplate — the site's repeated lines, plain text's labels —,
  assemble) runs in the parent, batch after batch
  in input order, because the language and boilerplate steps read *and* update the per-site
  memory: batch *k* is decided with what batches 0…*k* taught it. Keeping that one object in
  one process makes its behaviour — and therefore every output byte — identical to
  ``--workers 1`` by construction, with no snapshots to ship. One process runs the same two
  halves. Translation needs the final languages, so it runs in the parent too (no model
  runs for pages that need none; docs/performance.md).

Workers are forked from a ``forkserver`` (:mod:`pipeline.forkserver`) that has loaded what they all need
(:mod:`pipeline.worker_preload`: the stage modules, the language-ID models, dateparser's locale
patterns) once per run: each extra worker then costs a fork, not ~1 CPU-second of imports and
warm-up (~3 before dateparser's patterns were stored, :mod:`pipeline.regex_cache`). The
forkserver is a fresh interpreter, not a copy of the parent, so no worker inherits the parent's
threads (the progress bar's refresher, CTranslate2's thread pools, whose fork
hazard ``pipeline.translate.ctranslate._reset_after_fork`` works around, boto3's connection
pools) or a lock one of them held. A batch is split only when every front step treats each
document on its own (:func:`per_document`); translation, which batches across documents, runs
in the workers only with ``host_memory`` off, and then gets whole batches, exactly as one
process would run them.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import logging.handlers
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pipeline import forkserver
from pipeline.boilerplate.host_memory import HostMemory
from pipeline.document import Document
from pipeline.interrupts import held_interrupt
from pipeline.settings import Settings, available_cpus
from pipeline.stages.base import Failure, Pipeline, Step, StepStats

log = logging.getLogger(__name__)

#: Documents per worker task when a batch may be split (:class:`FrontPool`).
CHUNK_DOCS = 4
STOP_GRACE_SECONDS = 10.0  # on Ctrl-C, how long running pieces may take to finish (see FrontPool.close)
STARTUP_WAIT_SECONDS = 120.0  # on Ctrl-C, how long the forkserver may take to preload and fork
PRELOAD_POLL_SECONDS = 0.02  # how often the starting thread looks for the preload's mark
T = TypeVar("T")


class WorkerDied(RuntimeError):
    """A worker process ended without answering (killed, out of memory): the run is incomplete."""


def split_steps(steps: list[Step]) -> tuple[list[Step], list[Step]]:
    """(front, back) of a pipeline's steps: the back starts at the first step holding a
    :class:`HostMemory`, whose state each batch reads and updates in input order; the memory-free
    halves of the back's steps (:meth:`Step.ahead`: the language step's posteriors, an HTML
    page's boilerplate labels) end the front. Without a memory (``host_memory`` off) every step
    is front and runs in the workers."""
    cut = next((i for i, step in enumerate(steps) if isinstance(getattr(step, "memory", None), HostMemory)), len(steps))
    return front_steps(steps, cut), steps[cut:]


def front_steps(steps: list[Step], cut: int) -> list[Step]:
    """The steps before *cut*, then the memory-free halves of the steps from *cut* on, in order
    (a step's half needs nothing the steps between *cut* and it add: :meth:`Step.ahead`)."""
    return [*steps[:cut], *(ahead for step in steps[cut:] if (ahead := step.ahead()) is not None)]


@dataclass(slots=True)
class FrontResult:
    """What the front steps made of one batch: surviving documents, failures, and the work done."""

    docs: list[Document]
    failures: list[Failure]
    stats: dict[str, StepStats] = field(default_factory=dict)
    memory: Counter[str] = field(default_factory=Counter)  # translation-memory hits/misses of this batch
    failed_at: list[int] = field(default_factory=list)  # each failure's document: its index in the input


def run_front(steps: list[Step], docs: list[Document], memory_stats: Callable[[], dict[str, int]]) -> FrontResult:
    """Run *steps* over *docs* like :meth:`Pipeline.run`; the steps' stats are handed back and reset."""
    before = Counter(memory_stats())
    alive, failures = Pipeline(steps).run(docs)
    stats = {step.name: step.stats for step in steps}
    for step in steps:
        step.stats = StepStats(step.name)
    used = Counter(memory_stats())
    used.subtract(before)
    position = {id(doc): i for i, doc in enumerate(docs)}
    return FrontResult(alive, failures, stats, +used, [position[id(failure.doc)] for failure in failures])


def cut_pieces(docs: list[Document], chunk: int | None, *, last: bool) -> tuple[list[int], list[list[Document]]]:
    """A batch's worker tasks and where each starts: pieces of *chunk* documents, or the whole
    batch when *chunk* is None (front steps that batch across documents, :func:`per_document`).
    The run's *last* batch goes out one document per piece: the workers then finish within about
    a page of each other rather than a piece (two 300-page timelines showed one worker idle for
    the last 0.4–0.5 s)."""
    size = (1 if last else chunk) if chunk else max(1, len(docs))
    offsets = list(range(0, len(docs), size)) or [0]
    return offsets, [docs[at : at + size] for at in offsets]


def per_document(steps: list[Step]) -> bool:
    """Whether each document's result is independent of the others in its batch: no step works
    across documents (translation batches them), so a batch may be split between workers."""
    return all(type(step).process_batch is Step.process_batch for step in steps)


def combine(parts: list[FrontResult], offsets: list[int], steps: list[str]) -> FrontResult:
    """The front result of a batch from those of its consecutive pieces (starting at *offsets*),
    as one :func:`run_front` over the whole batch would have given it: failures step by step,
    in input order within a step; *steps*: the front steps' names, in order."""
    if len(parts) == 1:
        return parts[0]
    order = {name: i for i, name in enumerate(steps)}
    failed = sorted(
        ((order.get(failure.stage, len(order)), offset + at), failure)
        for part, offset in zip(parts, offsets, strict=True)
        for failure, at in zip(part.failures, part.failed_at, strict=True)
    )
    stats = {name: StepStats(name) for name in steps}
    memory: Counter[str] = Counter()
    for part in parts:
        for name, step_stats in part.stats.items():
            merge_stats(stats.setdefault(name, StepStats(name)), step_stats)
        memory.update(part.memory)
    return FrontResult(
        [doc for part in parts for doc in part.docs],
        [failure for _, failure in failed],
        stats,
        memory,
        [at for (_, at), _ in failed],
    )


def merge_stats(into: StepStats, other: StepStats) -> None:
    into.documents += other.documents
    into.failed += other.failed
    into.seconds += other.seconds
    into.counters.update(other.counters)


def stage_stats(front: dict[str, StepStats], back: list[Step]) -> dict[str, dict[str, object]]:
    """The manifest's ``stages``, in the pipeline's order, a step split in two halves
    (:meth:`Step.ahead`) reported once, at its place — its documents are those that entered the
    first half."""
    halves = {step.name for step in back}
    merged = {name: StepStats(name, stats.documents, stats.failed, stats.seconds, Counter(stats.counters))
              for name, stats in front.items() if name not in halves}
    for step in back:
        first = front.get(step.name)
        if first is None:
            merged[step.name] = step.stats
            continue
        counters = Counter(first.counters)
        counters.update(step.stats.counters)
        merged[step.name] = StepStats(step.name, first.documents, first.failed + step.stats.failed,
                                      first.seconds + step.stats.seconds, counters)
    return {name: stats.to_dict() for name, stats in merged.items()}


# -- the pool ------------------------------------------------------------------------------------

_front: list[Step] = []
_memory_stats: Callable[[], dict[str, int]] = dict


def _init_worker(config: Settings, cut: int, log_queue: Any, levels: dict[str, int]) -> None:
    """Build the front steps (the models are loaded already: :mod:`pipeline.worker_preload`);
    send log records to the parent; die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(log_queue)]
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)
    threading.Thread(target=_exit_with_parent, daemon=True, name="docpipe-parent-watch").start()

    from pipeline.stages import build_pipeline
    from pipeline.translate.service import build_translation_stack

    global _front, _memory_stats
    stack = build_translation_stack(_share_threads(config).translation)
    _front = front_steps(build_pipeline(config, stack.translator, None).steps, cut)  # the parent's cut
    _memory_stats = stack.memory_stats


def _share_threads(config: Settings) -> Settings:
    """Workers share the CPUs: unless set, each translates with its share of them (threads do not
    change output; oversubscribed threads only slow everyone down)."""
    translation = config.translation
    if translation.inter_threads is not None:
        return config
    share = max(1, available_cpus() // max(1, config.worker_count) // (translation.intra_threads or 1))
    return config.with_overrides({"translation.inter_threads": share})


def _exit_with_parent() -> None:
    """A SIGKILLed run cannot stop its workers: they notice and leave. The run's process holds
    one end of a pipe whose other end each worker watches (multiprocessing's parent sentinel);
    the kernel closes it when the run dies. (The parent process id would not do: a worker's
    parent is the forkserver, which itself lives until its last worker is gone.)"""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
    os._exit(1)


def _run_in_worker(docs: list[Document]) -> FrontResult:
    result = run_front(_front, docs, _memory_stats)
    for doc in [*result.docs, *(failure.doc for failure in result.failures)]:
        doc.raw = b""  # only decoding reads the bytes; not sending them back halves the pickling
    return result


class FrontPool:
    """``workers`` processes running the front steps, results batch by batch in input order.

    A batch goes to the workers in pieces of ``CHUNK_DOCS`` documents when the front steps treat
    each document on its own (:func:`per_document`), else whole: small tasks keep every worker
    busy to the end of a run, where whole batches (32 documents by default) would leave one
    worker idle for up to a batch's time (100 pages in 4 batches over 2 workers: 64 pages on
    one, 36 on the other).
    """

    def __init__(self, config: Settings, workers: int, cut: int, front: list[Step],
                 memory_stats: Callable[[], dict[str, int]] = dict) -> None:
        """*cut*: where the parent split the pipeline's steps (:func:`split_steps`); *front*:
        the parent's own front steps, which the workers build the same way, and which this
        process runs on the pieces it takes itself (:meth:`map`); *memory_stats*: the parent's
        translation-memory counters."""
        context = forkserver.context()
        self._log_queue = context.Queue()
        root = logging.getLogger()
        self._listener = logging.handlers.QueueListener(self._log_queue, *root.handlers, respect_handler_level=True)
        self._listener.start()
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(config, cut, self._log_queue, _logger_levels()),
        )
        _widen_pipes(self._executor)
        self.workers = workers
        self._front = front
        self._memory_stats = memory_stats
        self._steps = [step.name for step in front]
        self._chunk = CHUNK_DOCS if per_document(front) else None
        self.pieces_here = 0  # pieces this process ran itself (see :meth:`_results`)
        self.closed = False
        # The forkserver preloads (~1 s: imports, language models, dateparser's patterns) while
        # this process runs the first pieces itself; a thread asks for the workers once it is ready.
        self._unsent: deque[tuple[list[Future[FrontResult] | None], int, list[Document]]] = deque()
        self._ready = threading.Event()  # set when the start is over: workers asked for, or given up
        self._asked = False  # whether the starting thread asked the forkserver for workers
        self._give_up = threading.Event()
        self._start_lock = threading.Lock()
        self._unsent_lock = threading.Lock()  # the starting thread sends the first pieces (_start_workers)
        threading.Thread(target=self._start_workers, name="docpipe-workers-start", daemon=True).start()

    def _start_workers(self) -> None:
        """Start the forkserver (unless ``docpipe run`` has, :func:`pipeline.forkserver.start`),
        and once it has preloaded, fork every worker, all from this thread, which Ctrl-C does not
        interrupt.

        Workers are asked for only once the preload is done (:mod:`pipeline.worker_preload` marks
        it), so a run whose own process finishes every piece first gives the start up
        (:meth:`close`) with nothing forked, instead of waiting seconds for workers it will not
        use. The executor forks a worker per submit while none is idle: the workers are still
        starting (their initializer builds the steps) when the next no-op task arrives, so each
        of these forks one. The pieces queued meanwhile are sent from here too: the main thread
        may be running a piece of its own (~0.3 s), and the new workers would idle until it
        finished (seen in a timeline of a 300-page run: 0.26 s between asking and sending).
        """
        # this thread only, for the reason forkserver.start gives: a submit from here also restarts a
        # forkserver that has died (multiprocessing's connect_to_new_process), outside start()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            forkserver.start()
            server = forkserver.running_ours()  # one started otherwise leaves no mark: taken as ready
            deadline = time.monotonic() + STARTUP_WAIT_SECONDS
            while server is not None and not forkserver.loaded(server) and time.monotonic() < deadline:
                if self._give_up.wait(PRELOAD_POLL_SECONDS):
                    return
            with self._start_lock:
                if self._give_up.is_set():
                    return
                self._asked = True
                forkserver.claim(server)
                for _ in range(self.workers):
                    self._executor.submit(int)
                self._ready.set()
                self._send_unsent()
        except Exception:  # a broken or closed pool: the next submit raises it where that is handled
            pass
        finally:
            self._ready.set()

    def _send_unsent(self) -> None:
        """Once the workers are up, submit the pieces queued for them while they started."""
        if not (self._ready.is_set() and self._asked):
            return
        # a submit may fork a worker (one that died, or one not forked yet)
        with held_interrupt(), self._unsent_lock:
            while self._unsent:
                futures, i, piece = self._unsent.popleft()
                if futures[i] is None:
                    futures[i] = self._executor.submit(_run_in_worker, piece)

    def map(self, batches: Iterable[T], docs_of: Callable[[T], list[Document]]) -> Iterator[tuple[T, FrontResult]]:
        """Each batch with its front result, in input order. At least two tasks per worker and
        the batch after the one awaited are in flight, so the workers go on while this process
        finishes a batch (pieces: :func:`cut_pieces`)."""
        pending: deque[tuple[T, list[int], list[Future[FrontResult] | None], list[list[Document]]]] = deque()
        in_flight = 0
        source = iter(batches)
        upcoming = next(source, None)
        while True:
            while upcoming is not None and (len(pending) < 2 or in_flight < 2 * self.workers):
                batch, upcoming = upcoming, next(source, None)
                docs = docs_of(batch)
                offsets, pieces = cut_pieces(docs, self._chunk, last=upcoming is None)
                futures: list[Future[FrontResult] | None] = [None] * len(offsets)
                with self._unsent_lock:
                    self._unsent.extend((futures, i, piece) for i, piece in enumerate(pieces))
                pending.append((batch, offsets, futures, pieces))
                in_flight += len(futures)
            if not pending:
                return
            batch, offsets, futures, pieces = pending.popleft()
            try:
                parts = self._results(futures, pieces)
            except BrokenProcessPool as exc:
                raise WorkerDied(f"a worker process died ({exc})") from None
            in_flight -= len(futures)
            yield batch, combine(parts, offsets, self._steps)

    def _results(self, futures: list[Future[FrontResult] | None], pieces: list[list[Document]]
                 ) -> list[FrontResult]:
        """The front results of a batch's pieces. A piece no worker has taken yet (not yet sent
        while the workers start, or a task that can still be cancelled) is run here instead of
        waited for, the last one first: at the start of a run the forkserver loads the models
        (~1 s) while this process would otherwise idle, and later this process waits for the
        batch it must finish next rather than for the workers' queue. A piece's result does
        not depend on the process that made it."""
        parts: list[FrontResult | None] = [None] * len(futures)
        waiting = list(range(len(futures)))
        while waiting:
            self._send_unsent()
            with self._unsent_lock:
                mine = next((i for i in reversed(waiting)
                             if futures[i] is None or (self._chunk and futures[i].cancel())), None)  # type: ignore[union-attr]
                if mine is not None:
                    self._take(futures, mine)
            if mine is None:
                i = waiting.pop(0)
                parts[i] = futures[i].result()  # type: ignore[union-attr]
            else:
                waiting.remove(mine)
                parts[mine] = run_front(self._front, pieces[mine], self._memory_stats)
                self.pieces_here += 1
        return parts  # type: ignore[return-value]

    def _take(self, futures: list[Future[FrontResult] | None], i: int) -> None:
        """Keep piece *i* of *futures* from being sent to the workers (this process runs it)."""
        for k, (queued, j, _) in enumerate(self._unsent):
            if queued is futures and j == i:
                del self._unsent[k]
                return

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers: after every submitted task (*wait*), or soon (Ctrl-C, a failure):
        queued tasks are cancelled, the pieces already running finish (at most
        ``STOP_GRACE_SECONDS``), then any worker left is terminated. Either way, workers still
        being forked are waited for first: one left behind would read its process data after this
        process has exited and removed the pool's semaphores, and die of it in a traceback.
        A close interrupted by Ctrl-C may be followed by ``close(wait=False)``.

        Terminating a worker at once could kill it halfway through writing a result to the pool's
        pipe; the executor's manager thread then waits for the rest of that message forever, and
        the run never exits (seen about once in ten Ctrl-C tests).
        """
        if self.closed:
            return
        with self._start_lock:  # workers not asked for yet will not be
            self._give_up.set()
        self._ready.wait(STARTUP_WAIT_SECONDS)
        if not self._asked:
            forkserver.stop_unused()
        if wait:
            self._executor.shutdown(wait=True, cancel_futures=True)
        else:
            processes = list((getattr(self._executor, "_processes", None) or {}).values())
            self._executor.shutdown(wait=False, cancel_futures=True)
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            for process in processes:
                process.join(max(0.0, deadline - time.monotonic()))
            stuck = [process for process in processes if process.is_alive()]
            for process in stuck:
                process.terminate()
            for process in stuck:
                process.join(STOP_GRACE_SECONDS)
        if self._listener._thread is not None:  # type: ignore[attr-defined]  # stopped by an interrupted close
            self._listener.stop()
        self._log_queue.close()
        self.closed = True


#: Pipe buffer asked for the pool's task and result pipes (at most /proc/sys/fs/pipe-max-size,
#: which an unprivileged process may not exceed; 1 MiB by default).
PIPE_BYTES = 1 << 20


def _widen_pipes(executor: ProcessPoolExecutor) -> None:
    """Give the pool's task and result pipes a 1 MiB buffer instead of Linux's 64 KiB.

    A piece of four HTML pages is ~1 MB to send and its result ~250 KB to send back. Through a
    64 KiB pipe each message crosses in chunks, and every chunk waits for this process's sending
    or receiving thread to get the GIL back from the main thread (which is running back halves or
    a piece of its own): a worker waited ~12 ms per hand-off between pieces, ~0.37 s per worker in
    a 300-page run; with the wider pipes, 5–7 ms (0.18–0.25 s). Where the system refuses (another
    OS, a lower limit, a Python whose executor names its queues otherwise), the pipes stay as
    they are: only that time is lost.
    """
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if setting is None:
        return
    size = PIPE_BYTES
    with contextlib.suppress(OSError, ValueError):  # above the limit, only a privileged process may
        size = min(size, int(Path("/proc/sys/fs/pipe-max-size").read_text()))
    for queue in ("_call_queue", "_result_queue"):  # the executor's own (private) queues
        with contextlib.suppress(AttributeError, OSError, ValueError):
            fcntl.fcntl(getattr(executor, queue)._reader.fileno(), setting, size)  # one end sizes the pipe


def _logger_levels() -> dict[str, int]:
    """Levels set explicitly in this process (root, ``pipeline``, quietened libraries)."""
    levels = {"": logging.getLogger().level}
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            levels[name] = logger.level
    return levels
