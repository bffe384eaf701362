"""Documents and failures → the JSON records of the output contract.

Serialisation is deterministic (fixed key order, no floating noise, ``processed_at`` from
``SOURCE_DATE_EPOCH`` when set, as in reproducible builds), so the same input and pipeline
version give the same bytes. The contract is documented in ``docs/output-format.md`` and
enforced by the JSON Schemas in ``pipeline/schema/``.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import msgspec

from pipeline.document import Document, Source
from pipeline.settings import SCHEMA_VERSION, Settings, pipeline_version

if TYPE_CHECKING:  # validation is for `verify` and tests; a run does not pay for importing jsonschema
    from jsonschema import Draft202012Validator

    from pipeline.stages.base import Failure  # the stages package imports every stage and its models


def processed_at() -> str:
    """Now in UTC (ISO 8601, seconds), or ``SOURCE_DATE_EPOCH`` for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return iso_utc(seconds)


def iso_utc(seconds: float) -> str:
    """A POSIX time as ISO 8601 in UTC to the second (``2026-01-31T12:00:00Z``)."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pipeline_info(config: Settings, models: set[str] | None = None) -> dict[str, Any]:
    return {
        "name": "docpipe",
        "version": pipeline_version(),
        "config_hash": config.config_hash(),
        "models": sorted(models or ()),
    }


def source_record(source: Source) -> dict[str, Any]:
    return {
        "uri": source.uri,
        "sha256": source.sha256,
        "bytes": source.bytes,
        "format": source.format,
        "encoding": source.encoding,
    }


def clean_record(doc: Document, config: Settings, when: str) -> dict[str, Any]:
    meta = doc.metadata
    return {
        "schema_version": SCHEMA_VERSION,
        "doc_id": doc.doc_id,
        "source": source_record(doc.source),
        "title": meta.title,
        "title_en": doc.title_en,
        "author": meta.author,
        "date": meta.date,
        "site": meta.site,
        "url": meta.url,
        "text": doc.clean_text,
        "text_en": doc.clean_text_en,
        "languages": doc.languages,
        **({"quality": list(doc.quality)} if doc.quality else {}),
        "segments": [
            {
                "id": s.id,
                "block": s.block,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "lang": s.lang,
                "lang_score": s.lang_score,
                "script": s.script,
                "role": s.role.value,
                "role_score": doc.blocks[s.block].role_score,
                "translation": {
                    "text": s.translation.text if s.translation else None,
                    "model": s.translation.model if s.translation else None,
                    "status": s.translation.status.value if s.translation else "not_needed",
                },
            }
            for s in doc.segments
        ],
        "alternates": [{"lang": a.lang, "label": a.label, "href": a.href} for a in doc.alternates],
        "pipeline": pipeline_info(config, doc.models),
        "processed_at": when,
    }


def error_record(failure: Failure, config: Settings, when: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "doc_id": failure.doc.doc_id,
        "source": source_record(failure.doc.source),
        "stage": failure.stage,
        "error_type": failure.error_type,
        "message": failure.message,
        "pipeline": pipeline_info(config),
        "processed_at": when,
    }


def dumps(record: dict[str, Any]) -> bytes:
    """*record* as UTF-8 JSON indented by two spaces, with a final line feed.

    The bytes are those of ``json.dumps(record, ensure_ascii=False, indent=2)``, made ~2.5× faster
    (records are ~130 KB; this was ~4 ms a page): ``indent`` makes :mod:`json` fall back to its
    pure-Python encoder, so the compact C encoder writes the values (numbers and string escapes
    exactly as ``json`` writes them) and msgspec's formatter, which copies every token
    verbatim, indents. A value JSON cannot hold (NaN, infinity) is left to :mod:`json`, as before.
    """
    compact = json.dumps(record, ensure_ascii=False).encode("utf-8")
    try:
        return msgspec.json.format(compact, indent=2) + b"\n"
    except msgspec.DecodeError:  # NaN or infinity: json writes them, msgspec rightly refuses
        return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = json.loads(resources.files("pipeline.schema").joinpath(f"{name}.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(record: dict[str, Any], kind: str = "record") -> list[str]:
    """Messages for every way *record* breaks its schema (``record``, ``error`` or ``manifest``)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in sorted(_validator(kind).iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
    ]


def validate(record: dict[str, Any], kind: str = "record") -> None:
    errors = schema_errors(record, kind)
    if errors:
        raise ValueError(f"invalid {kind}: " + "; ".join(errors[:5]))
