"""Discovery at scale on a local SeaweedFS: what ``docpipe_ingest``'s discover step costs.

    .venv/bin/python bench/discovery_scale.py [--objects 100000] [--new 1000]

Fills a bucket with ``--objects`` landing objects (``landing/YYYY/MM/DD/doc-N.txt``) and as many
outcomes (``clean/<doc_id>.json``; discovery only lists them, so their content is a stub), then
times, each phase in a fresh process (wall time and that process's peak RSS):

* ``listing``: the old way — list landing, ``clean/`` and ``errors/`` and compare (``find_pending``);
* ``cold``: ``discover_pending`` with no index: the same listings plus writing the index;
* ``steady``: ``discover_pending`` again with nothing new: landing listing + one index read;
* ``incremental``: after ``--new`` more landing objects: the same, finding exactly those.

Results go to bench/results/discovery_scale.json (with the object counts: a smaller run is
labelled as such).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
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


def fill(client: object, bucket: str, start: int, stop: int, outcomes: bool) -> None:
    from pipeline.ids import doc_id_for

    def put(number: int) -> None:
        key = landing_key(number)
        client.put_object(Bucket=bucket, Key=key, Body=b"text %d\n" % number)  # type: ignore[attr-defined]

    def put_outcome(number: int) -> None:
        doc_id = doc_id_for(f"s3://{bucket}/{landing_key(number)}")
        client.put_object(Bucket=bucket, Key=f"clean/{doc_id}.json", Body=b"{}")  # type: ignore[attr-defined]

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(put, range(start, stop)))
        if outcomes:  # after the landing objects: an outcome newer than its input means "done"
            list(pool.map(put_outcome, range(start, stop)))


def phase(name: str, bucket: str) -> dict[str, object]:
    """One measurement, in this (fresh) process."""
    from pipeline.inputs import object_uri
    from pipeline.orchestration import Stores, discover_pending
    from pipeline.orchestration.discovery import find_pending, landing_objects
    from pipeline.outputs import inventory
    from pipeline.settings import Settings

    settings = Settings.load({"orchestration.bucket": bucket})
    stores = Stores.open(settings.orchestration)
    started = time.perf_counter()
    if name == "listing":
        pending = find_pending(
            landing_objects(stores, settings),
            inventory(stores.output).outcomes(),
            lambda key: object_uri(stores.landing, key),
        )
    else:
        pending = discover_pending(stores, settings)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"phase": name, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1), "pending": len(pending)}


def run_phase(name: str, bucket: str, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--bucket", bucket], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"phase {name} failed:\n{out.stderr[-3000:]}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=100_000, help="landing objects, each with an outcome")
    parser.add_argument("--new", type=int, default=1000, help="landing objects added before the incremental phase")
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
            client = server.client()
            env = {**os.environ, **server.env()}
            started = time.perf_counter()
            fill(client, bucket, 0, args.objects, outcomes=True)
            print(f"filled {args.objects} + {args.objects} objects in {time.perf_counter() - started:.0f}s", flush=True)
            results = [run_phase(name, bucket, env) for name in ("listing", "cold", "steady")]
            fill(client, bucket, args.objects, args.objects + args.new, outcomes=False)
            results.append(run_phase("incremental", bucket, env))
        finally:
            server.stop()
    expected = {"listing": 0, "cold": 0, "steady": 0, "incremental": args.new}
    for result in results:
        if result["pending"] != expected[str(result["phase"])]:
            raise SystemExit(f"wrong answer: {result}")
    RESULTS.write_text(
        json.dumps(
            {"landing_objects": args.objects, "outcomes": args.objects, "new": args.new, "phases": results}, indent=2
        )
        + "\n"
    )
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
