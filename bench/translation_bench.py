"""Translation throughput: docpipe's one-call batched CTranslate2 path vs Argos Translate's per-text ``translate()``.

    .venv/bin/python bench/translation_bench.py [--quick]

Why: the claim that batching all sentences of a run into one ``translate_batch`` beats calling
Argos once per text must hold at a real model's compute cost, not on the tiny test fixtures. So:

* models: random-weight Transformer-base ``.argosmodel`` packages (bench/translation_model.py,
  d_model 512, 6+6 layers, 32k vocabulary, int8), built into ``~/.cache/docpipe-bench/`` if missing;
* segments: NTREX-128 Arabic sentences from ``../shared`` (skipped with a message if absent) plus
  the Arabic UI chrome of ``tools/phrasebook/ar.tsv``;
* docpipe: ``CTranslate2Translator.translate("ar", "en", segments)``, one call, project venv;
* Argos: ``argostranslate.translate.translate(text, "ar", "en")`` per segment, argostranslate 1.11.0
  in a throwaway venv outside the repo (created on first use: torch 2.13.0 CPU first, then argos);
* equal decoding on both sides: beam 4 (Argos's default), length penalty 0.2 (Argos's), int8,
  the same sentence splitter, and the same ``max_decoding_length`` cap (random weights rarely
  emit ``</s>``, so hypotheses run to the cap on both sides);
* threads: each side at its best on the machine and both using all its CPUs at most. docpipe
  runs with its defaults (``TranslationSettings``: one thread per sub-batch, as many sub-batches in
  parallel as CPUs) unless ``--docpipe-threads``; Argos per text can only use threads inside
  one call, so it runs once per ``--argos-threads`` layout (default ``1x1,1x2``: inter x intra)
  and the faster run is the baseline;
* each side runs in its own subprocess: timing excludes imports and model loading (one warm-up
  call), peak RSS is the child's VmHWM; a second pair of children loads the ar AND fa models;
* translation memory: a synthetic crawl whose pages repeat chrome, through ``CachedTranslator``
  with a fresh SQLite memory, vs the bare backend.

Argos offline: 1.11 picks MiniSBD (which downloads ONNX models) for packages without a bundled
``stanza/`` dir, and stanza/spaCy download too. The Argos worker replaces
``argostranslate.sbd.MiniSBDSentencizer.split_sentences`` with docpipe's rule-based splitter (loaded
from ``pipeline/translate/sentences.py`` by file path) — identical sentences on both sides — and
wraps ``ctranslate2.Translator`` as seen by ``argostranslate.translate`` to add the decoding cap.
Its data/config/cache dirs (``XDG_*``) and ``ARGOS_PACKAGES_DIR`` point into the bench cache.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "bench" / "results" / "translation_bench.json"
CACHE = Path(os.environ.get("DOCPIPE_BENCH_CACHE", "~/.cache/docpipe-bench")).expanduser()
ARGOS_VENV = Path(os.environ.get("DOCPIPE_BENCH_ARGOS_VENV", "/tmp/argosbench"))
ARGOS_VERSION = "1.11.0"
TORCH_PIN = "torch==2.13.0"  # the CPU build; an unpinned torch pulls GBs of CUDA wheels
NTREX = PROJECT.parent / "shared" / "dev-data" / "lid" / "ntrex128"
PHRASEBOOK = PROJECT / "tools" / "phrasebook"

BEAM_SIZE = 4  # argostranslate.settings.beam_size default (ARGOS_BEAM_SIZE)
LENGTH_PENALTY = 0.2  # hard-coded in argostranslate.translate.apply_packaged_translation
MAX_DECODING_LENGTH = 64


def vm_hwm_kb() -> int:
    """Peak resident set size of this process (``VmHWM``), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_s() -> float:
    """User+sys CPU seconds of this process: a shared machine's other jobs inflate wall time, not this."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_splitter() -> Any:
    """docpipe's rule-based splitter, loaded by path so the Argos venv needs nothing of docpipe's deps."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docpipe_sentences", PROJECT / "pipeline/translate/sentences.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module.split_sentences


# -- workers (run in their own subprocess; the Argos one under the Argos venv's python) --------------------


