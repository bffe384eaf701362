"""Shared fixtures. Keep each block self-contained; other areas add their own below.

Network policy: every test runs with pytest-socket allowing connections to loopback only
(127.0.0.1, localhost, ::1) and Unix-domain sockets, so nothing can reach the internet or cloud metadata by
accident. Subprocesses are not covered; the SeaweedFS helper binds loopback itself.
``--force-enable-socket`` or an explicit ``--allow-hosts`` on the command line wins.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from seaweed import S3Bucket, SeaweedServer

LOOPBACK_HOSTS = "127.0.0.1,localhost,::1"

# CTranslate2 picks its int8 GEMM backend by CPU vendor (Intel MKL on Intel, oneDNN elsewhere), and
# the tiny fixture models are exact only to the rounding of one of them: on an AMD EPYC, oneDNN turns
# the Persian phrasebook's "Show more" into "Shw more". One backend everywhere makes the tests (and
# the golden records) the same on every x86 machine; subprocesses inherit it.
os.environ.setdefault("CT2_USE_MKL", "1")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Turn on pytest-socket before its own pytest_configure reads the options."""
    if config.getoption("--force-enable-socket", default=False):
        return
    config.option.disable_socket = True
    config.option.allow_unix_socket = True  # local by construction; multiprocessing's forkserver talks over one
    if not config.getoption("--allow-hosts", default=None):
        config.option.allow_hosts = LOOPBACK_HOSTS


# -- SeaweedFS (real S3 on loopback) ---------------------------------------------------------


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """One authenticated SeaweedFS S3 server for the whole session (~2 s to start).

    Has ``endpoint_url``, ``access_key``, ``secret_key``, ``bucket``, ``env()``,
    ``client()`` and ``create_bucket(name)``. Tests that stop or restart a server should
    use ``seaweed_factory`` instead, so they do not disturb everyone else.
    """
    server = SeaweedServer(tmp_path_factory.mktemp("seaweed"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def seaweed_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., SeaweedServer]]:
    """Start private servers (for fault tests: stop/kill/restart); all stopped at teardown."""
    servers: list[SeaweedServer] = []

    def make(**kwargs: object) -> SeaweedServer:
        server = SeaweedServer(tmp_path_factory.mktemp("seaweed-own"), **kwargs)  # type: ignore[arg-type]
        servers.append(server)
        server.start()
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


_bucket_numbers = itertools.count()


@pytest.fixture
def s3_bucket(seaweed: SeaweedServer) -> Iterator[S3Bucket]:
    """A new empty bucket per test, deleted (with its contents) afterwards.

    Fresh buckets are cheap on SeaweedFS (~0.2 s for the first write, which grows a volume).
    """
    if not seaweed.is_running():  # a careless test stopped the shared server
        seaweed.start()
    name = seaweed.create_bucket(f"t{next(_bucket_numbers):04d}-{secrets.token_hex(4)}")
    yield S3Bucket(name=name, server=seaweed)
    if seaweed.is_running():
        seaweed.discard_bucket(name)  # in the background; the session teardown waits


@pytest.fixture
def seaweed_env(seaweed: SeaweedServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Point the standard AWS env vars at the session server (and away from ~/.aws)."""
    env = seaweed.env()
    env["AWS_CONFIG_FILE"] = str(tmp_path / "no-aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "no-aws-credentials")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


# -- isolation from the user's models and translation memory ---------------------------------


@pytest.fixture(scope="session", autouse=True)
def _isolated_docpipe_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the user's models directory or translation memory.

    Set in ``os.environ`` so subprocesses (the ``docpipe`` CLI) inherit it too; tests that want
    models install them into their own directory and point ``DOCPIPE_MODELS_DIR`` there.
    """
    root = tmp_path_factory.mktemp("docpipe-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCPIPE_MODELS_DIR", str(root / "no-models"))
        patch.setenv("DOCPIPE_TRANSLATION_MEMORY", str(root / "translation-memory.sqlite3"))
        patch.delenv("ARGOS_PACKAGES_DIR", raising=False)
        yield
