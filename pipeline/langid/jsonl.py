"""JSON lines in and out for ``python -m pipeline.langid`` and ``docpipe detect``.

Two costs dominate a run over many short lines once detection itself is fast: ``json.dumps``
of a nested dict per line (~7 µs) and one ``write`` per line. :func:`record_json` builds the
same bytes directly (``json.dumps(detect_line(text), ensure_ascii=False)``; a test holds it to
that), and :func:`write_detections` reads whatever input is available, answers it as one
batch, repeats identical lines from a cache (chrome repeats on every page of a site), and
writes the batch at once — so a pipe is processed in large chunks while an interactive
caller still gets each line's answer as soon as it is typed.

Why not orjson: it writes only compact JSON (``{"text":"..."}``), so the output would no
longer be ``json.dumps``'s (``", "`` and ``": "`` separators) that ``docpipe detect`` has
always printed; and it buys no speed here. Measured on this machine (2 cores, shared): a
record costs 1.7 µs with ``orjson.dumps`` and 2.7 µs here, ~14 ms over the 13,979 NTREX lines,
while ``import orjson`` costs 13-44 ms per process (it imports ``dataclasses``, hence
``inspect``). Strings are encoded by the standard library's C encoder
(``json.encoder.encode_basestring``), and a test holds every record to ``json.dumps``.
"""

from __future__ import annotations

import codecs
import gc
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:
    from . import LanguageIdentifier
    from .types import SpanTuple

__all__ = ["iter_line_batches", "record_json", "write_detections", "write_page_detections"]

CHUNK = 1 << 20
_CACHE_LINES = 50_000


def record_json(text: str, lang: str, score: float, spans: list[SpanTuple]) -> str:
    """``{"text", "lang", "score", "spans": [...]}`` as ``json.dumps(..., ensure_ascii=False)``
    writes it."""
    enc = _encoded
    parts = [
        f'{{"start": {start}, "end": {end}, "lang": {enc(s_lang)}, "score": {s_score!r}, "script": {enc(script)}}}'
        for start, end, s_lang, s_score, script in spans
    ]
    head = f"{{\"text\": {encode_basestring(text)}, \"lang\": {enc(lang)}, \"score\": {score!r}"
    return f"{head}, \"spans\": [{', '.join(parts)}]}}"


_ENCODED: dict[str, str] = {}


def _encoded(code: str) -> str:
    """A language or script code as a JSON string (a handful of distinct values, memoised)."""
    out = _ENCODED.get(code)
    if out is None:
        out = _ENCODED[code] = encode_basestring(code)
    return out


def iter_line_batches(source: TextIO | BinaryIO, chunk: int = CHUNK) -> Iterator[list[str]]:
    """Lists of lines (no line ends; a final ``\\r`` of CRLF input dropped), each list being
    the complete lines one read returned.

    A binary stream, or a text stream with a ``buffer`` (stdin, a file from ``open``; nothing
    may have been read from it yet), is read with ``read1``: that returns what is available,
    so a pipe or a file yields big batches and a terminal one line at a time. Bytes are
    decoded as UTF-8, invalid sequences replaced. Other text streams are read ``chunk``
    characters at a time.
    """
    raw = getattr(source, "buffer", source)
    if hasattr(raw, "read1"):
        decode = codecs.getincrementaldecoder("utf-8")("replace").decode

        def read() -> tuple[str, bool]:
            data = raw.read1(chunk)
            return decode(data, final=not data), not data
    else:

        def read() -> tuple[str, bool]:
            data = source.read(chunk)
            return data, not data  # type: ignore[return-value]

    parts: list[str] = []
    while True:
        data, eof = read()
        if "\n" in data:
            parts.append(data)
            lines = "".join(parts).split("\n")
            parts = [lines.pop()]
            yield [line[:-1] if line.endswith("\r") else line for line in lines]
        elif data:
            parts.append(data)
        if eof:
            break
    rest = "".join(parts)
    if rest:
        yield [rest[:-1] if rest.endswith("\r") else rest]


def write_detections(source: TextIO | BinaryIO, out: TextIO, identifier: LanguageIdentifier) -> int:
    """Detect every line of ``source`` and write one JSON record per line to ``out``;
    returns the number of lines.

    Python's cyclic garbage collector is paused meanwhile: detection allocates millions of
    tuples, strings and dicts, none of them in a reference cycle, and each collection pass
    would only re-scan the growing caches (~5% of a run's time).
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_detections(source, out, identifier)
    finally:
        if gc_was_enabled:
            gc.enable()


def _write_detections(source: TextIO | BinaryIO, out: TextIO, identifier: LanguageIdentifier) -> int:
    from . import aggregate

    cache: dict[str, str] = {}
    n = 0
    for lines in iter_line_batches(source):
        new = [text for text in dict.fromkeys(lines) if text not in cache]
        if new:
            if len(cache) + len(new) > _CACHE_LINES:
                cache.clear()
            for text, spans in zip(new, identifier.span_tuples_batch(new), strict=True):
                if len(spans) == 1:  # most lines: the record repeats the span's language
                    start, end, lang, score, script = spans[0]
                    enc_lang, enc_score = _encoded(lang), repr(score)
                    cache[text] = (
                        f'{{"text": {encode_basestring(text)}, "lang": {enc_lang}, "score": {enc_score}, '
                        f'"spans": [{{"start": {start}, "end": {end}, "lang": {enc_lang}, "score": {enc_score}, '
                        f'"script": {_encoded(script)}}}]}}'
                    )
                else:
                    cache[text] = record_json(text, *aggregate(text, spans), spans)
        out.write("\n".join([cache[text] for text in lines]) + "\n")
        out.flush()
        n += len(lines)
    return n


def write_page_detections(
    source: TextIO | BinaryIO, out: TextIO, identifier: LanguageIdentifier, declared: str | None = None
) -> int:
    """Like :func:`write_detections`, but the whole input is one page: every line is decided
    with the others in view (:func:`.page.identify_page`), ``declared`` being the language the
    page declares; returns the number of lines. Nothing is written before the input ends."""
    from . import aggregate
    from .page import PageHints, identify_page

    lines = [line for batch in iter_line_batches(source) for line in batch]
    found = identify_page(identifier, lines, PageHints(declared=declared) if declared else None)
    if lines:
        out.write("\n".join(record_json(text, *aggregate(text, spans), spans)
                            for text, spans in zip(lines, found.spans, strict=True)) + "\n")
        out.flush()
    return len(lines)
