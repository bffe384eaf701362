"""Security, end to end: hostile object keys, planted credentials, external entities and URLs, sizes.

Everything runs the real `docpipe` command against a real SeaweedFS server or local
directories, then searches every output (stdout, stderr, logs at -vv, every object written)
for what must not be there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from badinput import ENGLISH
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st
from seaweed import S3Bucket, SeaweedServer

from pipeline.ids import doc_id_for, is_valid_doc_id
from pipeline.store import LocalStore, StoreError

pytestmark = pytest.mark.timeout(240)  # nothing hangs
DOCPIPE = str(Path(sys.executable).parent / "docpipe")
_OUTPUT_KEY = re.compile(
    r"^(clean/[a-z0-9-]+-[0-9a-f]{16}\.(json|txt)|errors/[a-z0-9-]+-[0-9a-f]{16}\.json|runs/[0-9TZ]+-[0-9a-f]+\.json)$"
)


def docpipe(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    return subprocess.run([DOCPIPE, *args], env=full, capture_output=True, text=True, timeout=timeout)


def all_objects(server: SeaweedServer, bucket: str, prefix: str = "") -> dict[str, bytes]:
    client = server.client()
    found: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", ()):
            found[obj["Key"]] = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return found


def s3_env(server: SeaweedServer, tmp_path: Path, **overrides: str) -> dict[str, str]:
    return {
        **server.env(),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_MAX_ATTEMPTS": "2",
        **overrides,
    }


# -- untrusted names never escape their prefix -----------------------------------------------

HOSTILE_KEYS = [
    "landing/../../escape.txt",
    "landing/a/../../../etc/passwd",
    "landing/..",
    "landing/..%2F..%2Fencoded.txt",
    "landing/back\\slash\\..\\..\\x.txt",
    "landing/ctrl-\x01\x1b[31m.txt",
    "landing/tab\tand newline.txt",
    "landing/" + "/".join(["k" * 240] * 4),  # ~1,000 characters
    "landing/deep/" + "/".join(["seg"] * 50) + "/leaf.txt",
    "landing/\u202eevil\u202dtxt.exe",
    "landing/مقالة عربية.txt",
    "landing/../out/clean/planted.json",
    "landing/./dot.txt",
]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_hostile_s3_keys_stay_inside_the_output_prefix(
    seaweed: SeaweedServer, s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    client = seaweed.client()
    stored: list[str] = []
    for key in HOSTILE_KEYS:
        try:
            client.put_object(Bucket=s3_bucket.name, Key=key, Body=ENGLISH.encode())
        except ClientError:  # SeaweedFS refuses "..", "." and backslash keys itself (AWS would not)
            continue
        stored.append(key)
    # What the server really holds (it may normalise "a/../b"), read back by listing.
    listed = sorted(all_objects(seaweed, s3_bucket.name, "landing/"))
    assert listed == sorted(stored)
    assert any("\x01" in key for key in stored)  # at least one key no store of ours may address

    env = s3_env(seaweed, tmp_path)
    run = docpipe("run", f"s3://{s3_bucket.name}/landing", "--out", f"s3://{s3_bucket.name}/out", "--json", env=env)
    assert run.returncode == 0, run.stderr
    objects = all_objects(seaweed, s3_bucket.name)
    outside = [k for k in objects if not k.startswith(("landing/", "out/"))]
    assert outside == [], f"written outside the output prefix: {outside}"
    for key in (k for k in objects if k.startswith("out/")):
        assert _OUTPUT_KEY.match(key.removeprefix("out/")), key
    summary = json.loads(run.stdout)
    # Every stored object is an input with one outcome; keys no store may address (control
    # characters) are never read but get an error record rather than vanishing.
    assert summary["seen"] == len(stored)
    assert summary["written"] + summary["failed"] == summary["seen"]
    errors = [json.loads(v) for k, v in objects.items() if k.startswith("out/errors/")]
    assert errors and all(e["stage"] == "read" and "not safe to address" in e["message"] for e in errors)
    assert all(e["source"]["uri"].isprintable() for e in errors)
    verify = docpipe("verify", f"s3://{s3_bucket.name}/out", "--inputs", f"s3://{s3_bucket.name}/landing", env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("./\\a-\x00\n\u202e\u0627 %~:")), min_size=1, max_size=30))
def test_local_store_never_writes_outside_its_root(key: str) -> None:
    """Any key: refused, or written under the root."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        store = LocalStore(root, fsync=False)
        with contextlib.suppress(ValueError, StoreError):
            store.put(key, b"x")
        outside = [p for p in Path(tmp).rglob("*") if not p.is_relative_to(root)]
        assert outside == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1200))
def test_any_name_gives_a_safe_id(name: str) -> None:
    for uri in (f"file:///in/{name}", f"s3://bucket/landing/{name}"):
        assert is_valid_doc_id(doc_id_for(uri))


