"""``python -m pipeline.langid``: one JSON line per input line on stdin.

Each output line is ``{"text", "lang", "score", "spans": [{"start", "end", "lang", "score",
"script"}]}`` (see :func:`pipeline.langid.detect_line`); ``docpipe detect`` wraps the same
function.
"""

from __future__ import annotations

import json
import sys

from . import detect_line, get_identifier


def main() -> None:
    ident = get_identifier()
    out = sys.stdout
    dumps = json.dumps
    for line in sys.stdin:
        out.write(dumps(detect_line(line.rstrip("\r\n"), ident), ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
