"""Start ``tools/airflow_local.py`` or ``airflow_celery.py`` in its own session and wait for READY.

Both tools print one line ``READY {json}`` (URL, credentials, pids, ...) once every component is
up. The tests' fixtures and ``bench/airflow_overhead.py`` start them this way; the caller keeps
the process and stops it (each tool stops its components on SIGINT/SIGTERM).
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

READY = "READY "


class NotReady(RuntimeError):
    """The tool exited, or did not print READY in time; the message ends with its last lines."""


class Launched:
    """A started tool: ``proc``, and ``output`` (every line read so far, pumped in the background)."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = Path(command[1]).name
        self.proc = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own session, whatever happens to the caller's
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def ready(self, timeout: float, tail: int = 100) -> dict[str, Any]:
        """The READY line's JSON; :class:`NotReady` when the tool exits first or *timeout* passes."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            except queue.Empty:
                raise NotReady(f"{self.name} not ready within {timeout:.0f} s:\n{self.tail(tail)}") from None
            if line is None:
                raise NotReady(f"{self.name} exited before READY:\n{self.tail(tail)}")
            self.output.append(line)
            if line.startswith(READY):
                return json.loads(line[len(READY) :])

    def tail(self, lines: int) -> str:
        return "".join(self.output[-lines:])
