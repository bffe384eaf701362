"""Store behaviour on a local directory and on a real S3 server (SeaweedFS), same tests."""

from __future__ import annotations

import logging
import os
import socket
import stat
import threading
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pytest_socket import SocketConnectBlockedError
from seaweed import S3Bucket, SeaweedServer

from pipeline.store import (
    LocalStore,
    ObjectInfo,
    ObjectNotFound,
    ObjectTooLarge,
    S3Store,
    Store,
    StoreError,
    open_store,
    safe_key,
)
from pipeline.store.local import TMP_PREFIX

# Keys whose S3 (UTF-8 byte) order differs from a naive directory walk: "a-b" < "a/x".
TRICKY_KEYS = ["a/x", "a-b", "a/y/z", "b", "a.c", "ä", "a0", "A", "a/x0", "a!"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _s3(bucket: S3Bucket, prefix: str = "pre/fix", **options: Any) -> S3Store:
    server = bucket.server
    return S3Store(
        bucket.name,
        prefix,
        endpoint_url=server.endpoint_url,
        access_key=server.access_key,
        secret_key=server.secret_key,
        region="us-east-1",
        **options,
    )


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Each backend through open_store; S3 configured only via the standard AWS env vars."""
    if request.param == "local":
        return open_store(str(tmp_path / "root"))
    bucket: S3Bucket = request.getfixturevalue("s3_bucket")
    request.getfixturevalue("seaweed_env")
    return open_store(f"{bucket.url}/pre/fix")


# -- the common contract -----------------------------------------------------------------


def test_store_satisfies_protocol(store: Store) -> None:
    assert isinstance(store, Store)
    assert store.url.startswith(("file:///", "s3://"))


def test_put_get_overwrite_binary_and_empty(store: Store) -> None:
    payload = bytes(range(256)) * 40
    store.put("clean/doc.bin", payload)
    assert store.get("clean/doc.bin") == payload
    store.put("clean/doc.bin", b"v2", content_type="text/plain")
    assert store.get("clean/doc.bin") == b"v2"
    store.put("empty", b"")
    assert store.get("empty") == b""
    store.put("unicode/ä ö.json", "ünï".encode())
    assert store.get("unicode/ä ö.json") == "ünï".encode()


def test_head_and_exists(store: Store) -> None:
    assert store.head("nope.json") is None
    assert not store.exists("nope.json")
    before = time.time()
    store.put("dir/obj.json", b"12345")
    info = store.head("dir/obj.json")
    assert info is not None
    assert (info.key, info.size) == ("dir/obj.json", 5)
    assert info.modified is not None and abs(info.modified - before) < 120
    if isinstance(store, S3Store):
        assert info.etag == "827ccb0eea8a706c4c34a16891f84e7b"  # md5("12345")
    assert store.exists("dir/obj.json")
    assert not store.exists("dir")  # a prefix is not an object


def test_get_missing_raises_object_not_found(store: Store) -> None:
    with pytest.raises(ObjectNotFound) as excinfo:
        store.get("missing/key.json")
    assert isinstance(excinfo.value, StoreError)
    assert excinfo.value.key == "missing/key.json"
    assert "missing/key.json" in str(excinfo.value)
    store.put("dir/x", b"1")
    with pytest.raises(ObjectNotFound):
        store.get("dir")


def test_list_recursive_sorted_by_key_with_prefixes(store: Store) -> None:
    for i, key in enumerate(TRICKY_KEYS):
        store.put(key, b"x" * i)
    listed = list(store.list())
    assert [o.key for o in listed] == sorted(TRICKY_KEYS)
    assert all(isinstance(o, ObjectInfo) for o in listed)
    assert {o.key: o.size for o in listed} == {k: i for i, k in enumerate(TRICKY_KEYS)}
    assert [o.key for o in store.list("a/")] == ["a/x", "a/x0", "a/y/z"]
    assert [o.key for o in store.list("a/x")] == ["a/x", "a/x0"]
    assert [o.key for o in store.list("a")] == sorted(k for k in TRICKY_KEYS if k[0] == "a")
    assert list(store.list("zzz/")) == []
    assert list(store.list("zz")) == []


@pytest.mark.parametrize("after", ["", "a", "a-b", "a/", "a/x", "a/x0", "a/y", "a/y/z", "a0", "b", "zzz"])
def test_list_start_after_keeps_exactly_the_later_keys(store: Store, after: str) -> None:
    for key in [*TRICKY_KEYS, "a/y/zz/deep", "t/2025/01/02/x", "t/2025/01/10/y"]:
        store.put(key, b"x")
    everything = [o.key for o in store.list()]
    assert [o.key for o in store.list(start_after=after)] == [k for k in everything if k > after]
    under_a = [k for k in everything if k.startswith("a/") and k > after]
    assert [o.key for o in store.list("a/", start_after=after)] == under_a
    assert [o.key for o in store.list("t/", start_after="t/2025/01/02/x")] == ["t/2025/01/10/y"]


def test_list_hands_names_that_are_not_keys_to_skipped(store: Store, request: pytest.FixtureRequest) -> None:
    """Input discovery must account for every object, even one no store may address."""
    store.put("in/ok.txt", b"ok")
    bad = "in/ctrl-\x01.txt"
    if isinstance(store, LocalStore):
        (store.root / "in" / "ctrl-\x01.txt").write_bytes(b"x")
    else:
        bucket: S3Bucket = request.getfixturevalue("s3_bucket")
        bucket.server.client().put_object(Bucket=bucket.name, Key=f"pre/fix/{bad}", Body=b"x")
    skipped: list[str] = []
    assert [o.key for o in store.list("in/", skipped=skipped)] == ["in/ok.txt"]
    assert skipped == [bad]
    assert [o.key for o in store.list("in/")] == ["in/ok.txt"]  # without a list: left out, with a warning


def test_sweep_temp_files_leaves_objects_alone(store: Store) -> None:
    """Every store sweeps (the runner calls it unconditionally); objects are never swept."""
    store.put("clean/a.json", b"{}")
    assert store.sweep_temp_files(older_than=0) == 0
    assert [o.key for o in store.list()] == ["clean/a.json"]


def test_delete_is_idempotent(store: Store) -> None:
    store.put("d/one", b"1")
    store.put("d/two", b"2")
    store.delete("d/one")
    assert not store.exists("d/one")
    assert [o.key for o in store.list("d/")] == ["d/two"]
    store.delete("d/one")  # already gone: no error, as on S3
    store.delete("never/existed")


def test_object_too_large(store: Store) -> None:
    store.put("big", b"x" * 100)
    with pytest.raises(ObjectTooLarge) as excinfo:
        store.get("big", max_bytes=99)
    assert isinstance(excinfo.value, StoreError)
    assert (excinfo.value.size, excinfo.value.limit) == (100, 99)
    assert store.get("big", max_bytes=100) == b"x" * 100
    store.put("empty", b"")
    assert store.get("empty", max_bytes=0) == b""
    with pytest.raises(ValueError):
        store.get("big", max_bytes=-1)
    with pytest.raises(ObjectNotFound):
        store.get("absent", max_bytes=10)


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../b", "a\\b", "a\x00b", "a/./b", "", "a//b", "a/"])
def test_store_rejects_unsafe_keys(store: Store, bad: str) -> None:
    for call in (
        lambda: store.put(bad, b"x"),
        lambda: store.get(bad),
        lambda: store.head(bad),
        lambda: store.delete(bad),
        lambda: store.uri_for(bad),
    ):
        with pytest.raises(ValueError):
            call()
    with pytest.raises(ValueError):
        list(store.list("../"))


def test_uri_for(store: Store) -> None:
    uri = store.uri_for("clean/a b.json")
    if isinstance(store, LocalStore):
        assert uri == (store.root / "clean" / "a b.json").as_uri()
        assert uri.startswith(store.url + "/")
    else:
        assert uri == f"{store.url}/clean/a b.json"
        assert store.url.endswith("/pre/fix")


# -- keys ----------------------------------------------------------------------------------


def test_safe_key_joins_valid_parts() -> None:
    assert safe_key("clean", "ab12.json") == "clean/ab12.json"
    assert safe_key("2024/05", "doc") == "2024/05/doc"
    assert safe_key("ünï cödé", "a..b", ".hidden") == "ünï cödé/a..b/.hidden"
    assert safe_key("x" * 255) == "x" * 255


@pytest.mark.parametrize(
    "parts",
    [
        (),
        ("",),
        ("..",),
        ("a", ".."),
        ("/abs",),
        ("a", "/abs"),
        ("a/../../b",),
        ("a/./b",),
        ("a//b",),
        ("a/",),
        ("a\\..\\b",),
        ("a\x00b",),
        ("a\nb",),
        ("a\x7fb",),
        ("a\x85b",),  # C1 control (NEL)
        ("a\u2028b",),  # line separator
        ("a\ud800b",),  # lone surrogate
        ("x" * 1000,),  # too long for a file name: rejected, not hashed
        ("é" * 128,),  # 256 UTF-8 bytes
        ("a/" * 600 + "b",),  # > 1024 bytes in total
        (None,),
    ],
)
def test_safe_key_rejects(parts: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        safe_key(*parts)


# -- LocalStore specifics ------------------------------------------------------------------


def test_local_writes_are_atomic_and_temp_files_invisible(tmp_path: Path) -> None:
    local = LocalStore(tmp_path / "root")
    a, b = b"A" * 1_000_000, b"B" * 1_000_000
    local.put("doc", a)
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            local.put("doc", b)
            local.put("doc", a)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(200):
            assert local.get("doc") in (a, b)  # never a torn or empty object
    finally:
        stop.set()
        thread.join()
    # A crash mid-write leaves a temp file behind; it must stay invisible.
    (tmp_path / "root" / f"{TMP_PREFIX}crash.tmp").write_bytes(b"partial")
    (tmp_path / "root" / "sub").mkdir()
    (tmp_path / "root" / "sub" / f"{TMP_PREFIX}x.tmp").write_bytes(b"partial")
    assert [o.key for o in local.list()] == ["doc"]
    with pytest.raises(ValueError):
        local.head(f"{TMP_PREFIX}crash.tmp")


def test_stale_temp_files_are_swept_young_ones_kept(tmp_path: Path) -> None:
    """A SIGKILLed writer's temp files go at the next run; a concurrent put's do not."""
    from pipeline.runner import Runner
    from pipeline.settings import Settings

    root = tmp_path / "root"
    (root / "clean").mkdir(parents=True)
    old = root / "clean" / f"{TMP_PREFIX}killed.tmp"
    young = root / "clean" / f"{TMP_PREFIX}in-flight.tmp"
    old.write_bytes(b"partial")
    young.write_bytes(b"partial")
    os.utime(old, (time.time() - 2 * 3600, time.time() - 2 * 3600))
    (root / "clean" / "keep.json").write_bytes(b"{}")
    os.utime(root / "clean" / "keep.json", (0, 0))  # only temp files are swept, however old
    report = Runner(LocalStore(root), Settings.load()).run([])
    assert report.completed
    assert not old.exists() and young.exists() and (root / "clean" / "keep.json").exists()
    assert LocalStore(root).sweep_temp_files(older_than=0) == 1 and not young.exists()


def test_local_failed_write_leaves_no_temp_file(tmp_path: Path) -> None:
    local = LocalStore(tmp_path)
    local.put("doc", b"old")
    with pytest.raises(TypeError):
        local.put("doc", "not bytes")  # type: ignore[arg-type]
    assert local.get("doc") == b"old"
    assert sorted(os.listdir(tmp_path)) == ["doc"]


def test_local_file_mode_and_parent_creation(tmp_path: Path) -> None:
    local = LocalStore(tmp_path / "new" / "root")
    local.put("deep/er/doc.json", b"{}")
    mode = stat.S_IMODE((tmp_path / "new/root/deep/er/doc.json").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_local_conflicts_between_object_and_prefix(tmp_path: Path) -> None:
    local = LocalStore(tmp_path)
    local.put("a", b"file")
    with pytest.raises(StoreError):
        local.put("a/b", b"under a file")
    local.put("dir/x", b"1")
    with pytest.raises(StoreError):
        local.put("dir", b"over a directory")
    assert local.get("a") == b"file"
    local.delete("dir")  # a prefix, not an object: no-op
    assert local.exists("dir/x")


def test_local_get_checks_size_before_reading(tmp_path: Path) -> None:
    local = LocalStore(tmp_path)
    with open(tmp_path / "huge.bin", "wb") as fh:  # sparse: 8 GiB, costs no disk
        fh.truncate(8 << 30)
    start = time.monotonic()
    with pytest.raises(ObjectTooLarge) as excinfo:
        local.get("huge.bin", max_bytes=1 << 20)
    assert excinfo.value.size == 8 << 30
    assert time.monotonic() - start < 1.0


def test_local_store_cannot_escape_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"do not read")
    local = LocalStore(root)
    local.put("ok", b"1")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "filelink").symlink_to(outside / "secret.txt")
    with pytest.raises(StoreError):
        local.get("link/secret.txt")
    with pytest.raises(StoreError):
        local.get("filelink")
    with pytest.raises(StoreError):
        local.put("link/new.txt", b"escape")
    with pytest.raises(StoreError):
        list(local.list("link/"))
    with pytest.raises(ValueError):
        local.put("../outside/new.txt", b"escape")
    assert sorted(os.listdir(outside)) == ["secret.txt"]
    assert [o.key for o in local.list()] == ["ok"]  # symlinks are not followed


def test_local_list_skips_fifo_and_get_does_not_hang(tmp_path: Path) -> None:
    local = LocalStore(tmp_path)
    os.mkfifo(tmp_path / "pipe")
    assert list(local.list()) == []
    with pytest.raises(ObjectNotFound):
        local.get("pipe")


# -- open_store ----------------------------------------------------------------------------


def test_open_store_local_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for url in ("out", "./out", str(tmp_path / "out"), (tmp_path / "out").as_uri()):
        opened = open_store(url)
        assert isinstance(opened, LocalStore)
        assert opened.root == tmp_path / "out"
        assert opened.url == (tmp_path / "out").as_uri()
    assert open_store(f"file://localhost{tmp_path}/a%20b").root == tmp_path / "a b"


@pytest.mark.parametrize(
    "url", ["", "http://example.com/x", "gs://bucket/x", "file://otherhost/x", "s3://", "s3://b?x=1"]
)
def test_open_store_rejects(url: str) -> None:
    with pytest.raises(ValueError):
        open_store(url)


def test_open_store_refuses_credentials_in_url() -> None:
    with pytest.raises(ValueError) as excinfo:
        open_store("s3://AKIAEXAMPLE:planted-secret-123@bucket/prefix")
    assert "planted-secret-123" not in str(excinfo.value)
    assert "AKIAEXAMPLE" not in str(excinfo.value)


# -- S3Store specifics ---------------------------------------------------------------------


def test_s3_configured_from_standard_env(s3_bucket: S3Bucket, seaweed_env: dict[str, str]) -> None:
    opened = open_store(f"s3://{s3_bucket.name}/in/put/")
    assert isinstance(opened, S3Store)
    assert opened.url == f"s3://{s3_bucket.name}/in/put"
    assert opened.endpoint_url == seaweed_env["AWS_ENDPOINT_URL"]
    config = opened._client.meta.config
    assert config.s3["addressing_style"] == "path"
    assert config.retries == {"mode": "standard", "total_max_attempts": 5}
    opened.put("a.json", b"{}", content_type="application/json")
    raw = s3_bucket.server.client().get_object(Bucket=s3_bucket.name, Key="in/put/a.json")
    assert raw["Body"].read() == b"{}"
    assert raw["ContentType"] == "application/json"  # (SeaweedFS sniffs octet-stream ones)


def test_s3_retry_options(s3_bucket: S3Bucket) -> None:
    tuned = _s3(s3_bucket, retry_mode="adaptive", max_attempts=2)
    assert tuned._client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 2}
    with pytest.raises(ValueError):
        _s3(s3_bucket, retry_mode="sometimes")
    with pytest.raises(ValueError):
        _s3(s3_bucket, max_attempts=-1)


def test_s3_prefix_isolation(s3_bucket: S3Bucket) -> None:
    raw = s3_bucket.server.client()
    for key in ("outside", "pre/fixture", "pre/fix-sibling", "pre/fix/inside"):
        raw.put_object(Bucket=s3_bucket.name, Key=key, Body=b"1")
    scoped = _s3(s3_bucket)
    assert [o.key for o in scoped.list()] == ["inside"]
    assert not scoped.exists("ture")
    raw.put_object(Bucket=s3_bucket.name, Key="pre/fix/marker/", Body=b"")
    assert [o.key for o in scoped.list()] == ["inside"]  # folder markers are not objects


def test_s3_pagination(s3_bucket: S3Bucket) -> None:
    paged = _s3(s3_bucket, page_size=7)
    keys = [f"p/{i:03d}" for i in range(30)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: paged.put(k, k.encode()), keys))
    calls: list[dict[str, Any]] = []
    paged._client.meta.events.register("before-call.s3.ListObjectsV2", lambda params, **_: calls.append(params))
    assert [o.key for o in paged.list("p/")] == keys
    assert len(calls) == 5  # ceil(30 / 7) requests
    assert all(c["query_string"]["max-keys"] == 7 for c in calls)


def test_s3_lists_more_than_1000_keys(s3_bucket: S3Bucket) -> None:
    s3 = _s3(s3_bucket)
    keys = [f"k/{i:05d}" for i in range(1003)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: s3.put(k, b""), keys))
    calls: list[object] = []
    s3._client.meta.events.register("before-call.s3.ListObjectsV2", lambda **_: calls.append(1))
    assert [o.key for o in s3.list()] == keys
    assert len(calls) == 2


def test_s3_get_checks_size_before_reading_body(s3_bucket: S3Bucket) -> None:
    s3 = _s3(s3_bucket)
    s3.put("big", b"z" * 2_000_000)
    bodies: list[Any] = []
    s3._client.meta.events.register("after-call.s3.GetObject", lambda parsed, **_: bodies.append(parsed["Body"]))
    with pytest.raises(ObjectTooLarge) as excinfo:
        s3.get("big", max_bytes=1000)
    assert excinfo.value.size == 2_000_000
    assert len(bodies) == 1
    assert bodies[0]._amount_read == 0  # refused on Content-Length, body never read


def test_s3_missing_bucket_is_store_error_not_not_found(s3_bucket: S3Bucket) -> None:
    ghost = S3Store(
        "no-such-bucket-xyz",
        endpoint_url=s3_bucket.endpoint_url,
        access_key=s3_bucket.server.access_key,
        secret_key=s3_bucket.server.secret_key,
    )
    with pytest.raises(StoreError) as excinfo:
        ghost.get("x")
    assert not isinstance(excinfo.value, ObjectNotFound)
    assert "NoSuchBucket" in str(excinfo.value)
    with pytest.raises(StoreError):
        list(ghost.list())


def _assert_secret_absent(secret: str, exc: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    rendered = "".join(traceback.format_exception(exc))
    assert secret not in str(exc)
    assert secret not in repr(exc)
    assert secret not in rendered
    assert secret not in caplog.text
    assert exc.__cause__ is None and exc.__suppress_context__


def test_s3_wrong_secret_never_leaks(s3_bucket: S3Bucket, caplog: pytest.LogCaptureFixture) -> None:
    planted = "planted-SECRET-do-not-leak-0123456789"
    caplog.set_level(logging.DEBUG)  # botocore logs a lot at DEBUG; none of it may hold it
    bad = S3Store(
        s3_bucket.name,
        "p",
        endpoint_url=s3_bucket.endpoint_url,
        access_key=s3_bucket.server.access_key,
        secret_key=planted,
        max_attempts=1,
    )
    assert planted not in bad.url and planted not in repr(bad)
    assert planted not in bad.uri_for("k")
    for op in (lambda: bad.put("k", b"1"), lambda: bad.get("k"), lambda: list(bad.list())):
        with pytest.raises(StoreError) as excinfo:
            op()
        assert not isinstance(excinfo.value, ObjectNotFound)  # auth failure, not "missing"
        assert "SignatureDoesNotMatch" in str(excinfo.value)
        _assert_secret_absent(planted, excinfo.value, caplog)
    with pytest.raises(StoreError) as excinfo:
        bad.head("k")  # HEAD 403 must not look like "does not exist"
    _assert_secret_absent(planted, excinfo.value, caplog)


def test_s3_unknown_access_key(s3_bucket: S3Bucket, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stranger = S3Store(
        s3_bucket.name,
        endpoint_url=s3_bucket.endpoint_url,
        access_key="AKIDUNKNOWN",
        secret_key="another-planted-secret-42",
        max_attempts=1,
    )
    with pytest.raises(StoreError) as excinfo:
        stranger.get("k")
    assert "InvalidAccessKeyId" in str(excinfo.value)
    _assert_secret_absent("another-planted-secret-42", excinfo.value, caplog)


def test_s3_real_secret_not_in_logs(
    s3_bucket: S3Bucket, seaweed: SeaweedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    s3 = _s3(s3_bucket)
    s3.put("k", b"v")
    assert s3.get("k") == b"v"
    list(s3.list())
    with pytest.raises(ObjectNotFound) as excinfo:
        s3.get("missing")
    assert seaweed.secret_key not in caplog.text
    assert seaweed.secret_key not in str(excinfo.value)
    assert seaweed.secret_key not in repr(s3) + s3.url + s3.uri_for("k")


def test_s3_unreachable_endpoint_fails_fast(caplog: pytest.LogCaptureFixture) -> None:
    dead = S3Store(
        "bucket",
        endpoint_url=f"http://127.0.0.1:{_free_port()}",
        access_key="AKIDDEAD",
        secret_key="dead-planted-secret",
        max_attempts=2,
        connect_timeout=0.5,
    )
    start = time.monotonic()
    with pytest.raises(StoreError) as excinfo:
        dead.put("k", b"1")
    assert time.monotonic() - start < 5
    assert "cannot reach http://127.0.0.1:" in str(excinfo.value)
    _assert_secret_absent("dead-planted-secret", excinfo.value, caplog)


def test_s3_endpoint_with_credentials_refused() -> None:
    with pytest.raises(ValueError) as excinfo:
        S3Store("bucket", endpoint_url="http://user:pw-secret@127.0.0.1:1")
    assert "pw-secret" not in str(excinfo.value)


# -- the test harness itself ---------------------------------------------------------------


def test_network_is_loopback_only(seaweed: SeaweedServer, pytestconfig: pytest.Config) -> None:
    if pytestconfig.getoption("--force-enable-socket"):
        pytest.skip("network guard switched off with --force-enable-socket")
    with (
        pytest.raises(SocketConnectBlockedError),
        pytest.warns(UserWarning, match="10.255.255.1"),  # pytest-socket also warns
    ):
        socket.create_connection(("10.255.255.1", 80), timeout=1)
    blocked = S3Store(
        "bucket",
        endpoint_url="http://10.255.255.1:9000",
        access_key="AKIDX",
        secret_key="x-secret",
        max_attempts=1,
        connect_timeout=1,
    )
    with (
        pytest.raises(StoreError, match=r"A test tried to use socket\.socket\.connect"),
        pytest.warns(UserWarning, match="10.255.255.1"),
    ):
        blocked.exists("k")  # botocore wraps pytest-socket's refusal; we wrap botocore
    with socket.create_connection(("127.0.0.1", seaweed.ports["s3"]), timeout=2):
        pass
    with socket.create_connection(("localhost", seaweed.ports["s3"]), timeout=2):
        pass


def test_seaweed_server_binds_loopback_only(seaweed: SeaweedServer) -> None:
    cmd = seaweed._command()
    assert "-ip.bind=127.0.0.1" in cmd and "-master.telemetry=false" in cmd
    assert seaweed.env()["AWS_ENDPOINT_URL"] == seaweed.endpoint_url
    assert seaweed.env()["AWS_DEFAULT_REGION"] == "us-east-1"


@pytest.fixture
def own_server(seaweed_factory: Any) -> Iterator[SeaweedServer]:
    yield seaweed_factory(bucket="restart-me")


def test_seaweed_restart_keeps_data_and_ports(own_server: SeaweedServer) -> None:
    s3 = S3Store(
        own_server.bucket,
        endpoint_url=own_server.endpoint_url,
        access_key=own_server.access_key,
        secret_key=own_server.secret_key,
        max_attempts=1,
        connect_timeout=0.5,
    )
    s3.put("survives", b"restart")
    ports = dict(own_server.ports)
    own_server.stop()
    with pytest.raises(StoreError):
        s3.get("survives")
    own_server.start()
    assert own_server.ports == ports
    assert s3.get("survives") == b"restart"
    own_server.kill()  # crash, then recover on the same ports
    own_server.start()
    assert s3.get("survives") == b"restart"


def test_list_page_walks_one_level_in_pages(store: Store) -> None:
    """Paged listing (the viewer's big-destination path): keys directly under a prefix, in order."""
    for name in ("c", "a", "e", "b", "d"):
        store.put(f"runs/{name}.json", b"{}")
    store.put("runs/a/batch-0000.json", b"{}")  # deeper: not part of the page
    seen: list[str] = []
    token = None
    for _ in range(5):
        page = store.list_page("runs/", token=token, limit=2)
        assert len(page.keys) <= 2
        seen += page.keys
        token = page.next_token
        if token is None:
            break
    assert seen == [f"runs/{n}.json" for n in "abcde"]
    with pytest.raises(ValueError):
        store.list_page("runs/", limit=0)
