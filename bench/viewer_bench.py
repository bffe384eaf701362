"""How the records viewer's pages scale with the destination: time and S3 requests per page.

    .venv/bin/python bench/viewer_bench.py [--records 20000] [--s3-records 3000] [--runs 400]

A real run (seeds, a binary file, a hostile page; fixture models) gives the records; the
destination is then grown by storing copies of them under new document ids (each still a valid
record), split over *runs* run manifests, locally and on a loopback SeaweedFS. Each page is
fetched through the app (FastAPI test client) a few times; the median time and, on S3, the
number of S3 requests it made are written to bench/results/viewer_bench.json. Figures on a
shared machine vary: the load average is recorded with them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fastapi.testclient import TestClient  # noqa: E402
from viewer_data import build_destination  # noqa: E402

from pipeline.records import dumps  # noqa: E402
from pipeline.store import S3Store, Store, open_store  # noqa: E402
from pipeline.viewer.app import create_app  # noqa: E402
from pipeline.viewer.keys import key_for  # noqa: E402
from pipeline.viewer.reader import Destination  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "viewer_bench.json"


def grow(source: Store, target: Store, records: int, runs: int) -> dict[str, Any]:
    """Copies of *source*'s records under new ids in *target*, with *runs* manifests; returns probes."""
    clean = [json.loads(source.get(i.key)) for i in source.list("clean/") if i.key.endswith(".json")]
    errors = [json.loads(source.get(i.key)) for i in source.list("errors/") if i.key.endswith(".json")]
    manifest = json.loads(source.get(next(i.key for i in source.list("runs/") if i.key.endswith(".json"))))
    ids: list[tuple[str, str]] = []
    for n in range(records):
        failed = n % 10 == 9
        record = copy.deepcopy((errors if failed else clean)[n % (len(errors) if failed else len(clean))])
        doc_id = f"bench-{n:06d}-{n:016x}"
        record["doc_id"] = doc_id
        record["source"]["uri"] = f"s3://bench/landing/site-{n % 50}/page-{n:06d}.html"
        target.put(key_for("error" if failed else "clean", doc_id), dumps(record), "application/json")
        if not failed:
            target.put(f"clean/{doc_id}.txt", (record.get("text_en") or "").encode() + b"\n", "text/plain")
        ids.append((doc_id, "failed" if failed else "written"))
    per_run = max(len(ids) // runs, 1)
    run_ids = []
    for r in range(runs):
        chunk = ids[r * per_run : (r + 1) * per_run] if r < runs - 1 else ids[r * per_run :]
        run = copy.deepcopy(manifest)
        run_id = f"2026{1 + r // 28 % 12:02d}{1 + r % 28:02d}T{r % 24:02d}0000Z-{r:06x}"
        run.update(
            run_id=run_id, inputs=[f"s3://bench/landing/site-{int(d[6:12]) % 50}/page-{d[6:12]}.html" for d, _ in chunk]
        )
        run["documents"] = {
            "written": [d for d, s in chunk if s == "written"],
            "skipped": [],
            "failed": [{"doc_id": d, "uri": "s3://bench/x", "stage": "decode", "error_type": "DecodeError"}
                       for d, s in chunk if s == "failed"],
        }  # fmt: skip
        target.put(key_for("run", run_id), dumps(run), "application/json")
        run_ids.append(run_id)
    newest = max(run_ids)
    return {"run": newest, "doc": ids[len(ids) // 2][0], "prefix": "bench-0012", "uri": f"page-{len(ids) - 5:06d}"}


def measure(store: Store, probes: dict[str, Any], repeat: int) -> dict[str, Any]:
    destination = Destination(store)
    client = TestClient(create_app(lambda: destination))
    calls = {"n": 0}
    if isinstance(store, S3Store):
        store._client.meta.events.register("before-call.s3.*", lambda **_: calls.__setitem__("n", calls["n"] + 1))
    pages = {
        "runs": "/",
        "run": f"/runs/{probes['run']}",
        "document": f"/docs/{probes['doc']}",
        "failed": "/failed",
        "awaiting": "/awaiting",
        "find_id_prefix": f"/find?q={probes['prefix']}",
        "find_uri_substring": f"/find?q={probes['uri']}",
    }
    out: dict[str, Any] = {}
    for name, url in pages.items():
        times, requests = [], []
        for _ in range(repeat):
            calls["n"] = 0
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            requests.append(calls["n"])
            assert response.status_code == 200, (url, response.status_code)
        out[name] = {"url": url, "median_ms": round(statistics.median(times) * 1000, 1), "bytes": len(response.content)}
        if isinstance(store, S3Store):
            out[name]["s3_requests"] = requests[-1]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20000, help="documents in the local destination")
    parser.add_argument("--s3-records", type=int, default=3000, help="documents in the SeaweedFS destination")
    parser.add_argument("--runs", type=int, default=400, help="run manifests")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, Any] = {"load_average_start": round(os.getloadavg()[0], 2), "runs": args.runs}
    with tempfile.TemporaryDirectory(prefix="docpipe-viewer-bench-") as tmp:
        work = Path(tmp)
        from seaweed import SeaweedServer

        # Started before the pipeline runs here: weed forks with a preexec_fn, which can crash
        # once the translation models' threads exist in this process.
        server = SeaweedServer(work / "seaweed", bucket="bench")
        server.start()
        try:
            real = open_store(build_destination(work))
            local = open_store(str(work / "big"), fsync=False)
            probes = grow(real, local, args.records, args.runs)
            results["local"] = {"records": args.records, "pages": measure(local, probes, args.repeat)}
            if args.s3_records:
                s3 = open_store("s3://bench/out", endpoint_url=server.endpoint_url, access_key=server.access_key,
                                secret_key=server.secret_key, region="us-east-1")  # fmt: skip
                probes = grow(real, s3, args.s3_records, args.runs)
                results["s3"] = {"records": args.s3_records, "pages": measure(s3, probes, args.repeat)}
        finally:
            server.stop()
    results["load_average_end"] = round(os.getloadavg()[0], 2)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
