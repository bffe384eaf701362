"""Airflow 3 plugin: docpipe's records viewer inside the API server, behind Airflow's login.

Mounts :func:`pipeline.viewer.app.create_app` at ``/docpipe`` (``fastapi_apps``) and adds a
"docpipe records" entry to the UI navigation (``external_views``). Plugin endpoints are not
protected by Airflow on their own: every route here depends on :func:`require_docpipe_reader`,
which authenticates the request the way Airflow's own API does (JWT cookie of the UI session or
a bearer token) and asks the configured auth manager whether the user may read the runs of
``docpipe_ingest`` — whoever may see the DAG's runs may see what they produced.

The viewer reads the DAGs' bucket with the DAGs' own configuration (``dags/docpipe_airflow``:
Variables ``docpipe_*`` / env ``DOCPIPE_*``, connection ``aws_default``), looked up again at
most every :data:`SETTINGS_TTL` seconds. Install: put this file in Airflow's plugins folder
(``tools/airflow_local.py`` and docker-compose.yml do) with docpipe installed.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, ClassVar

from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, HTTPException, Request, status

from pipeline.viewer.app import create_app
from pipeline.viewer.links import PLUGIN_PREFIX
from pipeline.viewer.reader import Destination

INGEST_DAG = "docpipe_ingest"
SETTINGS_TTL = 30.0


async def require_docpipe_reader(request: Request) -> None:
    """Airflow's authentication and authorisation, for every viewer route (401/403 otherwise)."""
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user

    user = await get_user(request, None, await bearer_scheme(request))  # raises 401/403 itself
    if not get_auth_manager().is_authorized_dag(
        method="GET", access_entity=DagAccessEntity.RUN, details=DagDetails(id=INGEST_DAG), user=user
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"not allowed to read the runs of {INGEST_DAG}")


class _DagsDestination:
    """The output area the DAGs write to, reopened when its settings are older than the TTL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[float, Destination] | None = None

    def __call__(self) -> Destination:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > SETTINGS_TTL:
                self._cached = (time.monotonic(), self._open())
            return self._cached[1]

    @staticmethod
    def _open() -> Destination:
        from airflow.configuration import conf

        from pipeline.settings import Settings
        from pipeline.store import open_store

        dags_folder = conf.get("core", "dags_folder")
        if dags_folder not in sys.path:  # the DAGs' shared helpers live there, not on the API server's path
            sys.path.append(dags_folder)
        import docpipe_airflow

        settings = Settings.load(lookup=docpipe_airflow.variable_or_env)  # as the DAGs read them
        options = {k: v for k, v in docpipe_airflow.s3_options().items() if v not in (None, "")}
        return Destination(open_store(settings.orchestration.output_url, **options))


viewer_app = create_app(_DagsDestination(), dependencies=[Depends(require_docpipe_reader)])


class DocpipeViewerPlugin(AirflowPlugin):
    name = "docpipe_viewer"
    fastapi_apps: ClassVar[list[dict[str, Any]]] = [
        {"app": viewer_app, "url_prefix": PLUGIN_PREFIX, "name": "docpipe records viewer"}
    ]
    external_views: ClassVar[list[dict[str, Any]]] = [
        {
            "name": "docpipe records",
            "href": f"{PLUGIN_PREFIX}/",
            "destination": "nav",
            "category": "browse",
            "url_route": "docpipe",
        }
    ]
