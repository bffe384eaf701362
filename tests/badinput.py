"""A corpus of hostile and broken inputs, generated at test time (nothing large is committed).

Each :class:`Case` says what the pipeline must make of it: ``clean`` (a valid record),
``error`` (a clear error record from a named stage) or ``either`` (both are acceptable, as
long as the outcome is exactly one valid record). :func:`write_corpus` writes every case
into a directory and returns the cases with their paths; the big cases (10 MB line, 50 MB
page) are optional so fast tests can leave them out.
"""

from __future__ import annotations

import codecs
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ARABIC = "اللغة العربية هي لغة رسمية في أفغانستان وتستخدم في المدارس الدينية والمساجد."
PASHTO = "پښتو د افغانستان رسمي ژبه ده او په ټول هیواد کې ویل کیږي."
ENGLISH = "The provincial council met on Monday to discuss the new school building and road repairs."


@dataclass(frozen=True, slots=True)
class Case:
    name: str  # file name (may be hostile: control characters, right-to-left text, '..')
    data: bytes
    expect: str  # "clean" | "error" | "either"
    stage: str | None = None  # for "error": the stage that must refuse it
    contains: str | None = None  # for "clean": a string the record's analysed text must hold
    why: str = ""
    subdir: str = ""  # relative folder (deep paths for very long names)


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, 62, 1) + bytes(200)


def _zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("article.txt", date_time=(2024, 1, 1, 0, 0, 0)), ENGLISH)
    return buffer.getvalue()


def _nested_divs(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + "<p>" + ENGLISH + "</p>" + "</div>" * depth + "</body></html>").encode()


def _entity_bomb() -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol "lol">']
    previous = "lol"
    for level in range(1, 10):
        name = f"lol{level}"
        lines.append(f'<!ENTITY {name} "' + f"&{previous};" * 10 + '">')
        previous = name
    lines.append("]>")
    lines.append(f"<html><body><p>{ENGLISH}</p><p>&{previous};</p></body></html>")
    return "\n".join(lines).encode()


def _external_entity(target: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{target}">]>\n'
        f"<html><head><title>Entity test</title></head><body><p>{ENGLISH}</p><p>&xxe;</p></body></html>"
    ).encode()


