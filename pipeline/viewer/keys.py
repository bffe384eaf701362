"""Where the viewer finds things in a destination, in the terms of :mod:`pipeline.outputs`.

The layout itself (``clean/<doc_id>.json``, ``errors/<doc_id>.json``, ``runs/<run_id>.json``;
docs/output-format.md) is owned by :mod:`pipeline.outputs`; this module only maps the viewer's
three kinds of page onto it and checks names read from URLs.
"""

from __future__ import annotations

from typing import Literal

from pipeline.outputs import CLEAN, ERRORS, RUNS
from pipeline.store import safe_key

Kind = Literal["clean", "error", "run"]

AREAS: dict[Kind, str] = {"clean": f"{CLEAN}/", "error": f"{ERRORS}/", "run": f"{RUNS}/"}
"""The listing prefix of each kind of object; every object is ``<prefix><name>.json``."""


def key_for(kind: Kind, name: str) -> str:
    """The key of a record (``clean``), an error record (``error``) or a manifest (``run``).

    *name* is a doc id or run id; ``safe_key`` refuses anything that could leave its area.
    """
    if "/" in name:
        raise ValueError(f"not a {kind} name: {name!r}")
    return safe_key(AREAS[kind].rstrip("/"), f"{name}.json")


def name_of(kind: Kind, key: str) -> str | None:
    """The doc or run id a listed key belongs to, or None for anything else (.txt, batch manifests)."""
    prefix = AREAS[kind]
    if not key.startswith(prefix) or not key.endswith(".json"):
        return None
    name = key[len(prefix) : -len(".json")]
    return None if not name or "/" in name else name
