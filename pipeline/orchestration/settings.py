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
        opts = {k: v for k, v in (options or {}).items() if v not in (None, "")}
        return cls(open_store(settings.bucket_url, **opts), open_store(settings.output_url, **opts))
