"""Installed translation models: Argos ``.argosmodel`` packages and operator-supplied NLLB-200 directories.

docpipe reads the Argos package format itself instead of depending on ``argostranslate``, whose
install drags in torch and whose translate path downloads stanza models at run time. Everything
here is offline and touches only the models directory.

Layout of the models directory (one directory per installed model, named with its version so an
upgrade is a single atomic ``rename`` and readers never see a half-written model)::

    <models_dir>/argos-ar_en-1.1/      metadata.json, model/, sentencepiece.model, README.md
    <models_dir>/nllb-<name>-<ver>/    docpipe-nllb.json, model.bin, *vocabulary*, sentencepiece.bpe.model

An NLLB directory is recognised by its ``docpipe-nllb.json`` descriptor (see docs/translation.md)::

    {"format": "docpipe-nllb", "format_version": 1, "name": "nllb-200-distilled-600M", "version": "1",
     "sentencepiece": "sentencepiece.bpe.model", "languages": {"ps": "pbt_Arab", "en": "eng_Latn"},
     "targets": ["en"]}
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

log = logging.getLogger(__name__)

PackageKind = Literal["argos", "nllb"]
NLLB_DESCRIPTOR = "docpipe-nllb.json"
MAX_PACKAGE_BYTES = 8 * 1024**3  # uncompressed; the largest Argos packages are a few hundred MB
MAX_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200  # per member; model weights compress ~1.1x, zip bombs ~1000x
_VOCAB_FILES = ("shared_vocabulary.txt", "shared_vocabulary.json")
_SPLIT_VOCAB_FILES = (("source_vocabulary.txt", "source_vocabulary.json"),
                      ("target_vocabulary.txt", "target_vocabulary.json"))
_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


UNKNOWN_LICENSE = "not declared (see the package README)"
NLLB_200_LICENSE = "CC-BY-NC-4.0 (non-commercial use only)"
_LICENSE_LINE = re.compile(r"(?im)^\W*licen[cs]e\W*[:=-]\s*(\S[^\n]{0,80})$")


def declared_license(metadata: dict[str, object], readme: Path | None = None, name: str = "") -> str:
    """A model's licence: the metadata's ``license``, a ``License: …`` line of its README, or, for
    Meta's NLLB-200 weights (named ``nllb-200-*``), CC-BY-NC-4.0. Operators must see it before
    using a model commercially, so ``docpipe models list`` always shows one."""
    declared = metadata.get("license")
    if isinstance(declared, str) and declared.strip():
        return declared.strip()[:80]
    if readme is not None and readme.is_file():
        match = _LICENSE_LINE.search(readme.read_text(encoding="utf-8", errors="replace")[:20_000])
        if match:
            return match.group(1).strip()
    if name.lower().startswith("nllb-200"):
        return NLLB_200_LICENSE
    return UNKNOWN_LICENSE


class PackageError(ValueError):
    """A package file or directory that is malformed, unsafe or unsupported."""


@dataclass(frozen=True, slots=True)
class PackageInfo:
    """One installed model serving one language pair (an NLLB directory yields one per source)."""

    kind: PackageKind
    from_code: str
    to_code: str
    version: str
    path: Path
    size_bytes: int
    name: str = ""  # NLLB: the descriptor's name; Argos: empty
    flores: dict[str, str] = field(default_factory=dict, compare=False)  # NLLB: ISO code → FLORES code
    sentencepiece: str = "sentencepiece.model"  # file name inside *path*
    license: str = UNKNOWN_LICENSE  # what the package declares; NLLB-200 weights are CC-BY-NC-4.0

    @property
    def model_path(self) -> Path:
        """The CTranslate2 model directory."""
        return self.path if self.kind == "nllb" else self.path / "model"

    @property
    def sentencepiece_path(self) -> Path:
        return self.path / self.sentencepiece

    @property
    def id(self) -> str:
        """Model id recorded with every translation; the version is part of it on purpose."""
        if self.kind == "nllb":
            return f"{self.name}:{self.from_code}_{self.to_code}@{self.version}"
        return f"argos-{self.from_code}_{self.to_code}@{self.version}"


def models_dir(configured: str | os.PathLike[str] | None = None) -> Path:
    """Where models live: the configured directory (``translation.models_dir`` in
    :mod:`pipeline.settings`: flag, ``ARGOS_PACKAGES_DIR``, ``DOCPIPE_MODELS_DIR``), else the user data dir."""
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("docpipe")) / "models"


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for ``1.10`` > ``1.9`` > ``1.9rc1``-style versions without a dependency."""
    parts = re.findall(r"\d+|[A-Za-z]+", version)
    return tuple((1, int(p)) if p.isdigit() else (0, p.lower()) for p in parts)