def worker_docpipe(job: dict[str, Any]) -> dict[str, Any]:
    """Install the packages into a temp models dir, warm up, then ONE translate() per language."""
    sys.path.insert(0, str(PROJECT))
    from pipeline.settings import TranslationSettings
    from pipeline.translate.ctranslate import CTranslate2Translator
    from pipeline.translate.packages import install

    models = tempfile.mkdtemp(prefix="docpipe-bench-models-")
    atexit.register(shutil.rmtree, models, True)  # ~100 MB per package
    for path in job["packages"].values():
        install(path, models)
    settings = TranslationSettings(
        beam_size=BEAM_SIZE, length_penalty=LENGTH_PENALTY, max_decoding_length=job["max_len"], compute_type="int8",
        inter_threads=job.get("inter"), intra_threads=job.get("intra"),
        max_batch_tokens=job.get("batch_tokens", TranslationSettings().max_batch_tokens),
    )
    translator = CTranslate2Translator(models, settings=settings)
    out: dict[str, Any] = {"rss_before_load_kb": vm_hwm_kb(), "threads": list(settings.resolved()[2:])}
    started = time.perf_counter()
    for lang in job["segments"]:
        translator.translate(lang, "en", ["تجربة"])  # loads the model
    out["load_s"] = time.perf_counter() - started
    for lang, segments in job["segments"].items():
        started, cpu = time.perf_counter(), cpu_s()
        translations = translator.translate(lang, "en", segments)
        out[lang] = {"segments": len(segments), "seconds": time.perf_counter() - started, "cpu_s": cpu_s() - cpu,
                     "output_chars": sum(map(len, translations))}
    out["vm_hwm_kb"] = vm_hwm_kb()
    return out