# -- planted credentials appear nowhere ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_planted_secret_appears_in_no_output(seaweed_factory: Callable[..., SeaweedServer], tmp_path: Path) -> None:
    """The server's own secret and a session token, through a good run, a refused one and an
    outage, with debug logs in both formats: found in no log line, record, error or manifest."""
    secret = "PLANTED-secret-" + os.urandom(8).hex()
    server = seaweed_factory(secret_key=secret)
    token = "PLANTED-token-" + os.urandom(8).hex()
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "note.txt").write_text(ENGLISH + "\n")
    (inputs / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    out_local = tmp_path / "local-out"
    texts: list[str] = []

    good = s3_env(server, tmp_path)
    run = docpipe("-vv", "run", str(inputs), "--out", f"s3://{server.bucket}/out", "--json", env=good)
    assert run.returncode == 0, run.stderr
    texts += [run.stdout, run.stderr]
    # Inputs from S3 into a local directory: local records carry S3 URIs, never credentials.
    client = server.client()
    client.put_object(Bucket=server.bucket, Key="landing/a.txt", Body=ENGLISH.encode())
    run = docpipe("-vv", "--log-format", "json", "run", f"s3://{server.bucket}/landing", "--out", str(out_local),
                  "--json", env=good)  # fmt: skip
    assert run.returncode == 0, run.stderr
    texts += [run.stdout, run.stderr]
    # Refused credentials (wrong key id, the planted secret and a token): exit 1, clear message.
    refused = s3_env(server, tmp_path, AWS_ACCESS_KEY_ID="AKIAWRONG", AWS_SESSION_TOKEN=token)
    run = docpipe("-vv", "run", str(inputs), "--out", f"s3://{server.bucket}/out2", env=refused)
    assert run.returncode == 1
    texts += [run.stdout, run.stderr]
    run = docpipe("verify", f"s3://{server.bucket}/out", env=refused)
    assert run.returncode == 1
    texts += [run.stdout, run.stderr]
    # An outage mid-way: the endpoint goes away.
    server.stop()
    run = docpipe("-vv", "--log-format", "json", "run", str(inputs), "--out", f"s3://{server.bucket}/out",
                  "--force", env=good)  # fmt: skip
    assert run.returncode == 1 and "incomplete" in run.stderr
    texts += [run.stdout, run.stderr]
    server.start()

    objects = all_objects(server, server.bucket)
    assert any(k.startswith("out/runs/") for k in objects) and any(k.startswith("out/errors/") for k in objects)
    written = [data.decode("utf-8", "replace") for data in objects.values()]
    written += [p.read_text("utf-8", "replace") for p in out_local.rglob("*") if p.is_file()]
    for text in texts + written:
        assert secret not in text
        assert token not in text
    # The access key id is not secret, but no record or manifest has a reason to carry it.
    assert not any(server.access_key in text for text in written)


# -- no external entities, no URL fetching -------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"<!ENTITY leak 'FETCHED-OVER-HTTP'>FETCHED-OVER-HTTP"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_trap() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request a parser might make."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_parsing_fetches_no_entities_or_urls(web_trap: tuple[str, list[str]], tmp_path: Path) -> None:
    base, hits = web_trap
    marker = tmp_path / "local-secret.txt"
    marker.write_text("LOCAL-FILE-CONTENT-MUST-NOT-LEAK")
    body = f"<p>{ENGLISH}</p>"
    pages = {
        "xxe-http.html": f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "{base}/entity">]>'
        f"<html><body>{body}<p>&x;</p></body></html>",
        "xxe-file.html": f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "{marker.as_uri()}">]>'
        f"<html><body>{body}<p>&x;</p></body></html>",
        "xxe-param.xml": f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{base}/param"> %p;]>'
        f"<html><body>{body}<p>&leak;</p></body></html>",
        "dtd.html": f'<!DOCTYPE html SYSTEM "{base}/dtd"><html><body>{body}</body></html>',
        "xinclude.xhtml": f'<html xmlns:xi="http://www.w3.org/2001/XInclude"><body>{body}'
        f'<xi:include href="{base}/xinclude" parse="text"/><xi:include href="{marker.as_uri()}" parse="text"/>'
        "</body></html>",
        "resources.html": f'<html><head><base href="{base}/base/"><link rel="stylesheet" href="{base}/css">'
        f'<script src="{base}/js"></script><meta http-equiv="refresh" content="0;url={base}/refresh">'
        f'<link rel="alternate" hreflang="ar" href="{base}/ar"></head><body>{body}'
        f'<img src="{base}/img"><iframe src="{base}/iframe"></iframe><object data="{base}/obj"></object>'
        f'<a href="{base}/link">link</a></body></html>',
        "stylesheet-pi.xml": f'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="{base}/xsl"?>'
        f"<html><body>{body}</body></html>",
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, page in pages.items():
        (folder / name).write_text(page)
    out = tmp_path / "out"
    run = docpipe("run", str(folder), "--out", str(out), "--json")
    assert run.returncode == 0, run.stderr
    assert hits == [], f"the pipeline fetched {hits}"
    written = " ".join(p.read_text("utf-8") for p in out.rglob("*.json"))
    assert "LOCAL-FILE-CONTENT-MUST-NOT-LEAK" not in written
    assert "FETCHED-OVER-HTTP" not in written
    summary = json.loads(run.stdout)
    assert summary["written"] + summary["failed"] == len(pages)


# -- sizes are checked before whole objects are read -----------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_oversized_s3_input_is_refused_by_its_size(seaweed: SeaweedServer, s3_bucket: S3Bucket, tmp_path: Path) -> None:
    client = seaweed.client()
    client.put_object(Bucket=s3_bucket.name, Key="landing/big.html", Body=b"<p>x</p>" * 400_000)  # 3.2 MB
    client.put_object(Bucket=s3_bucket.name, Key="landing/small.txt", Body=ENGLISH.encode())
    env = s3_env(seaweed, tmp_path, DOCPIPE_MAX_DOCUMENT_BYTES="1000000")
    run = docpipe("run", f"s3://{s3_bucket.name}/landing", "--out", str(tmp_path / "out"), "--json", env=env)
    assert run.returncode == 0, run.stderr
    (error,) = [json.loads(p.read_text()) for p in (tmp_path / "out" / "errors").glob("*.json")]
    assert error["stage"] == "read" and "1000000" in error["message"] and error["source"]["bytes"] == 3_200_000
    assert len(list((tmp_path / "out" / "clean").glob("*.json"))) == 1
