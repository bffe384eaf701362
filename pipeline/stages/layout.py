"""Stage 2: the analysed text as blocks (text lines, or the lines of a rendered HTML page).

HTML is rendered to text with the chrome left in, so plain-text and HTML documents share
every later stage; trafilatura's verdict on the page arrives here as block roles, and the
page's metadata and language alternates with it.
"""

from __future__ import annotations

from pipeline.boilerplate import extract_html, split_lines
from pipeline.document import Block, Document, Metadata
from pipeline.stages.base import Step


class LayoutStep(Step):
    name = "layout"

    def process(self, doc: Document) -> None:
        if doc.source.format == "html":
            extraction = extract_html(doc.text, url=None)
            doc.text = extraction.text
            lines, roles = extraction.lines, extraction.roles
            doc.metadata = _merge(doc.metadata, extraction.metadata)
            doc.alternates = list(extraction.alternates)
            doc.roles_assigned = True
            doc.quality = list(roles.quality)
        else:
            lines, roles = split_lines(doc.text), []
        doc.blocks = [
            Block(index=i, start=line.start, end=line.end, text=line.text, indent=line.indent)
            for i, line in enumerate(lines)
        ]
        for block, (role, score) in zip(doc.blocks, roles, strict=False):
            block.role, block.role_score = role, score
        self.stats.counters["blocks"] += len(doc.blocks)


def _merge(current: Metadata, found: Metadata) -> Metadata:
    return Metadata(
        title=current.title or found.title,
        author=current.author or found.author,
        date=current.date or found.date,
        site=current.site or found.site,
        url=current.url or found.url,
    )
