"""The CTranslate2 backend: installed Argos/NLLB packages, one batched ``translate_batch`` per pair.

Argos Translate calls the model once per text (~18x slower than one batched call on real models,
7-8x on the tiny test models) and needs stanza (which downloads models) to split sentences. Here
all sentences of all texts of one ``translate()`` call go through a single ``translate_batch`` with
token-based batching, sentences are split by rules (:mod:`pipeline.translate.sentences`), and
SentencePiece pieces are decoded faithfully — a literal ``_`` stays an underscore (Argos turns it
into a space).

Models are loaded lazily, once per process, into a lock-guarded cache shared by all instances;
nothing is written to disk, so any number of processes can translate at once.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.langtags import base_language, model_language, normalize_tag
from pipeline.settings import TranslationSettings
from pipeline.translate.base import NoModelError
from pipeline.translate.packages import PackageInfo, list_installed, models_dir
from pipeline.translate.sentences import rejoin, split_sentences

if TYPE_CHECKING:  # the runtimes load with the first model: a run that translates nothing never imports them
    import ctranslate2
    import sentencepiece as spm

log = logging.getLogger(__name__)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


MAX_DEFAULT_INTER_THREADS = 8
_WARNED: list[bool] = []  # the no-GPU fallback is logged once per process


def resolve_runtime(settings: TranslationSettings) -> tuple[str, str, int, int]:
    """(device, compute_type, inter_threads, intra_threads) for this machine.

    Threads default to the CPUs this process may use (``sched_getaffinity``); at most 8
    sub-batches at once bounds the activation memory on big machines.
    """
    device = settings.device
    if device in ("cuda", "auto"):
        import ctranslate2

        gpus = ctranslate2.get_cuda_device_count()
        if gpus == 0 and device == "cuda" and not _WARNED:
            _WARNED.append(True)
            log.warning("CUDA requested but no GPU is visible to CTranslate2; using the CPU")
        device = "cuda" if gpus else "cpu"
    compute = settings.compute_type or ("int8_float16" if device == "cuda" else "int8")
    cpus = _cpu_count()
    intra = settings.intra_threads or max(1, cpus // MAX_DEFAULT_INTER_THREADS)
    inter = settings.inter_threads or (1 if device == "cuda" else max(1, cpus // intra))
    return device, compute, inter, intra


@dataclass(frozen=True)
class _Loaded:
    translator: ctranslate2.Translator
    sp: spm.SentencePieceProcessor


_CacheKey = tuple[str, str, str, int, int]
_CACHE: dict[_CacheKey, ctranslate2.Translator] = {}
_CACHE_LOCK = threading.Lock()
_LOAD_LOCKS: dict[_CacheKey, threading.Lock] = {}
_SP_CACHE: dict[str, spm.SentencePieceProcessor] = {}


_INHERITED: list[object] = []  # the parent's models, never released in a forked child


def _reset_after_fork() -> None:
    """A forked child starts with empty caches and reloads what it uses.

    CTranslate2's worker threads do not survive fork(), and neither must the parent's models be
    *destroyed* in the child: a Translator's destructor joins threads the child does not have
    and crashes it (SIGSEGV) — which killed every ``subprocess.Popen(..., preexec_fn=...)``
    made after a model was loaded. So the old caches are set aside, not cleared.
    """
    global _CACHE, _SP_CACHE, _LOAD_LOCKS, _CACHE_LOCK
    _INHERITED.append((_CACHE, _SP_CACHE))
    _CACHE, _SP_CACHE, _LOAD_LOCKS = {}, {}, {}
    _CACHE_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)


def load_translator(model_path: str | os.PathLike[str], settings: TranslationSettings) -> ctranslate2.Translator:
    """The ``ctranslate2.Translator`` for a model directory, loaded once per process and settings."""
    device, compute, inter, intra = resolve_runtime(settings)
    key = (str(Path(model_path).resolve()), device, compute, inter, intra)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        load_lock = _LOAD_LOCKS.setdefault(key, threading.Lock())
    with load_lock:  # other models keep loading in parallel; this one loads once
        with _CACHE_LOCK:
            if key in _CACHE:
                return _CACHE[key]
        import ctranslate2

        translator = ctranslate2.Translator(
            str(model_path), device=device, compute_type=compute, inter_threads=inter, intra_threads=intra
        )
        log.info("loaded %s on %s (%s, %dx%d threads)", model_path, device, compute, inter, intra)
        with _CACHE_LOCK:
            _CACHE[key] = translator
        return translator


def batch_translate(
    translator: ctranslate2.Translator,
    batch: list[list[str]],
    settings: TranslationSettings,
    target_prefix: list[list[str]] | None = None,
) -> list[list[str]]:
    """Best hypothesis per token sequence, from ONE token-budgeted ``translate_batch`` call."""
    if not batch:
        return []
    results = translator.translate_batch(
        batch,
        target_prefix=target_prefix,
        max_batch_size=settings.max_batch_tokens,
        batch_type="tokens",
        beam_size=settings.beam_size,
        length_penalty=settings.length_penalty,
        max_decoding_length=settings.max_decoding_length,
        replace_unknowns=True,
    )
    return [result.hypotheses[0] for result in results]


def _load(info: PackageInfo, settings: TranslationSettings) -> _Loaded:
    """Translator and SentencePiece model of an installed package (cached per process)."""
    sp_key = str(info.sentencepiece_path)
    with _CACHE_LOCK:
        sp = _SP_CACHE.get(sp_key)
    if sp is None:
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(model_file=sp_key)
        with _CACHE_LOCK:
            sp = _SP_CACHE.setdefault(sp_key, sp)
    return _Loaded(load_translator(info.model_path, settings), sp)


def detokenize(sp: spm.SentencePieceProcessor, pieces: Sequence[str]) -> str:
    """Pieces → text with SentencePiece's own decoder, keeping literal ``_`` and copied source tokens.

    ``replace_unknowns`` can copy a source piece the target vocabulary lacks; SentencePiece would
    decode it as ``⁇``, so such pieces are spliced in literally (``▁`` → space).
    """
    unk = sp.unk_id()
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            text = sp.decode_pieces(run)
            out.append(" " + text if out and run[0].startswith("▁") else text)
            run.clear()

    for piece in pieces:
        if sp.piece_to_id(piece) == unk and piece != sp.id_to_piece(unk):
            flush()
            literal = piece.replace("▁", " ")
            out.append(literal.lstrip() if not out else literal)
        else:
            run.append(piece)
    flush()
    return "".join(out).strip()


def _chunks(pieces: list[str], limit: int) -> list[list[str]]:
    """Cut an over-long piece sequence at word starts (``▁``) so nothing is silently truncated."""
    if len(pieces) <= limit:
        return [pieces]
    chunks: list[list[str]] = []
    current: list[str] = []
    for piece in pieces:
        if len(current) >= limit or (len(current) >= limit * 3 // 4 and piece.startswith("▁")):
            chunks.append(current)
            current = []
        current.append(piece)
    if current:
        chunks.append(current)
    return chunks


class CTranslate2Translator:
    """:class:`~pipeline.translate.base.Translator` over installed Argos and NLLB packages."""

    def __init__(
        self,
        models_directory: str | os.PathLike[str] | None = None,
        settings: TranslationSettings | None = None,
        packages: Sequence[PackageInfo] | None = None,
    ) -> None:
        """*models_directory* wins over ``settings.models_dir``."""
        self.settings = settings or TranslationSettings()
        self.models_dir = models_dir(models_directory or self.settings.models_dir)
        self.hint = f"Install one with `docpipe models install FILE.argosmodel` (models dir: {self.models_dir})."
        self._index: dict[tuple[str, str], PackageInfo] = {}
        self.refresh(packages)

    def refresh(self, packages: Sequence[PackageInfo] | None = None) -> None:
        """Re-read the installed packages (after an install); loaded models stay cached."""
        infos = list(packages) if packages is not None else list_installed(self.models_dir)
        rank = {kind: i for i, kind in enumerate(self.settings.prefer)}
        index: dict[tuple[str, str], PackageInfo] = {}
        for info in sorted(infos, key=lambda i: rank.get(i.kind, len(rank)), reverse=True):
            index[(info.from_code, info.to_code)] = info  # preferred kinds are written last and win
        self._index = index

    @property
    def packages(self) -> list[PackageInfo]:
        return sorted(set(self._index.values()), key=lambda i: (i.from_code, i.to_code, i.id))

    def _package(self, source: str, target: str) -> PackageInfo | None:
        # Exact variety first (an NLLB model may map fa-AF → prs_Arab), then the macro-language model.
        targets = dict.fromkeys([base_language(target), model_language(target)])
        for src in dict.fromkeys([normalize_tag(source), base_language(source), model_language(source)]):
            for tgt in targets:
                if (src, tgt) in self._index:
                    return self._index[(src, tgt)]
        return None

    def model_for(self, source: str, target: str) -> str | None:
        info = self._package(source, target)
        return info.id if info else None

    def translate(self, source: str, target: str, texts: list[str]) -> list[str]:
        """Translate *texts* with one ``translate_batch`` over all their (deduplicated) sentences."""
        info = self._package(source, target)
        if info is None:
            raise NoModelError(model_language(source), target, self.hint)
        if not texts:
            return []
        model = _load(info, self.settings)
        split = [split_sentences(text) for text in texts]
        unique = list(dict.fromkeys(s.text for sentences in split for s in sentences))
        translated = dict(zip(unique, self._translate_sentences(model, info, source, unique), strict=True))
        return [
            rejoin(text, sentences, [translated[s.text] for s in sentences])
            for text, sentences in zip(texts, split, strict=True)
        ]

    def _translate_sentences(self, model: _Loaded, info: PackageInfo, source: str, sentences: list[str]) -> list[str]:
        if not sentences:
            return []
        prefix_token: str | None = None
        src_token = ""
        if info.kind == "nllb":
            src_token = info.flores.get(normalize_tag(source)) or info.flores[info.from_code]
            prefix_token = info.flores[info.to_code]
        limit = self.settings.max_input_tokens
        batch: list[list[str]] = []
        owner: list[int] = []  # sentence index of each batch entry (long sentences have several)
        for i, sentence in enumerate(sentences):
            for chunk in _chunks(model.sp.encode(sentence, out_type=str), limit):
                batch.append([src_token, *chunk, "</s>"] if prefix_token else chunk)
                owner.append(i)
        prefix = [[prefix_token] for _ in batch] if prefix_token else None
        hypotheses = batch_translate(model.translator, batch, self.settings, prefix)
        parts: list[list[str]] = [[] for _ in sentences]
        for i, pieces in zip(owner, hypotheses, strict=True):
            if prefix_token and pieces and pieces[0] == prefix_token:
                pieces = pieces[1:]
            parts[i].append(detokenize(model.sp, pieces))
        return [" ".join(p for p in chunk_texts if p) for chunk_texts in parts]
