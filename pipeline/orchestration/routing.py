"""Which batches are translation-heavy: the plan marks them for a GPU worker's queue.

Translation dominates a batch's cost whenever a real model runs (docs/scaling.md), and
CTranslate2 runs the same models on CUDA, so a deployment with a GPU worker routes the batches
that mostly need translation to that worker's Celery queue (``orchestration.gpu_queue``). What a
document needs is only known once it has been through language identification; the plan needs
a guess that costs a few reads, not a pipeline run. The guess: read up to ``SAMPLE_DOCS``
documents of the batch (spread over it, at most ``SAMPLE_BYTES`` each), drop markup, and take
the share of letters written in a script other than Latin. A batch at or above
``gpu_min_share`` goes to the GPU queue.

The estimate assumes the target language is written in Latin script (English by default) and
that Latin-script pages mostly need no translation: French or Spanish pages count as English
here. Getting it wrong only costs speed (a batch runs on the other kind of worker), never
output: a record does not depend on where it was made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.orchestration.settings import JSON
from pipeline.store import ObjectTooLarge, Store, StoreError

SAMPLE_DOCS = 3
SAMPLE_BYTES = 256 * 1024

_RAW_TEXT = re.compile(rb"<(script|style)\b")  # searched in the lower-cased bytes
_TAG = re.compile(rb"<[^<>]*>")  # [^<>]: a '<' never scans past the next one (no quadratic backtracking)
_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")


def _without_markup(data: bytes) -> bytes:
    """*data* without tags and without script/style bodies, in one left-to-right pass."""
    lower, parts, pos = data.lower(), [], 0
    while (raw := _RAW_TEXT.search(lower, pos)) is not None:
        parts.append(data[pos : raw.start()])
        end = lower.find(b"</" + raw.group(1), raw.end())
        if end < 0:
            pos = len(data)
            break
        pos = end
    parts.append(data[pos:])
    return _TAG.sub(b" ", b" ".join(parts))


def non_latin_letters(data: bytes) -> tuple[int, int]:
    """Letters outside the Latin script, and all letters, of a document's text (markup dropped)."""
    text = _without_markup(data).decode("utf-8", errors="ignore")
    letters = len(_LETTER.findall(text))
    return letters - len(_LATIN.findall(text)), letters


def sample_keys(keys: Sequence[str], count: int = SAMPLE_DOCS) -> list[str]:
    """Up to *count* keys spread evenly over the batch (first, middle, last...)."""
    if len(keys) <= count:
        return list(keys)
    return [keys[round(i * (len(keys) - 1) / (count - 1))] for i in range(count)] if count > 1 else [keys[0]]


def translation_share(landing: Store, keys: Sequence[str]) -> float:
    """The estimated share of a batch's text that needs translation (0.0 when nothing is readable)."""
    foreign = letters = 0
    for key in sample_keys(keys):
        try:
            data = landing.get(key, max_bytes=SAMPLE_BYTES)
        except ObjectTooLarge:
            continue  # a sample, not a census: larger documents are left out
        except StoreError:
            continue  # unreadable now: the batch reports it when it runs
        other, total = non_latin_letters(data)
        foreign, letters = foreign + other, letters + total
    return foreign / letters if letters else 0.0


def route_batches(batches: list[JSON], landing: Store, queue: str, min_share: float) -> list[JSON]:
    """Mark each batch with its estimated ``translation_share`` and, when it reaches *min_share*,
    ``queue``; returns the batches so marked (the rest keep the default queue)."""
    routed = []
    for batch in batches:
        share = translation_share(landing, batch["keys"])
        batch["translation_share"] = round(share, 3)
        if share >= min_share:
            batch["queue"] = queue
            routed.append(batch)
    return routed
