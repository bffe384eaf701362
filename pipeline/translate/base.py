"""The translator protocol and the no-model implementation."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pipeline.langtags import model_language


class NoModelError(LookupError):
    """No installed model covers the requested language pair."""

    def __init__(self, source: str, target: str, hint: str = "") -> None:
        self.source, self.target = source, target
        message = f"no model installed for {source}→{target}"
        super().__init__(f"{message}. {hint}".strip() if hint else message)


@runtime_checkable
class Translator(Protocol):
    def model_for(self, source: str, target: str) -> str | None:
        """Id (name@version) of the model that translates *source* → *target*, or None."""
        ...

    def translate(self, source: str, target: str, texts: list[str]) -> list[str]:
        """Translate *texts* in one batch; raise :class:`NoModelError` if no model covers it."""
        ...


class NoModelTranslator:
    """A translator with no models: every pair is uncovered."""

    hint = "Translation models are not installed in this deployment."

    def model_for(self, source: str, target: str) -> str | None:
        return None

    def translate(self, source: str, target: str, texts: list[str]) -> list[str]:
        raise NoModelError(model_language(source), target, self.hint)
