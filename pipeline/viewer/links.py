"""Links into the viewer from elsewhere (the ingest summary, asset events): no web imports.

Kept apart from the app so that Airflow tasks can build a run's URL without importing FastAPI.
"""

from __future__ import annotations

from urllib.parse import quote

PLUGIN_PREFIX = "/docpipe"
"""Where the Airflow plugin mounts the viewer in the API server."""


def viewer_base(api_base_url: str | None) -> str:
    """The plugin's root under the API server's ``[api] base_url`` (a path alone when unset)."""
    return (api_base_url or "").rstrip("/") + PLUGIN_PREFIX


def run_url(base: str, run_key: str) -> str:
    """The viewer page of run *run_key* under *base* (``http://host:8080/docpipe`` or ``""``)."""
    return f"{base.rstrip('/')}/runs/{quote(run_key, safe='')}"


def doc_url(base: str, doc_id: str) -> str:
    return f"{base.rstrip('/')}/docs/{quote(doc_id, safe='')}"
