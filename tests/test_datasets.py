"""Parquet dataset files on SeaweedFS, read back as a downstream reader would: pyarrow's S3
filesystem and DuckDB's httpfs extension (from the duckdb-extension-httpfs wheel, loaded by
path with extension downloads off)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from seaweed import SeaweedServer

from pipeline import outputs
from pipeline.datasets import DATASET_VERSION
from pipeline.orchestration import Stores, discover_pending, plan_batches, process_batch
from pipeline.orchestration.discovery import Selection, select_for_reprocess
from pipeline.settings import Settings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(p for p in (ROOT / "seeds").iterdir() if p.is_file())[:3]
FIRST, SECOND = "20250102T030405Z-aaaaaa", "20250103T000000Z-bbbbbb"


@pytest.fixture
def dataset(seaweed: SeaweedServer, seaweed_env: dict[str, str], tmp_path: Path) -> Iterator[tuple]:
    """Seeds ingested in one run (two batches), then one of them reprocessed in a second run."""
    bucket = seaweed.create_bucket(f"ds-{secrets.token_hex(4)}")
    client = seaweed.client()
    for seed in SEEDS:
        client.put_object(Bucket=bucket, Key=f"landing/{seed.name}", Body=seed.read_bytes())
    client.put_object(Bucket=bucket, Key="landing/broken.bin", Body=b"\x7fELF\x02\x01\x01" + bytes(64))
    settings = Settings.load(
        {"orchestration.bucket": bucket, "orchestration.batch_docs": 2, "translation.models_dir": str(tmp_path / "m")}
    )
    stores = Stores.open(settings.orchestration)
    batches, _ = plan_batches(discover_pending(stores, settings), settings, FIRST)
    for batch in batches:
        process_batch(stores, settings, batch)
    again, _ = select_for_reprocess(stores, settings, Selection(prefix=SEEDS[0].name))
    for batch in plan_batches(again, settings, SECOND)[0]:
        process_batch(stores, settings, batch, force=True)
    yield bucket, client, seaweed
    seaweed.discard_bucket(bucket)


LATEST = """
    SELECT * FROM read_parquet('s3://{bucket}/datasets/records/*/*/*.parquet', hive_partitioning = true)
    QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY processed_at DESC, run DESC) = 1
"""


def test_parts_are_partitioned_by_date_and_run(dataset: tuple) -> None:
    bucket, client, _ = dataset
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="datasets/")["Contents"])
    assert keys == [
        outputs.dataset_part_key(FIRST, 0),
        outputs.dataset_part_key(FIRST, 1),
        outputs.dataset_part_key(SECOND, 0),
    ]
    assert keys[0] == f"datasets/records/date=2025-01-02/run={FIRST}/part-00000.parquet"


def test_pyarrow_reads_the_dataset_from_s3(dataset: tuple) -> None:
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    bucket, client, server = dataset
    s3 = pafs.S3FileSystem(
        access_key=server.access_key,
        secret_key=server.secret_key,
        endpoint_override=server.endpoint_url,
        region="us-east-1",
        allow_bucket_creation=False,
    )
    table = ds.dataset(f"{bucket}/datasets/records/", filesystem=s3, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == len(SEEDS) + 1  # three seeds (the binary file is an error), one twice
    assert table.schema.metadata[b"docpipe.dataset_version"] == str(DATASET_VERSION).encode()
    rows = table.to_pylist()
    doc_id = rows[0]["doc_id"]
    record = json.loads(client.get_object(Bucket=bucket, Key=outputs.record_key(doc_id))["Body"].read())
    latest = max((r for r in rows if r["doc_id"] == doc_id), key=lambda r: (r["processed_at"], r["run"]))
    assert latest["text_en"] == record["text_en"]
    assert [s["text"] for s in latest["segments"]] == [s["text"] for s in record["segments"]]
    assert dict(latest["languages"]) == record["languages"]
    assert latest["source"]["sha256"] == record["source"]["sha256"]
    assert json.loads(latest["metadata"])["title"] == record["title"]


def test_duckdb_reads_the_latest_version_per_doc_id(dataset: tuple) -> None:
    import duckdb
    import duckdb_extension_httpfs

    bucket, _, server = dataset
    extension = next(Path(duckdb_extension_httpfs.__file__).parent.glob("extensions/*/httpfs.duckdb_extension"))
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"LOAD '{extension}'")
    host = server.endpoint_url.removeprefix("http://")
    con.execute(
        f"CREATE SECRET seaweed (TYPE s3, KEY_ID '{server.access_key}', SECRET '{server.secret_key}', "
        f"ENDPOINT '{host}', URL_STYLE 'path', USE_SSL false, REGION 'us-east-1')"
    )
    parts = f"s3://{bucket}/datasets/records/*/*/*.parquet"
    every = con.execute(f"SELECT doc_id, run FROM read_parquet('{parts}', hive_partitioning = true)").fetchall()
    assert len(every) == len(SEEDS) + 1
    latest = con.execute(f"SELECT doc_id, run, len(segments) FROM ({LATEST.format(bucket=bucket)})").fetchall()
    assert len(latest) == len(SEEDS) == len({d for d, _ in every})
    reprocessed = {d for d, r in every if r == SECOND}
    assert len(reprocessed) == 1
    assert {d: r for d, r, _ in latest}[next(iter(reprocessed))] == SECOND
    assert all(n > 0 for _, _, n in latest)
