"""Throughput, side by side on the same HTML files: bare trafilatura, ``docpipe run --workers 1``,
``--workers N``, and start-up on one page; CPU and peak RSS of every process. The machine's own
ceiling for N processes comes with it: trafilatura over the same pages split in N parts, N
independent loops at once (``machine_speedup``; on this project's 2-vCPU machines 1.44–1.96×
round by round, not 2×, because two busy vCPUs each do less than one busy alone).

Each measurement is a whole process (imports, model loading, writing records), as a user
would time it, in wall seconds and in CPU seconds (user + system of the run's process, its
forkserver and workers). The rounds are interleaved and repeated, and medians are reported with
the load average, because on a shared machine one run says little: there the CPU ratios are the
fair per-core figures, and ``cpu_bound_speedup`` (``--workers 1``'s CPU over the larger of the
parent's CPU and the whole run's CPU per worker) is the speed-up N idle cores would allow.
Each process's scheduler statistics say where its wall time went: ``cpu_wait`` (runnable, but
the CPUs were busy with other processes) and ``idle`` (waiting for work or I/O).
Translation models are kept out (an empty models directory, no translation memory): this
times the HTML path. The package's own modules are byte-compiled first, as an installed
package is (this machine sets ``PYTHONDONTWRITEBYTECODE``).

    .venv/bin/python bench/throughput.py                     # 300 wcxb pages, 3 rounds
    .venv/bin/python bench/throughput.py --pages 100 --rounds 2

Writes bench/results/throughput.json. Targets (issue 18): --workers 2 ≥ 1.8× --workers 1 on 2
cores; docpipe --workers 1 ≤ 1.5× trafilatura; start-up ≤ 1 s; ≤ 400 MB per worker.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "dev-data" / "boilerplate" / "wcxb-dev-articles" / "html"
RESULTS = ROOT / "bench" / "results" / "throughput.json"
BIN = Path(sys.executable).parent
ONE_PAGE = "0001.html"  # an English article

TRAFILATURA_LOOP = """
import sys
from pathlib import Path
from trafilatura import bare_extraction
for path in sorted(Path(sys.argv[1]).iterdir()):
    bare_extraction(path.read_text("utf-8", errors="replace"), with_metadata=True)
"""

# The pages dealt round-robin to N directories, one trafilatura loop per directory, all at once:
# N independent processes with nothing to coordinate, the most N processes can give on this
# machine (two vCPUs of a shared host may not double the work done by one).
PARALLEL_TRAFILATURA = f"""
import subprocess, sys
loops = [subprocess.Popen([sys.executable, "-c", {TRAFILATURA_LOOP!r}, part]) for part in sys.argv[1:]]
sys.exit(max(loop.wait() for loop in loops))
"""


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Adopt the run's orphans: its forkserver (with the workers' CPU) outlives it by a moment,
    and only the process that reaps it learns what it used."""
    import ctypes

    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def peak_rss_tree(proc: subprocess.Popen[bytes], stop: threading.Event, peaks: dict[int, tuple[str, int]],
                  sched: dict[int, tuple[str, float, float, float]]) -> None:
    """Poll the peak RSS (VmHWM) of *proc* and its descendants until *stop*, and their scheduler
    statistics: ``sched[pid] = (role, first seen, CPU seconds, seconds waiting for a CPU)``."""
    started = time.perf_counter()
    while not stop.is_set():
        for pid, role in [(proc.pid, "main"), *_descendants(proc.pid)]:
            hwm = _vm_hwm(pid)
            if hwm:
                peaks[pid] = (role, max(peaks.get(pid, ("", 0))[1], hwm))
            try:
                cpu, wait, _ = (int(v) for v in (Path("/proc") / str(pid) / "schedstat").read_text().split())
            except (OSError, ValueError):
                continue
            first = sched[pid][1] if pid in sched else time.perf_counter() - started
            sched[pid] = (role, first, cpu / 1e9, wait / 1e9)
        stop.wait(0.05)


def _waits(sched: dict[int, tuple[str, float, float, float]], seconds: float) -> dict[str, list[dict[str, float]]]:
    """Per process of the run: when it was first seen (seconds after the run started: a worker
    starts once the forkserver has loaded the models), seconds waiting for a CPU (other
    processes' load) and seconds idle (neither running nor runnable: waiting for work, I/O),
    from /proc/<pid>/schedstat."""
    out: dict[str, list[dict[str, float]]] = {}
    for role, first, cpu, wait in sched.values():
        alive = max(0.0, seconds - first)
        out.setdefault(role, []).append({"started": round(first, 2), "cpu_wait": round(wait, 2),
                                         "idle": round(max(0.0, alive - cpu - wait), 2)})
    return out


