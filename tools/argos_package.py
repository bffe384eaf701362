"""Write ``.argosmodel`` packages byte for byte reproducibly: the project's own test and benchmark models.

Used by ``tools/build_test_model.py`` (the fixture packages in ``tests/fixtures/models``) and
``bench/translation_model.py`` (base-size random-weight packages). Development only: docpipe
itself installs packages (:func:`pipeline.translate.packages.install`) but never writes them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

ZIP_DATE = (2026, 1, 1, 0, 0, 0)  # fixed entry timestamps: the same files give the same bytes


def write_translation_package(out_dir: Path, from_code: str, from_name: str, version: str, *, description: str,
                              readme: str, sentencepiece_model: bytes, model_dir: Path, compress: bool = True) -> Path:
    """``translate-{from_code}_en-{version}.argosmodel`` in *out_dir*: an X → English package.

    Argos metadata, *readme*, the SentencePiece model and every file of the CTranslate2
    *model_dir*, written by :func:`write_argosmodel` (so byte-identical on rebuild).
    """
    metadata = {
        "package_version": version, "argos_version": "1.9", "from_code": from_code, "from_name": from_name,
        "to_code": "en", "to_name": "English", "type": "translate", "links": [], "description": description,
    }
    files = {"metadata.json": json.dumps(metadata, indent=2, ensure_ascii=False).encode() + b"\n",
             "README.md": readme.encode(), "sentencepiece.model": sentencepiece_model}
    for path in sorted(model_dir.iterdir()):
        files[f"model/{path.name}"] = path.read_bytes()
    name = f"translate-{from_code}_en-{version.replace('.', '_')}.argosmodel"
    return write_argosmodel(out_dir / name, f"{from_code}_en", files, compress=compress)


def write_argosmodel(out: Path, top: str, files: dict[str, bytes], *, compress: bool = True) -> Path:
    """Write an ``.argosmodel``: the directory *top* holding *files* (``metadata.json``,
    ``model/…``, ``sentencepiece.model``, …), the layout docpipe's installer reads.

    Entries sorted, fixed timestamps and modes, so a rebuild from the same files is
    byte-identical. *compress*: deflate (small fixtures) or store (int8 weights barely
    compress). Written beside *out* and renamed into place.
    """
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=method, compresslevel=9 if compress else None) as zf:
        for name in ["", "model/"]:
            zf.writestr(zipfile.ZipInfo(f"{top}/{name}", ZIP_DATE), b"")
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{top}/{name}", ZIP_DATE)
            info.compress_type, info.external_attr = method, 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(out)
    return out