def _big_html(size: int) -> bytes:
    paragraph = f"<div class='story'><p>{ENGLISH}</p><p>{ARABIC}</p></div>\n".encode()
    head = b"<!doctype html><html><head><title>Huge</title></head><body>\n"
    return head + paragraph * (size // len(paragraph) + 1) + b"</body></html>\n"


def cases(big: bool = True) -> list[Case]:
    """Every case; ``big=False`` leaves out the 10 MB line and the 50 MB page."""
    arabic_para = f"{ARABIC}\n{ARABIC}\n"
    found = [
        Case("empty.txt", b"", "either", why="nothing to analyse"),
        Case("whitespace.txt", b" \t\n\r\n   \n\f\n", "either", why="whitespace only"),
        Case("image.png", _png(), "error", stage="decode", why="PNG"),
        Case("program", _elf(), "error", stage="decode", why="ELF without an extension"),
        Case("archive.zip", _zip(), "error", stage="decode", why="zip archive"),
        Case("fake-text.txt", _png(), "error", stage="decode", why="PNG with a .txt name"),
        Case("random-binary.txt", bytes(range(256)) * 64, "error", stage="decode", why="every byte value"),
        Case(
            "truncated-utf8.txt",
            (ENGLISH + "\n" + ARABIC[:-1]).encode()[:-1],
            "clean",
            contains="The provincial council",
            why="last character cut in half",
        ),
        Case("utf16-bom.txt", codecs.BOM_UTF16_LE + arabic_para.encode("utf-16-le"), "clean", contains=ARABIC),
        Case("utf16le-nobom.txt", (ENGLISH + "\n" + ARABIC).encode("utf-16-le"), "clean", contains=ARABIC),
        Case("utf16be-nobom.txt", (ARABIC + "\n" + ENGLISH).encode("utf-16-be"), "clean", contains=ARABIC),
        # Found by the hypothesis hunt: UTF-16 with no NUL byte at all (one script, no spaces),
        # space-heavy UTF-16, and a short windows-1256 title charset-normalizer took for Japanese.
        Case("utf16le-no-nul.txt", "پښتوالعربيةالعربية".encode("utf-16-le"), "clean", contains="پښتو"),
        Case("utf16be-spacey.txt", "  news   123   news  \n".encode("utf-16-be"), "clean", contains="news   123"),
        Case("cp1256-short.txt", "خبر\n.123العربية".encode("cp1256"), "clean", contains="العربية"),
        Case("utf8-bom.txt", codecs.BOM_UTF8 + PASHTO.encode(), "clean", contains=PASHTO),
        Case("windows-1256.txt", (arabic_para * 3).encode("cp1256"), "clean", contains=ARABIC),
        Case("iso-8859-6.txt", (arabic_para * 3).encode("iso-8859-6"), "clean", contains=ARABIC),
        Case(
            "mixed-encodings.txt",
            (ENGLISH + "\n" + ARABIC + "\n").encode() + (ARABIC + "\n").encode("cp1256"),
            "clean",
            contains="The provincial council",
            why="a UTF-8 file with a windows-1256 paragraph pasted in",
        ),
        Case(
            "nul-bytes.txt",
            (ENGLISH[:30] + "\x00" + ENGLISH[30:] + "\n\x00\x00" + ARABIC).encode(),
            "clean",
            contains="The provincial council",
        ),
        Case(
            "bidi-zero-width.txt",
            (
                "\u202e" + ENGLISH + "\u202c\n\u2067" + ARABIC + "\u2069\n"
                "zero\u200bwidth\u200cjoin\u200dmarks\ufeff and \u2066isolates\u2069 \u061c\u200e\u200f\n"
            ).encode(),
            "clean",
            contains="width",
        ),
        Case("only-controls.txt", "\u202e\u200b\u200d\ufeff\n\u2066\u2069".encode(), "either"),
        Case(
            "script-only.html", b"<html><head><script>var a = '" + b"x" * 5000 + b"';</script></head></html>", "either"
        ),
        Case(
            "style-only.html",
            b"<!doctype html><html><head><style>body{color:red}"
            + b".a{}" * 2000
            + b"</style></head><body></body></html>",
            "either",
        ),
        Case(
            "script-style-body.html",
            b"<html><body><script>document.write('hi')</script><style>p{}</style><noscript></noscript></body></html>",
            "either",
        ),
        Case("nested-divs.html", _nested_divs(100_000), "either", why="100,000 nested <div>s"),
        Case("entity-bomb.html", _entity_bomb(), "either", why="billion laughs"),
        Case("entity-bomb.xml", _entity_bomb(), "either", why="billion laughs, .xml name"),
        Case("xxe-file.html", _external_entity("file:///etc/passwd"), "either", why="external entity"),
        Case(
            "broken-markup.html",
            b"<html><body><div><p>" + ENGLISH.encode() + b"<p><b><i>unclosed <a href='x'>link<table><tr><td>cell"
            b"</span></div></div></div><<>><!-- never closed",
            "clean",
            contains="The provincial council",
        ),
        Case("unclosed-comment.html", b"<html><body><!-- " + ENGLISH.encode() + b"</body>", "either"),
        Case("lone-angle.html", b"<html><body>< <<< >>> </ <! <? <![CDATA[ x", "either"),
        Case("cdata.html", b"<html><body><![CDATA[" + ENGLISH.encode() + b"]]><p>after</p></body></html>", "either"),
        Case("deep-text.txt", ("(" * 50_000 + ")" * 50_000).encode(), "either", why="punctuation only"),
        Case("many-lines.txt", ("x\n" * 20_000).encode(), "either", why="20,000 one-letter lines"),
        # Hostile names: the id is slug + hash, so the name never reaches a key or path.
        Case("a..b..txt", ENGLISH.encode(), "clean", contains="provincial"),
        Case("up..\\..\\etc\\passwd.txt", ENGLISH.encode(), "clean", contains="provincial", why="backslashes"),
        Case("ctrl-\x01\x1b[2J-\x7f-name.txt", ENGLISH.encode(), "clean", contains="provincial"),
        Case("new\nline\ttab.txt", ENGLISH.encode(), "clean", contains="provincial"),
        Case("\u202eevil\u202dtxt.exe", ENGLISH.encode(), "clean", contains="provincial", why="RLO in name"),
        Case("مقالة-عربية-پښتو.txt", ARABIC.encode(), "clean", contains=ARABIC, why="right-to-left name"),
        Case("n" * 250 + ".txt", ENGLISH.encode(), "clean", contains="provincial", why="250-byte name"),
        Case(
            "long-path.txt",
            ENGLISH.encode(),
            "clean",
            contains="provincial",
            why="1,000+ character path",
            subdir="/".join(["d" * 200] * 5),
        ),
    ]
    if big:
        found += [
            Case(
                "long-line.txt",
                ((ENGLISH + " ") * (10 * 1024 * 1024 // (len(ENGLISH) + 1) + 1)).encode()[: 10 * 1024 * 1024],
                "either",
                why="10 MB on one line: processed, or refused by the time limit",
            ),
            Case("huge-page.html", _big_html(50 * 1024 * 1024), "error", stage="read", why="50 MB page"),
        ]
    return found


# A name that is not valid UTF-8 (Latin-1 "é"): only POSIX file systems can hold it.
NON_UTF8_NAME = b"latin1-caf\xe9.txt"


def write_corpus(root: Path, big: bool = True) -> dict[Path, Case]:
    """Write every case under *root*; returns path → case. Also writes a non-UTF-8 name."""
    written: dict[Path, Case] = {}
    for case in cases(big):
        folder = root / case.subdir if case.subdir else root
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / case.name
        path.write_bytes(case.data)
        written[path] = case
    raw = os.fsencode(root) + b"/" + NON_UTF8_NAME
    with open(raw, "wb") as handle:
        handle.write(ENGLISH.encode())
    written[Path(os.fsdecode(raw))] = Case(os.fsdecode(NON_UTF8_NAME), ENGLISH.encode(), "clean", contains="provincial")
    return written


def tiling_problems(text: str, segments: list[dict]) -> list[str]:
    """How *segments* (record dicts or objects with start/end/text) break the tiling contract.

    docs/output-format.md: ordered, disjoint, ``text == analysed[start:end]``, and only
    whitespace before the first, between two, and after the last segment.
    """
    problems: list[str] = []
    cursor = 0
    for i, seg in enumerate(segments):
        start, end, piece = (seg["start"], seg["end"], seg["text"]) if isinstance(seg, dict) else seg
        if not cursor <= start < end <= len(text):
            problems.append(f"segment {i}: [{start}, {end}) out of order or empty (cursor {cursor})")
            return problems
        if text[start:end] != piece:
            problems.append(f"segment {i}: text differs from analysed[{start}:{end}]")
        if text[cursor:start].strip():
            problems.append(f"segment {i}: non-whitespace gap {text[cursor:start][:20]!r} before it")
        cursor = end
    if text[cursor:].strip():
        problems.append(f"non-whitespace after the last segment: {text[cursor:][:20]!r}")
    return problems
