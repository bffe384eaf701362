"""Decoding: encodings scraped archives really contain, and what must be refused."""

from __future__ import annotations

import codecs

import pytest

from pipeline.decode import DecodeError, decode, looks_like_html

ARABIC = "اترك تعليقاً — زر الذهاب إلى الأعلى، مقالات ذات صلة في هذا الموقع الإخباري"


def test_utf8_plain_text() -> None:
    result = decode(b"Hello\r\nworld\rend")
    assert result.text == "Hello\nworld\nend"
    assert result.encoding == "utf-8"
    assert result.format == "text"


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_marks(bom: bytes, encoding: str) -> None:
    result = decode(bom + ARABIC.encode(encoding))
    assert result.text == ARABIC
    assert result.encoding == encoding


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding: str) -> None:
    text = "Russia becomes first nation to recognise the government. " + ARABIC
    assert decode(text.encode(encoding)).text == text


@pytest.mark.parametrize("encoding", ["cp1256", "iso8859_6"])
def test_legacy_arabic_code_pages(encoding: str) -> None:
    text = "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها"
    if encoding == "iso8859_6":
        text = text.replace("ـ", "")
    result = decode(((text + "\n") * 20).encode(encoding))
    assert result.text.startswith(text)


def test_declared_charset_in_html_meta_wins_over_guessing() -> None:
    body = "<html><head><meta charset='windows-1256'></head><body><p>مرحبا بكم في موقعنا</p></body></html>"
    result = decode(body.encode("cp1256"))
    assert "مرحبا بكم" in result.text
    assert result.encoding == "cp1256"
    assert result.format == "html"


def test_nul_bytes_are_dropped_and_bidi_controls_kept() -> None:
    text = "abc\x00def \u202bمرحبا\u202c \u200bzero"
    result = decode(text.encode())
    assert result.text == "abcdef \u202bمرحبا\u202c \u200bzero"


def test_truncated_utf8_keeps_the_readable_part() -> None:
    data = ("نص عربي طويل " * 50).encode()[:-1]
    result = decode(data)
    assert result.text.startswith("نص عربي طويل")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x7fELF\x02\x01\x01\x00" + bytes(64),
        b"PK\x03\x04\x14\x00\x00\x00",
        bytes(range(0, 32)) * 20,
        b"RIFF\x24\x08\x00\x00WAVEfmt ",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"BZh91AY&SY\x00\x01",
    ],
)
def test_binary_content_is_refused(data: bytes) -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode(data)


@pytest.mark.parametrize("text", ["RIFF is a container format.", "GIF8 was the codename", "BZh… no", "%PDF-ish"])
def test_text_that_starts_like_a_magic_number_is_text(text: str) -> None:
    """Found by hypothesis: printable magics ("RIFF") must not refuse a line of text."""
    assert decode(text.encode()).text == text


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("<!DOCTYPE html><html><body>x</body></html>", "", True),
        ("  <!-- saved --> <html lang='ar'>", "", True),
        ("<div><p>a</p><p>b</p><a href='#'>c</a></div>", "", True),
        ("Just text about <b> tags", "", False),
        ("<p>fragment</p>", "page.html", True),
        ("1 < 2 and 3 > 2", "notes.txt", False),
    ],
)
def test_html_sniffing(text: str, name: str, expected: bool) -> None:
    assert looks_like_html(text, name) is expected


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [ARABIC, "বাঙালি ভাষা ও সাহিত্য"])
def test_utf16_without_bom_in_non_latin_scripts(encoding: str, text: str) -> None:
    result = decode(text.encode(encoding))
    assert (result.text, result.encoding) == (text, encoding)
