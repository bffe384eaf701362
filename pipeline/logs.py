"""Structured, quiet-by-default logging for the CLI and workers.

Warnings and errors only unless asked; ``--log-format json`` gives one JSON object per
line for log shippers. Secrets never reach a log line: messages pass through
:func:`redact`, which masks the configured AWS secret and anything shaped like a key.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time

_SECRET_ENV = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
_KEYLIKE = re.compile(r"(?i)(secret[_-]?access[_-]?key|aws_secret_access_key|session[_-]?token)(\s*[=:]\s*)\S+")


def redact(text: str) -> str:
    """*text* with the configured AWS secrets and ``secret=...`` pairs masked."""
    for name in _SECRET_ENV:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return _KEYLIKE.sub(r"\1\2***", text)


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False))


def configure(verbosity: int = 0, fmt: str = "text") -> None:
    """0 → warnings, 1 → info, 2+ → debug. Third-party chatter stays at warning."""
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _JsonFormatter() if fmt == "json" else _RedactingFormatter("%(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("pipeline").setLevel(level)
    for noisy in ("trafilatura", "htmldate", "courlan", "botocore", "boto3", "urllib3", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR if verbosity < 2 else logging.INFO)
