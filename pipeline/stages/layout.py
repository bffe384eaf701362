"""Stage 2: the analysed text as blocks (text lines, or the lines of a rendered HTML page).

HTML is rendered to text with the chrome left in, so plain-text and HTML documents share
every later stage. What the markup says is attached as evidence, not as a decision: each
block gets trafilatura's verdict on it (:class:`~pipeline.document.BlockEvidence`), the
document the page's metadata and hreflang alternates (:class:`~pipeline.document.PageEvidence`).
Roles, the title and the alternates are decided by the boilerplate stage.
"""

from __future__ import annotations

from pipeline.boilerplate import read_html, split_lines
from pipeline.document import Block, BlockEvidence, Document
from pipeline.stages.base import Step


class LayoutStep(Step):
    name = "layout"

    def process(self, doc: Document) -> None:
        evidence: list[BlockEvidence | None]
        if doc.source.format == "html":
            page = read_html(doc.text, url=None)
            doc.text = page.text
            lines, evidence = page.lines, list(page.evidence)
            doc.markup = page.page
        else:
            lines = split_lines(doc.text)
            evidence = [None] * len(lines)
        doc.blocks = [
            Block(index=i, start=line.start, end=line.end, text=line.text, indent=line.indent, evidence=found)
            for i, (line, found) in enumerate(zip(lines, evidence, strict=True))
        ]
        self.stats.counters["blocks"] += len(doc.blocks)
