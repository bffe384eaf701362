"""Where the viewer finds things in a destination: the one place that knows the key layout.

docs/output-format.md: ``clean/<doc_id>.json`` (a record), ``errors/<doc_id>.json`` (an error
record), ``runs/<run_id>.json`` (a run manifest; an Airflow run also keeps its batch manifests
under ``runs/<run_id>/``). Point :func:`key_for` and :data:`AREAS` at another layout and the
whole viewer follows.
"""

from __future__ import annotations

from typing import Literal

from pipeline.store import safe_key

Kind = Literal["clean", "error", "run"]

AREAS: dict[Kind, str] = {"clean": "clean/", "error": "errors/", "run": "runs/"}
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
