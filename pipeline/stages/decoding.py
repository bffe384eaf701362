"""Stage 1: bytes → analysed text."""

from __future__ import annotations

from pipeline.decode import DecodeError, decode
from pipeline.document import Document
from pipeline.stages.base import Step


class DocumentTooLarge(DecodeError):
    """Over the configured per-document size limit; refused before decoding."""


class DecodeStep(Step):
    name = "decode"

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes

    def process(self, doc: Document) -> None:
        if len(doc.raw) > self.max_bytes:
            raise DocumentTooLarge(f"{len(doc.raw)} bytes is over the limit of {self.max_bytes}")
        decoded = decode(doc.raw, name=doc.source.uri)
        doc.text = decoded.text
        doc.source.encoding = decoded.encoding
        doc.source.format = decoded.format
        self.stats.counters[f"format_{decoded.format}"] += 1
