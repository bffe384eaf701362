"""Document ids: stable, distinct per location, always safe as an object key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.ids import doc_id_for, is_valid_doc_id


def test_stable_and_readable() -> None:
    uri = "file:///data/seeds/000_e09215701c99cdbe.txt"
    assert doc_id_for(uri) == doc_id_for(uri)
    assert doc_id_for(uri).startswith("000-e09215701c99cdbe-")


def test_same_name_in_two_folders_differs() -> None:
    assert doc_id_for("s3://b/a/index.html") != doc_id_for("s3://b/c/index.html")


def test_hostile_names_become_safe() -> None:
    for uri in ["s3://b/../../etc/passwd", "file:///x/%2e%2e/\x00\x1b.txt", "s3://b/" + "ا" * 1000, "s3://b/"]:
        assert is_valid_doc_id(doc_id_for(uri)), uri


@given(st.text())
def test_any_uri_gives_a_valid_id(uri: str) -> None:
    doc_id = doc_id_for(uri)
    assert is_valid_doc_id(doc_id)
    assert "/" not in doc_id and ".." not in doc_id
