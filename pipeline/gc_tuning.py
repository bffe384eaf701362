"""How a run's processes set up Python's garbage collector, once everything long-lived is loaded.

A run allocates and frees millions of short-lived objects (lxml element proxies, tokens, span
tuples); nearly all are freed by reference counting, yet the collector's default first
generation (700 allocations) starts a young collection ~7 times a page and a full one every
~20 pages. Measured with ``gc.callbacks`` over 150 wcxb pages in ``docpipe run --workers 1``:
0.37 CPU-s of collections with the defaults, 0.12–0.14 with a first generation of 20,000 (peak
RSS 212–213 MB either way); 50,000 was no better. The long-lived objects (modules, models,
tables) are frozen first, so the full collections that remain do not walk them either.
"""

from __future__ import annotations

import gc

#: Allocations (minus deallocations) between two young collections.
FIRST_GENERATION_THRESHOLD = 20_000


def settle_for_run() -> None:
    """Freeze what is loaded now (it lives as long as the process) and space out collections.

    Called where a run's process has loaded its modules and models: the one-process run before
    its first batch, and the forkserver before it forks the workers (they inherit both).
    """
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, second, third)
