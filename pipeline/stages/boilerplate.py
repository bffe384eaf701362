"""Stage 5: give every block a role — content, or which kind of chrome it is.

HTML documents arrive with roles from the extraction; plain text goes through the line
classifier, which sees each line's language and English translation so that chrome in
Arabic or Pashto is recognised through its English meaning. Nothing is dropped: segments
inherit their block's role and stay in the record.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from pipeline.boilerplate import Line, TextBoilerplateClassifier
from pipeline.document import Alternate, Document, Role, Segment, TranslationStatus
from pipeline.langtags import UNDETERMINED
from pipeline.stages.base import Step


class BoilerplateStep(Step):
    name = "boilerplate"

    def __init__(self, classifier: TextBoilerplateClassifier | None = None) -> None:
        super().__init__()
        self.classifier = classifier or TextBoilerplateClassifier()

    def process(self, doc: Document) -> None:
        by_block = doc.segments_by_block()
        if not doc.roles_assigned:
            lines = [
                Line(
                    start=block.start,
                    end=block.end,
                    text=block.text,
                    indent=block.indent,
                    lang=_dominant_language(segments),
                    text_en=_english(segments),
                )
                for block, segments in zip(doc.blocks, by_block, strict=True)
            ]
            host = urlsplit(doc.metadata.url).hostname if doc.metadata.url else None
            for block, (role, score) in zip(doc.blocks, self.classifier.classify(lines, host), strict=True):
                block.role, block.role_score = role, round(float(score), 4)
        for block, segments in zip(doc.blocks, by_block, strict=True):
            for segment in segments:
                segment.role = block.role
            self.stats.counters[f"role_{block.role.value}"] += 1
        doc.alternates = _alternates(doc, by_block)


def _dominant_language(segments: list[Segment]) -> str | None:
    weights: Counter[str] = Counter()
    for segment in segments:
        if segment.lang != UNDETERMINED:
            weights[segment.lang] += len(segment.text)
    return weights.most_common(1)[0][0] if weights else None


def _english(segments: list[Segment]) -> str | None:
    """The block in English when every part of it is English or translated, else None."""
    parts = []
    for segment in segments:
        translation = segment.translation
        if translation is None or translation.status == TranslationStatus.NOT_NEEDED:
            parts.append(segment.text)
        elif translation.status == TranslationStatus.TRANSLATED and translation.text is not None:
            parts.append(translation.text)
        else:
            return None
    return " ".join(parts)


def _alternates(doc: Document, by_block: list[list[Segment]]) -> list[Alternate]:
    """Page alternates from the extraction plus switcher lines, one per language."""
    found = {alt.lang: alt for alt in doc.alternates}
    for block, segments in zip(doc.blocks, by_block, strict=True):
        if block.role != Role.LANGUAGE_SWITCHER:
            continue
        lang = _dominant_language(segments)
        if lang and lang not in found:
            found[lang] = Alternate(lang=lang, label=block.text.lstrip("•·-*▪◦ ").strip())
    return list(found.values())
