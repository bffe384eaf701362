"""Where ``docpipe models install`` takes packages from: files, folders, an ``s3://`` prefix.

Workers of one deployment install the same models from one place — a shared folder or a
bucket prefix — so every Airflow worker translates with identical model versions.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipeline.store import StoreError, open_store
from pipeline.translate.packages import NLLB_DESCRIPTOR, PackageError, PackageInfo, install

SUFFIX = ".argosmodel"


class ModelSourceError(ValueError):
    """A path that holds no installable model, or a package that failed validation."""


def install_from(
    paths: list[str], models_dir: str | os.PathLike[str] | None = None, force: bool = False
) -> list[PackageInfo]:
    installed: list[PackageInfo] = []
    for spec in paths:
        try:
            if spec.startswith("s3://"):
                installed.extend(_from_bucket(spec, models_dir, force))
            else:
                installed.extend(_from_path(Path(spec).expanduser(), models_dir, force))
        except (PackageError, StoreError, OSError) as exc:
            raise ModelSourceError(f"{spec}: {exc}") from None
    return installed


def _from_path(path: Path, models_dir: str | os.PathLike[str] | None, force: bool) -> list[PackageInfo]:
    if path.is_file():
        return install(path, models_dir, force=force)
    if not path.is_dir():
        raise ModelSourceError(f"{path}: no such file or directory")
    if (path / "metadata.json").is_file() or (path / NLLB_DESCRIPTOR).is_file():
        return install(path, models_dir, force=force)  # an unpacked package or an NLLB directory
    packages = sorted(path.rglob(f"*{SUFFIX}"))
    if not packages:
        raise ModelSourceError(f"{path}: no {SUFFIX} files, and not a model directory")
    return [info for package in packages for info in install(package, models_dir, force=force)]


def _from_bucket(url: str, models_dir: str | os.PathLike[str] | None, force: bool) -> list[PackageInfo]:
    store = open_store(url)
    keys = [info.key for info in store.list("") if info.key.endswith(SUFFIX)]
    if not keys:
        raise ModelSourceError(f"{url}: no {SUFFIX} objects under this prefix")
    installed: list[PackageInfo] = []
    with tempfile.TemporaryDirectory(prefix="docpipe-models-") as tmp:
        for key in keys:
            local = Path(tmp) / key.rsplit("/", 1)[-1]
            local.write_bytes(store.get(key))
            installed.extend(install(local, models_dir, force=force))
    return installed
