"""The stores a scheduler run works on: the bucket (landing objects) and the output area.

Where they are (bucket, prefixes) and how batches are cut are settings like any other:
``orchestration.*`` in :mod:`pipeline.settings`, read by the same loader (Airflow Variables,
then the environment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.settings import OrchestrationSettings
from pipeline.store import Store, open_store

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Stores:
    """The bucket (for landing objects) and the output area, opened with one set of options."""

    landing: Store
    output: Store

    @classmethod
    def open(cls, settings: OrchestrationSettings, options: Mapping[str, Any] | None = None) -> Stores:
        """One store (one boto3 session and client) serves both when the outputs are at the
        bucket's root, the default: building an S3 client costs a batch task tenths of a second."""
        opts = {k: v for k, v in (options or {}).items() if v not in (None, "")}
        landing = open_store(settings.bucket_url, **opts)
        same = settings.output_url == settings.bucket_url
        return cls(landing, landing if same else open_store(settings.output_url, **opts))
