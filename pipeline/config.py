"""Pipeline settings: one frozen object, hashed into every record.

The hash tells a reader (and the skip-unchanged check) whether two records were made under
the same settings; anything that changes output belongs here.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field

from pipeline import __version__

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Settings that shape the output. Defaults suit scraped news pages."""

    target_lang: str = "en"
    max_document_bytes: int = 16 * 1024 * 1024
    max_document_seconds: float = 120.0
    batch_size: int = 32
    #: Learn the lines each site repeats across pages and treat them as chrome (state/hosts/ in the store).
    host_memory: bool = True
    models_dir: str | None = field(default=None, compare=False)

    def output_settings(self) -> dict[str, object]:
        """The settings that change a record's content. Limits, batching and paths do not
        (models are recorded by id in each record instead), so changing them reprocesses nothing."""
        data = asdict(self)
        for operational in ("models_dir", "batch_size", "max_document_bytes", "max_document_seconds"):
            data.pop(operational)
        return data

    def config_hash(self) -> str:
        payload = json.dumps(self.output_settings(), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()[:16]

    @classmethod
    def from_env(cls, **overrides: object) -> PipelineConfig:
        """Read ``DOCPIPE_*`` variables so Airflow workers and the CLI agree by default."""
        values: dict[str, object] = {}
        if "DOCPIPE_MAX_DOCUMENT_BYTES" in os.environ:
            values["max_document_bytes"] = int(os.environ["DOCPIPE_MAX_DOCUMENT_BYTES"])
        if "DOCPIPE_MAX_DOCUMENT_SECONDS" in os.environ:
            values["max_document_seconds"] = float(os.environ["DOCPIPE_MAX_DOCUMENT_SECONDS"])
        if "DOCPIPE_BATCH_SIZE" in os.environ:
            values["batch_size"] = int(os.environ["DOCPIPE_BATCH_SIZE"])
        if "DOCPIPE_HOST_MEMORY" in os.environ:
            values["host_memory"] = _flag(os.environ["DOCPIPE_HOST_MEMORY"], "DOCPIPE_HOST_MEMORY")
        if "DOCPIPE_MODELS_DIR" in os.environ:
            values["models_dir"] = os.environ["DOCPIPE_MODELS_DIR"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def pipeline_version() -> str:
    return __version__
