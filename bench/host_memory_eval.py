"""What per-site chrome memory adds: a page cleaned alone vs after its site's other pages.

The development data has one page per site, so sites are simulated from it, without
fitting anything: for every wcxb page P, ``--siblings`` other pages of "the same site" are
made of P's chrome (the lines before and after its gold main content, each kept with
probability ``--chrome-keep`` so sidebars and related lists vary between pages) around
another page's article lines. The siblings are added to a :class:`HostMemory` first, as
earlier batches would have, then P is classified with the memory and without it, and both
are scored with the token-shingle F1 of ``bench.boilerplate_eval``. Pages are also cleaned
with a memory in which the siblings *share P's article* (the same story under three URLs),
which must not cost recall: that is what the duplicate-page guard is for.

    .venv/bin/python -m bench.host_memory_eval [--siblings 4] [--chrome-keep 0.8]

Results go to ``bench/results/host_memory_eval.json``. The simulated siblings repeat P's
chrome exactly (up to the dropped lines), so the figures are an upper bound for sites whose
chrome varies more; the point is the size of the effect and that it costs nothing when the
memory has nothing to say.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from bench.boilerplate_data import ROOT, Page, held_out, load_all
from bench.boilerplate_metric import score_pages
from pipeline.boilerplate import TextBoilerplateClassifier
from pipeline.boilerplate.host_memory import HostMemory
from pipeline.boilerplate.lines import Line
from pipeline.document import Block, Document, Source
from pipeline.stages.boilerplate import BoilerplateStep

OUT = ROOT / "bench" / "results" / "host_memory_eval.json"
SITE = "site.example"


def _content_span(page: Page) -> tuple[int, int] | None:
    idx = [i for i, y in enumerate(page.labels) if y]
    return (idx[0], idx[-1] + 1) if idx else None


def sibling(page: Page, other: Page, keep: float, rng: random.Random) -> list[str]:
    """P's chrome around *other*'s article lines."""
    span, other_span = _content_span(page), _content_span(other)
    assert span is not None and other_span is not None
    head = [ln.text for ln in page.lines[: span[0]] if rng.random() < keep]
    tail = [ln.text for ln in page.lines[span[1] :] if rng.random() < keep]
    article = [ln.text for ln, y in zip(other.lines[other_span[0] : other_span[1]], other.labels[other_span[0] :
                                                                                                 other_span[1]],
                                          strict=False) if y]
    return head + article + tail


def _doc(page_id: str, lines: list[Line] | list[str]) -> Document:
    texts = [ln.text if isinstance(ln, Line) else ln for ln in lines]
    doc = Document(doc_id=page_id, source=Source(uri=f"s3://bucket/raw/{SITE}/{page_id}.txt", sha256=page_id,
                                                 bytes=0, format="text"))
    pos = 0
    for i, (text, ln) in enumerate(zip(texts, lines, strict=True)):
        indent = ln.indent if isinstance(ln, Line) else 0
        doc.blocks.append(Block(index=i, start=pos, end=pos + len(text), text=text, indent=indent))
        pos += len(text) + 1
    return doc


def clean(page: Page, step: BoilerplateStep, siblings: list[list[str]]) -> str:
    """Observe the siblings (earlier batches), then P with its batch, and return P's main text."""
    if step.memory is not None:
        for k, lines in enumerate(siblings):
            step.memory.observe(SITE, (f"{page.pid}-sibling-{k}",), lines)
    doc = _doc(page.pid, page.lines)
    failures = step.process_batch([doc])
    assert not failures, failures
    return "\n".join(b.text for b in doc.blocks if b.role.is_main)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--siblings", type=int, default=4, help="other pages of the site seen before (default 4)")
    ap.add_argument("--chrome-keep", type=float, default=0.8, help="share of P's chrome on each sibling (0.8)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    pages = [p for p in load_all()["wcxb"] if _content_span(p)]
    clf = TextBoilerplateClassifier()
    rng = random.Random(args.seed)
    preds: dict[str, dict[str, str]] = {"alone": {}, "with_memory": {}, "duplicates_in_memory": {}}
    seconds = {"alone": 0.0, "with_memory": 0.0}
    for page in pages:
        others = rng.sample([p for p in pages if p.pid != page.pid], args.siblings)
        siblings = [sibling(page, other, args.chrome_keep, rng) for other in others]
        t0 = time.process_time()
        preds["alone"][page.pid] = clean(page, BoilerplateStep(clf), [])
        t1 = time.process_time()
        preds["with_memory"][page.pid] = clean(page, BoilerplateStep(clf, HostMemory()), siblings)
        t2 = time.process_time()
        seconds["alone"] += t1 - t0
        seconds["with_memory"] += t2 - t1
        copies = [sibling(page, page, args.chrome_keep, rng) for _ in range(args.siblings)]
        preds["duplicates_in_memory"][page.pid] = clean(page, BoilerplateStep(clf, HostMemory()), copies)
    results: dict[str, object] = {
        "settings": vars(args),
        "pages": len(pages),
        "cpu_ms_per_page": {k: round(1000 * v / len(pages), 2) for k, v in seconds.items()},
    }
    for split, sub in (("held_out", [p for p in pages if held_out(p.pid)]), ("all", pages)):
        results[split] = {name: score_pages([(p.gold, pred[p.pid]) for p in sub]).as_dict()
                          for name, pred in preds.items()}
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
