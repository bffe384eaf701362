"""The main job against a real S3 server (SeaweedFS on loopback), through the installed CLI."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from seaweed import S3Bucket, SeaweedServer

from pipeline.records import schema_errors

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DOCPIPE = shutil.which("docpipe", path=str(Path(sys.executable).parent)) or "docpipe"

pytestmark = pytest.mark.slow


def docpipe(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [DOCPIPE, *args, "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean_env, **env},
    )


def s3_env(server: SeaweedServer, tmp_path: Path) -> dict[str, str]:
    return {
        **server.env(),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }


def objects(server: SeaweedServer, bucket: str, prefix: str = "") -> dict[str, bytes]:
    client = server.client()
    keys = [
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]
    return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def test_seeds_into_s3_then_skip_unchanged(seaweed: SeaweedServer, s3_bucket: S3Bucket, tmp_path: Path) -> None:
    env = s3_env(seaweed, tmp_path)
    dest = f"s3://{s3_bucket.name}/docpipe"
    first = docpipe(env, "run", str(SEEDS), "--out", dest, "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["written"], summary["failed"], summary["completed"]) == (5, 0, True)

    stored = objects(seaweed, s3_bucket.name, "docpipe/")
    records = {k: json.loads(v) for k, v in stored.items() if k.startswith("docpipe/clean/") and k.endswith(".json")}
    assert len(records) == 5
    for key, record in records.items():
        assert schema_errors(record) == [], key
        assert stored[key.removesuffix(".json") + ".txt"].decode() == record["text_en"] + "\n"
    bodies = "\n".join(r["text"] for r in records.values())
    assert "Russia has become the first country to officially recognise the Taliban government" in bodies
    assert "زر الذهاب إلى الأعلى" not in bodies
    manifests = [json.loads(v) for k, v in stored.items() if k.startswith("docpipe/runs/")]
    assert len(manifests) == 1 and schema_errors(manifests[0], "manifest") == []
    assert manifests[0]["destination"] == dest

    again = docpipe(env, "run", str(SEEDS), "--out", dest, "--json")
    assert again.returncode == 0, again.stderr
    assert (json.loads(again.stdout)["written"], json.loads(again.stdout)["skipped"]) == (0, 5)


def test_inputs_read_from_s3(seaweed: SeaweedServer, s3_bucket: S3Bucket, tmp_path: Path) -> None:
    client = seaweed.client()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        client.put_object(Bucket=s3_bucket.name, Key=f"landing/{seed.name}", Body=seed.read_bytes())
    client.put_object(Bucket=s3_bucket.name, Key="landing/broken.bin", Body=b"\x7fELF" + bytes(200))
    env = s3_env(seaweed, tmp_path)
    result = docpipe(env, "run", f"s3://{s3_bucket.name}/landing/", "--out", f"s3://{s3_bucket.name}/out", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["written"], summary["failed"]) == (2, 1)
    stored = objects(seaweed, s3_bucket.name, "out/")
    uris = {
        json.loads(v)["source"]["uri"] for k, v in stored.items() if k.startswith("out/clean/") and k.endswith("json")
    }
    assert uris == {f"s3://{s3_bucket.name}/landing/{p.name}" for p in sorted(SEEDS.glob("*.txt"))[:2]}
    errors = [json.loads(v) for k, v in stored.items() if k.startswith("out/errors/")]
    assert len(errors) == 1 and errors[0]["source"]["uri"].endswith("/landing/broken.bin")


def test_unreachable_store_fails_the_run_clearly(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "docpipe",
        "AWS_SECRET_ACCESS_KEY": "planted-secret-value-123",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    result = docpipe(env, "run", str(SEEDS), "--out", "s3://nowhere/out")
    assert result.returncode == 1
    assert "incomplete" in result.stderr
    assert "planted-secret-value-123" not in result.stdout + result.stderr
