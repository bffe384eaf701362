"""Time-ordered landing listings on SeaweedFS: discovery lists only keys after the index's
high-water key, a deferred backlog is still found, and a full listing on schedule catches late
arrivals and deletions."""

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
from pipeline.orchestration import Discovery, Stores, discover, plan_batches, process_batch
from pipeline.orchestration.index import DiscoveryIndex
from pipeline.settings import Settings

pytestmark = pytest.mark.slow
KEYS = [f"landing/2025/01/{day:02d}/doc-{n}.txt" for day, n in ((1, 1), (1, 2), (2, 3), (2, 4), (3, 5), (3, 6))]



@pytest.fixture
def bucket(seaweed: SeaweedServer, seaweed_env: dict[str, str], tmp_path: Path) -> Iterator[tuple]:
    name = seaweed.create_bucket(f"after-{secrets.token_hex(4)}")
    client = seaweed.client()
    for n, key in enumerate(KEYS):
        client.put_object(Bucket=name, Key=key, Body=f"Report number {n} on the harbour works.\n".encode())
    settings = Settings.load(
        {
            "orchestration.bucket": name,
            "orchestration.landing_time_ordered": True,
            "orchestration.batch_docs": 2,
            "orchestration.max_batches": 1,  # a backlog: each run takes two documents
            "translation.models_dir": str(tmp_path / "m"),
        }
    )
    opened = Stores.open(settings.orchestration)
    spy = ListingSpy(opened.landing)
    yield settings, Stores(spy, opened.output), spy, client, name
    seaweed.discard_bucket(name)


def _run(stores: Stores, settings: Settings, run: str) -> Discovery:
    """One scheduler run: discover, then process the batches the plan keeps."""
    found = discover(stores, settings)
    batches, _ = plan_batches(found.candidates, settings, run)
    for batch in batches:
        process_batch(stores, settings, batch)
    return found


def _index(client: Any, name: str, settings: Settings) -> DiscoveryIndex:
    key = outputs.discovery_index_key(settings.orchestration.landing_prefix)
    return DiscoveryIndex.from_bytes(client.get_object(Bucket=name, Key=key)["Body"].read())


def test_listings_start_after_the_high_water_key_and_the_backlog_is_not_skipped(bucket: tuple) -> None:
    settings, stores, spy, client, name = bucket
    seen = []
    for run in range(5):
        found = _run(stores, settings, f"20250101T00000{run}Z-aaaaaa")
        seen.append((spy.starts[-1], found.listed, sorted(c.key for c in found.candidates)))
    assert seen == [
        (None, 6, KEYS),  # no index: a full listing and a rebuild
        (None, 6, KEYS[2:]),  # the first key was pending, so no high-water key yet
        (KEYS[1], 4, KEYS[4:]),  # the deferred backlog is listed again
        (KEYS[3], 2, []),
        (KEYS[5], 0, []),  # steady state: nothing listed at all
    ]
    assert _index(client, name, settings).high_water == KEYS[5]
    assert "listed after landing/2025/01/03/doc-6.txt" in discover(stores, settings).describe()


def test_late_arrivals_and_deletions_wait_for_the_full_listing(bucket: tuple) -> None:
    settings, stores, spy, client, name = bucket
    for run in range(4):
        _run(stores, settings, f"20250101T00000{run}Z-aaaaaa")
    late, fresh = "landing/2025/01/01/doc-0-late.txt", "landing/2025/01/04/doc-7.txt"
    client.put_object(Bucket=name, Key=late, Body=b"Uploaded a day late.\n")
    client.put_object(Bucket=name, Key=fresh, Body=b"Uploaded on time.\n")
    client.delete_object(Bucket=name, Key=KEYS[0])
    found = discover(stores, settings)
    assert (spy.starts[-1], [c.key for c in found.candidates]) == (KEYS[5], [fresh])
    assert KEYS[0] in _index(client, name, settings).entries  # deletions go unnoticed too

    # The last full listing is older than full_listing_hours: everything is listed again.
    key = outputs.discovery_index_key(settings.orchestration.landing_prefix)
    body = json.loads(gzip.decompress(client.get_object(Bucket=name, Key=key)["Body"].read()))
    body["full_listed"] -= settings.orchestration.full_listing_hours * 3600 + 60
    client.put_object(Bucket=name, Key=key, Body=gzip.compress(json.dumps(body).encode()))
    found = discover(stores, settings)
    assert spy.starts[-1] is None
    assert sorted((c.key, c.reason) for c in found.candidates) == [(late, "new"), (fresh, "new")]
    index = _index(client, name, settings)
    assert KEYS[0] not in index.entries
    assert index.high_water == ""  # the late arrival sorts first and is pending: list everything next time


def test_an_unordered_layout_always_lists_everything(bucket: tuple) -> None:
    settings, stores, spy, _client, _name = bucket
    settings = settings.with_overrides({"orchestration.landing_time_ordered": False, "orchestration.max_batches": 5})
    for run in range(3):
        _run(stores, settings, f"20250101T00000{run}Z-aaaaaa")
    assert spy.starts == [None, None, None]