def worker_argos(job: dict[str, Any]) -> dict[str, Any]:
    """argostranslate per text, made offline (see the module docstring)."""
    import ctranslate2
    from argostranslate import package, sbd
    from argostranslate import translate as argos_translate

    split = load_splitter()

    def split_sentences(self: object, text: str) -> list[str]:
        return [s.text for s in split(text)] or [text]

    sbd.MiniSBDSentencizer.split_sentences = split_sentences  # type: ignore[method-assign]
    sbd.StanzaSentencizer.split_sentences = split_sentences  # type: ignore[method-assign]
    max_len = job["max_len"]

    class CappedTranslator:
        """``ctranslate2.Translator`` with ``max_decoding_length`` added to every translate_batch."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._inner = ctranslate2.Translator(*args, **kwargs)

        def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("max_decoding_length", max_len)
            return self._inner.translate_batch(*args, **kwargs)

    class Shim:
        Translator = CappedTranslator

    argos_translate.ctranslate2 = Shim  # type: ignore[assignment]
    for path in job["packages"].values():
        package.install_from_path(Path(path))
    out: dict[str, Any] = {"rss_before_load_kb": vm_hwm_kb()}
    started = time.perf_counter()
    for lang in job["segments"]:
        argos_translate.translate("تجربة", lang, "en")
    out["load_s"] = time.perf_counter() - started
    for lang, segments in job["segments"].items():
        started, cpu = time.perf_counter(), cpu_s()
        translations = [argos_translate.translate(text, lang, "en") for text in segments]
        out[lang] = {"segments": len(segments), "seconds": time.perf_counter() - started, "cpu_s": cpu_s() - cpu,
                     "output_chars": sum(map(len, translations))}
    out["vm_hwm_kb"] = vm_hwm_kb()
    return out


def worker_memory(job: dict[str, Any]) -> dict[str, Any]:
    """The crawl through CachedTranslator (fresh SQLite memory) and through the bare backend."""
    sys.path.insert(0, str(PROJECT))
    from pipeline.settings import TranslationSettings
    from pipeline.translate.ctranslate import CTranslate2Translator
    from pipeline.translate.memory import CachedTranslator, SQLiteStore, TranslationMemory
    from pipeline.translate.packages import install

    class RecordingStore(SQLiteStore):
        """Remembers which keys were answered, to split hits into chrome and unique segments."""

        last: frozenset[str] = frozenset()

        def get(self, keys: list[str]) -> dict[str, str]:
            result = super().get(keys)
            self.last = frozenset(result)  # CachedTranslator makes one get() per translate()
            return result

    from pipeline.translate.memory import memory_key

    models = tempfile.mkdtemp(prefix="docpipe-bench-models-")
    atexit.register(shutil.rmtree, models, True)  # ~100 MB per package
    install(job["packages"]["ar"], models)
    settings = TranslationSettings(
        beam_size=BEAM_SIZE, length_penalty=LENGTH_PENALTY, max_decoding_length=job["max_len"], compute_type="int8"
    )
    backend = CTranslate2Translator(models, settings=settings)
    backend.translate("ar", "en", ["تجربة"])  # load outside the timings
    model_id = backend.model_for("ar", "en")
    assert model_id
    pages: list[dict[str, list[str]]] = job["pages"]
    with tempfile.TemporaryDirectory() as tmp:
        store = RecordingStore(Path(tmp) / "memory.sqlite3")
        memory = TranslationMemory(store, decoding=settings.decoding_fingerprint())
        cached = CachedTranslator(backend, memory)
        chrome = {"hits": 0, "total": 0}
        unique = {"hits": 0, "total": 0}
        started, cpu = time.perf_counter(), cpu_s()
        for page in pages:
            cached.translate("ar", "en", page["chrome"] + page["unique"])
            for kind, counter in (("chrome", chrome), ("unique", unique)):
                keys = {memory_key(model_id, "ar", text, settings.decoding_fingerprint()) for text in page[kind]}
                counter["total"] += len(keys)
                counter["hits"] += len(keys & store.last)
        with_memory_s, with_memory_cpu = time.perf_counter() - started, cpu_s() - cpu
        stats = memory.stats()
        store.close()
    subset = pages[: job["nomem_pages"]]
    started, cpu = time.perf_counter(), cpu_s()
    for page in subset:
        backend.translate("ar", "en", page["chrome"] + page["unique"])
    without_s, without_cpu = time.perf_counter() - started, cpu_s() - cpu
    return {
        "pages": len(pages), "chrome": chrome, "unique": unique, "memory_stats": stats,
        "with_memory_s": with_memory_s, "with_memory_s_per_page": with_memory_s / len(pages),
        "with_memory_cpu_s": with_memory_cpu,
        "without_memory_pages": len(subset), "without_memory_s": without_s, "without_memory_cpu_s": without_cpu,
        "without_memory_s_per_page": without_s / max(1, len(subset)), "vm_hwm_kb": vm_hwm_kb(),
    }


WORKERS = {"docpipe": worker_docpipe, "argos": worker_argos, "memory": worker_memory}


# -- driver -------------------------------------------------------------------------------------------------


def ensure_argos_venv() -> Path:
    """The throwaway Argos venv (torch pinned first so pip never resolves a CUDA build)."""
    python = ARGOS_VENV / "bin" / "python"
    check = [str(python), "-c", f"import argostranslate, importlib.metadata as m; "
             f"assert m.version('argostranslate') == '{ARGOS_VERSION}'"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"creating {ARGOS_VENV} ({TORCH_PIN}, argostranslate=={ARGOS_VERSION}) ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(ARGOS_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, TORCH_PIN], check=True)
    subprocess.run([*pip, f"argostranslate=={ARGOS_VERSION}"], check=True)
    return python


def argos_env(inter: int, intra: int) -> dict[str, str]:
    """Keep Argos's data, config, cache and packages inside the bench cache, and set its decoding knobs."""
    home = CACHE / "argos-home"
    env = dict(os.environ)
    env.update({
        "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"), "ARGOS_PACKAGES_DIR": str(home / "packages"),
        "ARGOS_DEVICE_TYPE": "cpu", "ARGOS_COMPUTE_TYPE": "int8", "ARGOS_BEAM_SIZE": str(BEAM_SIZE),
        "ARGOS_INTER_THREADS": str(inter), "ARGOS_INTRA_THREADS": str(intra),
        "HF_HUB_OFFLINE": "1", "STANZA_RESOURCES_DIR": str(home / "stanza"),
    })
    return env


