"""Whole-process throughput of language identification over the NTREX-128 sentences.

    .venv/bin/python bench/lid_speed.py [--root ../shared/dev-data/lid] [--repeat 5] [--pin 0]

Each run is a fresh process, so interpreter start-up, imports and model loading are all
inside the timing. Three commands are timed:

* ``docpipe``: ``docpipe detect`` — the command the speed target names;
* ``cli``: ``python -m pipeline.langid`` — the same writer without the CLI's argument
  parsing and logging set-up;
* ``batch``: ``LanguageIdentifier.detect_batch`` over the same lines (library path).

Reported per command: segments per second of wall-clock time and of CPU time (user+sys of
the child, i.e. one core's work: every command here is single-threaded); the best of
``--repeat`` runs, taken in turn so that load from other work on a shared machine hits all
commands alike. ``--pin N`` runs the children under ``taskset -c N``. The derived model
copies in the user cache directory (see ``pipeline.langid.models``) are made beforehand, as
on any machine that has run the detector once. Results go to bench/results/lid_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench.lid_devdata import NTREX_GOLD, default_root  # noqa: E402

RESULTS = PROJECT / "bench" / "results" / "lid_speed.json"

BATCH_SCRIPT = """
import sys
from pipeline.langid import get_identifier
lines = sys.stdin.read().splitlines()
dets = get_identifier().detect_batch(lines)
print(len(dets), file=sys.stderr)
"""


WARM_SCRIPT = """
from pipeline.langid import get_identifier
get_identifier().detect("نجم")  # a short, unsure string: every model is loaded (and derived)
"""


def time_process(cmd: list[str], stdin_path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process reading ``stdin_path``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(stdin_path, "rb") as fin:
        subprocess.run(cmd, stdin=fin, stdout=subprocess.DEVNULL, check=True, cwd=PROJECT,
                       env={**os.environ, "PYTHONPATH": str(PROJECT)})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=default_root())
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pin", type=int, metavar="CPU", help="run the children on this CPU (taskset)")
    args = ap.parse_args(argv)
    ntrex = args.root / "ntrex128"
    if not ntrex.is_dir():
        sys.exit(f"NTREX not found at {ntrex}")
    lines = []
    for code in NTREX_GOLD:
        lines += [ln for ln in (ntrex / f"{code}.txt").read_text("utf-8").splitlines()
                  if ln.strip()]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False,
                                     encoding="utf-8") as tmp:
        tmp.write("\n".join(lines) + "\n")
        path = Path(tmp.name)
    docpipe = shutil.which("docpipe", path=str(Path(sys.executable).parent)) or "docpipe"
    commands = {
        "docpipe": [docpipe, "detect"],
        "cli": [sys.executable, "-m", "pipeline.langid"],
        "batch": [sys.executable, "-c", BATCH_SCRIPT],
    }
    if args.pin is not None:
        commands = {name: ["taskset", "-c", str(args.pin), *cmd] for name, cmd in commands.items()}
    subprocess.run([sys.executable, "-c", WARM_SCRIPT], check=True, cwd=PROJECT,
                   env={**os.environ, "PYTHONPATH": str(PROJECT)})
    report: dict[str, dict[str, float]] = {}
    try:
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                timings[name].append(time_process(cmd, path))
        for name, runs in timings.items():
            wall = min(w for w, _ in runs)
            cpu = min(c for _, c in runs)
            report[name] = {
                "segments": len(lines),
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
                "segments_per_s_wall": round(len(lines) / wall),
                "segments_per_s_cpu": round(len(lines) / cpu),
            }
            print(f"{name:7} {len(lines)} segments  wall {wall:.2f} s "
                  f"({len(lines) / wall:,.0f}/s)  cpu {cpu:.2f} s ({len(lines) / cpu:,.0f}/s)")
    finally:
        path.unlink()
    report["load_average"] = {"1min": round(os.getloadavg()[0], 2)}  # type: ignore[dict-item]
    report["settings"] = {"repeat": args.repeat, "pin": args.pin}  # type: ignore[dict-item]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
