"""Checking a destination: every input has exactly one outcome and every record is valid.

Operators run it after an incident (a store outage, a killed worker) and the tests run it
after fault injection: it reads only what a downstream reader would read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pipeline.ids import doc_id_for
from pipeline.inputs import InputItem
from pipeline.records import schema_errors
from pipeline.runner import CLEAN, ERRORS, RUNS
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
    keys = {info.key for info in store.list("")}
    clean_ids = _ids(keys, CLEAN, ".json")
    error_ids = _ids(keys, ERRORS, ".json")
    report.clean, report.errors = len(clean_ids), len(error_ids)
    for doc_id in sorted(clean_ids & error_ids):
        report.problems.append(f"{doc_id}: has both a clean and an error record")
    for doc_id in sorted(clean_ids):
        record = _load(store, f"{CLEAN}/{doc_id}.json", report)
        if record is None:
            continue
        _check(record, "record", doc_id, report)
        txt_key = f"{CLEAN}/{doc_id}.txt"
        if txt_key not in keys:
            report.problems.append(f"{doc_id}: {txt_key} is missing")
        elif store.get(txt_key).decode("utf-8", "replace") != str(record.get("text_en", "")) + "\n":
            report.problems.append(f"{doc_id}: {txt_key} differs from the record's text_en")
    for doc_id in sorted(_ids(keys, CLEAN, ".txt") - clean_ids):
        report.problems.append(f"{doc_id}: {CLEAN}/{doc_id}.txt has no record")
    for doc_id in sorted(error_ids):
        record = _load(store, f"{ERRORS}/{doc_id}.json", report)
        if record is not None:
            _check(record, "error", doc_id, report)
    for key in sorted(k for k in keys if k.startswith(f"{RUNS}/")):
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


def _ids(keys: set[str], prefix: str, suffix: str) -> set[str]:
    start = f"{prefix}/"
    return {
        k[len(start) : -len(suffix)]
        for k in keys
        if k.startswith(start) and k.endswith(suffix) and "/" not in k[len(start) :]
    }


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
