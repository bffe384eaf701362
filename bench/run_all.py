"""Run every benchmark in turn (``make bench``); each writes its JSON to bench/results/.

Benchmarks live here, not in timed unit tests: throughput on a shared 2-core machine varies
from run to run, so figures are reported (with the load average), not asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
COMMANDS = [
    ["lid_eval.py"],
    ["lid_page_eval.py"],
    ["lid_speed.py"],
    ["-m", "bench.boilerplate_eval"],
    ["-m", "bench.boilerplate_multi_eval"],
    ["translation_bench.py", "--quick"],
    ["viewer_bench.py"],
    ["throughput.py"],
    ["capacity.py"],
]


def main() -> int:
    failures = 0
    for command in COMMANDS:
        script = command[0]
        if not script.startswith("-") and not (BENCH / script).exists():
            print(f"== skip {script}: not present", flush=True)
            continue
        args = [sys.executable, *(command if script.startswith("-") else [str(BENCH / script), *command[1:]])]
        print(f"== {' '.join(command)}  (load average {os.getloadavg()[0]:.1f})", flush=True)
        started = time.monotonic()
        result = subprocess.run(args, cwd=BENCH.parent)
        print(f"== {script}: exit {result.returncode} in {time.monotonic() - started:.0f} s", flush=True)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
