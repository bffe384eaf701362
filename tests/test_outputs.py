"""The output layout (pipeline.outputs): keys, listing what is stored, writing outcomes safely."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import outputs
from pipeline.records import dumps, pipeline_info, schema_errors
from pipeline.settings import SCHEMA_VERSION, Settings
from pipeline.store import LocalStore


class RecordingStore(LocalStore):
    """A real local store that remembers the order of its writes and deletes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, fsync=False)
        self.calls: list[tuple[str, str]] = []

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        super().put(key, data, content_type)
        self.calls.append(("put", key))

    def delete(self, key: str) -> None:
        super().delete(key)
        self.calls.append(("delete", key))


def _age(store: LocalStore, key: str, mtime: float) -> None:
    os.utime(store.root / key, (mtime, mtime))


def test_keys() -> None:
    assert outputs.record_key("d") == "clean/d.json"
    assert outputs.text_key("d") == "clean/d.txt"
    assert outputs.error_key("d") == "errors/d.json"
    assert outputs.run_manifest_key("r") == "runs/r.json"
    assert outputs.batch_manifest_key("r", 7) == "runs/r/batch-0007.json"
    assert outputs.HOST_MEMORY_PREFIX == "state/hosts/"


def test_inventory_sorts_what_it_lists_and_ignores_foreign_keys(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for key in (
        "clean/a.json",
        "clean/a.txt",
        "clean/orphan.txt",  # a crash between the .txt and the .json
        "errors/b.json",
        "clean/sub/c.json",  # not an outcome: outcomes are never nested
        "errors/notes.md",
        "runs/r.json",
        "state/hosts/example.com.json",
    ):
        store.put(key, b"{}")
    found = outputs.inventory(store)
    assert set(found.records) == {"a"} and set(found.texts) == {"a", "orphan"} and set(found.errors) == {"b"}
    assert found.doc_ids() == {"a", "b"}
    assert {doc_id: o.status for doc_id, o in found.outcomes().items()} == {"a": "clean", "b": "failed"}
    assert outputs.manifest_keys(store) == ["runs/r.json"]


@pytest.mark.parametrize(
    ("clean_mtime", "error_mtime", "status"),
    [(100.0, 200.0, "failed"), (200.0, 100.0, "clean"), (100.0, 100.0, "clean")],
)
def test_with_both_records_present_the_later_one_counts(
    tmp_path: Path, clean_mtime: float, error_mtime: float, status: str
) -> None:
    """A run killed between storing one outcome and deleting the other leaves both."""
    store = LocalStore(tmp_path)
    store.put("clean/d.json", b"{}")
    store.put("errors/d.json", b"{}")
    _age(store, "clean/d.json", clean_mtime)
    _age(store, "errors/d.json", error_mtime)
    found = outputs.inventory(store)
    assert found.doc_ids() == {"d"}
    outcome = found.outcomes()["d"]
    assert outcome.status == status
    assert outcome.key == ("clean/d.json" if status == "clean" else "errors/d.json")
    assert outcome.modified == max(clean_mtime, error_mtime)


def test_read_outcomes_reads_both_and_refuses_broken_json(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    assert outputs.read_outcomes(store, "d") == []
    store.put("errors/d.json", b'{"doc_id": "d", "stage": "read"}')
    store.put("clean/d.json", b'{"doc_id": "d"}')
    assert outputs.read_outcomes(store, "d") == [{"doc_id": "d"}, {"doc_id": "d", "stage": "read"}]
    store.put("clean/d.json", b"{trunc")
    with pytest.raises(ValueError):
        outputs.read_outcomes(store, "d")


def test_clean_outcome_writes_text_first_and_replaces_the_error(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path)
    store.put("errors/d.json", b"{}")
    store.calls.clear()
    outputs.write_clean(store, {"doc_id": "d", "text_en": "Hello.\nWorld."}, replaces=True)
    assert store.calls == [("put", "clean/d.txt"), ("put", "clean/d.json"), ("delete", "errors/d.json")]
    assert store.get("clean/d.txt") == b"Hello.\nWorld.\n"
    assert json.loads(store.get("clean/d.json"))["text_en"] == "Hello.\nWorld."
    assert outputs.inventory(store).outcomes()["d"].status == "clean"


def test_error_outcome_replaces_the_clean_record_and_its_text(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path)
    outputs.write_clean(store, {"doc_id": "d", "text_en": "x"}, replaces=False)
    store.calls.clear()
    outputs.write_error(store, {"doc_id": "d", "stage": "decode"}, replaces=True)
    assert store.calls == [("put", "errors/d.json"), ("delete", "clean/d.json"), ("delete", "clean/d.txt")]
    found = outputs.inventory(store)
    assert (set(found.records), set(found.texts), set(found.errors)) == (set(), set(), {"d"})


def test_first_outcome_deletes_nothing(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path)
    outputs.write_error(store, {"doc_id": "d"}, replaces=False)
    outputs.write_clean(store, {"doc_id": "e", "text_en": ""}, replaces=False)
    assert [call for call, _ in store.calls] == ["put", "put", "put"]


def test_manifest_is_schema_valid_in_fixed_order_and_written_under_runs(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    results = {
        "counts": {"seen": 1, "written": 1, "skipped": 0, "failed": 0},
        "documents": {"written": ["d"], "skipped": [], "failed": []},
        "flagged": {"interstitial": ["d"]},
        "languages": {"en": 1},
        "translations": {},
        "translation_memory": {"hits": 0, "misses": 0},
        "host_memory": {},
        "models": [],
        "stages": {},
    }
    manifest = outputs.build_manifest(
        run_id="20260101T000000Z-abcdef",
        started=1_767_225_600.0,
        finished=1_767_225_601.25,
        status="completed",
        destination=store.url,
        inputs=["file:///in/a.txt"],
        results={**results, "ignored": 1},
        pipeline=pipeline_info(Settings()),
        error=None,
    )
    assert list(manifest)[:8] == [
        "schema_version",
        "run_id",
        "started_at",
        "finished_at",
        "seconds",
        "status",
        "destination",
        "inputs",
    ]
    assert list(manifest)[8:] == [*results, "pipeline", "error"]
    assert manifest["schema_version"] == SCHEMA_VERSION and "ignored" not in manifest
    assert (manifest["started_at"], manifest["finished_at"], manifest["seconds"]) == (
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:01Z",
        1.25,
    )
    assert schema_errors(manifest, "manifest") == []
    uri = outputs.write_manifest(store, manifest)
    assert uri == store.uri_for("runs/20260101T000000Z-abcdef.json")
    assert json.loads(store.get("runs/20260101T000000Z-abcdef.json")) == manifest


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=6))
def test_dumps_writes_the_bytes_of_json_dumps_indent_2(record: dict[str, object]) -> None:
    """Records are written by a faster route (C encoder, then msgspec indents); the bytes must
    stay those of ``json.dumps(indent=2)``: exponent floats, NaN, escapes, empty containers."""
    try:
        expected = (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: neither route can write it as UTF-8
        with pytest.raises(UnicodeEncodeError):
            dumps(record)
        return
    assert dumps(record) == expected


def test_dumps_keeps_json_number_and_escape_spelling() -> None:
    record = {"f": [1e-05, 1e16, 0.1, -0.0, float("nan"), float("inf")], "s": 'é "\\ \x00 \u2028', "e": [{}, []]}
    assert dumps(record) == (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert dumps({"f": [1e-05, 1e16]}) == b'{\n  "f": [\n    1e-05,\n    1e+16\n  ]\n}\n'
