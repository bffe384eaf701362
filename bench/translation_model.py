"""Build random-weight, base-size Argos packages so the translation benchmark pays a real model's compute.

Real Argos packages cannot be downloaded here, and the tiny test fixtures (d_model 128, 2+2 layers,
600 pieces) cost a fraction of a real model per token, which flatters any per-call overhead. This
builds ``.argosmodel`` packages in the size class of the real ar→en one: Transformer base (d_model
512, 8 heads, FFN 2048, 6+6 pre-norm layers, ReLU, sinusoidal positions, the OpenNMT-py layout real
Argos packages contain), a ~32k shared vocabulary, separate source/target embeddings and output
projection, int8 — 96 MB. Weights are random (numpy, fixed seed), so output is garbage and decoding
usually runs to ``max_decoding_length``; the benchmark caps it equally on both sides.

SentencePiece: a unigram model trained on real text (NTREX-128 ``arb``/``fas`` + ``eng`` from
``../shared``, or the phrasebook when that is absent). ~4k lines only support ~14k real pieces
(``hard_vocab_limit=False``), so the remainder up to 32,000 is filled with synthetic
``user_defined_symbols`` (``⟦x00042⟧``) that never occur in text but are real vocabulary entries:
every id the model emits decodes to a genuine piece and the output projection is 32k wide.

Needs only ctranslate2, sentencepiece and numpy (the project venv has them; no torch)::

    .venv/bin/python bench/translation_model.py [--out ~/.cache/docpipe-bench/models] [--lang ar --lang fa]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm
from ctranslate2.specs import transformer_spec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root: tools.argos_package
from tools.argos_package import write_translation_package

PROJECT = Path(__file__).resolve().parents[1]
SHARED_NTREX = PROJECT.parent / "shared" / "dev-data" / "lid" / "ntrex128"
PHRASEBOOK_DIR = PROJECT / "tools" / "phrasebook"
DEFAULT_CACHE = Path("~/.cache/docpipe-bench").expanduser()
NTREX_CODE = {"ar": "arb", "fa": "fas"}
NAMES = {"ar": "Arabic", "fa": "Persian", "en": "English"}

D_MODEL, HEADS, FFN, LAYERS, VOCAB = 512, 8, 2048, 6, 32_000
VERSION = "0.0.1"  # low on purpose: never shadows a real package installed next to it
PAD, UNK, BOS, EOS = 0, 1, 2, 3


def corpus(lang: str) -> tuple[list[str], str]:
    """Training text for the SentencePiece model and where it came from."""
    src = SHARED_NTREX / f"{NTREX_CODE[lang]}.txt"
    eng = SHARED_NTREX / "eng.txt"
    if src.is_file() and eng.is_file():
        lines = src.read_text(encoding="utf-8").splitlines() + eng.read_text(encoding="utf-8").splitlines()
        return [line for line in lines if line.strip()], f"NTREX-128 {src.name} + eng.txt"
    pairs = [
        line.split("\t")
        for line in (PHRASEBOOK_DIR / f"{lang}.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("# ")
    ]
    return [text for pair in pairs for text in pair], f"tools/phrasebook/{lang}.tsv (../shared absent)"


def _train(lines: list[str], synthetic: int) -> bytes:
    model = io.BytesIO()
    spm.set_random_generator_seed(1)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=VOCAB, hard_vocab_limit=False,
        user_defined_symbols=[f"⟦x{i:05d}⟧" for i in range(synthetic)],
        model_type="unigram", character_coverage=1.0, num_threads=2, minloglevel=2,
        pad_id=PAD, unk_id=UNK, bos_id=BOS, eos_id=EOS, pad_piece="<blank>",
    )
    return model.getvalue()


def train_sentencepiece(lines: list[str]) -> tuple[bytes, int]:
    """A ~32k-piece model: real pieces the text supports, topped up with synthetic symbols."""
    proto = _train(lines, 0)
    learned = spm.SentencePieceProcessor(model_proto=proto).get_piece_size()
    synthetic = max(0, VOCAB - learned)
    for _ in range(3):  # learned pieces shift a little once symbols are added; converge on 32,000
        proto = _train(lines, synthetic)
        size = spm.SentencePieceProcessor(model_proto=proto).get_piece_size()
        if size == VOCAB:
            break
        synthetic += VOCAB - size
    return proto, synthetic


def random_spec(vocabulary: list[str], seed: int) -> transformer_spec.TransformerSpec:
    """Transformer base with N(0, 0.02) weights (embeddings N(0, d^-1/2)), unit layer norms."""
    rng = np.random.default_rng(seed)

    def w(*shape: int, std: float = 0.02) -> np.ndarray:
        return rng.normal(0.0, std, size=shape).astype(np.float32)

    def zeros(n: int) -> np.ndarray:
        return np.zeros(n, dtype=np.float32)

    def norm(spec: object) -> None:
        spec.gamma, spec.beta = np.ones(D_MODEL, dtype=np.float32), zeros(D_MODEL)  # type: ignore[attr-defined]

    def linear(spec: object, out_dim: int, in_dim: int) -> None:
        spec.weight, spec.bias = w(out_dim, in_dim), zeros(out_dim)  # type: ignore[attr-defined]

    def ffn(spec: object) -> None:
        norm(spec.layer_norm)  # type: ignore[attr-defined]
        linear(spec.linear_0, FFN, D_MODEL)  # type: ignore[attr-defined]
        linear(spec.linear_1, D_MODEL, FFN)  # type: ignore[attr-defined]

    n = len(vocabulary)
    spec = transformer_spec.TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    spec.config.add_source_eos = True  # OpenNMT-py / Argos convention
    spec.config.decoder_start_token = "<s>"
    spec.config.layer_norm_epsilon = 1e-6
    spec.encoder.embeddings[0].weight = w(n, D_MODEL, std=D_MODEL**-0.5)
    spec.decoder.embeddings.weight = w(n, D_MODEL, std=D_MODEL**-0.5)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
        linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        norm(layer.self_attention.layer_norm)
        ffn(layer.ffn)
    for layer in spec.decoder.layer:
        linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
        linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        norm(layer.self_attention.layer_norm)
        linear(layer.attention.linear[0], D_MODEL, D_MODEL)
        linear(layer.attention.linear[1], 2 * D_MODEL, D_MODEL)
        linear(layer.attention.linear[2], D_MODEL, D_MODEL)
        norm(layer.attention.layer_norm)
        ffn(layer.ffn)
    linear(spec.decoder.projection, n, D_MODEL)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def build_package(lang: str, out_dir: Path, seed: int = 20260101) -> Path:
    """``translate-{lang}_en-0_0_1.argosmodel`` in *out_dir* (an Argos package: metadata, model/, SentencePiece)."""
    lines, source = corpus(lang)
    proto, synthetic = train_sentencepiece(lines)
    sp = spm.SentencePieceProcessor(model_proto=proto)
    vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        spec = random_spec(vocabulary, seed + sum(map(ord, lang)))
        spec.validate()
        spec.optimize(quantization="int8")
        model_dir = work / "model"
        model_dir.mkdir()
        spec.save(str(model_dir))
        readme = (
            f"# Random {NAMES[lang]} → English model (docpipe benchmark)\n\nBuilt by bench/translation_model.py: "
            f"d_model {D_MODEL}, {LAYERS}+{LAYERS} layers, FFN {FFN}, vocabulary {len(vocabulary)} "
            f"({len(vocabulary) - synthetic} SentencePiece pieces from {source} + {synthetic} synthetic), "
            "random weights, int8. For timing only.\n"
        )
        out = write_translation_package(
            out_dir, lang, NAMES[lang], VERSION, readme=readme, sentencepiece_model=proto, model_dir=model_dir,
            description="docpipe benchmark: random weights, Transformer base, int8 — output is garbage",
            compress=False)  # int8 weights barely compress
    return out


def ensure_packages(out_dir: Path, langs: tuple[str, ...] = ("ar", "fa")) -> dict[str, Path]:
    """The benchmark packages, built on first use (a few seconds to a minute each)."""
    found: dict[str, Path] = {}
    for lang in langs:
        path = out_dir / f"translate-{lang}_en-{VERSION.replace('.', '_')}.argosmodel"
        if not path.is_file():
            started = time.monotonic()
            print(f"building random base model {path} ...", file=sys.stderr, flush=True)
            build_package(lang, out_dir)
            print(f"  {path.stat().st_size / 1e6:.0f} MB in {time.monotonic() - started:.0f} s", file=sys.stderr)
        found[lang] = path
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_CACHE / "models")
    parser.add_argument("--lang", choices=sorted(NTREX_CODE), action="append")
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args()
    langs = tuple(args.lang or sorted(NTREX_CODE))
    if args.force:
        for lang in langs:
            (args.out / f"translate-{lang}_en-{VERSION.replace('.', '_')}.argosmodel").unlink(missing_ok=True)
    for lang, path in ensure_packages(args.out, langs).items():
        print(f"{lang}: {path} ({path.stat().st_size} bytes, ctranslate2 {ctranslate2.__version__})")


if __name__ == "__main__":
    main()
