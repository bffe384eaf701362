"""Translation to English behind one small interface.

The pipeline asks a :class:`Translator` which model serves a language pair and hands it all
pending segments of a batch at once, so a batched backend (CTranslate2) sees large batches.
:class:`NoModelTranslator` is the honest answer when no model is installed: segments are
recorded as ``no_model`` and picked up once a model arrives — never a fake translation.
"""

from pipeline.translate.base import NoModelError, NoModelTranslator, Translator

__all__ = ["NoModelError", "NoModelTranslator", "Translator"]
