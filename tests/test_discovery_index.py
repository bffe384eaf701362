"""The discovery index on SeaweedFS: steady state lists no outputs; a missing, unreadable or
stale index is rebuilt from the bucket with the same answer as listing everything."""

from __future__ import annotations

import gzip
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from seaweed import SeaweedServer
from store_spy import ListingSpy

from pipeline import outputs
from pipeline.ids import doc_id_for
from pipeline.orchestration import Stores, discover_pending, plan_batches, process_batch
from pipeline.orchestration.index import DiscoveryIndex
from pipeline.settings import Settings

pytestmark = pytest.mark.slow
DOCS = {f"landing/d{i}/page-{i}.txt": f"Document number {i} about the provincial council.\n".encode() for i in range(6)}
DOCS["landing/d9/broken.bin"] = b"\x7fELF\x02\x01\x01" + bytes(64)



@pytest.fixture
def processed(seaweed: SeaweedServer, seaweed_env: dict[str, str], tmp_path: Path) -> Iterator[tuple]:
    """A bucket whose landing documents have all been discovered and processed once."""
    bucket = seaweed.create_bucket(f"index-{secrets.token_hex(4)}")
    client = seaweed.client()
    for key, data in DOCS.items():
        client.put_object(Bucket=bucket, Key=key, Body=data)
    settings = Settings.load(
        {"orchestration.bucket": bucket, "orchestration.batch_docs": 3, "translation.models_dir": str(tmp_path / "m")}
    )
    stores = Stores.open(settings.orchestration)
    pending = discover_pending(stores, settings)
    assert sorted(c.key for c in pending) == sorted(DOCS) and {c.reason for c in pending} == {"new"}
    batches, _ = plan_batches(pending, settings, "20250101T000000Z-aaaaaa")
    for batch in batches:
        process_batch(stores, settings, batch)
    yield settings, stores, bucket, client
    seaweed.discard_bucket(bucket)


def _index(client: Any, bucket: str, settings: Settings) -> DiscoveryIndex:
    key = outputs.discovery_index_key(settings.orchestration.landing_prefix)
    return DiscoveryIndex.from_bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())


def _keys(client: Any, bucket: str, prefix: str) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def test_steady_state_lists_no_outputs_and_merges_the_batch_deltas(processed: tuple) -> None:
    settings, stores, bucket, client = processed
    landing = settings.orchestration.landing_prefix
    assert len(_keys(client, bucket, outputs.discovery_deltas_prefix(landing))) == 3  # one per batch
    spy = ListingSpy(stores.output)
    assert discover_pending(Stores(stores.landing, spy), settings) == []
    assert spy.listed == [outputs.discovery_deltas_prefix(landing)]  # neither clean/ nor errors/
    assert _keys(client, bucket, outputs.discovery_deltas_prefix(landing)) == []  # merged into the index
    index = _index(client, bucket, settings)
    assert sorted(index.entries) == sorted(DOCS)
    assert index.entries["landing/d9/broken.bin"][2] == "failed"

    spy.listed.clear()  # nothing new, no deltas: one small listing, no write
    assert discover_pending(Stores(stores.landing, spy), settings) == []
    assert spy.listed == [outputs.discovery_deltas_prefix(landing)]

    client.put_object(Bucket=bucket, Key="landing/d0/page-0.txt", Body=b"Changed text of document zero.\n")
    client.put_object(Bucket=bucket, Key="landing/d7/new.txt", Body=b"A new document.\n")
    found = {(c.key, c.reason) for c in discover_pending(stores, settings)}
    assert found == {("landing/d0/page-0.txt", "changed"), ("landing/d7/new.txt", "new")}


@pytest.mark.parametrize("damage", ["deleted", "unreadable", "stale"])
def test_a_missing_unreadable_or_stale_index_is_rebuilt_from_the_bucket(processed: tuple, damage: str) -> None:
    settings, stores, bucket, client = processed
    landing = settings.orchestration.landing_prefix
    assert discover_pending(stores, settings) == []
    good = _index(client, bucket, settings)
    # One document loses its outcome behind the index's back: only a rebuild can notice.
    lost = "landing/d3/page-3.txt"
    lost_id = doc_id_for(f"s3://{bucket}/{lost}")
    client.delete_object(Bucket=bucket, Key=outputs.record_key(lost_id))
    client.delete_object(Bucket=bucket, Key=outputs.text_key(lost_id))
    assert discover_pending(stores, settings) == []  # the index still vouches for it
    key = outputs.discovery_index_key(landing)
    if damage == "deleted":
        client.delete_object(Bucket=bucket, Key=key)
    elif damage == "unreadable":
        client.put_object(Bucket=bucket, Key=key, Body=b"not gzip")
    else:  # built longer ago than index_max_age_hours
        body = json.loads(gzip.decompress(good.to_bytes()))
        body["built"] -= settings.orchestration.index_max_age_hours * 3600 + 60
        client.put_object(Bucket=bucket, Key=key, Body=gzip.compress(json.dumps(body).encode()))

    spy = ListingSpy(stores.output)
    pending = discover_pending(Stores(stores.landing, spy), settings)
    assert [(c.key, c.reason) for c in pending] == [(lost, "new")]
    assert {"clean/", "errors/"} <= set(spy.listed)  # rebuilt from the outputs themselves
    rebuilt = _index(client, bucket, settings)
    assert rebuilt.entries == {k: v for k, v in good.entries.items() if k != lost}
    assert rebuilt.built > good.built
