"""What a run's forkserver loads once, before it forks the workers (:mod:`pipeline.workers`).

Every worker needs the same code and tables: the stage modules (trafilatura, htmldate, the
boilerplate models: ~0.5 CPU-s of imports and regular-expression compiling), the language-ID
models, and dateparser's per-locale regular expressions, which htmldate builds the first time a
page's date is left to dateparser (~0.3 CPU-s from the patterns :mod:`pipeline.regex_cache`
stores, 2.0–2.7 without them, in every process that meets such a page).
Loaded here, in the one process the workers are forked from, they are paid once per run and
shared copy-on-write, instead of once per worker.

Importing this module does the work (that is how ``multiprocessing``'s forkserver preloads).
Nothing here starts a thread, so forking afterwards is safe; nothing here changes a result: the
caches filled are the ones the first page would fill.
"""

from __future__ import annotations

import logging
import time

from pipeline import forkserver
from pipeline.gc_tuning import settle_for_run

log = logging.getLogger(__name__)

#: Strings in the scripts whose models load on first use (Latin: fastText and py3langid;
#: Arabic: orthography and langdetect as well).
_WARM_TEXTS = ("The minister said the road would open next month.", "گفت که جاده ماه آینده باز می‌شود")


def warm() -> float:
    """Import the front stages and fill the caches every worker would fill; CPU seconds spent."""
    started = time.process_time()
    import pipeline.stages  # noqa: F401  (the stage modules, trafilatura, the boilerplate models)
    from pipeline.langid import get_identifier
    from pipeline.translate import service  # noqa: F401

    get_identifier().span_tuples_batch(list(_WARM_TEXTS))
    from pipeline.regex_cache import warm_dateparser

    warm_dateparser()  # its patterns come from pipeline.regex_cache's file when make setup wrote it
    return time.process_time() - started


try:
    warm()
except Exception as exc:  # a worker loads whatever is missing itself; only the saving is lost
    log.warning("worker preload incomplete: %s", exc)
# What is loaded now lives as long as the workers: out of the collector's way, every full
# collection in a worker skips it (and a collection does not write to the pages the workers share);
# the workers inherit the spaced-out collections too
settle_for_run()
forkserver.mark_loaded()  # the run may ask for workers now (pipeline.forkserver)
