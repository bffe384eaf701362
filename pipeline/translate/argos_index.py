"""Fetching Argos packages from the public Argos index, for deployments with internet.

``argostranslate.package.get_available_packages()`` retries forever without a network, so this
module talks to the index itself: one request with a short timeout and no retries, and a clear
error that says what to do instead (copy ``.argosmodel`` files over and ``models install``).
Nothing else in docpipe downloads anything.
"""

from __future__ import annotations

import json
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pipeline.settings import TranslationSettings
from pipeline.translate.packages import PackageInfo, install, version_key

DEFAULT_INDEX_URL = TranslationSettings().argos_index_url
MAX_INDEX_BYTES = 16 * 1024 * 1024
MAX_PACKAGE_BYTES = 2 * 1024 * 1024 * 1024


class IndexUnavailable(RuntimeError):
    """The index (or a package link) could not be reached or read."""


@dataclass(frozen=True, slots=True)
class IndexEntry:
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]


def _fetch(url: str, timeout: float, limit: int, dest: Path | None = None) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if dest is None:
                data = response.read(limit + 1)
                if len(data) > limit:
                    raise IndexUnavailable(f"{url}: larger than {limit} bytes")
                return data
            written = 0
            with dest.open("wb") as out:
                while chunk := response.read(1 << 20):
                    written += len(chunk)
                    if written > limit:
                        raise IndexUnavailable(f"{url}: larger than {limit} bytes")
                    out.write(chunk)
            return b""
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IndexUnavailable(
            f"cannot reach {url} ({reason}). This machine looks offline: download the .argosmodel "
            "files on a machine with internet access and run `docpipe models install FILE...`."
        ) from None


def fetch_index(index_url: str, timeout: float = 10.0) -> list[IndexEntry]:
    raw = _fetch(index_url, timeout, MAX_INDEX_BYTES)
    try:
        entries = json.loads(raw)
    except ValueError as exc:
        raise IndexUnavailable(f"{index_url}: not a JSON package index ({exc})") from None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("type", "translate") == "translate" and entry.get("links"):
            found.append(
                IndexEntry(
                    from_code=str(entry.get("from_code")),
                    to_code=str(entry.get("to_code")),
                    version=str(entry.get("package_version", "0")),
                    links=tuple(str(link) for link in entry["links"]),
                )
            )
    return found


def download(
    languages: list[str],
    target: str = "en",
    models_dir: str | None = None,
    timeout: float = 10.0,
    index_url: str = DEFAULT_INDEX_URL,
) -> list[PackageInfo]:
    """Download and install the newest ``LANG→target`` package for each language
    (*index_url*: ``translation.argos_index_url`` in the settings)."""
    entries = fetch_index(index_url, timeout)
    installed: list[PackageInfo] = []
    missing = []
    for lang in languages:
        candidates = [e for e in entries if e.from_code == lang and e.to_code == target]
        if not candidates:
            missing.append(lang)
            continue
        entry = max(candidates, key=lambda e: version_key(e.version))
        with tempfile.TemporaryDirectory(prefix="docpipe-download-") as tmp:
            path = Path(tmp) / f"translate-{lang}_{target}.argosmodel"
            _fetch(entry.links[0], timeout, MAX_PACKAGE_BYTES, dest=path)
            installed.extend(install(path, models_dir))
    if missing:
        raise IndexUnavailable(
            "no Argos package in the index for "
            + ", ".join(f"{lang}→{target}" for lang in missing)
            + (" (Pashto has none: provide an NLLB-200 model, see docs/translation.md)" if "ps" in missing else "")
        )
    return installed
