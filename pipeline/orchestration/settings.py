"""Orchestration settings: where documents land, where outputs go, how big a batch is.

:class:`Settings` is validated once (prefixes normalised, landing and output areas kept
apart); :class:`Stores` opens the bucket and the output area with one set of options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from pipeline.outputs import AREAS
from pipeline.store import Store, open_store

JSON = dict[str, Any]

# Airflow refuses to expand a task into more than 1,024 mapped instances (max_map_length);
# staying far below keeps the scheduler and the UI grid responsive.
MAX_BATCHES_LIMIT = 512


@dataclass(frozen=True, slots=True)
class Settings:
    """Where documents land and where outputs go, and how big a batch is.

    ``batch_docs``/``batch_bytes`` size one mapped task: a task instance is a process start,
    connection setup and model load, so a batch should be minutes of work, not seconds.
    ``max_batches`` bounds one run; what does not fit waits for the next scheduled run.
    """

    bucket: str = "docpipe"
    landing_prefix: str = "landing/"
    output_prefix: str = ""
    models_dir: str | None = None
    memory_path: str | None = None
    batch_docs: int = 100
    batch_bytes: int = 256 * 1024 * 1024
    max_batches: int = 200

    NAMES = (
        "bucket",
        "landing_prefix",
        "output_prefix",
        "models_dir",
        "memory_path",
        "batch_docs",
        "batch_bytes",
        "max_batches",
    )

    def __post_init__(self) -> None:
        if not self.bucket or "/" in self.bucket:
            raise ValueError(f"bucket must be a bare bucket name, got {self.bucket!r}")
        landing = _as_prefix(self.landing_prefix)
        output = _as_prefix(self.output_prefix)
        if not landing:
            raise ValueError("landing_prefix must not be empty: the outputs would count as inputs")
        object.__setattr__(self, "landing_prefix", landing)
        object.__setattr__(self, "output_prefix", output)
        for area in AREAS:
            out = f"{output}{area}/"
            if out.startswith(landing) or landing.startswith(out):
                raise ValueError(f"landing prefix {landing!r} overlaps the output area {out!r}")
        if self.batch_docs < 1 or self.batch_bytes < 1:
            raise ValueError("batch_docs and batch_bytes must be positive")
        if not 1 <= self.max_batches <= MAX_BATCHES_LIMIT:
            raise ValueError(f"max_batches must be between 1 and {MAX_BATCHES_LIMIT}")

    @classmethod
    def from_lookup(cls, lookup: Callable[[str], str | None]) -> Settings:
        """Build from a ``name → text or None`` lookup (Airflow Variables, then env, say)."""
        values: dict[str, Any] = {}
        for name in cls.NAMES:
            raw = lookup(name)
            if raw is None or (str(raw).strip() == "" and name not in ("output_prefix",)):
                continue
            text = str(raw).strip()
            values[name] = int(text) if name in ("batch_docs", "batch_bytes", "max_batches") else text
        return cls(**values)

    @property
    def bucket_url(self) -> str:
        return f"s3://{self.bucket}"

    @property
    def output_url(self) -> str:
        return f"s3://{self.bucket}/{self.output_prefix}".rstrip("/")

    def to_dict(self) -> JSON:
        return asdict(self)


def _as_prefix(prefix: str) -> str:
    """``"landing"`` and ``"/landing/"`` both mean ``"landing/"``; ``""`` is the bucket root."""
    prefix = (prefix or "").strip().strip("/")
    if ".." in prefix.split("/") or "\\" in prefix:
        raise ValueError(f"invalid prefix {prefix!r}")
    return f"{prefix}/" if prefix else ""


@dataclass(frozen=True, slots=True)
class Stores:
    """The bucket (for landing objects) and the output area, opened with one set of options."""

    landing: Store
    output: Store

    @classmethod
    def open(cls, settings: Settings, options: Mapping[str, Any] | None = None) -> Stores:
        opts = {k: v for k, v in (options or {}).items() if v not in (None, "")}
        return cls(open_store(settings.bucket_url, **opts), open_store(settings.output_url, **opts))
