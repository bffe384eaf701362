"""The typed document model that flows through every stage.

One slotted dataclass per concept, as in datatrove's ``Document``: stages read and fill
fields in place, so a document carries everything learned about it from bytes to record.
Offsets (``start``/``end``) always index :attr:`Document.text`, the analysed text: the
decoded file for plain text, the rendered page for HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a block is on the page. Everything but ``CONTENT`` and ``TITLE`` is stripped."""

    CONTENT = "content"
    TITLE = "title"
    HEADING = "heading"
    BYLINE = "byline"
    BOILERPLATE = "boilerplate"
    NAVIGATION = "navigation"
    LANGUAGE_SWITCHER = "language_switcher"
    SHARE = "share"
    LOGIN = "login"
    COMMENTS = "comments"
    RELATED = "related"
    FOOTER = "footer"
    DATE = "date"
    CAPTION = "caption"  # image caption or photo credit
    NOTICE = "notice"  # disclaimer, disclosure, copyright note or call to action next to the article

    @property
    def is_main(self) -> bool:
        """True for roles whose text belongs to the cleaned main content (the article body).

        The title is not: it is the record's ``title`` field, as in trafilatura's output and in
        schema.org's ``headline`` / ``articleBody`` split that extraction benchmarks follow.
        """
        return self in MAIN_ROLES


MAIN_ROLES = frozenset({Role.CONTENT, Role.HEADING})

# The quality flags a record may carry (Document.quality; docs/output-format.md, "quality") and what
# each means, for the run summary and the viewer (a run manifest lists the flagged documents)
QUALITY_FLAGS = {
    "article_fallback": "the classifier kept no line; the text is the page's most article-like run",
    "interstitial": "a bot check, block or error page, not an article: nothing kept, fetch it again",
}


class TranslationStatus(StrEnum):
    TRANSLATED = "translated"
    NOT_NEEDED = "not_needed"
    NO_MODEL = "no_model"
    FAILED = "failed"


@dataclass(slots=True)
class Translation:
    """English rendering of one segment, with the model that made it."""

    status: TranslationStatus
    text: str | None = None
    model: str | None = None


@dataclass(slots=True)
class BlockEvidence:
    """What the markup says about one block of a rendered HTML page.

    Read by the layout stage, weighed by the boilerplate stage; nothing here is a role.
    """

    extracted_share: float = 0.0  # share of the block's tokens found, in order, in trafilatura's main text
    extracted_span: tuple[int, int] | None = None  # the token span [lo, hi) of that text they aligned to
    caption: bool = False  # the markup names the block an image caption (<figcaption>, class="caption", ...)

    def __reduce__(self) -> tuple[type[BlockEvidence], tuple[float, tuple[int, int] | None, bool]]:
        """Pickled as its constructor's arguments (see :meth:`Block.__reduce__`)."""
        return BlockEvidence, (self.extracted_share, self.extracted_span, self.caption)


@dataclass(slots=True)
class Block:
    """A unit of layout: one text line, or one HTML block element rendered to a line.

    Boilerplate classification works on blocks; language detection refines them into
    segments.
    """

    index: int
    start: int
    end: int
    text: str
    indent: int = 0
    role: Role = Role.CONTENT
    role_score: float = 1.0
    evidence: BlockEvidence | None = None  # HTML only (see PageEvidence)

    def __reduce__(self) -> tuple[type[Block], tuple[object, ...]]:
        """Pickled as its constructor's arguments. A page's blocks cross from the worker
        processes to the parent (:mod:`pipeline.workers`), ~230 per page; the default for a
        slotted object (a dict of its slots, set back one by one) took ~6x the time to pickle
        and ~3x to unpickle."""
        return Block, (self.index, self.start, self.end, self.text, self.indent, self.role, self.role_score,
                       self.evidence)


@dataclass(slots=True)
class Segment:
    """A same-language run inside a block: the unit of language tagging and translation."""

    id: int
    block: int
    start: int
    end: int
    text: str
    script: str
    lang: str = "und"
    lang_score: float = 0.0
    role: Role = Role.CONTENT
    translation: Translation | None = None


@dataclass(slots=True)
class Alternate:
    """Another-language edition of the page, from hreflang links or a language switcher."""

    lang: str
    label: str | None = None
    href: str | None = None


@dataclass(slots=True)
class Source:
    """Where the bytes came from and what they were."""

    uri: str
    sha256: str
    bytes: int
    format: str = "text"  # "text" | "html"
    encoding: str | None = None


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    date: str | None = None
    site: str | None = None
    url: str | None = None


@dataclass(slots=True)
class PageEvidence:
    """What an HTML page's markup says about the page as a whole (read by the layout stage).

    The boilerplate stage decides from it, with the roles it assigns, the record's metadata,
    title and alternates.
    """

    metadata: Metadata = field(default_factory=Metadata)  # trafilatura's reading: title, author, date, ...
    alternates: list[Alternate] = field(default_factory=list)  # hreflang links and language-switcher anchors
    extracted: bool = False  # trafilatura found main text (if not, the text classifier decides alone)


@dataclass(slots=True)
class Document:
    """One input document and everything the stages have found out about it."""

    doc_id: str
    source: Source
    raw: bytes = b""
    text: str = ""
    metadata: Metadata = field(default_factory=Metadata)
    blocks: list[Block] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    alternates: list[Alternate] = field(default_factory=list)
    models: set[str] = field(default_factory=set)
    markup: PageEvidence | None = None  # HTML only: what the markup says, for the boilerplate stage
    clean_text: str = ""
    clean_text_en: str = ""
    title_en: str | None = None  # the title block in English (the title is not part of clean_text)
    languages: dict[str, float] = field(default_factory=dict)
    quality: list[str] = field(default_factory=list)  # QUALITY_FLAGS that apply (see docs/output-format.md)
    #: Work a step did ahead, in a worker process, for its second half in the parent (keyed by step
    #: name, consumed there; see pipeline/workers.py). Never part of a record.
    prepared: dict[str, object] = field(default_factory=dict)

    def title_block(self) -> int | None:
        """Index of the block the boilerplate stage made the title, if any."""
        return next((i for i, block in enumerate(self.blocks) if block.role == Role.TITLE), None)

    def main_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.role.is_main]

    def segments_by_block(self) -> list[list[Segment]]:
        """Segments grouped under their block, in block order."""
        grouped: list[list[Segment]] = [[] for _ in self.blocks]
        for segment in self.segments:
            grouped[segment.block].append(segment)
        return grouped