# -- reading ------------------------------------------------------------------------------------


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _has_vocabulary(model: Path) -> bool:
    if any((model / name).is_file() for name in _VOCAB_FILES):
        return True
    return all(any((model / name).is_file() for name in names) for names in _SPLIT_VOCAB_FILES)


def _check_ct2_dir(model: Path, what: str) -> None:
    if not (model / "model.bin").is_file():
        raise PackageError(f"{what}: no CTranslate2 model.bin in {model.name}/")
    if not _has_vocabulary(model):
        raise PackageError(f"{what}: no shared_ or source_/target_vocabulary in {model.name}/")


def _check_code(value: object, what: str) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        raise PackageError(f"{what}: invalid language code {value!r}")
    return value


def _check_version(value: object, what: str) -> str:
    value = str(value) if isinstance(value, int | float) else value
    if not isinstance(value, str) or not _VERSION.match(value):
        raise PackageError(f"{what}: invalid version {value!r}")
    return value


def _read_json(path: Path, what: str) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"{what}: unreadable {path.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise PackageError(f"{what}: {path.name} is not a JSON object")
    return data


def read_argos_dir(path: Path) -> PackageInfo:
    """Validate an unpacked Argos package directory and describe it."""
    what = f"Argos package {path.name}"
    meta = _read_json(path / "metadata.json", what)
    if meta.get("type", "translate") != "translate":
        raise PackageError(f"{what}: type {meta.get('type')!r} is not a translation package")
    from_code = _check_code(meta.get("from_code"), what)
    to_code = _check_code(meta.get("to_code"), what)
    version = _check_version(meta.get("package_version", "0"), what)
    _check_ct2_dir(path / "model", what)
    if not (path / "sentencepiece.model").is_file():
        hint = " (BPE packages need sacremoses and are not supported)" if (path / "bpe.model").exists() else ""
        raise PackageError(f"{what}: no sentencepiece.model{hint}")
    licence = declared_license(meta, path / "README.md")
    return PackageInfo("argos", from_code, to_code, version, path, _dir_size(path), license=licence)


def read_nllb_dir(path: Path) -> list[PackageInfo]:
    """Validate an NLLB directory with a ``docpipe-nllb.json`` descriptor: one entry per source→target."""
    what = f"NLLB model {path.name}"
    desc = _read_json(path / NLLB_DESCRIPTOR, what)
    if desc.get("format") != "docpipe-nllb" or desc.get("format_version") != 1:
        raise PackageError(f"{what}: {NLLB_DESCRIPTOR} must have format 'docpipe-nllb', format_version 1")
    name = desc.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise PackageError(f"{what}: invalid name {name!r}")
    version = _check_version(desc.get("version"), what)
    languages = desc.get("languages")
    if not isinstance(languages, dict) or not languages:
        raise PackageError(f"{what}: 'languages' must map ISO codes to FLORES-200 codes")
    flores: dict[str, str] = {}
    for code, token in languages.items():
        if not isinstance(token, str) or not re.match(r"^[a-z]{3}_[A-Z][a-z]{3}$", token):
            raise PackageError(f"{what}: {code!r} → {token!r} is not a FLORES-200 code like pbt_Arab")
        flores[_check_code(code, what)] = token
    targets = desc.get("targets", ["en"])
    if not isinstance(targets, list) or not all(t in flores for t in targets):
        raise PackageError(f"{what}: every target must be one of the languages")
    sp_name = desc.get("sentencepiece", "sentencepiece.bpe.model")
    if not isinstance(sp_name, str) or "/" in sp_name or not (path / sp_name).is_file():
        raise PackageError(f"{what}: sentencepiece model {sp_name!r} not found")
    _check_ct2_dir(path, what)
    size = _dir_size(path)
    licence = declared_license(desc, path / "README.md", name)
    return [
        PackageInfo("nllb", src, tgt, version, path, size, name=name, flores=dict(flores), sentencepiece=sp_name,
                    license=licence)
        for tgt in targets for src in flores if src != tgt
    ]


