"""Discovery at scale on a local SeaweedFS: what ``docpipe_ingest``'s discover step costs.

    .venv/bin/python bench/discovery_scale.py [--objects 100000] [--new 1000] [--threads 8]

Fills a bucket with ``--objects`` landing objects (``landing/YYYY/MM/DD/doc-N.txt``, 5,000 a day:
a time-ordered layout) and as many outcomes (``clean/<doc_id>.json``; discovery only lists them,
so their content is a stub), written through the SeaweedFS filer's HTTP API by a pool of
threads (boto3 puts managed ~170 objects/s here), then times each phase in a fresh process:

* ``listing``: the old way — list landing, ``clean/`` and ``errors/`` and compare (``find_pending``);
* ``cold``: ``discover`` with no index: the same listings, the index rebuilt and written;
* ``steady_full``: nothing new, landing listed in full (``landing_time_ordered`` off, or the
  periodic full listing when it is on) + one index read;
* ``steady``: nothing new, ``landing_time_ordered``: the listing starts after the high-water key;
* ``incremental``: after ``--new`` more landing objects (later keys), ``landing_time_ordered``;
* ``incremental_full``: the same, landing listed in full.

Each phase records wall time, the phase process's CPU time and peak RSS (VmHWM), the SeaweedFS server's
CPU time during the phase, and the load average. Results go to
bench/results/discovery_scale.json (with the object counts: a smaller run is labelled as such).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))
RESULTS = PROJECT / "bench" / "results" / "discovery_scale.json"


def landing_key(number: int) -> str:
    day = number // 5000  # a time-partitioned layout: 5,000 objects a day
    return f"landing/2025/{1 + day // 28:02d}/{1 + day % 28:02d}/doc-{number:07d}.txt"


def fill(filer_port: int, bucket: str, start: int, stop: int, outcomes: bool, threads: int) -> None:
    """Write landing objects (then their outcomes) through the filer: one connection per thread."""
    from pipeline.ids import doc_id_for

    local = threading.local()

    def put(path: str, body: bytes) -> None:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", filer_port, timeout=60)
        local.conn.request("PUT", f"/buckets/{bucket}/{path}", body=body)
        reply = local.conn.getresponse()
        reply.read()
        if reply.status >= 300:
            raise SystemExit(f"filer refused {path}: HTTP {reply.status}")

    def put_landing(number: int) -> None:
        put(landing_key(number), b"text %d\n" % number)

    def put_outcome(number: int) -> None:
        put(f"clean/{doc_id_for(f's3://{bucket}/{landing_key(number)}')}.json", b"{}")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put_landing, range(start, stop), chunksize=256))
        if outcomes:  # after the landing objects: an outcome newer than its input means "done"
            list(pool.map(put_outcome, range(start, stop), chunksize=256))


PHASES = {  # name: (how discovery runs, landing_time_ordered)
    "listing": ("find_pending", False),
    "cold": ("discover", True),
    "steady_full": ("discover", False),
    "steady": ("discover", True),
    "incremental": ("discover", True),
    "incremental_full": ("discover", False),
}


def phase(name: str, bucket: str) -> dict[str, object]:
    """One measurement, in this (fresh) process."""
    from pipeline.inputs import object_uri
    from pipeline.orchestration import Stores, discover
    from pipeline.orchestration.discovery import find_pending, landing_objects
    from pipeline.outputs import inventory
    from pipeline.settings import Settings

    how, ordered = PHASES[name]
    settings = Settings.load({"orchestration.bucket": bucket, "orchestration.landing_time_ordered": ordered})
    stores = Stores.open(settings.orchestration)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if how == "find_pending":
        pending = find_pending(
            landing_objects(stores, settings),
            inventory(stores.output).outcomes(),
            lambda key: object_uri(stores.landing, key),
        )
        listed = "landing, clean/, errors/"
    else:
        found = discover(stores, settings)
        pending = found.candidates
        listed = found.describe()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "phase": name,
        "landing_time_ordered": ordered,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime, 2),
        "peak_rss_mb": round(peak_rss_kb() / 1024, 1),
        "pending": len(pending),
        "discovery": listed,
    }


def peak_rss_kb() -> int:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: Linux carries the parent's RSS at fork
    over an exec into it, so every phase would report at least the (large) driver's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit("no VmHWM in /proc/self/status (Linux only)")


def server_cpu_seconds(pid: int) -> float:
    """utime + stime of the SeaweedFS process (``weed mini`` runs every component in one)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(name: str, bucket: str, env: dict[str, str], server_pid: int) -> dict[str, object]:
    load_before = os.getloadavg()[0]
    server_before = server_cpu_seconds(server_pid)
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--bucket", bucket], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"phase {name} failed:\n{out.stderr[-3000:]}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    result["server_cpu_seconds"] = round(server_cpu_seconds(server_pid) - server_before, 2)
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]  # 1-min, before and after
    print(json.dumps(result), flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=100_000, help="landing objects, each with an outcome")
    parser.add_argument("--new", type=int, default=1000, help="landing objects added before the incremental phase")
    parser.add_argument("--threads", type=int, default=8, help="parallel writers while filling the bucket")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--bucket", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.bucket)))
        return 0

    from seaweed import SeaweedServer

    with tempfile.TemporaryDirectory(prefix="discovery-scale-") as tmp:
        server = SeaweedServer(Path(tmp))
        server.start()
        try:
            bucket = server.create_bucket("scale")
            env = {**os.environ, **server.env()}
            pid = server._proc.pid  # the bench reads the server's CPU time
            load = os.getloadavg()[0]
            started = time.perf_counter()
            fill(server.ports["filer"], bucket, 0, args.objects, outcomes=True, threads=args.threads)
            filled = {
                "objects": 2 * args.objects,
                "seconds": round(time.perf_counter() - started, 1),
                "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
            }
            print(f"filled: {json.dumps(filled)}", flush=True)
            results = [run_phase(name, bucket, env, pid) for name in ("listing", "cold", "steady_full", "steady")]
            fill(server.ports["filer"], bucket, args.objects, args.objects + args.new, outcomes=False, threads=1)
            results += [run_phase(name, bucket, env, pid) for name in ("incremental", "incremental_full")]
        finally:
            server.stop()
    expected = {name: args.new if name.startswith("incremental") else 0 for name in PHASES}
    for result in results:
        if result["pending"] != expected[str(result["phase"])]:
            raise SystemExit(f"wrong answer: {result}")
    body = {
        "landing_objects": args.objects,
        "outcomes": args.objects,
        "new": args.new,
        "cpus": os.cpu_count(),
        "fill": filled,
        "phases": results,
    }
    RESULTS.write_text(json.dumps(body, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