def _children(pid: int) -> list[int]:
    """Child pids of *pid*, from /proc/<pid>/task/<tid>/children (one small read per thread; a scan
    of all of /proc every poll took ~3 ms, ~6 % of a core at 20 polls a second, taken from the run)."""
    try:
        tids = [entry.name for entry in (Path("/proc") / str(pid) / "task").iterdir()]
    except OSError:
        return []
    found: list[int] = []
    for tid in tids:
        try:
            found += [int(c) for c in (Path("/proc") / str(pid) / "task" / tid / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, role) of the run's forkserver and the workers it forked (not multiprocessing's
    resource tracker)."""
    found = []
    for child in _children(pid):
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in cmdline:
            found.append((child, "forkserver"))
            found += [(worker, "worker") for worker in _children(child)]
    return found


def _vm_hwm(pid: int) -> int:
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reap(pid: int) -> tuple[float, float, int]:
    """Wait for *pid*: (its own CPU seconds, CPU seconds with the children it reaped, exit code)."""
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # a zombie still shows its own CPU
    fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    _, status, usage = os.wait4(pid, 0)
    return own, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def timed(command: list[str], env: dict[str, str]) -> dict[str, object]:
    """Wall and CPU seconds of *command* (CPU: user + system of it, its forkserver and workers,
    which the load of other processes on a shared machine distorts far less than wall time;
    ``parent_cpu_seconds``: the run's own process alone) and peak RSS per process."""
    peaks: dict[int, tuple[str, int]] = {}
    sched: dict[int, tuple[str, float, float, float]] = {}
    stop = threading.Event()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        watcher = threading.Thread(target=peak_rss_tree, args=(proc, stop, peaks, sched), daemon=True)
        watcher.start()
        parent_cpu, cpu, code = _reap(proc.pid)
        seconds = time.perf_counter() - started
        proc.returncode = code
        while True:  # the orphaned forkserver (and whatever it reaped) comes back to this process
            try:
                orphan = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
            except ChildProcessError:
                break
            if orphan is None:
                break
            cpu += _reap(orphan.si_pid)[1]
        stop.set()
        watcher.join()
        if proc.returncode != 0:
            stderr.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed: {stderr.read().decode(errors='replace')[-2000:]}")
    rss = {role: [round(v / 2**20, 1) for r, v in peaks.values() if r == role]
           for role in ("main", "forkserver", "worker")}
    return {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "parent_cpu_seconds": round(parent_cpu, 3),
            "peak_rss_mb": max(rss["main"], default=0.0),
            "forkserver_peak_rss_mb": max(rss["forkserver"], default=None), "worker_peak_rss_mb": rss["worker"],
            "scheduler": _waits(sched, seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="wcxb pages (default all 300)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved repetitions (default 3)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="N (default: CPUs)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"skip: {PAGES} not present (the wcxb dev pages, see /work/shared/README.md)")
        return 0

    become_subreaper()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True)
    with tempfile.TemporaryDirectory(prefix="docpipe-throughput-") as tmp_name:
        tmp = Path(tmp_name)
        pages, one = tmp / "pages", tmp / "one"
        pages.mkdir()
        one.mkdir()
        for path in sorted(PAGES.glob("*.html.gz"))[: args.pages]:
            (pages / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
        shutil.copy(pages / ONE_PAGE, one / ONE_PAGE)
        parts = [tmp / f"part-{k}" for k in range(args.workers)]
        for part in parts:
            part.mkdir()
        for k, path in enumerate(sorted(pages.iterdir())):
            shutil.copy(path, parts[k % args.workers] / path.name)
        (tmp / "models").mkdir()
        env = {**os.environ, "DOCPIPE_MODELS_DIR": str(tmp / "models"), "DOCPIPE_TRANSLATION_MEMORY": "off",
               "DOCPIPE_WORKERS": ""}
        env.pop("ARGOS_PACKAGES_DIR", None)
        docpipe = str(BIN / "docpipe")

        def run(inputs: Path, workers: int, name: str) -> dict[str, object]:
            out = tmp / f"out-{name}"
            shutil.rmtree(out, ignore_errors=True)
            return timed([docpipe, "run", str(inputs), "--out", str(out), "--no-progress",
                          "--workers", str(workers)], env)

        cases = {
            "trafilatura": lambda: timed([sys.executable, "-c", TRAFILATURA_LOOP, str(pages)], env),
            f"trafilatura_{args.workers}_parts_at_once": lambda: timed(
                [sys.executable, "-c", PARALLEL_TRAFILATURA, *map(str, parts)], env),
            "docpipe_workers_1": lambda: run(pages, 1, "w1"),
            f"docpipe_workers_{args.workers}": lambda: run(pages, args.workers, "wn"),
            "startup_one_page": lambda: run(one, 1, "one"),
            "help": lambda: timed([docpipe, "--help"], env),
        }
        rounds: dict[str, list[dict[str, object]]] = {name: [] for name in cases}
        loads = [os.getloadavg()[0]]
        for r in range(args.rounds):
            for name, case in cases.items():
                rounds[name].append(case())
                print(f"round {r + 1} {name}: {rounds[name][-1]}", flush=True)
            loads.append(os.getloadavg()[0])

    def med(name: str, key: str) -> float:
        return round(statistics.median(float(m[key]) for m in rounds[name]), 3)

    median = {name: med(name, "seconds") for name in rounds}
    cpu = {name: med(name, "cpu_seconds") for name in rounds}
    wn = f"docpipe_workers_{args.workers}"
    split = f"trafilatura_{args.workers}_parts_at_once"

    def by_round(one: str, many: str, key: str = "seconds") -> list[float]:
        """Ratios round by round: a round's cases ran back to back, under about the same load."""
        pairs = zip(rounds[one], rounds[many], strict=True)
        return [round(float(a[key]) / float(b[key]), 2) for a, b in pairs]

    parent_cpu = med(wn, "parent_cpu_seconds")
    worker_rss = [rss for m in rounds[wn] for rss in m["worker_peak_rss_mb"]]  # type: ignore[union-attr]
    result = {
        "pages": args.pages,
        "rounds": args.rounds,
        "cpus": len(os.sched_getaffinity(0)),
        "workers": args.workers,
        "load_average_1min": loads,
        "median_seconds": median,
        "median_cpu_seconds": cpu,
        f"median_parent_cpu_seconds_{wn}": parent_cpu,
        "pages_per_second": {
            name: round(args.pages / median[name], 2) for name in ("trafilatura", "docpipe_workers_1", wn)
        },
        "ratios": {
            "docpipe_workers_1_over_trafilatura": round(median["docpipe_workers_1"] / median["trafilatura"], 2),
            "cpu_docpipe_workers_1_over_trafilatura": round(cpu["docpipe_workers_1"] / cpu["trafilatura"], 2),
            f"cpu_docpipe_workers_{args.workers}_over_1": round(cpu[wn] / cpu["docpipe_workers_1"], 2),
            f"speedup_workers_{args.workers}_over_1": round(median["docpipe_workers_1"] / median[wn], 2),
            f"cpu_bound_speedup_workers_{args.workers}_over_1": round(
                cpu["docpipe_workers_1"] / max(parent_cpu, cpu[wn] / args.workers), 2),
            # the machine's own ceiling: trafilatura over the same pages in N independent processes
            f"machine_speedup_{args.workers}_processes": round(median["trafilatura"] / median[split], 2),
        },
        "cpu_ratio_workers_1_over_trafilatura_by_round": by_round("docpipe_workers_1", "trafilatura", "cpu_seconds"),
        "speedup_by_round": {
            f"docpipe_workers_{args.workers}_over_1": by_round("docpipe_workers_1", wn),
            f"trafilatura_{args.workers}_parts_at_once_over_one_loop": by_round("trafilatura", split),
        },
        "peak_rss_mb": {
            "trafilatura": max(float(m["peak_rss_mb"]) for m in rounds["trafilatura"]),
            "docpipe_workers_1": max(float(m["peak_rss_mb"]) for m in rounds["docpipe_workers_1"]),
            f"{wn}_parent": max(float(m["peak_rss_mb"]) for m in rounds[wn]),
            f"{wn}_forkserver": max((float(m["forkserver_peak_rss_mb"] or 0) for m in rounds[wn]), default=None),
            f"{wn}_per_worker_max": max(worker_rss) if worker_rss else None,
            "startup_one_page": max(float(m["peak_rss_mb"]) for m in rounds["startup_one_page"]),
        },
        "rounds_detail": rounds,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    summary = ("median_seconds", "median_cpu_seconds", f"median_parent_cpu_seconds_{wn}", "ratios",
               "cpu_ratio_workers_1_over_trafilatura_by_round", "speedup_by_round", "peak_rss_mb",
               "load_average_1min")
    print(json.dumps({k: result[k] for k in summary}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
