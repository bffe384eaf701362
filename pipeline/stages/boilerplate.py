"""Stage 5: give every block a role — content, or which kind of chrome it is — and settle the
page's metadata, title and language alternates.

This is the one place roles are assigned, for both formats. Plain text goes through the line
classifier, which sees each line's language and English translation so that chrome in Arabic or
Pashto is recognised through its English meaning. For HTML the layout stage has attached what
the markup says (trafilatura's verdict on each block, captions, metadata, hreflang alternates):
:func:`~pipeline.boilerplate.html.label_lines` weighs that with the classifier, on the rendered
lines alone (as the HTML path was tuned: no languages or translations). Nothing is dropped:
segments inherit their block's role and stay in the record.

With a :class:`HostMemory`, each batch's pages are first added to their site's line counts,
and lines the site repeats across its pages are passed to the classifier as chrome evidence
(for HTML, lines trafilatura kept that the site repeats are demoted to boilerplate).

An HTML page's labels come from its own markup and lines alone; only the demotion of
site-repeated lines reads the memory. So the labelling (most of this step's time on HTML) is
the step's memory-free half (:meth:`BoilerplateStep.ahead`, :class:`HtmlLabelsStep`), which a
run with several worker processes runs in the workers (:mod:`pipeline.workers`); the rest stays
with the memory, in input order. One process runs the same two halves.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from pipeline.boilerplate import Line, TextBoilerplateClassifier, label_lines
from pipeline.boilerplate.host_memory import HostMemory, site_of
from pipeline.boilerplate.roles import Roles
from pipeline.document import Alternate, Document, Metadata, Role, Segment, TranslationStatus
from pipeline.langtags import UNDETERMINED
from pipeline.stages.base import Failure, Step
from pipeline.store import StoreError

log = logging.getLogger(__name__)

# A page on which this many repeated lines are whole sentences is a copy of a page already
# seen (the same article under another URL), not a page full of chrome: ignore the memory.
DUPLICATE_SENTENCES = 3
SENTENCE_MIN_WORDS = 12
_SENTENCE_END_RE = re.compile(r"[.!?؟۔।\"'”’)\]]\s*$")
# a line trafilatura kept that the site repeats on its other pages: its role score is capped here
HOST_REPEATED_SCORE = 0.05
# a record's role_score has this many decimals: the model's last digits differ between CPUs (its
# products and tanh use other SIMD kernels), so full precision would make records machine-dependent
ROLE_SCORE_DECIMALS = 4
_ENGLISH = "en"  # the language the classifier's English phrase lists are in


def _role_score(score: float) -> float:
    return round(float(score), ROLE_SCORE_DECIMALS)


class BoilerplateStep(Step):
    name = "boilerplate"

    def __init__(self, classifier: TextBoilerplateClassifier | None = None, memory: HostMemory | None = None) -> None:
        super().__init__()
        self.classifier = classifier or TextBoilerplateClassifier()
        self.memory = memory

    def ahead(self) -> HtmlLabelsStep:
        """The memory-free half (an HTML page's labels), to run before this step (in a worker)."""
        step = HtmlLabelsStep(self)
        step.time_limit = self.time_limit
        return step

    def html_labels(self, doc: Document) -> Roles | None:
        """An HTML page's roles before the site's memory is consulted (None: not an HTML page
        with blocks): the markup's evidence weighed with the classifier, on the rendered lines alone."""
        markup = doc.markup
        if markup is None or not doc.blocks:
            return None
        evidence = [block.evidence for block in doc.blocks if block.evidence is not None]
        if len(evidence) != len(doc.blocks):
            raise ValueError("HTML blocks without the layout stage's evidence")
        lines = [Line(start=b.start, end=b.end, text=b.text, indent=b.indent) for b in doc.blocks]
        return label_lines(lines, evidence, markup.extracted, markup.metadata.title, self.classifier)

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
        if doc.markup is not None:
            self._html_roles(doc, repeated)
        else:
            self._text_roles(doc, by_block, site, repeated)
        for block, segments in zip(doc.blocks, by_block, strict=True):
            for segment in segments:
                segment.role = block.role
            self.stats.counters[f"role_{block.role.value}"] += 1
        doc.metadata = _metadata(doc)
        title = doc.title_block()
        if title is not None:
            doc.metadata.title = doc.metadata.title or doc.blocks[title].text
        doc.alternates = _alternates(doc, by_block)

    def _html_roles(self, doc: Document, repeated: list[bool] | None) -> None:
        """The page's labels (:meth:`html_labels`, made ahead or now), lines the site repeats demoted."""
        roles = doc.prepared.pop(self.name, None)
        if not isinstance(roles, Roles):  # run without its first half (a plain Pipeline)
            roles = self.html_labels(doc)
        if roles is None:
            return
        doc.quality = list(roles.quality)
        for block, (role, score), flag in zip(doc.blocks, roles, repeated or [False] * len(roles), strict=True):
            if flag and role.is_main:  # the site repeats it on its other pages: chrome trafilatura kept
                role, score = Role.BOILERPLATE, min(score or 0.0, HOST_REPEATED_SCORE)
                self.stats.counters["host_repeated_demoted"] += 1
            block.role, block.role_score = role, _role_score(score)

    def _text_roles(self, doc: Document, by_block: list[list[Segment]], site: str | None,
                    repeated: list[bool] | None) -> None:
        """Roles from the classifier, which sees each line's language and, for a line mostly in another
        language, its English. A line mostly in English is judged on its own words: an inline quotation's
        translation (a verse, a slogan) must not make a paragraph read as a notice or as chrome."""
        lines = []
        for block, segments in zip(doc.blocks, by_block, strict=True):
            lang = _dominant_language(segments)
            lines.append(Line(start=block.start, end=block.end, text=block.text, indent=block.indent, lang=lang,
                              text_en=None if lang == _ENGLISH else _english(segments)))
        roles = self.classifier.classify(lines, site, repeated=repeated)
        doc.quality = list(roles.quality)
        for block, (role, score) in zip(doc.blocks, roles, strict=True):
            block.role, block.role_score = role, _role_score(score)

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


class HtmlLabelsStep(Step):
    """The first half of :class:`BoilerplateStep`: an HTML page's labels, which need no per-site
    memory and nothing the language and translation steps add (only the layout's blocks and
    evidence), so they may be made before those steps, in a worker. Left in
    ``doc.prepared["boilerplate"]`` for the second half; plain text is labelled there (it needs
    each line's language and English)."""

    name = BoilerplateStep.name

    def __init__(self, step: BoilerplateStep) -> None:
        super().__init__()
        self.step = step

    def process(self, doc: Document) -> None:
        roles = self.step.html_labels(doc)
        if roles is not None:
            doc.prepared[self.name] = roles


def _site(doc: Document) -> str | None:
    return site_of(_metadata(doc).url, doc.source.uri)


def _metadata(doc: Document) -> Metadata:
    """The document's metadata, each field missing there taken from the markup (HTML)."""
    current = doc.metadata
    found = doc.markup.metadata if doc.markup is not None else Metadata()
    return Metadata(
        title=current.title or found.title,
        author=current.author or found.author,
        date=current.date or found.date,
        site=current.site or found.site,
        url=current.url or found.url,
    )


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
    """The markup's alternates (hreflang links, switcher anchors; one per language, the last wins)
    plus a language-switcher line for each language they lack."""
    found = {alt.lang: alt for alt in (doc.markup.alternates if doc.markup is not None else [])}
    for block, segments in zip(doc.blocks, by_block, strict=True):
        if block.role != Role.LANGUAGE_SWITCHER:
            continue
        lang = _dominant_language(segments)
        if lang and lang not in found:
            found[lang] = Alternate(lang=lang, label=block.text.lstrip("•·-*▪◦ ").strip())
    return list(found.values())