def run_worker(python: Path | str, name: str, job: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one worker in a fresh process; it reads the job from a file and prints JSON as its last line."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(job, f, ensure_ascii=False)
    try:
        proc = subprocess.run([str(python), __file__, "--worker", name, f.name], capture_output=True, text=True,
                              env=env, cwd=tempfile.gettempdir())
    finally:
        os.unlink(f.name)
    if proc.returncode != 0:
        raise SystemExit(f"worker {name} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def read_phrasebook(lang: str) -> list[str]:
    lines = (PHRASEBOOK / f"{lang}.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("# ")]


def crawl(
    chrome: list[str], sentences: list[str], pages: int, per_page: int, unique: int
) -> list[dict[str, list[str]]]:
    """Pages of *per_page* distinct chrome strings (seeded draw) plus *unique* sentences never seen elsewhere."""
    rng = random.Random(20260101)
    return [{"chrome": rng.sample(chrome, per_page), "unique": sentences[i * unique : (i + 1) * unique]}
            for i in range(pages)]


def _layout(value: str) -> tuple[int, int]:
    inter, _, intra = value.partition("x")
    if not (inter.isdigit() and intra.isdigit() and int(inter) > 0 and int(intra) > 0):
        raise argparse.ArgumentTypeError(f"expected INTERxINTRA such as 1x2, got {value!r}")
    return int(inter), int(intra)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 sentences, 40 pages: a few minutes")
    parser.add_argument("--sentences", type=int, help="NTREX sentences (default 500; quick 100)")
    parser.add_argument("--pages", type=int, help="crawl pages (default 200; quick 40)")
    parser.add_argument("--nomem-pages", type=int, help="pages timed without memory (default 40; quick 10)")
    parser.add_argument("--max-decoding-length", type=int, default=MAX_DECODING_LENGTH)
    parser.add_argument("--batch-tokens", type=int, default=2048, help="docpipe's translation.max_batch_tokens")
    parser.add_argument("--skip-argos", action="store_true")
    parser.add_argument("--docpipe-threads", type=_layout, help="INTERxINTRA for docpipe (default: its own defaults)")
    parser.add_argument("--argos-threads", type=lambda v: [_layout(x) for x in v.split(",")], default="1x1,1x2",
                        help="comma-separated INTERxINTRA layouts for Argos; the fastest is the baseline (1x1,1x2)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON (default bench/results/...)")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "JOB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, job_path = args.worker
        job = json.loads(Path(job_path).read_text(encoding="utf-8"))
        print(json.dumps(WORKERS[name](job)))
        return

    if not (NTREX / "arb.txt").is_file():
        print(f"skipped: {NTREX}/arb.txt not found (the benchmark needs ../shared/dev-data next to the repo)")
        return
    sys.path.insert(0, str(PROJECT / "bench"))
    from translation_model import ensure_packages

    n_sentences = args.sentences or (100 if args.quick else 500)
    n_pages = args.pages or (40 if args.quick else 200)
    nomem_pages = args.nomem_pages or (10 if args.quick else 40)
    arb = [line for line in (NTREX / "arb.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    fas = [line for line in (NTREX / "fas.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    chrome_ar = read_phrasebook("ar")
    segments = arb[:n_sentences] + chrome_ar
    packages = {lang: str(path) for lang, path in ensure_packages(CACHE / "models").items()}
    max_len = args.max_decoding_length
    argos_python = None if args.skip_argos else ensure_argos_venv()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "settings": {"beam_size": BEAM_SIZE, "length_penalty": LENGTH_PENALTY, "max_decoding_length": max_len,
                     "compute_type": "int8", "docpipe_threads": args.docpipe_threads or "defaults",
                     "argos_threads": args.argos_threads,
                     "docpipe_max_batch_tokens": args.batch_tokens, "argostranslate": ARGOS_VERSION,
                     "quick": args.quick},
        "model": "random Transformer base: d_model 512, 8 heads, FFN 2048, 6+6 layers, vocab 32000, int8",
        "segments": {"ntrex_arb_sentences": n_sentences, "phrasebook_ar_chrome": len(chrome_ar)},
        "load_average": {"start": load_average()},
    }

    def timed(label: str, python: Path | str, name: str, job: dict[str, Any], env: dict[str, str] | None = None
              ) -> dict[str, Any]:
        print(f"{label} ... (load average {load_average()})", file=sys.stderr, flush=True)
        out = run_worker(python, name, job, env)
        out["load_average_after"] = load_average()
        return out

    inter, intra = args.docpipe_threads or (None, None)
    job = {"packages": {"ar": packages["ar"]}, "segments": {"ar": segments}, "max_len": max_len,
           "batch_tokens": args.batch_tokens, "inter": inter, "intra": intra}
    results["docpipe_batched"] = timed("docpipe batched", sys.executable, "docpipe", job)
    if argos_python:
        runs = {}
        for layout in args.argos_threads:
            runs[f"{layout[0]}x{layout[1]}"] = timed(f"argos per text {layout}", argos_python, "argos", job,
                                                     argos_env(*layout))
        best = min(runs, key=lambda k: runs[k]["ar"]["seconds"])
        results["argos_per_text"] = {**runs[best], "threads": best}
        results["argos_per_text_by_threads"] = {k: v["ar"] for k, v in runs.items()}
    both = {"packages": packages, "segments": {"ar": segments[:20], "fa": fas[:20]}, "max_len": max_len,
            "batch_tokens": args.batch_tokens, "inter": inter, "intra": intra}
    results["docpipe_ar_fa"] = timed("docpipe ar+fa loaded", sys.executable, "docpipe", both)
    if argos_python:
        results["argos_ar_fa"] = timed("argos ar+fa loaded", argos_python, "argos", both,
                                       argos_env(*args.argos_threads[0]))
    pages = crawl(chrome_ar, arb[n_sentences:] + arb[:n_sentences], n_pages, 20, 3)
    mem_job = {"packages": packages, "pages": pages, "nomem_pages": nomem_pages, "max_len": max_len}
    results["memory"] = timed("translation memory crawl", sys.executable, "memory", mem_job)
    results["load_average"]["end"] = load_average()
    results["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")  # raw, first
    report(results)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


def report(r: dict[str, Any]) -> None:
    """Print the table; derived figures (segments/s, ratios, hit rates) are added to *r*."""
    def rate(side: dict[str, Any]) -> float:
        return side["ar"]["segments"] / side["ar"]["seconds"]

    s = r["settings"]
    print(f"\nrandom base model (d512, 6+6, 32k vocab, int8); beam {s['beam_size']}, length penalty "
          f"{s['length_penalty']}, max_decoding_length {s['max_decoding_length']}; threads (inter x intra): "
          f"docpipe {r['docpipe_batched'].get('threads')}, argos {r.get('argos_per_text', {}).get('threads')} "
          f"(fastest of {s['argos_threads']}); load average {r['load_average']}")
    n = r["docpipe_batched"]["ar"]["segments"]
    print(f"\n{'side':<30}{'segments':>9}{'wall s':>8}{'seg/s':>8}{'CPU s':>8}{'seg/CPU-s':>10}{'load s':>8}"
          f"{'peak RSS MB':>13}")
    rows = [("docpipe batched (1 call)", "docpipe_batched"), ("argos translate() per text", "argos_per_text")]
    for label, key in rows:
        if key in r:
            side = r[key]
            side["segments_per_s"] = rate(side)
            side["segments_per_cpu_s"] = side["ar"]["segments"] / side["ar"]["cpu_s"]
            print(f"{label:<30}{n:>9}{side['ar']['seconds']:>8.1f}{side['segments_per_s']:>8.2f}"
                  f"{side['ar']['cpu_s']:>8.1f}{side['segments_per_cpu_s']:>10.2f}{side['load_s']:>8.1f}"
                  f"{side['vm_hwm_kb'] / 1024:>13.0f}")
    if "argos_per_text" in r:
        r["speedup"] = r["docpipe_batched"]["segments_per_s"] / r["argos_per_text"]["segments_per_s"]
        r["speedup_cpu"] = r["docpipe_batched"]["segments_per_cpu_s"] / r["argos_per_text"]["segments_per_cpu_s"]
        print(f"speed-up batched / per-text: {r['speedup']:.1f}x wall clock, {r['speedup_cpu']:.1f}x per CPU second "
              "(target >= 10x)")
    for label, key in (("docpipe, ar+fa loaded", "docpipe_ar_fa"), ("argos, ar+fa loaded", "argos_ar_fa")):
        if key in r:
            print(f"peak RSS {label}: {r[key]['vm_hwm_kb'] / 1024:.0f} MB "
                  f"(before loading models {r[key]['rss_before_load_kb'] / 1024:.0f} MB)")
    m = r["memory"]
    m["chrome_hit_rate"] = m["chrome"]["hits"] / m["chrome"]["total"]
    hits = m["chrome"]["hits"] + m["unique"]["hits"]
    m["overall_hit_rate"] = hits / (m["chrome"]["total"] + m["unique"]["total"])
    m["per_page_speedup"] = m["without_memory_s_per_page"] / m["with_memory_s_per_page"]
    print(f"\ntranslation memory, {m['pages']} pages x (20 chrome + 3 unique):")
    print(f"  chrome hits {m['chrome']['hits']}/{m['chrome']['total']} = {m['chrome_hit_rate']:.1%} (target >= 95%), "
          f"overall {hits}/{m['chrome']['total'] + m['unique']['total']} = {m['overall_hit_rate']:.1%}")
    print(f"  with memory {m['with_memory_s']:.1f} s ({m['with_memory_s_per_page']:.2f} s/page); without memory "
          f"{m['without_memory_s']:.1f} s over the first {m['without_memory_pages']} pages "
          f"({m['without_memory_s_per_page']:.2f} s/page): {m['per_page_speedup']:.1f}x per page")
    cpu_with, cpu_without = m["with_memory_cpu_s"] / m["pages"], m["without_memory_cpu_s"] / m["without_memory_pages"]
    print(f"  CPU per page: {cpu_with:.2f} s with memory, {cpu_without:.2f} s without")


if __name__ == "__main__":
    main()
