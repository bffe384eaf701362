"""Faults around a run: a worker killed with SIGKILL, the object store going down, two runs at once.

Each test drives the real `docpipe` command in a subprocess (as a worker would run it), injects
the fault from outside, and then judges the destination the way an operator would: with
`docpipe verify --inputs`, by counting keys, and by reading every record back. No mocks: the
store is a local directory or a real SeaweedFS server that the test stops and restarts.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from seaweed import S3Bucket, SeaweedServer

from pipeline.ids import doc_id_for
from pipeline.records import schema_errors
from pipeline.store import LocalStore, S3Store, Store, StoreError

DOCPIPE = str(Path(sys.executable).parent / "docpipe")
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
EPOCH = "1700000000"


def make_inputs(folder: Path, copies: int, broken: bool = True) -> list[Path]:
    """``copies`` × the five seeds under distinct names, and (*broken*) one broken file among them,
    for errors/."""
    folder.mkdir(parents=True)
    paths: list[Path] = []
    for i in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            path = folder / f"{seed.stem}-{i:03d}.txt"
            shutil.copy(seed, path)
            paths.append(path)
    if not broken:
        return paths
    binary = folder / "zz-binary.txt"
    binary.write_bytes(b"\x7fELF" + bytes(100))
    return [*paths, binary]


def env_for(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(extra or {})}


def start_run(inputs: Path, out: str, extra_env: dict[str, str] | None = None, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [DOCPIPE, "run", str(inputs), "--out", out, "--json", "--no-progress", *args],
        env=env_for(extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str, str]:
    stdout, stderr = proc.communicate(timeout=timeout)
    return proc.returncode, stdout, stderr


def verify_cli(dest: str, inputs: Path, extra_env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = subprocess.run(
        [DOCPIPE, "verify", dest, "--inputs", str(inputs)],
        env=env_for(extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout + proc.stderr


def outcome_keys(store: Store) -> dict[str, list[str]]:
    """doc_id → the outcome keys (``clean/x.json``, ``errors/x.json``) it has."""
    found: dict[str, list[str]] = {}
    for info in store.list(""):
        prefix, _, name = info.key.partition("/")
        if prefix in ("clean", "errors") and name.endswith(".json"):
            found.setdefault(name.removesuffix(".json"), []).append(info.key)
    return found


def assert_whole_and_unique(store: Store, inputs: list[Path]) -> None:
    """Every input has exactly one outcome, and every record reads back whole."""
    keys = outcome_keys(store)
    expected = {doc_id_for(p.resolve().as_uri()) for p in inputs}
    assert set(keys) == expected, f"lost: {sorted(expected - set(keys))[:5]}, extra: {sorted(set(keys) - expected)[:5]}"
    duplicated = {doc_id: k for doc_id, k in keys.items() if len(k) != 1}
    assert not duplicated, f"documents with two outcomes: {list(duplicated.items())[:5]}"
    for doc_id, (key,) in keys.items():  # schema validity is `docpipe verify`'s job (the tests call it)
        assert json.loads(store.get(key))["doc_id"] == doc_id


def wait_for(predicate: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"run ended before the fault could be injected: {proc.communicate()}"
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.005)


# -- SIGKILL -------------------------------------------------------------------------------


def _live_processes() -> dict[int, list[str]]:
    """Every live (not zombie) process: its /proc stat fields after the command name (state,
    parent, group, session, ...)."""
    table = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split() if entry.name.isdigit() else []
        except OSError:
            continue
        if fields and fields[0] != "Z":
            table[int(entry.name)] = fields
    return table


def child_pids(pid: int) -> list[int]:
    """Live descendants of *pid*: the run's forkserver, the workers it forked, multiprocessing's
    resource tracker."""
    parents: dict[int, list[int]] = {}
    for child, fields in _live_processes().items():
        parents.setdefault(int(fields[1]), []).append(child)
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def session_pids(sid: int) -> list[int]:
    """Live processes of session *sid* (a run started with ``start_new_session``: its forkserver
    and workers stay in it even once orphaned)."""
    return [pid for pid, fields in _live_processes().items() if int(fields[3]) == sid]


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_mid_batch_then_rerun_completes(tmp_path: Path, workers: str) -> None:
    inputs = make_inputs(tmp_path / "in", copies=60)  # 301 documents
    out = tmp_path / "out"
    proc = start_run(tmp_path / "in", str(out), None, "--batch-size", "5", "--workers", workers)
    clean = out / "clean"
    # with --workers 2: killed once the forkserver and both workers are up (the parent runs the
    # first pieces itself while the forkserver loads, so records come before the workers)
    wait_for(lambda: clean.is_dir() and sum(1 for _ in os.scandir(clean)) >= 100
             and (workers == "1" or len(child_pids(proc.pid)) >= 3), proc)
    children = child_pids(proc.pid)
    assert len(children) >= 3 if workers == "2" else children == []  # forkserver + 2 workers (+ tracker)
    os.kill(proc.pid, signal.SIGKILL)
    code, _, _ = finish(proc)
    assert code == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children):  # orphaned workers notice and leave
        assert time.monotonic() < deadline, "worker processes outlived the killed run"
        time.sleep(0.1)

    store = LocalStore(out)
    done = outcome_keys(store)
    assert 0 < len(done) < len(inputs), "kill landed outside the run"
    assert not (out / "runs").exists() or not any((out / "runs").iterdir()), "manifest written before the end"
    for path in out.rglob("*.json"):  # nothing half-written is visible under a real name
        assert schema_errors(json.loads(path.read_text("utf-8")), "error" if "errors" in path.parts else "record") == []
    leftovers = [p.name for p in out.rglob(".docpipe-tmp-*")]
    assert len(leftovers) <= 2, leftovers  # at most the file(s) being written at the kill

    code, stdout, stderr = finish(start_run(tmp_path / "in", str(out), None, "--batch-size", "5", "--workers", workers))
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["completed"] and summary["seen"] == len(inputs)
    assert summary["skipped"] >= len(done) - 5  # at most the killed batch is redone
    assert summary["written"] + summary["failed"] + summary["skipped"] == len(inputs)
    assert_whole_and_unique(store, inputs)
    code, report = verify_cli(str(out), tmp_path / "in")
    assert code == 0, report


# -- object store down mid-run ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_store_down_mid_run_reports_incomplete_and_rerun_fills_the_gap(
    tmp_path: Path, seaweed_factory: Callable[..., SeaweedServer], monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    server = seaweed_factory()
    env = {
        **server.env(),
        "AWS_MAX_ATTEMPTS": "3",  # standard retry mode with backoff, kept short for the test
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    inputs = make_inputs(tmp_path / "in", copies=30)  # 151 documents
    dest = f"s3://{server.bucket}/out"
    client = server.client()

    def written() -> int:
        response = client.list_objects_v2(Bucket=server.bucket, Prefix="out/clean/")
        return int(response.get("KeyCount", 0))

    proc = start_run(tmp_path / "in", dest, env, "--batch-size", "5", "--workers", workers)
    wait_for(lambda: written() >= 40, proc, timeout=120)
    server.stop()
    code, stdout, stderr = finish(proc)
    assert code == 1, stderr
    assert "incomplete" in stderr
    assert server.secret_key not in stdout + stderr
    first = json.loads(stdout)
    assert first["completed"] is False and first["error"]

    server.start()  # same data dir and ports
    store = S3Store(server.bucket, "out")
    before = outcome_keys(store)
    assert all(len(k) == 1 for k in before.values())
    code, stdout, stderr = finish(start_run(tmp_path / "in", dest, env, "--batch-size", "5", "--workers", workers))
    assert code == 0, stderr
    second = json.loads(stdout)
    assert second["completed"] is True
    assert second["skipped"] == len(before)  # exactly the missing documents were processed
    assert second["written"] + second["failed"] == len(inputs) - len(before)
    assert_whole_and_unique(store, inputs)
    code, report = verify_cli(dest, tmp_path / "in", env)
    assert code == 0, report
    manifests = [info.key for info in store.list("runs/")]
    assert len(manifests) == 1  # the outage run could not write one; the rerun did


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_store_unreachable_from_the_start_is_a_clear_exit_1(tmp_path: Path) -> None:
    """Nothing listening: retries, then exit 1 with a message that names the endpoint, not the secret."""
    inputs = make_inputs(tmp_path / "in", copies=1)
    secret = "planted-Secret-Value-0123456789"
    env = {
        "AWS_ACCESS_KEY_ID": "AKIAPLANTED",
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # discard port: connection refused
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    code, stdout, stderr = finish(start_run(tmp_path / "in", "s3://nowhere/out", env), timeout=100)
    assert code == 1
    assert "127.0.0.1:9" in stderr and "incomplete" in stderr
    assert secret not in stdout + stderr
    assert len(inputs) == 6


# -- two workers at once ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_two_concurrent_runs_give_the_bytes_of_one(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in", copies=20)  # 101 documents
    shared, alone = tmp_path / "shared", tmp_path / "alone"
    procs = [start_run(tmp_path / "in", str(shared), None, "--batch-size", "3") for _ in range(2)]
    results = [finish(p) for p in procs]
    for code, _, stderr in results:
        assert code == 0, stderr
    code, _, stderr = finish(start_run(tmp_path / "in", str(alone)))
    assert code == 0, stderr

    assert_whole_and_unique(LocalStore(shared), inputs)
    code, report = verify_cli(str(shared), tmp_path / "in")
    assert code == 0, report
    files = {p.relative_to(shared) for p in shared.rglob("*") if p.is_file() and "runs" not in p.parts}
    assert files == {p.relative_to(alone) for p in alone.rglob("*") if p.is_file() and "runs" not in p.parts}
    for rel in files:
        assert (shared / rel).read_bytes() == (alone / rel).read_bytes(), rel
    assert len(list((shared / "runs").iterdir())) == 2


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_two_concurrent_runs_into_s3_give_the_bytes_of_one(
    seaweed: SeaweedServer, s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    """The Airflow case: two workers over the same landing objects and output prefix at once."""
    inputs = make_inputs(tmp_path / "in", copies=6)  # 31 documents
    env = {
        **seaweed.env(),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    shared, alone = f"s3://{s3_bucket.name}/shared", f"s3://{s3_bucket.name}/alone"
    procs = [start_run(tmp_path / "in", shared, env, "--batch-size", "2") for _ in range(2)]
    for code, _, stderr in [finish(p) for p in procs]:
        assert code == 0, stderr
    code, _, stderr = finish(start_run(tmp_path / "in", alone, env))
    assert code == 0, stderr

    def objects(prefix: str) -> dict[str, bytes]:
        store = S3Store(s3_bucket.name, prefix, endpoint_url=seaweed.endpoint_url, region="us-east-1",
                        access_key=seaweed.access_key, secret_key=seaweed.secret_key)  # fmt: skip
        assert_whole_and_unique(store, inputs)
        return {info.key: store.get(info.key) for info in store.list("") if not info.key.startswith("runs/")}

    assert objects("shared") == objects("alone")
    code, report = verify_cli(shared, tmp_path / "in", env)
    assert code == 0, report


# -- the crash windows between two writes, hit exactly (in process) --------------------------


class Crash(BaseException):
    """Stands in for SIGKILL at one precise point: nothing in the runner catches it."""


class CrashingStore(LocalStore):
    """A real local store that dies right after its ``after``-th successful put under ``prefix``."""

    def __init__(self, root: Path, prefix: str, after: int = 1) -> None:
        super().__init__(root, fsync=False)
        self.prefix, self.left = prefix, after

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        super().put(key, data, content_type)
        if key.startswith(self.prefix):
            self.left -= 1
            if self.left == 0:
                raise Crash(key)


def _run_in_process(store: Store, folder: Path) -> None:
    from pipeline.inputs import discover
    from pipeline.runner import Runner
    from pipeline.settings import Settings

    report = Runner(store, Settings.load({"batch_size": 2})).run(discover([str(folder)]))
    assert report.completed, report.error


@pytest.mark.timeout(120)
def test_crash_between_record_and_text_file_is_repaired_by_the_rerun(tmp_path: Path) -> None:
    """Killed after the first of a clean document's two objects: the rerun must not skip it."""
    inputs = make_inputs(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    with pytest.raises(Crash):
        _run_in_process(CrashingStore(out, "clean/", after=3), tmp_path / "in")
    _run_in_process(LocalStore(out, fsync=False), tmp_path / "in")
    assert_whole_and_unique(LocalStore(out), inputs)
    code, report = verify_cli(str(out), tmp_path / "in")
    assert code == 0, report


@pytest.mark.timeout(120)
def test_crash_between_new_outcome_and_removing_the_old_one_is_repaired(tmp_path: Path) -> None:
    """An input that failed before and is fine now: killed after clean/ is written but before
    errors/ is removed, the rerun must still end with one outcome."""
    folder = tmp_path / "in"
    folder.mkdir()
    doc = folder / "note.txt"
    doc.write_bytes(b"\x7fELF" + bytes(64))
    out = tmp_path / "out"
    _run_in_process(LocalStore(out, fsync=False), folder)
    assert len(list((out / "errors").iterdir())) == 1
    shutil.copy(SEEDS / "002_721552d5c6f5a1f6.txt", doc)
    with pytest.raises(Crash):
        _run_in_process(CrashingStore(out, "clean/", after=2), folder)
    _run_in_process(LocalStore(out, fsync=False), folder)
    assert_whole_and_unique(LocalStore(out), [doc])
    code, report = verify_cli(str(out), folder)
    assert code == 0, report


# -- 503 SlowDown: throttling is retried with backoff ----------------------------------------


class ThrottlingProxy:
    """A loopback HTTP proxy in front of a real S3 server that answers some requests itself
    with ``503 SlowDown`` (what AWS sends when throttling) and forwards the rest untouched.

    The Host header is forwarded as the client sent it, so SigV4 signatures stay valid.
    ``throttle(n)`` makes the next *n* requests fail; ``every`` throttles every n-th request.
    """

    BODY = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
        b"<Message>Please reduce your request rate.</Message></Error>"
    )

    def __init__(self, upstream: str, every: int = 0) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        self.every, self.pending, self.seen, self.throttled = every, 0, 0, 0
        lock = threading.Lock()
        target = urlsplit(upstream)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with lock:
                    proxy.seen += 1
                    refuse = proxy.pending > 0 or (proxy.every and proxy.seen % proxy.every == 0)
                    proxy.pending = max(0, proxy.pending - 1)
                    proxy.throttled += bool(refuse)
                if refuse:
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(ThrottlingProxy.BODY)))
                    self.end_headers()
                    self.wfile.write(ThrottlingProxy.BODY)
                    return
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    conn.putheader(name, value)
                conn.endheaders(body or None)
                response = conn.getresponse()
                data = response.read()
                self.send_response_only(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def throttle(self, n: int) -> None:
        self.pending = n

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def throttling(seaweed: SeaweedServer) -> Iterator[ThrottlingProxy]:
    proxy = ThrottlingProxy(seaweed.endpoint_url)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.mark.timeout(120)
def test_slowdown_is_retried_with_backoff_then_reported(
    seaweed: SeaweedServer, s3_bucket: S3Bucket, throttling: ThrottlingProxy
) -> None:
    store = S3Store(
        s3_bucket.name, "t", endpoint_url=throttling.url, region="us-east-1",
        access_key=seaweed.access_key, secret_key=seaweed.secret_key, retry_mode="standard", max_attempts=3,
    )  # fmt: skip
    throttling.throttle(2)  # two 503s, then the third attempt goes through
    started = time.monotonic()
    store.put("clean/a.json", b"{}")
    assert throttling.throttled == 2 and store.get("clean/a.json") == b"{}"
    assert time.monotonic() - started > 0.05  # backoff slept between attempts
    throttling.throttle(5)  # more than the attempts allowed: a clear, credential-free error
    with pytest.raises(StoreError, match="SlowDown") as caught:
        store.get("clean/a.json")
    assert seaweed.secret_key not in str(caught.value)
    assert throttling.pending == 2  # exactly max_attempts tries were made


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_run_through_a_throttling_store_completes_exactly(
    seaweed: SeaweedServer, s3_bucket: S3Bucket, throttling: ThrottlingProxy, tmp_path: Path
) -> None:
    """Every 6th request is throttled for a whole run: nothing lost, nothing duplicated."""
    inputs = make_inputs(tmp_path / "in", copies=4)
    throttling.every = 6
    env = {
        **seaweed.env(),
        "AWS_ENDPOINT_URL": throttling.url,
        "AWS_MAX_ATTEMPTS": "5",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    dest = f"s3://{s3_bucket.name}/out"
    code, stdout, stderr = finish(start_run(tmp_path / "in", dest, env, "--batch-size", "4"))
    assert code == 0, stderr
    assert json.loads(stdout)["completed"] is True
    assert throttling.throttled >= 5
    throttling.every = 0
    store = S3Store(s3_bucket.name, "out", endpoint_url=seaweed.endpoint_url, region="us-east-1",
                    access_key=seaweed.access_key, secret_key=seaweed.secret_key)  # fmt: skip
    assert_whole_and_unique(store, inputs)
    code, report = verify_cli(dest, tmp_path / "in", {**env, "AWS_ENDPOINT_URL": seaweed.endpoint_url})
    assert code == 0, report
