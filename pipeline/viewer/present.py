"""Records and manifests → what the templates show: lines by role, segments by language, bars.

No HTML here: the templates escape every string they get. This module only decides what goes
together (segments into lines, translations beside originals) and how it is classed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.document import QUALITY_FLAGS

JSON = dict[str, Any]

KEPT_ROLES = frozenset({"content", "heading"})
"""Roles whose text is the record's ``text``; ``title`` is metadata, every other role was stripped."""
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"})
TRANSLATION_STATUSES = ("translated", "no_model", "failed")
BAR_WIDTH = 150  # pixels of the longest bar; labels take 120 to its left

_LANG_TAG = re.compile(r"und|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_CLASS_SAFE = re.compile(r"[^a-z0-9_-]+")


def lang_tag(value: Any) -> str:
    """A BCP 47 tag safe for a ``lang`` attribute, or ``und``."""
    return value if isinstance(value, str) and _LANG_TAG.fullmatch(value) else "und"


def css_name(value: Any) -> str:
    return _CLASS_SAFE.sub("-", str(value).lower())[:40] or "none"


def direction(script: Any) -> str:
    if script in RTL_SCRIPTS:
        return "rtl"
    return "ltr" if script == "Latn" else "auto"


@dataclass(slots=True)
class Segment:
    text: str
    lang: str
    script: str
    dir: str
    score: float | None
    status: str  # translated | not_needed | no_model | failed
    english: str | None
    model: str | None


@dataclass(slots=True)
class Line:
    block: int
    role: str
    role_score: float | None
    kept: bool
    segments: list[Segment] = field(default_factory=list)

    @property
    def role_class(self) -> str:
        return css_name(self.role)

    @property
    def kind(self) -> str:
        return "kept" if self.kept else ("title" if self.role == "title" else "stripped")

    @property
    def needs_english(self) -> bool:
        return any(s.status != "not_needed" for s in self.segments)

    @property
    def dir(self) -> str:
        """The line's direction: that of its first segment in a script with a direction."""
        return next((s.dir for s in self.segments if s.dir != "auto"), "auto")

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(s.lang for s in self.segments))


def lines_of(record: JSON) -> list[Line]:
    """The analysed text as lines (blocks), each with its role and its segments in order."""
    lines: dict[int, Line] = {}
    for raw in record.get("segments") or ():
        if not isinstance(raw, dict):
            continue
        block = int(raw.get("block") or 0)
        role = str(raw.get("role") or "boilerplate")
        line = lines.get(block)
        if line is None:
            line = lines[block] = Line(block, role, _number(raw.get("role_score")), role in KEPT_ROLES)
        translation = raw.get("translation") or {}
        status = str(translation.get("status") or "not_needed")
        line.segments.append(
            Segment(
                text=str(raw.get("text") or ""),
                lang=lang_tag(raw.get("lang")),
                script=str(raw.get("script") or "Zyyy"),
                dir=direction(raw.get("script")),
                score=_number(raw.get("lang_score")),
                status=status,
                english=translation.get("text") if isinstance(translation.get("text"), str) else None,
                model=translation.get("model") if isinstance(translation.get("model"), str) else None,
            )
        )
    return [lines[b] for b in sorted(lines)]


def role_counts(lines: list[Line]) -> list[tuple[str, int, str]]:
    counts = Counter(line.role for line in lines)
    return [(role, n, "kept" if role in KEPT_ROLES else css_name(role)) for role, n in counts.most_common()]


def translation_counts(record: JSON) -> Counter[str]:
    return Counter(
        str((s.get("translation") or {}).get("status") or "not_needed")
        for s in record.get("segments") or ()
        if isinstance(s, dict)
    )


def _meaning(flag: str) -> str:
    """What a quality flag means (an unknown flag: its name only)."""
    return QUALITY_FLAGS.get(flag, flag)


def quality_notes(record: JSON) -> list[tuple[str, str]]:
    """The record's quality flags, each with what it means."""
    return [(f, _meaning(f)) for f in record.get("quality") or () if isinstance(f, str)]


# -- runs ------------------------------------------------------------------------------------------


def run_flagged(manifest: JSON) -> list[tuple[str, str, list[str]]]:
    """(flag, what it means, document ids) per quality flag of a run's written documents."""
    flagged = manifest.get("flagged") or {}
    if not isinstance(flagged, dict):
        return []
    return [(str(flag), _meaning(str(flag)), [str(i) for i in ids])
            for flag, ids in sorted(flagged.items()) if isinstance(ids, list) and ids]


@dataclass(slots=True)
class Bar:
    label: str
    value: float
    css: str = ""
    text: str = ""  # what is written after the bar; the value by default


def bars(items: list[Bar]) -> JSON:
    """A horizontal bar chart's geometry (the template draws it as inline SVG)."""
    top = max((b.value for b in items), default=0) or 1
    rows = [
        {
            "label": b.label,
            "css": b.css,
            "width": round(BAR_WIDTH * b.value / top, 1),
            "y": i * 22,
            "text": b.text or _fmt(b.value),
        }
        for i, b in enumerate(items)
    ]
    return {"rows": rows, "height": max(len(rows) * 22, 22)}


def run_charts(manifest: JSON) -> dict[str, JSON]:
    """The charts of a run: outcomes, languages, translation statuses, failures by stage, stage time."""
    counts = manifest.get("counts") or {}
    translations = manifest.get("translations") or {}
    failures = Counter(
        str(d.get("stage")) for d in (manifest.get("documents") or {}).get("failed") or () if isinstance(d, dict)
    )
    stages = manifest.get("stages") or {}
    by_language = sorted((k.split(":", 1) for k in translations if ":" in k), key=lambda kv: (kv[1], kv[0]))
    return {
        "outcomes": bars(
            [
                Bar("processed", _number(counts.get("written")) or 0, "ok"),
                Bar("skipped", _number(counts.get("skipped")) or 0, "skip"),
                Bar("failed", _number(counts.get("failed")) or 0, "bad"),
            ]
        ),
        "languages": bars(
            [Bar(lang_tag(k), _number(v) or 0, "lang") for k, v in (manifest.get("languages") or {}).items()]
        ),
        "translations": bars(
            [
                Bar(label, _number(translations.get(status)) or 0, css_name(status))
                for status, label in (
                    ("translated", "translated"),
                    ("no_model", "awaiting a model"),
                    ("failed", "failed"),
                )
            ]
            + [
                Bar(
                    f"{status.replace('_', ' ')} · {lang_tag(lang)}",
                    _number(translations.get(f"{status}:{lang}")) or 0,
                    css_name(status),
                )
                for status, lang in by_language
            ]
        ),
        "failures": bars([Bar(stage, n, "bad") for stage, n in failures.most_common()]),
        "stages": bars(
            [
                Bar(str(name), _number(s.get("seconds")) or 0, "time", f"{_number(s.get('seconds')) or 0:.2f} s")
                for name, s in stages.items()
                if isinstance(s, dict)
            ]
        ),
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
