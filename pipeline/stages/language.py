"""Stage 3: split blocks into same-language segments and tag each one.

Blocks are cut at script changes (an English paragraph with an inline Arabic verse becomes
three segments) and every run is identified. The page's blocks are identified together
(:func:`pipeline.langid.page.identify_page`): the long blocks give an article prior, the short
Arabic-script blocks a chrome prior (two-word menu labels fool every detector on their own),
and the page's declared language, its alternates and — with a per-site memory — the chrome
locale of the site's earlier pages tip what is still open. The page's chrome locale, when
clear, is remembered for the site's next pages.

The step works in two halves so that a run with several worker processes keeps the models
in the workers and the per-site memory in one place (:mod:`pipeline.workers`):
:class:`LanguageLinesStep` (:meth:`LanguageStep.ahead`) computes each line's posteriors and the
page's own priors (:func:`pipeline.langid.page.page_lines`, the models' work, memory-free) in a
worker; :meth:`LanguageStep.process` then finishes the page with the site's remembered chrome
locale (:func:`pipeline.langid.page.decide_page`, no model) in the process that holds the
memory, page by page in input order. One process runs the same two halves, so every worker
count gives the same bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from pipeline.boilerplate.host_memory import HostMemory, site_of
from pipeline.document import Document, Segment
from pipeline.langid import LanguageIdentifier, SpanTuple, get_identifier
from pipeline.langid.page import PageHints, PageLines, decide_page, declared_language, page_lines
from pipeline.langtags import UNDETERMINED, normalize_tag
from pipeline.stages.base import Step
from pipeline.store import StoreError

log = logging.getLogger(__name__)


class LanguageStep(Step):
    name = "language"

    def __init__(self, identifier: LanguageIdentifier | None = None, memory: HostMemory | None = None) -> None:
        super().__init__()
        self._identifier = identifier
        self.memory = memory

    @property
    def identifier(self) -> LanguageIdentifier:
        if self._identifier is None:
            self._identifier = get_identifier()
        return self._identifier

    def ahead(self) -> LanguageLinesStep:
        """The memory-free half, to run before this step (in a worker)."""
        step = LanguageLinesStep(self)
        step.time_limit = self.time_limit
        return step

    def prepare(self, doc: Document) -> PreparedPage:
        """The lines' posteriors and the page's declared language (what :meth:`ahead` stores)."""
        declared = declared_language(doc.raw) if doc.source.format == "html" else None
        return PreparedPage(page_lines(self.identifier, [block.text for block in doc.blocks]), declared)

    def process(self, doc: Document) -> None:
        prepared = doc.prepared.pop(self.name, None)
        if not isinstance(prepared, PreparedPage):  # run without its first half (a plain Pipeline)
            prepared = self.prepare(doc)
        site = site_of(doc.metadata.url, doc.source.uri) if self.memory is not None else None
        found = decide_page(prepared.lines, self._hints(doc, prepared.declared, site))
        if site is not None:
            self._remember(site, found.chrome_locale())
        segments: list[Segment] = []
        for block, block_spans in zip(doc.blocks, found.spans, strict=True):
            for start, end, span in _tile(block.text, block_spans):  # span: (start, end, lang, score, script)
                segments.append(
                    Segment(
                        id=len(segments),
                        block=block.index,
                        start=block.start + start,
                        end=block.start + end,
                        text=block.text[start:end],
                        script=span[4] if span else "Zyyy",
                        lang=normalize_tag(span[2]) if span else UNDETERMINED,
                        lang_score=round(float(span[3]), 4) if span else 0.0,
                    )
                )
        doc.segments = segments
        self.stats.counters["segments"] += len(segments)

    def _hints(self, doc: Document, declared: str | None, site: str | None) -> PageHints:
        remembered = None
        if site is not None and self.memory is not None:
            try:
                remembered = self.memory.chrome_locales(site)
            except StoreError:
                raise  # the store is down: the run stops, as for any record
            except Exception as exc:  # the memory is an aid: identify without it
                log.warning("host memory not used for %s: %s", doc.doc_id, exc)
                self.stats.counters["host_memory_errors"] += 1
        return PageHints(declared=declared, alternates=tuple(a.lang for a in doc.alternates), site=remembered)

    def _remember(self, site: str, locale: str | None) -> None:
        if locale is None or self.memory is None:
            return
        self.memory.remember_chrome_locale(site, locale)
        self.stats.counters["chrome_locale_remembered"] += 1


@dataclass(slots=True)
class PreparedPage:
    """The language step's first half of one page: its lines' posteriors and declared language."""

    lines: PageLines
    declared: str | None


class LanguageLinesStep(Step):
    """The first half of :class:`LanguageStep`: the models' work on a page, which needs no
    per-site memory. It leaves its result in ``doc.prepared["language"]`` for the second half."""

    name = LanguageStep.name

    def __init__(self, step: LanguageStep) -> None:
        super().__init__()
        self.step = step

    def process(self, doc: Document) -> None:
        doc.prepared[self.name] = self.step.prepare(doc)


def _tile(text: str, spans: Sequence[SpanTuple]) -> list[tuple[int, int, SpanTuple | None]]:
    """Segments that cover every non-space character of *text*, whatever the spans missed.

    Each span is stretched to the start of the next one (minus whitespace), so characters a
    detector skipped (punctuation between runs, controls) still belong to a segment. Spans are
    ``(start, end, lang, score, script)``, as tuples or :class:`~pipeline.langid.Span`.
    """
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip())
    if first >= last:
        return []
    if len(spans) == 1:  # most lines: one span, stretched over the line's non-space extent
        return [(first, last, spans[0] if spans[0][1] > spans[0][0] else None)]
    ordered = sorted((s for s in spans if s[1] > s[0]), key=itemgetter(0))
    if not ordered:
        return [(first, last, None)]
    pieces: list[tuple[int, int, SpanTuple | None]] = []
    for i, span in enumerate(ordered):
        start = first if i == 0 else max(span[0], pieces[-1][1])
        end = ordered[i + 1][0] if i + 1 < len(ordered) else last
        end = start + len(text[start:end].rstrip())
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            pieces.append((start, end, span))
    return pieces
