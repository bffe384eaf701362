"""The Jinja2 environment every page is rendered with, and where its links point.

Autoescape is on for every template, so a string from a document is text, never markup.
:func:`show` also makes bidi embedding/override/isolate controls visible instead of letting
them reorder the page, and :func:`web_link` lets only ``http``/``https`` URLs become links.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import present

BIDI_CONTROLS = {chr(c): f"U+{c:04X}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'"
)
REPROCESS_DAG = "docpipe_reprocess"


def show(value: Any) -> Markup:
    """Escaped text with bidi controls shown as labelled marks (``U+202E``) rather than obeyed."""
    text = escape("" if value is None else str(value))
    if not any(ch in text for ch in BIDI_CONTROLS):
        return text
    out = []
    for ch in str(text):
        code = BIDI_CONTROLS.get(ch)
        out.append(f'<span class="ctl" title="{unicodedata.name(ch, code)}">{code}</span>' if code else ch)
    return Markup("".join(out))


def web_link(value: Any) -> str | None:
    """*value* if it is an absolute http(s) URL (what may become an ``href``), else None."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ord(c) < 0x21 for c in value.strip()):
        return None
    return value.strip()


def trigger_command(conf: dict[str, Any]) -> str:
    """The Airflow CLI line that triggers the reprocess DAG with *conf* (ids are [a-z0-9-] only)."""
    return f"airflow dags trigger {REPROCESS_DAG} --conf '{json.dumps(conf, ensure_ascii=True)}'"


@dataclass(frozen=True, slots=True)
class Links:
    """URLs between pages: absolute under *root* when served, relative ``.html`` files in a report."""

    root: str = ""
    static: bool = False
    depth: int = 0  # static pages: how many folders below the report's root this page is

    def _base(self) -> str:
        return "../" * self.depth if self.static else f"{self.root}/"

    def home(self, before: str | None = None) -> str:
        if self.static:
            return self._base() + "index.html"
        return self._base() + (f"?{urlencode({'before': before})}" if before else "")

    def run(self, run_id: str) -> str:
        return self._base() + f"runs/{quote(run_id)}" + (".html" if self.static else "")

    def doc(self, doc_id: str) -> str:
        return self._base() + f"docs/{quote(doc_id)}" + (".html" if self.static else "")

    def page(self, name: str, **query: Any) -> str:
        """find / failed / awaiting, with query parameters (static reports have no queries)."""
        if self.static:
            return self._base() + f"{name}.html"
        params = {k: v for k, v in query.items() if v not in (None, "")}
        return self._base() + name + (f"?{urlencode(params)}" if params else "")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pipeline.viewer", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["t"] = show
    env.filters["css"] = present.css_name
    env.filters["langtag"] = present.lang_tag
    env.filters["pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2)
    env.globals.update(web_link=web_link, trigger_command=trigger_command, csp=CONTENT_SECURITY_POLICY)
    return env


def render(template: str, links: Links, **context: Any) -> str:
    return environment().get_template(template).render(links=links, static=links.static, **context)
