"""Stage 5: give every block a role — content, or which kind of chrome it is.

HTML documents arrive with roles from the extraction; plain text goes through the line
classifier, which sees each line's language and English translation so that chrome in
Arabic or Pashto is recognised through its English meaning. Nothing is dropped: segments
inherit their block's role and stay in the record.

With a :class:`HostMemory`, each batch's pages are first added to their site's line counts,
and lines the site repeats across its pages are passed to the classifier as chrome evidence
(for HTML, extracted lines the site repeats are demoted to boilerplate).
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from pipeline.boilerplate import Line, TextBoilerplateClassifier
from pipeline.boilerplate.host_memory import HostMemory, site_of
from pipeline.document import Alternate, Document, Role, Segment, TranslationStatus
from pipeline.langtags import UNDETERMINED
from pipeline.stages.base import Failure, Step
from pipeline.store import StoreError

log = logging.getLogger(__name__)

# A page on which this many repeated lines are whole sentences is a copy of a page already
# seen (the same article under another URL), not a page full of chrome: ignore the memory.
DUPLICATE_SENTENCES = 3
SENTENCE_MIN_WORDS = 12
_SENTENCE_END_RE = re.compile(r"[.!?؟۔।\"'”’)\]]\s*$")


class BoilerplateStep(Step):
    name = "boilerplate"

    def __init__(self, classifier: TextBoilerplateClassifier | None = None, memory: HostMemory | None = None) -> None:
        super().__init__()
        self.classifier = classifier or TextBoilerplateClassifier()
        self.memory = memory

    def process_batch(self, docs: list[Document]) -> list[Failure]:
        """Add the whole batch to the host memory first, so pages of one new site help each other."""
        if self.memory is not None:
            for doc in docs:
                site = _site(doc)
                if not (site and doc.blocks):
                    continue
                try:
                    self.memory.observe(site, _page_ids(doc), (block.text for block in doc.blocks))
                except StoreError:
                    raise  # the store is down: the run stops, as for any record
                except Exception as exc:  # the memory is an aid: never lose a document over it
                    log.warning("host memory skipped %s: %s", doc.doc_id, exc)
                    self.stats.counters["host_memory_errors"] += 1
        return super().process_batch(docs)

    def process(self, doc: Document) -> None:
        by_block = doc.segments_by_block()
        site = _site(doc)
        repeated = self._repeated(doc, site)
        if doc.roles_assigned and repeated:
            for block, flag in zip(doc.blocks, repeated, strict=True):
                if flag and block.role.is_main:
                    block.role, block.role_score = Role.BOILERPLATE, min(block.role_score or 0.0, 0.05)
                    self.stats.counters["host_repeated_demoted"] += 1
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
            roles = self.classifier.classify(lines, site, repeated=repeated)
            doc.quality = list(roles.quality)
            for block, (role, score) in zip(doc.blocks, roles, strict=True):
                block.role, block.role_score = role, round(float(score), 4)
        for block, segments in zip(doc.blocks, by_block, strict=True):
            for segment in segments:
                segment.role = block.role
            self.stats.counters[f"role_{block.role.value}"] += 1
        doc.alternates = _alternates(doc, by_block)

    def _repeated(self, doc: Document, site: str | None) -> list[bool] | None:
        """Per block: does the site repeat this line across its pages? None without memory."""
        if self.memory is None or site is None or not doc.blocks:
            return None
        texts = [block.text for block in doc.blocks]
        try:
            flags = self.memory.repeated(site, texts)
        except Exception as exc:  # e.g. the site's object could not be read: classify without it
            log.warning("host memory not used for %s: %s", doc.doc_id, exc)
            self.stats.counters["host_memory_errors"] += 1
            return None
        if not any(flags):
            return None
        sentences = sum(1 for text, flag in zip(texts, flags, strict=True) if flag and _sentence_like(text))
        if sentences >= DUPLICATE_SENTENCES:
            self.stats.counters["host_duplicate_pages"] += 1
            return None
        self.stats.counters["host_repeated_lines"] += sum(flags)
        self.memory.stats["repeated_lines"] += sum(flags)
        return flags


def _site(doc: Document) -> str | None:
    return site_of(doc.metadata.url, doc.source.uri)


def _page_ids(doc: Document) -> tuple[str, ...]:
    """The input's id (a page re-scraped with a new timestamp is not a new page) and its content
    hash (nor is the same page under another address)."""
    ids = [doc.doc_id]
    if doc.source.sha256:
        ids.append("sha256:" + doc.source.sha256[:16])
    return tuple(ids)


def _sentence_like(text: str) -> bool:
    return len(text.split()) >= SENTENCE_MIN_WORDS and bool(_SENTENCE_END_RE.search(text))


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
