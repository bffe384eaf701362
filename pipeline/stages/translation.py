"""Stage 4: English for every non-English segment, batched across the whole batch.

All pending segments of all documents in the batch go to the translator in one call per
language pair, each distinct text once, so a batched backend sees large batches and chrome
repeated across pages costs one translation. Uncovered pairs are recorded as ``no_model``
and a failing pair as ``failed`` — the documents themselves never fail here.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

from pipeline.document import Document, Segment, Translation, TranslationStatus
from pipeline.langtags import UNDETERMINED, base_language, model_language
from pipeline.stages.base import Failure, Step
from pipeline.translate import Translator

log = logging.getLogger(__name__)


class TranslateStep(Step):
    name = "translate"

    def __init__(self, translator: Translator, target: str = "en") -> None:
        super().__init__()
        self.translator = translator
        self.target = target

    def process(self, doc: Document) -> None:
        self.process_batch([doc])

    def process_batch(self, docs: list[Document]) -> list[Failure]:
        started = time.perf_counter()
        pending: dict[str, list[tuple[Document, Segment]]] = defaultdict(list)
        for doc in docs:
            for segment in doc.segments:
                if segment.lang == UNDETERMINED or base_language(segment.lang) == self.target:
                    segment.translation = Translation(TranslationStatus.NOT_NEEDED)
                else:
                    pending[model_language(segment.lang)].append((doc, segment))
        for source, items in sorted(pending.items()):
            self._translate_pair(source, items)
        self.stats.documents += len(docs)
        self.stats.seconds += time.perf_counter() - started
        return []

    def _translate_pair(self, source: str, items: list[tuple[Document, Segment]]) -> None:
        model = self.translator.model_for(source, self.target)
        if model is None:
            for _, segment in items:
                segment.translation = Translation(TranslationStatus.NO_MODEL)
            self._count(TranslationStatus.NO_MODEL, source, len(items))
            return
        texts = sorted({segment.text for _, segment in items})
        try:
            outputs = dict(zip(texts, self.translator.translate(source, self.target, texts), strict=True))
        except Exception as exc:  # a broken model must not fail the documents
            log.error("translation %s→%s failed for %d segments: %s", source, self.target, len(texts), exc)
            for _, segment in items:
                segment.translation = Translation(TranslationStatus.FAILED, model=model)
            self._count(TranslationStatus.FAILED, source, len(items))
            return
        for doc, segment in items:
            segment.translation = Translation(TranslationStatus.TRANSLATED, outputs[segment.text], model)
            doc.models.add(model)
        self._count(TranslationStatus.TRANSLATED, source, len(items))

    def _count(self, status: TranslationStatus, source: str, n: int) -> None:
        """Totals per status, and per status and source language (``no_model:ps``)."""
        self.stats.counters[status.value] += n
        self.stats.counters[f"{status.value}:{source}"] += n