def read_dir(path: Path) -> list[PackageInfo]:
    """The models an installed directory provides (Argos: one; NLLB: one per source language)."""
    if (path / NLLB_DESCRIPTOR).is_file():
        return read_nllb_dir(path)
    if (path / "metadata.json").is_file():
        return [read_argos_dir(path)]
    raise PackageError(f"{path}: neither an Argos package (metadata.json) nor an NLLB model ({NLLB_DESCRIPTOR})")


def list_installed(directory: str | os.PathLike[str] | None = None) -> list[PackageInfo]:
    """Installed models, newest version per (kind, name, pair); broken directories are logged and skipped."""
    root = models_dir(directory)
    if not root.is_dir():
        return []
    best: dict[tuple[str, str, str, str], PackageInfo] = {}
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or not child.is_dir():
            continue  # .tmp-* / .old-* are installs in progress
        try:
            infos = read_dir(child)
        except PackageError as exc:
            log.warning("skipping %s: %s", child, exc)
            continue
        for info in infos:
            key = (info.kind, info.name, info.from_code, info.to_code)
            if key not in best or version_key(info.version) > version_key(best[key].version):
                best[key] = info
    return sorted(best.values(), key=lambda i: (i.from_code, i.to_code, i.kind, i.name))


# -- installing ---------------------------------------------------------------------------------


