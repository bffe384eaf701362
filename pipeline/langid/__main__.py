"""``python -m pipeline.langid``: one JSON line per input line on stdin.

Each output line is ``{"text", "lang", "score", "spans": [{"start", "end", "lang", "score",
"script"}]}`` (see :func:`pipeline.langid.detect_line`); ``docpipe detect`` runs the same
writer (:func:`pipeline.langid.jsonl.write_detections`).
"""

from __future__ import annotations

import sys

from . import get_identifier
from .jsonl import write_detections


def main() -> None:
    write_detections(sys.stdin, sys.stdout, get_identifier())


if __name__ == "__main__":
    main()
