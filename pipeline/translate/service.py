"""The translator a run uses: installed CTranslate2 models behind the translation memory.

One factory so the CLI, the runner and the Airflow tasks build the same stack from the same
settings: models from the models directory, the memory from ``DOCPIPE_TRANSLATION_MEMORY``
(or the user data dir), ``DOCPIPE_CT2_*`` for devices, threads and beam size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from pipeline.translate.base import Translator
from pipeline.translate.ctranslate import CT2Settings, CTranslate2Translator
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


def build_translation_stack(
    models_dir: str | os.PathLike[str] | None = None,
    memory_path: str | os.PathLike[str] | None = None,
    use_memory: bool = True,
    settings: CT2Settings | None = None,
) -> TranslationStack:
    backend = CTranslate2Translator(models_dir, settings=settings)
    memory_off = os.environ.get("DOCPIPE_TRANSLATION_MEMORY", "").lower() == "off"
    if not use_memory or memory_off or not backend.packages:  # no model: nothing to remember
        return TranslationStack(backend, backend, None)
    memory = TranslationMemory(SQLiteStore(memory_path))
    return TranslationStack(CachedTranslator(backend, memory), backend, memory)
