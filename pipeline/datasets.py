"""Dataset files: the records each orchestrated batch wrote, as Parquet, for analytics readers.

One object per JSON record is slow to scan at volume; every batch therefore also appends the
records it wrote to one Parquet file (key layout in :mod:`pipeline.outputs`)::

    datasets/records/date=YYYY-MM-DD/run=<run>/part-NNNNN.parquet

Hive-style partitions (``date`` of the run, ``run``), one part per batch (a retry overwrites
its own part). Columns (``DATASET_VERSION`` 1, also in each file's metadata as
``docpipe.dataset_version``): ``doc_id``, ``processed_at``, ``schema_version`` (of the record),
``source`` (struct: uri, format, encoding, bytes, sha256), ``metadata`` (JSON text: title,
title_en, url, site, author, date, alternates), ``text``, ``text_en``, ``languages``
(map language → share), ``segments`` (list of structs: id, block, start, end, text, lang,
lang_score, script, role, role_score, translation as JSON text).

The files are append-only: a reprocessed document appears again in a later run. Readers take
the **latest version per doc_id**: the row with the greatest ``processed_at``, ties broken by
the greater ``run``. ``clean/<doc_id>.json`` stays the authority: a document whose latest
outcome is an error record has no current row, whatever older parts hold.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

DATASET_VERSION = 1
METADATA_FIELDS = ("title", "title_en", "url", "site", "author", "date", "alternates")

SOURCE = pa.struct(
    [("uri", pa.string()), ("format", pa.string()), ("encoding", pa.string()), ("bytes", pa.int64()),
     ("sha256", pa.string())]
)  # fmt: skip
SEGMENT = pa.struct(
    [("id", pa.int32()), ("block", pa.int32()), ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
     ("lang", pa.string()), ("lang_score", pa.float64()), ("script", pa.string()), ("role", pa.string()),
     ("role_score", pa.float64()), ("translation", pa.string())]
)  # fmt: skip
SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("processed_at", pa.string()),
        ("schema_version", pa.string()),
        ("source", SOURCE),
        ("metadata", pa.string()),
        ("text", pa.string()),
        ("text_en", pa.string()),
        ("languages", pa.map_(pa.string(), pa.float64())),
        ("segments", pa.list_(SEGMENT)),
    ],
    metadata={"docpipe.dataset_version": str(DATASET_VERSION)},
)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def row(record: dict[str, Any]) -> dict[str, Any]:
    """One record as a dataset row (the schema above)."""
    source = record.get("source") or {}
    return {
        "doc_id": record["doc_id"],
        "processed_at": record.get("processed_at"),
        "schema_version": record.get("schema_version"),
        "source": {name: source.get(name) for name in SOURCE.names},
        "metadata": _json({name: record.get(name) for name in METADATA_FIELDS}),
        "text": record.get("text", ""),
        "text_en": record.get("text_en", ""),
        "languages": list((record.get("languages") or {}).items()),
        "segments": [
            {
                **{name: seg.get(name) for name in SEGMENT.names if name != "translation"},
                "translation": _json(seg.get("translation")),
            }
            for seg in record.get("segments") or ()
        ],
    }


def parquet_bytes(records: Iterable[dict[str, Any]]) -> bytes:
    """The Parquet file (zstd) holding *records*."""
    table = pa.Table.from_pylist([row(r) for r in records], schema=SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()
