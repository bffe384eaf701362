"""Bytes → text: encoding detection, newline normalisation and HTML sniffing.

Scraped archives mix UTF-8 with windows-1256 Arabic pages, UTF-16 exports and files with
BOMs. Strict UTF-8 is tried first because it almost never decodes non-UTF-8 Arabic by
accident; declared charsets (BOM, ``<meta charset>``) come next; charset-normalizer guesses
the rest. Decoding never silently replaces characters unless every decoder failed, and the
chosen encoding is recorded so a reader can judge the result.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of common binary formats that scrapers save by mistake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x7fELF", "ELF executable"),
    (b"PK\x03\x04", "zip archive"),
    (b"%PDF-", "PDF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"RIFF", "RIFF media"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAG = re.compile(r"</?(p|div|span|a|li|ul|table|td|tr|h[1-6]|br|body|head|meta|script)\b", re.I)
# C0 controls other than tab/newline/carriage return/form feed: their share tells binary apart.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_ARABIC_CODEPAGES = frozenset({"cp1256", "iso8859-6"})
# High bytes of UTF-16 code units for Latin (0x00), Cyrillic (0x04), Arabic (0x06, 0xFB, 0xFE)
# and Indic scripts (0x09).
_UTF16_HIGH_BYTES = bytes((0x00, 0x04, 0x06, 0x09, 0x20, 0xFB, 0xFE))
_UTF16_LOW_SUSPECTS = bytes((0x00, 0x04, 0x06, 0xFB, 0xFE))
_UTF16_SCRIPT_BYTES = bytes((0x04, 0x06, 0x09, 0xFB, 0xFE))


class DecodeError(ValueError):
    """The bytes are not text this pipeline can read (binary, or undecodable)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    format: str  # "text" | "html"


def decode(data: bytes, name: str = "") -> Decoded:
    """Decode *data* into normalised text and tell whether it is HTML.

    *name* (a file name or key) is only a hint for HTML sniffing.
    """
    if not any(data.startswith(bom) for bom, _ in _BOMS):
        _reject_binary(data)
    text, encoding = _to_text(data)
    text = normalise_newlines(text).replace("\x00", "")
    fmt = "html" if looks_like_html(text, name) else "text"
    return Decoded(text=text, encoding=encoding, format=fmt)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_html(text: str, name: str = "") -> bool:
    """Markup at the start, or dense tags in the head of the file, or an HTML file name."""
    head = text[:4096]
    if _HTML_START.match(head.encode("utf-8", "ignore")):
        return True
    lowered = name.lower()
    if lowered.endswith((".html", ".htm", ".xhtml")) and "<" in head:
        return True
    return len(_HTML_TAG.findall(head)) >= 5


def _reject_binary(data: bytes) -> None:
    for magic, kind in _BINARY_MAGIC:
        # Some magics are printable ("RIFF", "GIF8", "BZh", "%PDF-"): a line of text may start
        # with them. Real files of those formats have binary bytes right after the magic.
        if data.startswith(magic) and not _printable_utf8(data[:1024]):
            raise DecodeError(f"binary content ({kind})")
    if _utf16_without_bom(data[:4096]) is not None:
        return
    sample = data[:8192]
    if sample and _control_bytes(sample) / len(sample) > 0.10:
        raise DecodeError("binary content (too many control bytes)")


def _control_bytes(data: bytes) -> int:
    """How many C0 control bytes (other than tab, newline, carriage return, form feed) *data* has."""
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _printable_utf8(head: bytes) -> bool:
    """Strict UTF-8 (a sequence cut at the end of *head* allowed) with no control bytes."""
    if _control_bytes(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def _to_text(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} after its byte-order mark: {exc}") from exc
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data[:4096])
    if declared:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    guessed = _guess_encoding(data[: 1 << 20])
    if guessed:
        try:
            return data.decode(guessed), guessed
        except UnicodeDecodeError:
            pass
    # Mostly UTF-8 with damage (truncated or mixed files): keep what is readable.
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def _guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's verdict, leaning to the region's Arabic code pages when it has no evidence.

    Short Arabic strings in windows-1256 (titles, menu items) give it no language signal: it
    then ranks several code pages as equally good and often picks a Japanese or Chinese one.
    Among equally good candidates an Arabic code page wins. A guess made without any language
    coherence loses to UTF-8 with replacements when only a few bytes are not UTF-8, and to
    windows-1256 when that reads the bytes as mostly Arabic letters. Truncated UTF-8 (a cut
    download) is never re-guessed: its last character is replaced, the rest kept.
    """
    if _truncated_utf8(data):
        return None
    results = from_bytes(data)
    best = results.best()
    if best is None or not best.encoding:
        return None
    for match in results:
        name = codecs.lookup(match.encoding).name
        if name in _ARABIC_CODEPAGES and match.chaos <= best.chaos and match.coherence >= best.coherence:
            return name
    if best.coherence == 0.0:
        damaged = data.decode("utf-8", errors="replace")
        if damaged.count("\ufffd") * 50 <= len(damaged):  # UTF-8 with a few bad bytes, not a code page
            return None
        if _arabic_letter_share(data.decode("cp1256", errors="replace")) >= 0.6:
            return "cp1256"
    return codecs.lookup(best.encoding).name


def _truncated_utf8(data: bytes) -> bool:
    """Valid UTF-8 but for a multi-byte character cut off at the end (a truncated download)."""
    for cut in (1, 2, 3):
        tail = data[-cut:]
        if len(data) > cut and tail[0] >= 0xC0 and all(0x80 <= b < 0xC0 for b in tail[1:]):  # lead + continuations
            try:
                data[:-cut].decode("utf-8")
            except UnicodeDecodeError:
                return False
            return True
    return False


def _arabic_letter_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff") / len(letters)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text has one high byte dominating every other position.

    For Latin text that byte is NUL; for Arabic script it is 0x06, for Bengali 0x09 (the
    Unicode block), mixed with NULs from spaces and digits.
    """
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]

    def block_share(half: bytes, blocks: bytes = _UTF16_HIGH_BYTES) -> float:
        return sum(half.count(b) for b in blocks) / len(half)

    # In the low-byte half, 0x09 and 0x20 are mostly tab and space, not Unicode blocks: a
    # space-heavy line must not look like a high-byte half.
    even_share, odd_share = block_share(even), block_share(odd)
    even_low, odd_low = block_share(even, _UTF16_LOW_SUSPECTS), block_share(odd, _UTF16_LOW_SUSPECTS)
    has_nul = odd.count(0) + even.count(0) > 0

    def plausible(high: bytes, encoding: str) -> bool:
        # Without a NUL (no space, digit or Latin letter) only a script block may dominate.
        return has_nul or (block_share(high, _UTF16_SCRIPT_BYTES) > 0.6 and _reads_as_text(sample, encoding))

    if odd_share > 0.6 and even_low < 0.2 and plausible(odd, "utf-16-le"):
        return "utf-16-le"
    if even_share > 0.6 and odd_low < 0.2 and plausible(even, "utf-16-be"):
        return "utf-16-be"
    return None


def _reads_as_text(sample: bytes, encoding: str) -> bool:
    """Text in one script with no space or digit has no NUL byte (pure Arabic words): accept
    it as UTF-16 only when every character it decodes to is printable."""
    text = sample[: len(sample) // 2 * 2].decode(encoding, errors="replace").rstrip("\ufffd")
    return bool(text) and "\ufffd" not in text and text.replace("\n", "").replace("\r", "").isprintable()


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
