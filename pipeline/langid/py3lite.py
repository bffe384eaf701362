"""py3langid's naive Bayes for a few languages and Arabic-script text, without numpy.

The ensemble asks py3langid one question only: how do ar, fa, ps and ur compare on a short
Arabic-script string. Loading the full model for that costs ~0.3 s (numpy's import, 30 MB of
feature weights for 97 languages, a 40 MB byte automaton), more than detecting ten thousand
sentences. This module derives, once, a small model that answers the same question with the
same numbers:

* the automaton restricted to the states reachable from the start on bytes that occur in
  UTF-8 Arabic-script text (ASCII other than letters, continuation bytes, the lead bytes of
  Latin-1 punctuation, the Arabic blocks, General Punctuation and presentation forms);
  any other byte leads to an absorbing ``SINK`` state, and the caller then uses the full
  model — so no input ever gets a different answer, only a slower one;
* the weights of the features those states emit, for the requested languages only.

The derived model (~6 MB) is kept in the user cache directory next to py3langid's
decompressed model and memory-mapped, so loading it costs next to nothing.
"""

from __future__ import annotations

import json
import math
import mmap
import sys
import unicodedata
from array import array
from collections.abc import Sequence
from typing import Any, BinaryIO

__all__ = ["LiteModel", "build", "dump", "load"]

FORMAT = 2
_ALPHABET = (
    [b for b in range(0x80) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)]
    + list(range(0x80, 0xC0))
    + [0xC2, 0xD8, 0xD9, 0xDA, 0xDB, 0xDD, 0xE2, 0xEF]
)


class LiteModel:
    """Transition table (256 entries per state), feature per state, weights per feature."""

    def __init__(
        self,
        langs: tuple[str, ...],
        nextmove: Sequence[int],
        out: Sequence[int],
        ptc: Sequence[float],
        pc: Sequence[float],
    ) -> None:
        self.langs = langs
        self.nextmove = nextmove
        self.out = out
        self.ptc = ptc
        self.pc = pc
        self.sink = len(out) - 1

    def raw_scores(self, data: bytes) -> list[float] | None:
        """Naive-Bayes scores of the encoded text per language (py3langid's ``_raw_score``
        restricted to ``langs``), or None when a byte is outside the model's alphabet."""
        nm, out = self.nextmove, self.out
        state = 0
        counts: dict[int, int] = {}
        for byte in data:
            state = nm[(state << 8) | byte]
            f = out[state]
            if f >= 0:
                counts[f] = counts.get(f, 0) + 1
        if state == self.sink:
            return None
        n = len(self.langs)
        scores = list(self.pc)
        ptc = self.ptc
        for f, c in counts.items():
            w = math.log1p(c)
            base = f * n
            for j in range(n):
                scores[j] += w * ptc[base + j]
        return scores


def encode(text: str) -> bytes:
    """py3langid's input encoding: lower-cased if all upper case, NFC, UTF-8."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def build(identifier: Any, langs: tuple[str, ...]) -> LiteModel:
    """Derive the small model from a loaded ``py3langid.langid.LanguageIdentifier``."""
    nm, rowbase, out = identifier.tk_nextmove, identifier._rowbase, identifier.tk_output
    cols = [identifier.nb_classes.index(lang) for lang in langs]
    old_ids = [0]
    new_id = {0: 0}
    for old in old_ids:  # breadth-first over reachable states; the list grows as we go
        base = rowbase[old]
        for byte in _ALPHABET:
            nxt = nm[base + byte]
            if nxt not in new_id:
                new_id[nxt] = len(old_ids)
                old_ids.append(nxt)
    sink = len(old_ids)
    typecode = "H" if sink < 1 << 16 else "I"
    nextmove = array(typecode, [sink]) * ((sink + 1) * 256)
    feat_id: dict[int, int] = {}
    out_new = array("i", [-1]) * (sink + 1)
    for new, old in enumerate(old_ids):
        base = rowbase[old]
        for byte in _ALPHABET:
            nextmove[(new << 8) | byte] = new_id[nm[base + byte]]
        f = out[old]
        if f >= 0:
            out_new[new] = feat_id.setdefault(f, len(feat_id))
    ptc = array("f")
    table = identifier.nb_ptc
    for f in sorted(feat_id, key=feat_id.__getitem__):
        row = table[f]
        ptc.extend(float(row[c]) for c in cols)
    pc = array("f", [float(identifier.nb_pc[c]) for c in cols])
    return LiteModel(langs, nextmove, out_new, ptc, pc)


def dump(model: LiteModel, f: BinaryIO) -> None:
    """Write the model to *f* in the form :func:`load` maps: a header line (JSON, padded to a
    multiple of 8 bytes so every array is aligned) and the raw arrays."""
    arrays = {"nextmove": model.nextmove, "out": model.out, "ptc": model.ptc, "pc": model.pc}
    header = {
        "format": FORMAT,
        "byteorder": sys.byteorder,
        "langs": list(model.langs),
        "arrays": [[name, a.typecode, len(a)] for name, a in arrays.items()],
    }
    line = json.dumps(header).encode()
    line += b" " * (-(len(line) + 1) % 8) + b"\n"
    f.write(line)
    for a in arrays.values():
        a.tofile(f)
        f.write(b"\0" * (-(len(a) * a.itemsize) % 8))


def load(path: str, langs: tuple[str, ...]) -> LiteModel | None:
    """The model saved at ``path`` if it is there and for ``langs``, else None.

    The arrays are memory-mapped views, not copies: a process that asks about a few short
    strings touches a few pages of the table and loads in well under a millisecond.
    """
    try:
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        view = memoryview(data)
        end = data.find(b"\n")
        header = json.loads(view[:end].tobytes())
        if header.get("format") != FORMAT or header.get("byteorder") != sys.byteorder:
            return None
        if tuple(header["langs"]) != langs:
            return None
        offset = end + 1
        loaded = {}
        for name, typecode, length in header["arrays"]:
            size = length * array(typecode).itemsize
            loaded[name] = view[offset : offset + size].cast(typecode)
            offset += size + (-size % 8)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return LiteModel(langs, loaded["nextmove"], loaded["out"], loaded["ptc"], loaded["pc"])