def _safe_members(zf: zipfile.ZipFile, max_bytes: int) -> str:
    """Check every member (no traversal, links, bombs, one top directory); return the top directory."""
    infos = zf.infolist()
    if not infos:
        raise PackageError("empty archive")
    if len(infos) > MAX_MEMBERS:
        raise PackageError(f"too many members ({len(infos)} > {MAX_MEMBERS})")
    tops: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if (not parts or name.startswith("/") or "\\" in name or ":" in parts[0] or "\x00" in name
                or any(p in ("..", ".") for p in parts)):
            raise PackageError(f"unsafe member path {name!r}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageError(f"symbolic link member {name!r}")
        if len(parts) == 1 and not info.is_dir():
            raise PackageError(f"file {name!r} outside the package's top directory")
        tops.add(parts[0])
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            raise PackageError(f"member {name!r} expands {info.file_size / info.compress_size:.0f}x")
    if len(tops) != 1:
        raise PackageError(f"an .argosmodel holds exactly one top directory, found {sorted(tops)}")
    if total > max_bytes:
        raise PackageError(f"uncompressed size {total} exceeds the {max_bytes}-byte limit")
    return tops.pop()


def _extract(zf: zipfile.ZipFile, top: str, dest: Path, max_bytes: int) -> None:
    """Extract under *dest*, counting real bytes (headers can lie about sizes)."""
    written = 0
    for info in zf.infolist():
        relative = PurePosixPath(info.filename).relative_to(top)
        target = dest.joinpath(*relative.parts) if relative.parts else dest
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > max_bytes:
                    raise PackageError(f"archive expands beyond the {max_bytes}-byte limit")
                out.write(chunk)


def _install_dir_name(info: PackageInfo) -> str:
    if info.kind == "nllb":
        return f"{info.name}-{info.version}"
    return f"argos-{info.from_code}_{info.to_code}-{info.version}"


def _same_model(a: PackageInfo, b: PackageInfo) -> bool:
    if a.kind != b.kind:
        return False
    return a.name == b.name if a.kind == "nllb" else (a.from_code, a.to_code) == (b.from_code, b.to_code)


def _commit(staged: Path, info: PackageInfo, root: Path, force: bool) -> list[PackageInfo]:
    """Move a validated staging dir into place atomically and drop older versions of the same model."""
    installed = [i for i in list_installed(root) if _same_model(i, info)]
    for current in installed:
        if version_key(current.version) > version_key(info.version) and not force:
            raise PackageError(f"{current.id} is newer than {info.id}; pass force=True to downgrade")
    final = root / _install_dir_name(info)
    old: Path | None = None
    if final.exists():  # same version reinstalled: swap, keeping the window to two renames
        old = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
        final.rename(old / "pkg")
    staged.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    for path in {i.path for i in installed} - {final}:
        shutil.rmtree(path, ignore_errors=True)  # processes that loaded it keep their in-memory copy
    return read_dir(final)


def install(
    source: str | os.PathLike[str],
    directory: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
    max_bytes: int = MAX_PACKAGE_BYTES,
) -> list[PackageInfo]:
    """Install an ``.argosmodel`` file, an unpacked Argos directory or an NLLB directory.

    The package is staged in a hidden temp dir inside the models dir, validated, then renamed into
    place, so a crash or a concurrent reader never sees a partial model. A newer version replaces
    the installed one; an older one is refused unless *force*.
    """
    root = models_dir(directory)
    root.mkdir(parents=True, exist_ok=True)
    src = Path(source)
    staged = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    staged.chmod(0o755)  # mkdtemp makes it private; workers running as other users must read models
    try:
        if src.is_dir():
            shutil.copytree(src, staged, dirs_exist_ok=True, symlinks=False)
        elif zipfile.is_zipfile(src):
            with zipfile.ZipFile(src) as zf:
                top = _safe_members(zf, max_bytes)
                _extract(zf, top, staged, max_bytes)
        else:
            raise PackageError(f"{src}: not a zip archive (.argosmodel) nor a model directory")
        result = _commit(staged, read_dir(staged)[0], root, force)
        log.info("installed %s", ", ".join(i.id for i in result))
        return result
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)


def uninstall(info: PackageInfo) -> None:
    """Remove an installed model's directory (with every language pair it serves).

    The directory is first renamed to a hidden ``.old-*`` one, which :func:`list_installed`
    skips: a concurrent reader sees the model whole or not at all. Processes that already
    loaded it keep their in-memory copy.
    """
    trash = Path(tempfile.mkdtemp(prefix=".old-", dir=info.path.parent))
    info.path.rename(trash / "pkg")
    shutil.rmtree(trash, ignore_errors=True)


def remove(ids: Iterable[str], directory: str | os.PathLike[str] | None = None) -> list[PackageInfo]:
    """Uninstall the models with these ids (as :func:`list_installed` gives them); return what was removed.

    Nothing is removed when an id is not installed, or when a model directory named by one id
    also serves a pair that is not named: an NLLB directory serves several source languages,
    and removing one of them removes them all.
    """
    installed = list_installed(directory)
    by_id = {info.id: info for info in installed}
    wanted = list(dict.fromkeys(ids))
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        known = ", ".join(sorted(by_id)) or f"none in {models_dir(directory)}"
        raise PackageError(f"not installed: {', '.join(unknown)} (installed: {known})")
    paths = {by_id[i].path for i in wanted}
    for path in sorted(paths):
        others = [info.id for info in installed if info.path == path and info.id not in wanted]
        if others:
            raise PackageError(f"{path.name} also serves {', '.join(others)}: name those ids too to remove it")
    removed = [info for info in installed if info.path in paths]
    for path in sorted(paths):
        uninstall(next(info for info in removed if info.path == path))
        log.info("removed %s", path)
    return removed
