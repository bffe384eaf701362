"""The translator a run uses: installed CTranslate2 models behind the translation memory.

One factory so the CLI, the runner and the Airflow tasks build the same stack from the same
settings (``translation.*`` in :mod:`pipeline.settings`): models from the models directory, the
memory file (or none), devices, threads and decoding for CTranslate2.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.settings import TranslationSettings
from pipeline.translate.base import Translator
from pipeline.translate.ctranslate import CTranslate2Translator
from pipeline.translate.memory import CachedTranslator, SQLiteStore, TranslationMemory


@dataclass(slots=True)
class TranslationStack:
    """The translator plus handles the runner reports on (memory hits, installed models)."""

    translator: Translator
    backend: CTranslate2Translator
    memory: TranslationMemory | None

    def memory_stats(self) -> dict[str, int]:
        return self.memory.stats() if self.memory else {"hits": 0, "misses": 0}

    def installed_models(self) -> list[str]:
        return [info.id for info in self.backend.packages]


def build_translation_stack(settings: TranslationSettings | None = None) -> TranslationStack:
    """Backend over the installed models, behind the memory unless it is off or nothing is installed.

    Memory entries are keyed by model id *and* the output-shaping decoding settings, so a run
    with another beam size never reuses translations made with the old one.
    """
    settings = settings or TranslationSettings()
    backend = CTranslate2Translator(settings=settings)
    if not settings.memory_enabled or not backend.packages:  # no model: nothing to remember
        return TranslationStack(backend, backend, None)
    memory = TranslationMemory(SQLiteStore(settings.memory), decoding=settings.decoding_fingerprint())
    return TranslationStack(CachedTranslator(backend, memory), backend, memory)
