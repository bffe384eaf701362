"""The viewer as a FastAPI app: server-rendered pages over one destination, read-only.

``create_app(open_destination)`` is mounted by the Airflow plugin (behind Airflow's auth) and
served on loopback by ``docpipe view``. *open_destination* is called per request, so the
plugin always reads the bucket the DAGs currently write to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from pipeline.logs import redact
from pipeline.store import StoreError

from . import pages
from .reader import Destination
from .render import CONTENT_SECURITY_POLICY, Links, show

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY + "; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(
    open_destination: Callable[[], Destination],
    *,
    dependencies: Sequence[Any] = (),
    title: str = "docpipe viewer",
) -> FastAPI:
    """The app; *dependencies* guard every route (the plugin passes Airflow's auth check)."""
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None, dependencies=list(dependencies))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(HEADERS)  # on every answer, FastAPI's own 404/422 included
        return response

    def links(request: Request) -> Links:
        return Links(root=str(request.scope.get("root_path") or "").rstrip("/"))

    async def page(build: Callable[[Destination], str | None], what: str) -> Response:
        try:
            html = await run_in_threadpool(lambda: build(open_destination()))
        except StoreError as exc:
            return _error(503, f"cannot read the destination: {exc}")
        except ValueError as exc:  # a malformed token or parameter
            return _error(400, f"bad request: {exc}")
        if html is None:
            return _error(404, f"no {what}")
        return HTMLResponse(html)

    @app.get("/", response_class=HTMLResponse)
    async def runs(request: Request, before: str | None = None) -> Response:
        return await page(lambda d: pages.runs_page(d, links(request), before=before), "runs")

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    async def run(request: Request, run_id: str, offset: int = 0) -> Response:
        return await page(lambda d: pages.run_page(d, links(request), run_id, offset=offset), "such run")

    @app.get("/docs/{doc_id}", response_class=HTMLResponse)
    async def document(request: Request, doc_id: str) -> Response:
        return await page(lambda d: pages.document_page(d, links(request), doc_id), "such document")

    @app.get("/find", response_class=HTMLResponse)
    async def find(request: Request, q: str = "", from_run: str | None = None) -> Response:
        return await page(lambda d: pages.find_page(d, links(request), query=q[:500], from_run=from_run), "page")

    @app.get("/failed", response_class=HTMLResponse)
    async def failed(request: Request, token: str | None = None) -> Response:
        return await page(lambda d: pages.failed_page(d, links(request), token=token), "page")

    @app.get("/awaiting", response_class=HTMLResponse)
    async def awaiting(request: Request, token: str | None = None) -> Response:
        return await page(lambda d: pages.awaiting_page(d, links(request), token=token), "page")

    @app.get("/healthz", response_class=PlainTextResponse)
    async def health() -> str:
        return "ok"

    return app


def _error(status: int, message: str) -> Response:
    body = f"<!doctype html><meta charset=utf-8><title>{status}</title><p>{show(redact(message))}</p>"
    return HTMLResponse(body, status_code=status)


def app_for(url: str, **store_options: Any) -> FastAPI:
    """The app over one destination URL (``docpipe view``): the store is opened once."""
    from pipeline.store import open_store

    destination = Destination(open_store(url, **store_options))
    app = create_app(lambda: destination)
    app.state.destination_url = destination.url
    return app
