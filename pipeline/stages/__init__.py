"""The stages a document flows through, and the default pipeline that chains them."""

from __future__ import annotations

from pipeline.boilerplate.host_memory import HostMemory
from pipeline.settings import Settings
from pipeline.stages.assemble import AssembleStep
from pipeline.stages.base import Failure, Pipeline, Step, StepStats
from pipeline.stages.boilerplate import BoilerplateStep
from pipeline.stages.decoding import DecodeStep
from pipeline.stages.language import LanguageStep
from pipeline.stages.layout import LayoutStep
from pipeline.stages.translation import TranslateStep
from pipeline.translate import NoModelTranslator, Translator


def build_pipeline(config: Settings, translator: Translator | None = None,
                   host_memory: HostMemory | None = None) -> Pipeline:
    """Decode → layout → language → translate → boilerplate → assemble.

    Translation runs before boilerplate classification so chrome in other languages is
    recognised through its English meaning. *host_memory* (used when ``config.host_memory``)
    holds the lines each site repeats and its chrome locale; the caller persists it between batches.
    """
    steps: list[Step] = [
        DecodeStep(config.max_document_bytes),
        LayoutStep(),
        LanguageStep(memory=host_memory if config.host_memory else None),
        TranslateStep(translator or NoModelTranslator(), target=config.target_lang),
        BoilerplateStep(memory=host_memory if config.host_memory else None),
        AssembleStep(),
    ]
    for step in steps:
        if not isinstance(step, TranslateStep):  # batched across documents: no per-document clock
            step.time_limit = config.max_document_seconds
    return Pipeline(steps)


__all__ = [
    "AssembleStep",
    "BoilerplateStep",
    "DecodeStep",
    "Failure",
    "LanguageStep",
    "LayoutStep",
    "Pipeline",
    "Step",
    "StepStats",
    "TranslateStep",
    "build_pipeline",
]
