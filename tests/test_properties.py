"""Property-based tests (hypothesis) for decoding and segmentation.

The output contract (docs/output-format.md) promises that segments tile the analysed text:
ordered, disjoint, ``text == analysed[start:end]`` and only whitespace in between. Example
tests cannot cover the mixes of scripts, odd whitespace, bidi controls and surrogate-free
garbage scraped pages contain, so hypothesis generates them.
"""

from __future__ import annotations

import codecs
import os
from functools import cache

import pytest
from badinput import tiling_problems
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.decode import DecodeError, decode, normalise_newlines
from pipeline.document import Document, Source
from pipeline.langid import get_identifier
from pipeline.stages.language import LanguageStep, _tile
from pipeline.stages.layout import LayoutStep

pytestmark = pytest.mark.timeout(180)  # nothing hangs, whatever hypothesis generates

# Pieces scraped text is made of: words in the pipeline's scripts, digits, punctuation and
# every kind of whitespace and invisible control a page can carry.
_WORDS = st.sampled_from(
    [
        "news", "Kabul", "the", "province", "خبر", "العربية", "پښتو", "ژبه", "دری", "اردو", "বাংলা", "ভাষা",
        "Привет", "中文", "123", "٣٤٥", "۱۲۳", "$4.5", "—", "«»", "...", "!", "،", "؟", "(", ")", "@", "#",
        "e\u0301", "\u064b", "😀", "\U0001f1e6\U0001f1eb",
    ]
)  # fmt: skip
_SPACES = st.sampled_from(
    [" ", "  ", "\n", "\n\n", "\t", "\r\n", "\r", "\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\x85", "\x0b",
     "\x0c", "\x1c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202e", "\u2066",
     "\u2069", "\ufeff", "\x00", "\u061c"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_WORDS, _SPACES, st.text(max_size=3)), max_size=40).map("".join)

_EXAMPLES = int(os.environ.get("DOCPIPE_HYPOTHESIS_EXAMPLES", "300"))  # raise it for a deeper local hunt
_SETTINGS = settings(deadline=None, max_examples=_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])


@cache
def _steps() -> tuple[LayoutStep, LanguageStep]:
    get_identifier()  # load the models once, outside the examples
    return LayoutStep(), LanguageStep()


def _analyse(data: bytes) -> Document:
    decoded = decode(data)
    doc = Document(doc_id="prop-0000000000000000", source=Source(uri="file:///p.txt", sha256="", bytes=len(data)))
    doc.text = decoded.text
    doc.source.format = "text"  # plain text: the analysed text is exactly the decoded text
    for step in _steps():
        step.process(doc)
    return doc


@_SETTINGS
@given(st.binary(max_size=300))
def test_decode_never_fails_other_than_decode_error(data: bytes) -> None:
    try:
        decoded = decode(data)
    except DecodeError:
        return
    assert "\x00" not in decoded.text and "\r" not in decoded.text
    assert decoded.format in ("text", "html")


@_SETTINGS
@given(_TEXT)
def test_utf8_with_bom_roundtrips_exactly(text: str) -> None:
    decoded = decode(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert decoded.text == normalise_newlines(text).replace("\x00", "")


@_SETTINGS
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_utf8_text_decodes_to_itself(text: str) -> None:
    """Strict UTF-8 comes first: printable UTF-8 text is never re-guessed as another charset."""
    assume(not text.startswith("\ufeff"))  # that is a UTF-8 byte-order mark, and dropped as one
    decoded = decode(text.encode("utf-8"))
    assert decoded.text == normalise_newlines(text)


# Words of the region's scripts, as UTF-16 exports and cut downloads carry them.
_REGION_TEXT = st.lists(
    st.sampled_from(["news", "Kabul", "خبر", "العربية", "پښتو", "ژبه", "বাংলা", "ভাষা", "123", "٣٤٥", " ", "  ", "\n",
                     ".", ", ", "«", "»", "؟"]),
    min_size=1, max_size=60,
).map("".join).filter(lambda t: len(t) >= 8)  # fmt: skip


@_SETTINGS
@given(_REGION_TEXT, st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_utf16_without_bom_roundtrips(text: str, encoding: str) -> None:
    """Found by this test: pure Arabic-script UTF-16 has no NUL byte and was refused as binary;
    space-heavy UTF-16 was not recognised at all."""
    decoded = decode(text.encode(encoding))
    assert (decoded.text, decoded.encoding) == (text, encoding)


@_SETTINGS
@given(_REGION_TEXT, st.sampled_from(["خ", "ښ", "ভ", "«"]))
def test_truncated_utf8_keeps_everything_but_the_cut_character(text: str, last: str) -> None:
    """Found by this test: a cut download was re-guessed as a code page and came out as mojibake."""
    decoded = decode((text + last).encode("utf-8")[:-1])
    assert decoded.text == normalise_newlines(text) + "\ufffd"


@_SETTINGS
@given(_TEXT)
def test_tile_covers_every_non_space_character(text: str) -> None:
    spans = get_identifier().spans(text)
    assert tiling_problems(text, [(s, e, text[s:e]) for s, e, _ in _tile(text, spans)]) == []


@_SETTINGS
@given(_TEXT)
def test_segments_tile_the_decoded_text(text: str) -> None:
    data = text.encode("utf-8")
    try:
        doc = _analyse(data)
    except DecodeError:  # refused as binary (NUL-heavy): nothing to tile
        return
    problems = tiling_problems(doc.text, [(s.start, s.end, s.text) for s in doc.segments])
    assert problems == []
    assert bool(doc.segments) == bool(doc.text.strip()), "non-blank text must give segments"
    for segment in doc.segments:
        block = doc.blocks[segment.block]
        assert block.start <= segment.start < segment.end <= block.end
        assert doc.text[block.start : block.end] == block.text
    assert [s.id for s in doc.segments] == list(range(len(doc.segments)))


@_SETTINGS
@given(_TEXT, st.sampled_from(["utf-16-le", "utf-16-be", "cp1256"]))
def test_other_encodings_tile_too(text: str, encoding: str) -> None:
    """Whatever the decoder guesses, offsets index the text it produced."""
    try:
        data = text.encode(encoding)
        doc = _analyse(data)
    except (UnicodeEncodeError, DecodeError):
        return
    assert tiling_problems(doc.text, [(s.start, s.end, s.text) for s in doc.segments]) == []
