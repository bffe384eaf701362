"""Airflow 3 plugin: a refused reprocess request says what is wrong in words, not as a JSON Schema dump.

Airflow validates a trigger's ``conf`` against the DAG's Params and refuses a bad value with
``400 Invalid input for param doc_ids: 'x' does not match '^…$'`` followed by the whole failing
schema; the trigger form shows that text as it is. A DAG cannot change the message, so this
plugin adds a root middleware (``fastapi_root_middlewares``) to the API server that rewrites
only that refusal, for ``POST /api/v2/dags/docpipe_reprocess/dagRuns`` only: the request's
``conf`` is checked field by field with the pipeline's own rules
(:meth:`pipeline.orchestration.Selection.parse`), whose message names the form field, the
offending value and what a valid one looks like. When those rules find nothing (a limit only
the schema states, such as a length), Airflow's first line is kept without the schema dump.

Nothing else changes: the status stays 400, Airflow has already authenticated and authorised
the request (its dependencies run before the parameters are validated), and every other path
and status passes through untouched. Install: this file in Airflow's plugins folder with
docpipe installed (``tools/airflow_local.py`` and docker-compose.yml point it there).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, ClassVar

from airflow.plugins_manager import AirflowPlugin

from pipeline.orchestration import Selection, SelectionError

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

TRIGGER_PATH = re.compile(r"/api/v2/dags/docpipe_reprocess/dagRuns/?")
PARAM_REFUSAL = "Invalid input for param "


def readable_refusal(request_body: bytes, response_body: bytes) -> bytes:
    """Airflow's 400 body for a refused trigger, its ``detail`` rewritten when it is a Param refusal."""
    try:
        detail = json.loads(response_body)["detail"]
        conf = json.loads(request_body).get("conf") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return response_body
    if not isinstance(detail, str) or not detail.startswith(PARAM_REFUSAL) or not isinstance(conf, dict):
        return response_body
    try:
        Selection.parse(conf)
    except SelectionError as exc:
        message = str(exc)
    else:  # a rule only the schema states: Airflow's own first line, without the schema it prints after it
        message = detail.split("\n\n", 1)[0]
    return json.dumps({"detail": message}).encode()


class ReadableReprocessRefusals:
    """ASGI middleware: rewrites the 400 body of a refused ``docpipe_reprocess`` trigger, nothing else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not TRIGGER_PATH.fullmatch(scope["path"]):
            await self.app(scope, receive, send)
            return

        request_body = bytearray()
        refusal: Message | None = None
        refusal_body = bytearray()

        async def receive_and_keep() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request_body.extend(message.get("body", b""))
            return message

        async def send_or_rewrite(message: Message) -> None:
            nonlocal refusal
            if message["type"] == "http.response.start" and message["status"] == 400:
                refusal = message  # held until its body is complete
                return
            if refusal is None or message["type"] != "http.response.body":
                await send(message)
                return
            refusal_body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = readable_refusal(bytes(request_body), bytes(refusal_body))
            headers = [(k, v) for k, v in refusal.get("headers", []) if k.lower() != b"content-length"]
            await send({**refusal, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive_and_keep, send_or_rewrite)


class DocpipeTriggerMessages(AirflowPlugin):
    name = "docpipe_trigger_messages"
    fastapi_root_middlewares: ClassVar[list[dict[str, Any]]] = [
        {
            "middleware": ReadableReprocessRefusals,
            "args": [],
            "kwargs": {},
            "name": "docpipe: readable reprocess refusals",
        }
    ]
