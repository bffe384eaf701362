"""Checking a destination: every input has exactly one outcome and every record is valid.

Operators run it after an incident (a store outage, a killed worker) and the tests run it
after fault injection: it reads only what a downstream reader would read. What lives where
is :mod:`pipeline.outputs`'s to say; this module only judges it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pipeline import outputs
from pipeline.ids import doc_id_for
from pipeline.inputs import InputItem
from pipeline.records import schema_errors
from pipeline.store import Store


@dataclass(slots=True)
class VerifyReport:
    clean: int = 0
    errors: int = 0
    runs: int = 0
    inputs: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(store: Store, inputs: list[InputItem] | None = None) -> VerifyReport:
    report = VerifyReport()
    found = outputs.inventory(store)
    clean_ids, error_ids = set(found.records), set(found.errors)
    report.clean, report.errors = len(clean_ids), len(error_ids)
    for doc_id in sorted(clean_ids & error_ids):
        report.problems.append(f"{doc_id}: has both a clean and an error record")
    for doc_id in sorted(clean_ids):
        record = _load(store, outputs.record_key(doc_id), report)
        if record is None:
            continue
        _check(record, "record", doc_id, report)
        txt_key = outputs.text_key(doc_id)
        if doc_id not in found.texts:
            report.problems.append(f"{doc_id}: {txt_key} is missing")
        elif store.get(txt_key).decode("utf-8", "replace") != outputs.text_content(str(record.get("text_en", ""))):
            report.problems.append(f"{doc_id}: {txt_key} differs from the record's text_en")
    for doc_id in sorted(set(found.texts) - clean_ids):
        report.problems.append(f"{doc_id}: {outputs.text_key(doc_id)} has no record")
    for doc_id in sorted(error_ids):
        record = _load(store, outputs.error_key(doc_id), report)
        if record is not None:
            _check(record, "error", doc_id, report)
    for key in outputs.manifest_keys(store):
        report.runs += 1
        manifest = _load(store, key, report)
        if manifest is not None:
            report.problems.extend(f"{key}: {e}" for e in schema_errors(manifest, "manifest"))
    if inputs is not None:
        report.inputs = len(inputs)
        for item in inputs:
            doc_id = doc_id_for(item.uri)
            if doc_id not in clean_ids and doc_id not in error_ids:
                report.problems.append(f"{item.uri}: no outcome ({doc_id})")
    return report


def _load(store: Store, key: str, report: VerifyReport) -> dict | None:
    try:
        value = json.loads(store.get(key))
    except ValueError as exc:
        report.problems.append(f"{key}: not valid JSON ({exc})")
        return None
    if not isinstance(value, dict):
        report.problems.append(f"{key}: not a JSON object")
        return None
    return value


def _check(record: dict, kind: str, doc_id: str, report: VerifyReport) -> None:
    report.problems.extend(f"{doc_id}: {e}" for e in schema_errors(record, kind))
    if record.get("doc_id") != doc_id:
        report.problems.append(f"{doc_id}: record says doc_id {record.get('doc_id')!r}")
