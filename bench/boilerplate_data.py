"""Development data for boilerplate stripping: loaders, line labels and the held-out split.

Rendered pages get line labels by aligning their tokens in order to the gold main text
(:func:`pipeline.boilerplate.align.align_spans`, as the HTML path aligns trafilatura's output);
a line is content when at least half of its tokens align. Files are decoded by the pipeline's
own decoder (:func:`pipeline.decode.decode`), as ``docpipe run`` reads them. Pages are split
by a hash of their id (one third held out), so the split is stable and independent of file
order.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.boilerplate.align import align_spans
from pipeline.boilerplate.lines import Line, split_lines, tokens
from pipeline.boilerplate.render import render_html
from pipeline.decode import decode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "dev-data" / "boilerplate"
# what the cached renderings and labels depend on
_CODE = ("pipeline/decode.py", "pipeline/boilerplate/render.py", "pipeline/boilerplate/align.py",
         "pipeline/boilerplate/lines.py", "bench/boilerplate_data.py")


def _cache_path() -> Path:
    """Cache file keyed by the decoding/rendering/labelling code, so a code change never reads stale labels."""
    h = hashlib.md5()
    for name in _CODE:
        h.update((ROOT / name).read_bytes())
    return Path(f"/tmp/docpipe_boilerplate_cache_{h.hexdigest()[:12]}.pkl")
_CLEANEVAL_TAG = re.compile(r"^\s*<(?:p|h|l)>\s*", re.M)


@dataclass(slots=True)
class Page:
    """One development page: its analysed text/lines, line labels, gold text and html."""

    source: str
    pid: str
    text: str
    lines: list[Line]
    labels: list[int]
    gold: str = ""
    html: str = ""
    meta: dict = field(default_factory=dict)


def held_out(pid: str) -> bool:
    """Stable one-third hold-out by hash of the page id."""
    return int(hashlib.md5(pid.encode()).hexdigest(), 16) % 3 == 0


def label_lines(lines: list[Line], gold: str) -> list[int]:
    """1 for lines whose tokens align (>= 50 %) in order with the gold text."""
    aligned = align_spans([tokens(ln.text) for ln in lines], tokens(gold))
    return [1 if share >= 0.5 else 0 for share, _ in aligned]


def load_turku(split: str) -> list[Page]:
    data = json.loads((SHARED / "turku-en" / f"{split}.json").read_text())
    pages = []
    for i, doc in enumerate(data):
        text = "\n".join(doc["text"])
        lines = split_lines(text)
        # keep labels of non-blank lines only, in order
        labels = [int(lab) for t, lab in zip(doc["text"], doc["labels"], strict=True) if t.strip()]
        assert len(labels) == len(lines)
        pages.append(Page("turku", f"turku-{split}-{i}", text, lines, labels))
    return pages


def _decode(raw: bytes) -> str:
    return decode(raw).text


def _read_html(path: Path) -> str:
    return _decode(gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes())


def load_wcxb() -> list[Page]:
    base = SHARED / "wcxb-dev-articles"
    pages = []
    for gt_path in sorted((base / "ground-truth").glob("*.json")):
        gt = json.loads(gt_path.read_text())
        html = _read_html(base / "html" / f"{gt_path.stem}.html.gz")
        text = render_html(html)
        lines = split_lines(text)
        gold = gt.get("main_content") or ""
        pages.append(Page("wcxb", f"wcxb-{gt_path.stem}", text, lines, label_lines(lines, gold),
                          gold, html, {k: gt.get(k) for k in ("url", "title", "author", "publish_date")}))
    return pages


def load_cleaneval() -> list[Page]:
    base = SHARED / "cleaneval-dev"
    pages = []
    for gold_path in sorted((base / "GoldStandard").glob("*.txt"), key=lambda p: int(p.stem)):
        in_path = base / "input" / f"{gold_path.stem}.html"
        if not in_path.exists():
            continue
        raw = _decode(gold_path.read_bytes()).split("\n")
        url = raw[0][4:].strip() if raw and raw[0].startswith("URL:") else None
        gold = _CLEANEVAL_TAG.sub("", "\n".join(raw[1:] if url else raw))
        html = _decode(in_path.read_bytes())
        text = render_html(html)
        lines = split_lines(text)
        pages.append(Page("cleaneval", f"cleaneval-{gold_path.stem}", text, lines,
                          label_lines(lines, gold), gold, html, {"url": url}))
    return pages


def load_all(use_cache: bool = True) -> dict[str, list[Page]]:
    """All sources keyed by name (rendered pages cached in /tmp between runs)."""
    cache = _cache_path()
    if use_cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    data = {
        "turku-train": load_turku("train"),
        "turku-dev": load_turku("dev"),
        "wcxb": load_wcxb(),
        "cleaneval": load_cleaneval(),
    }
    if use_cache:
        cache.write_bytes(pickle.dumps(data))
    return data
