"""S3 (and S3-compatible: MinIO, SeaweedFS, Ceph) store on boto3.

Configuration is the standard AWS one — env vars, shared config/credentials files and
profiles, ``AWS_ENDPOINT_URL`` — with keyword arguments only as overrides, so the same
run works against AWS and a local server. Custom endpoints get path-style addressing
(bucket names need no DNS). Retries use botocore's "standard" mode by default; set
``retry_mode``/``max_attempts`` (or ``AWS_RETRY_MODE``/``AWS_MAX_ATTEMPTS``) to change it.

``put_object`` is atomic on S3, so :meth:`S3Store.put` needs no temp-object dance.
Every botocore failure becomes a :class:`StoreError` whose text has known credentials
scrubbed and which is raised ``from None`` so tracebacks do not drag request internals.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from .base import (
    STALE_TEMP_SECONDS,
    ListPage,
    ObjectInfo,
    ObjectNotFound,
    ObjectTooLarge,
    StoreError,
    check_limit,
    check_max_bytes,
)
from .keys import validate_key, validate_prefix

log = logging.getLogger(__name__)

_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
_AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn")


def _no_userinfo(url: str, what: str) -> None:
    if "@" in urlsplit(url).netloc:
        raise ValueError(f"{what} must not embed credentials; use AWS env vars or a profile")


class S3Store:
    """Objects under ``s3://bucket/prefix/``; keys are relative to the prefix."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        profile: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        retry_mode: str | None = None,
        max_attempts: int | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        page_size: int = 1000,
        addressing_style: str | None = None,
    ) -> None:
        if not bucket or "/" in bucket or "@" in bucket or ":" in bucket:
            raise ValueError(f"invalid bucket name: {bucket!r}")
        prefix = prefix.strip("/")
        if prefix:
            validate_key(prefix, max_segment_bytes=None)
        if not 1 <= page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000")
        if endpoint_url is not None:
            _no_userinfo(endpoint_url, "endpoint_url")
        self.bucket = bucket
        self.prefix = prefix
        self._key_prefix = f"{prefix}/" if prefix else ""
        self.url = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
        self.page_size = page_size
        self._secrets: list[str] = [s for s in (access_key, secret_key, session_token) if s]

        mode = retry_mode or os.environ.get("AWS_RETRY_MODE") or "standard"
        attempts = max_attempts or int(os.environ.get("AWS_MAX_ATTEMPTS") or 5)
        if attempts < 1:
            raise ValueError("max_attempts counts the first try too; it must be at least 1")
        if mode not in ("standard", "adaptive", "legacy"):
            raise ValueError(f"retry_mode must be standard, adaptive or legacy, not {mode!r}")
        try:
            self._session = boto3.session.Session(
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                aws_session_token=session_token,
                region_name=region,
                profile_name=profile,
            )

            def make_client(style: str) -> Any:
                config = Config(
                    retries={"mode": mode, "total_max_attempts": attempts},  # incl. first try
                    connect_timeout=connect_timeout,
                    read_timeout=read_timeout,
                    s3={"addressing_style": style},
                    user_agent_extra="docpipe",
                )
                return self._session.client("s3", endpoint_url=endpoint_url, config=config)

            given_host = urlsplit(endpoint_url).hostname or "" if endpoint_url else None
            if addressing_style is None and given_host is not None and not given_host.endswith(_AWS_HOST_SUFFIXES):
                addressing_style = "path"  # known now: build one client, not two (a task start pays each)
            self._client = make_client(addressing_style or "auto")
            self.endpoint_url: str = self._client.meta.endpoint_url
            host = urlsplit(self.endpoint_url).hostname or ""
            if addressing_style is None and not host.endswith(_AWS_HOST_SUFFIXES):
                # Custom endpoint (MinIO, SeaweedFS...): buckets are not DNS names there.
                self._client = make_client("path")
            creds = self._session.get_credentials()
            if creds is not None:
                frozen = creds.get_frozen_credentials()
                self._secrets += [s for s in (frozen.access_key, frozen.secret_key, frozen.token) if s]
        except BotoCoreError as exc:
            raise StoreError(self._scrub(f"cannot configure S3 client for {self.url}: {exc}")) from None
        _no_userinfo(self.endpoint_url, "AWS_ENDPOINT_URL")

    def __repr__(self) -> str:
        return f"S3Store({self.url!r})"

    # -- helpers -------------------------------------------------------------------------

    def _key(self, key: str) -> str:
        return self._key_prefix + validate_key(key, max_segment_bytes=None)

    def uri_for(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"

    def _scrub(self, text: str) -> str:
        # Defence in depth: botocore does not put credentials in messages, but a server
        # might echo them. Very short "secrets" (test dummies) would only garble the text.
        for secret in sorted(set(self._secrets), key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def _error(self, op: str, key: str | None, exc: Exception) -> StoreError:
        """Translate a botocore failure into our exception hierarchy, credentials removed."""
        where = f"s3://{self.bucket}/{self._key_prefix}{key}" if key is not None else self.url
        if isinstance(exc, ClientError):
            err = exc.response.get("Error", {})
            code = str(err.get("Code", "Unknown"))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if key is not None and code in _NOT_FOUND_CODES:
                return ObjectNotFound(key, where)
            detail = err.get("Message") or ""
            msg = f"S3 {op} {where} failed: {code} (HTTP {status})" + (f": {detail}" if detail else "")
        elif isinstance(exc, NoCredentialsError):
            msg = f"S3 {op} {where} failed: no AWS credentials configured"
        elif isinstance(exc, BotoConnectionError):
            msg = f"S3 {op} {where} failed: cannot reach {self.endpoint_url}: {exc}"
        else:
            msg = f"S3 {op} {where} failed: {type(exc).__name__}: {exc}"
        return StoreError(self._scrub(msg))

    # -- objects -------------------------------------------------------------------------

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """One PutObject (atomic on S3), with Content-MD5 so corruption in transit fails."""
        s3_key = self._key(key)
        md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=s3_key,
                Body=bytes(data),
                ContentType=content_type,
                ContentMD5=md5,
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._error("put", key, exc) from None

    def get(self, key: str, max_bytes: int | None = None) -> bytes:
        """GetObject; with max_bytes the Content-Length is checked before the body is read."""
        check_max_bytes(max_bytes)
        s3_key = self._key(key)
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=s3_key)
            body = response["Body"]
            try:
                size = int(response.get("ContentLength", -1))
                if max_bytes is not None and size > max_bytes:
                    raise ObjectTooLarge(key, size, max_bytes, self.uri_for(key))
                data: bytes = body.read() if max_bytes is None else body.read(max_bytes + 1)
            finally:
                body.close()
        except (ClientError, BotoCoreError) as exc:
            raise self._error("get", key, exc) from None
        if max_bytes is not None and len(data) > max_bytes:
            raise ObjectTooLarge(key, len(data), max_bytes, self.uri_for(key))
        return data

    def head(self, key: str) -> ObjectInfo | None:
        """HeadObject; None on 404. (A missing bucket is also a bare 404 for HEAD.)"""
        s3_key = self._key(key)
        try:
            response = self._client.head_object(Bucket=self.bucket, Key=s3_key)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in _NOT_FOUND_CODES:
                return None
            raise self._error("head", key, exc) from None
        except BotoCoreError as exc:
            raise self._error("head", key, exc) from None
        modified = response.get("LastModified")
        return ObjectInfo(
            key=key,
            size=int(response.get("ContentLength", 0)),
            etag=(response.get("ETag") or "").strip('"') or None,
            modified=modified.timestamp() if modified is not None else None,
        )

    def exists(self, key: str) -> bool:
        return self.head(key) is not None

    def list_page(self, prefix: str, token: str | None = None, limit: int = 50) -> ListPage:
        """One ``ListObjectsV2`` request (``MaxKeys``, ``Delimiter``, the server's continuation token)."""
        validate_prefix(prefix)
        check_limit(limit)
        request: dict[str, Any] = {
            "Bucket": self.bucket,
            "Prefix": self._key_prefix + prefix,
            "Delimiter": "/",
            "MaxKeys": min(limit, 1000),
        }
        if token:
            request["ContinuationToken"] = token
        try:
            reply = self._client.list_objects_v2(**request)
        except ClientError as exc:
            if token and exc.response.get("Error", {}).get("Code") == "InvalidArgument":
                raise ValueError("not a continuation token of this listing") from None
            raise self._error("list", None, exc) from None
        except BotoCoreError as exc:
            raise self._error("list", None, exc) from None
        strip = len(self._key_prefix)
        keys = sorted(obj["Key"][strip:] for obj in reply.get("Contents", ()) if not obj["Key"].endswith("/"))
        return ListPage(keys, reply.get("NextContinuationToken") if reply.get("IsTruncated") else None)

    def delete(self, key: str) -> None:
        s3_key = self._key(key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=s3_key)
        except (ClientError, BotoCoreError) as exc:
            err = self._error("delete", key, exc)
            if not isinstance(err, ObjectNotFound):
                raise err from None

    def sweep_temp_files(self, older_than: float = STALE_TEMP_SECONDS) -> int:
        """Nothing to sweep: a PUT is atomic on S3, so a killed writer leaves no partial object."""
        return 0

    def list(
        self, prefix: str = "", skipped: list[str] | None = None, start_after: str | None = None
    ) -> Iterator[ObjectInfo]:
        """ListObjectsV2 (``page_size`` keys per request), yielded sorted by key.

        AWS returns UTF-8 byte order, but SeaweedFS walks its directory tree ("a/x" before
        "a-b"), so the whole listing is collected and sorted before the first yield
        (~250 bytes of memory per object). Folder markers ("dir/") and keys our stores
        could not address are skipped; the latter are appended to *skipped* when given, so
        a caller that must account for every object (input discovery) can report them.

        *start_after* is applied to what comes back; the server gets only its part up to the
        last ``/`` as ``StartAfter``. SeaweedFS walks directories, and a ``StartAfter`` that
        names a directory ("a" for "a/x") skips that whole directory; cut at a ``/`` it
        skips exactly what sorts before it, and at most one directory is listed in vain.
        """
        validate_prefix(prefix)
        paginator = self._client.get_paginator("list_objects_v2")
        request: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self._key_prefix + prefix}
        directory = (start_after or "").rpartition("/")[0]
        if directory:
            request["StartAfter"] = f"{self._key_prefix}{directory}/"
        pages = paginator.paginate(**request, PaginationConfig={"PageSize": self.page_size})
        strip = len(self._key_prefix)
        found: list[ObjectInfo] = []
        try:
            for page in pages:
                for obj in page.get("Contents", ()):
                    key = obj["Key"][strip:]
                    if key.endswith("/") or (start_after and key <= start_after):
                        continue
                    try:
                        validate_key(key, max_segment_bytes=None)
                    except ValueError:
                        log.warning("skipping S3 object whose key is not valid: %r", key)
                        if skipped is not None:
                            skipped.append(key)
                        continue
                    modified = obj.get("LastModified")
                    found.append(
                        ObjectInfo(
                            key=key,
                            size=int(obj.get("Size", 0)),
                            etag=(obj.get("ETag") or "").strip('"') or None,
                            modified=modified.timestamp() if modified is not None else None,
                        )
                    )
        except (ClientError, BotoCoreError) as exc:
            raise self._error("list", None, exc) from None
        found.sort(key=lambda info: info.key)  # str order == UTF-8 byte order
        yield from found
