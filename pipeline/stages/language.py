"""Stage 3: split blocks into same-language segments and tag each one.

Blocks are cut at script changes (an English paragraph with an inline Arabic verse becomes
three segments) and every run is identified. Long blocks first give a document-level
language distribution, which then serves as the prior for short strings — two-word menu
labels fool every detector on their own.
"""

from __future__ import annotations

from collections import Counter

from pipeline.document import Document, Segment
from pipeline.langid import LangContext, LanguageIdentifier, Span, get_identifier
from pipeline.langtags import UNDETERMINED, normalize_tag
from pipeline.stages.base import Step

_PRIOR_MIN_CHARS = 30


class LanguageStep(Step):
    name = "language"

    def __init__(self, identifier: LanguageIdentifier | None = None) -> None:
        super().__init__()
        self._identifier = identifier

    @property
    def identifier(self) -> LanguageIdentifier:
        if self._identifier is None:
            self._identifier = get_identifier()
        return self._identifier

    def process(self, doc: Document) -> None:
        context = self._document_context(doc)
        segments: list[Segment] = []
        for block in doc.blocks:
            spans = self.identifier.spans(block.text, context)
            for start, end, span in _tile(block.text, spans):
                segments.append(
                    Segment(
                        id=len(segments),
                        block=block.index,
                        start=block.start + start,
                        end=block.start + end,
                        text=block.text[start:end],
                        script=span.script if span else "Zyyy",
                        lang=normalize_tag(span.lang) if span else UNDETERMINED,
                        lang_score=round(float(span.score), 4) if span else 0.0,
                    )
                )
        doc.segments = segments
        self.stats.counters["segments"] += len(segments)

    def _document_context(self, doc: Document) -> LangContext | None:
        long_blocks = [b.text for b in doc.blocks if len(b.text) >= _PRIOR_MIN_CHARS]
        if not long_blocks:
            return None
        weights: Counter[str] = Counter()
        for text, detection in zip(long_blocks, self.identifier.detect_batch(long_blocks), strict=True):
            if detection.lang != UNDETERMINED:
                weights[detection.lang] += len(text) * detection.score
        total = sum(weights.values())
        if not total:
            return None
        return LangContext(prior={lang: w / total for lang, w in weights.items()})


def _tile(text: str, spans: list[Span]) -> list[tuple[int, int, Span | None]]:
    """Segments that cover every non-space character of *text*, whatever the spans missed.

    Each span is stretched to the start of the next one (minus whitespace), so characters a
    detector skipped (punctuation between runs, controls) still belong to a segment.
    """
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip())
    if first >= last:
        return []
    ordered = sorted((s for s in spans if s.end > s.start), key=lambda s: s.start)
    if not ordered:
        return [(first, last, None)]
    pieces: list[tuple[int, int, Span | None]] = []
    for i, span in enumerate(ordered):
        start = first if i == 0 else max(span.start, pieces[-1][1])
        end = ordered[i + 1].start if i + 1 < len(ordered) else last
        end = start + len(text[start:end].rstrip())
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            pieces.append((start, end, span))
    return pieces
