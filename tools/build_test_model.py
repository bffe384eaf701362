"""Build the tiny, real Argos Translate packages that docpipe's tests translate with.

Real Argos models cannot be downloaded where docpipe is developed and tested, yet the translation
path (package install → SentencePiece → CTranslate2 ``translate_batch`` → detokenisation) must be
exercised on genuine weights, not mocks. This tool trains a small pre-norm Transformer from scratch
on a phrasebook of news-site UI chrome (``tools/phrasebook/{ar,fa,ps}.tsv``) until it reproduces
every entry exactly (greedy and beam search; the NLLB-layout toy greedy), writes the weights straight into a
CTranslate2 ``TransformerSpec`` (the layout the OpenNMT-py converter produces, which is what real
Argos packages contain), quantises to int8 and zips a valid ``.argosmodel``: ``<top>/metadata.json``,
``<top>/model/`` (CTranslate2), ``<top>/sentencepiece.model``, ``<top>/README.md``.

The model only knows its phrasebook: it is a fixture, not a translator. The build is deterministic
(fixed seeds, single thread, fixed zip timestamps) on one platform/torch version.

PyTorch is a development-only dependency of this tool, never of docpipe. Rebuild with::

    python3 -m venv /tmp/buildenv
    /tmp/buildenv/bin/pip install torch==2.13.0        # the pinned CPU build; other specs pull CUDA wheels
    /tmp/buildenv/bin/pip install ctranslate2 sentencepiece numpy
    /tmp/buildenv/bin/python tools/build_test_model.py            # everything
    /tmp/buildenv/bin/python tools/build_test_model.py --lang fa  # one of ar, fa, nllb

Output in ``tests/fixtures/models/``: ``translate-{ar,fa}_en-{version}.argosmodel`` (Argos packages) and
``nllb-phrasebook/`` (a ps+ar+fa→en model in NLLB-200's CTranslate2 layout, with ``docpipe-nllb.json``).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm
import torch
from ctranslate2.specs import common_spec, transformer_spec
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root: tools.argos_package
from tools.argos_package import write_translation_package

ROOT = Path(__file__).resolve().parents[1]
PHRASEBOOK_DIR = ROOT / "tools" / "phrasebook"
OUT_DIR = ROOT / "tests" / "fixtures" / "models"
NAMES = {"ar": "Arabic", "fa": "Persian", "en": "English"}
FLORES = {"ar": "arb_Arab", "fa": "pes_Arab", "ps": "pbt_Arab", "en": "eng_Latn"}
NLLB_LANGS = ["ps", "ar", "fa"]
VERSION = "0.1"

# Architecture: small enough for a < 2 MB int8 package, big enough to memorise ~75 pairs quickly.
D_MODEL, HEADS, FFN, LAYERS, VOCAB = 128, 4, 256, 2, 600
# Decodings every entry must survive: Argos fixtures are exact under CTranslate2's default beam search too.
# The NLLB-layout toy is checked greedy only: beam search stops once beam_size hypotheses have finished,
# and this memorising model's far-behind alternatives end within a step or two, filling the quota before
# the (longer) correct hypothesis ends (measured: beam 4 loses it, beam 4 with patience=2 finds it again).
ARGOS_DECODINGS = (("int8", 1), ("int8", 4), ("float32", 4))
NLLB_DECODINGS = (("int8", 1),)
PAD, UNK, BOS, EOS = 0, 1, 2, 3  # SentencePiece ids; CTranslate2 reads the vocabulary by name.


def read_phrasebook(path: Path) -> list[tuple[str, str]]:
    """Pairs of (source, english); blank lines and lines starting with '# ' are comments."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        source, english = line.split("\t")
        pairs.append((source, english))
    return pairs


def train_sentencepiece(pairs: list[tuple[str, str]], path: Path, seed: int) -> spm.SentencePieceProcessor:
    """One shared source+target model, like Argos packages ship (trained from memory so no temp path
    ends up in the serialised trainer spec and the file is byte-for-byte reproducible)."""
    model = io.BytesIO()
    spm.set_random_generator_seed(seed)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([s for pair in pairs for s in pair]), model_writer=model,
        vocab_size=VOCAB, hard_vocab_limit=False,
        model_type="unigram", character_coverage=1.0, byte_fallback=False, num_threads=1,
        pad_id=PAD, unk_id=UNK, bos_id=BOS, eos_id=EOS, pad_piece="<blank>",
        normalization_rule_name="identity", minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    return spm.SentencePieceProcessor(model_file=str(path))


def sinusoids(length: int, depth: int) -> torch.Tensor:
    """The position table CTranslate2 generates when a spec has none (sin | cos halves, from 1)."""
    increment = math.log(10000.0) / (depth // 2 - 1)
    timescales = torch.exp(torch.arange(depth // 2, dtype=torch.float32) * -increment)
    scaled = torch.arange(1, length + 1, dtype=torch.float32)[:, None] * timescales[None, :]
    return torch.cat([torch.sin(scaled), torch.cos(scaled)], dim=1)


class Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D_MODEL, D_MODEL) for _ in range(4))

    def forward(self, x: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(t.shape[0], t.shape[1], HEADS, -1).transpose(1, 2)

        q, k, v = heads(self.q(x)), heads(self.k(memory)), heads(self.v(memory))
        scores = (q / math.sqrt(D_MODEL // HEADS)) @ k.transpose(-1, -2)
        scores = scores.masked_fill(~mask, float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v
        return self.o(out.transpose(1, 2).reshape(x.shape))


class FeedForward(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm, self.w1, self.w2 = nn.LayerNorm(D_MODEL, eps=1e-6), nn.Linear(D_MODEL, FFN), nn.Linear(FFN, D_MODEL)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.w2(torch.relu(self.w1(self.norm(x))))


class EncoderLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm, self.attn, self.ffn = nn.LayerNorm(D_MODEL, eps=1e-6), Attention(), FeedForward()

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.norm(x)
        return self.ffn(x + self.attn(h, h, mask))


class DecoderLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm1, self.self_attn = nn.LayerNorm(D_MODEL, eps=1e-6), Attention()
        self.norm2, self.cross_attn = nn.LayerNorm(D_MODEL, eps=1e-6), Attention()
        self.ffn = FeedForward()

    def forward(self, y: torch.Tensor, memory: torch.Tensor, self_mask: torch.Tensor, src_mask: torch.Tensor):
        h = self.norm1(y)
        y = y + self.self_attn(h, h, self_mask)
        y = y + self.cross_attn(self.norm2(y), memory, src_mask)
        return self.ffn(y)


class TinyTransformer(nn.Module):
    """Pre-norm Transformer with the exact computation CTranslate2 runs for an OpenNMT-py spec."""

    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, D_MODEL, padding_idx=PAD)
        nn.init.normal_(self.embed.weight, std=D_MODEL**-0.5)
        self.register_buffer("pe", sinusoids(512, D_MODEL), persistent=False)
        self.enc = nn.ModuleList(EncoderLayer() for _ in range(LAYERS))
        self.dec = nn.ModuleList(DecoderLayer() for _ in range(LAYERS))
        self.enc_norm, self.dec_norm = nn.LayerNorm(D_MODEL, eps=1e-6), nn.LayerNorm(D_MODEL, eps=1e-6)
        self.out_bias = nn.Parameter(torch.zeros(vocab))

    def _embed(self, ids: torch.Tensor) -> torch.Tensor:
        return self.embed(ids) * math.sqrt(D_MODEL) + self.pe[: ids.shape[1]]

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        src_mask = (src != PAD)[:, None, None, :]
        x = self._embed(src)
        for layer in self.enc:
            x = layer(x, src_mask)
        memory = self.enc_norm(x)
        length = tgt_in.shape[1]
        causal = torch.ones(length, length, dtype=torch.bool).tril()[None, None]
        y = self._embed(tgt_in)
        for layer in self.dec:
            y = layer(y, memory, causal, src_mask)
        return self.dec_norm(y) @ self.embed.weight.T + self.out_bias


Example = tuple[list[int], list[int], list[int]]  # source ids, decoder input ids, decoder output ids


def argos_example(source: list[int], target: list[int]) -> Example:
    """Argos/OpenNMT-py: source + </s> (``add_source_eos``), decoding starts from <s>."""
    return [*source, EOS], [BOS, *target], [*target, EOS]


def nllb_example(lang: int, english: int, source: list[int], target: list[int]) -> Example:
    """NLLB: [src_lang] + source + </s>; decoding starts from </s>, then the forced eng_Latn prefix."""
    return [lang, *source, EOS], [EOS, english, *target], [english, *target, EOS]


def batches(examples: list[Example]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad the examples into (source, decoder input, decoder output) tensors."""
    src_len = max(len(s) for s, _, _ in examples)
    tgt_len = max(len(t) for _, t, _ in examples)
    src = torch.full((len(examples), src_len), PAD)
    tgt_in = torch.full((len(examples), tgt_len), PAD)
    tgt_out = torch.full((len(examples), tgt_len), PAD)
    for i, (s, t_in, t_out) in enumerate(examples):
        src[i, : len(s)] = torch.tensor(s)
        tgt_in[i, : len(t_in)] = torch.tensor(t_in)
        tgt_out[i, : len(t_out)] = torch.tensor(t_out)
    return src, tgt_in, tgt_out


def train(model: TinyTransformer, data: list[Example], steps: int) -> float:
    src, tgt_in, tgt_out = batches(data)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100))
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    model.train()
    loss = torch.tensor(0.0)
    for _ in range(steps):
        opt.zero_grad()
        logits = model(src, tgt_in)
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
    return float(loss.detach())


def _array(t: torch.Tensor) -> np.ndarray:
    return t.detach().to(torch.float32).contiguous().numpy().copy()


def _linear(spec: common_spec.LinearSpec, layer: nn.Linear) -> None:
    spec.weight, spec.bias = _array(layer.weight), _array(layer.bias)


def _fused(spec: common_spec.LinearSpec, layers: list[nn.Linear]) -> None:
    spec.weight = np.concatenate([_array(x.weight) for x in layers])
    spec.bias = np.concatenate([_array(x.bias) for x in layers])


def _norm(spec: common_spec.LayerNormSpec, norm: nn.LayerNorm) -> None:
    spec.gamma, spec.beta = _array(norm.weight), _array(norm.bias)


def _ffn(spec, ffn: FeedForward) -> None:
    _norm(spec.layer_norm, ffn.norm)
    _linear(spec.linear_0, ffn.w1)
    _linear(spec.linear_1, ffn.w2)


def to_spec(model: TinyTransformer, vocabulary: list[str], nllb: bool) -> transformer_spec.TransformerSpec:
    """Fill a CTranslate2 spec the way the OpenNMT-py converter does (fused QKV, pre-norm)."""
    spec = transformer_spec.TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    spec.config.add_source_eos = not nllb  # NLLB callers add </s> (and the language token) themselves
    spec.config.decoder_start_token = "</s>" if nllb else "<s>"
    spec.config.layer_norm_epsilon = 1e-6
    embeddings = _array(model.embed.weight)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    _norm(spec.encoder.layer_norm, model.enc_norm)
    _norm(spec.decoder.layer_norm, model.dec_norm)
    for layer_spec, layer in zip(spec.encoder.layer, model.enc, strict=True):
        attn = layer_spec.self_attention
        _fused(attn.linear[0], [layer.attn.q, layer.attn.k, layer.attn.v])
        _linear(attn.linear[1], layer.attn.o)
        _norm(attn.layer_norm, layer.norm)
        _ffn(layer_spec.ffn, layer.ffn)
    for layer_spec, layer in zip(spec.decoder.layer, model.dec, strict=True):
        attn = layer_spec.self_attention
        _fused(attn.linear[0], [layer.self_attn.q, layer.self_attn.k, layer.self_attn.v])
        _linear(attn.linear[1], layer.self_attn.o)
        _norm(attn.layer_norm, layer.norm1)
        cross = layer_spec.attention
        _linear(cross.linear[0], layer.cross_attn.q)
        _fused(cross.linear[1], [layer.cross_attn.k, layer.cross_attn.v])
        _linear(cross.linear[2], layer.cross_attn.o)
        _norm(cross.layer_norm, layer.norm2)
        _ffn(layer_spec.ffn, layer.ffn)
    spec.decoder.projection.weight = embeddings
    spec.decoder.projection.bias = _array(model.out_bias)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


Check = tuple[str, list[str], str, str | None]  # label, source tokens, expected english, target prefix


def ct2_mismatches(
    model_dir: Path, sp: spm.SentencePieceProcessor, checks: list[Check], decodings: tuple[tuple[str, int], ...]
) -> list[str]:
    """Entries the converted int8 model gets wrong under any of *decodings* (compute type, beam size)."""
    prefixes = [[prefix] if prefix else [] for _, _, _, prefix in checks]
    wrong = []
    for compute_type, beam in decodings:
        translator = ctranslate2.Translator(str(model_dir), device="cpu", compute_type=compute_type, intra_threads=1)
        results = translator.translate_batch(
            [tokens for _, tokens, _, _ in checks], target_prefix=prefixes, beam_size=beam, max_decoding_length=64
        )
        for (label, _, english, prefix), result in zip(checks, results, strict=True):
            pieces = result.hypotheses[0][1:] if prefix else result.hypotheses[0]
            got = sp.decode_pieces(pieces)
            if got != english:
                wrong.append(f"{compute_type} beam={beam} {label!r}: {got!r} != {english!r}")
    return wrong


def fit(name: str, examples: list[Example], vocabulary: list[str], nllb: bool, sp: spm.SentencePieceProcessor,
        checks: list[Check], work: Path, max_rounds: int) -> tuple[Path, int]:
    """Train in rounds of 300 steps until the int8 CTranslate2 model reproduces every check."""
    model = TinyTransformer(len(vocabulary))
    model_dir = work / "model"
    steps = 0
    for _ in range(max_rounds):
        loss = train(model, examples, 300)
        steps += 300
        shutil.rmtree(model_dir, ignore_errors=True)
        spec = to_spec(model.eval(), vocabulary, nllb)
        spec.validate()
        spec.optimize(quantization="int8")
        model_dir.mkdir()
        spec.save(str(model_dir))
        wrong = ct2_mismatches(model_dir, sp, checks, NLLB_DECODINGS if nllb else ARGOS_DECODINGS)
        print(f"{name}: {steps} steps, loss {loss:.4f}, {len(wrong)} mismatches", file=sys.stderr)
        for line in wrong[:5]:
            print(f"  {line}", file=sys.stderr)
        if not wrong:
            return model_dir, steps
    raise SystemExit(f"{name}: model does not reproduce its phrasebook after {steps} steps")


def package(lang: str, model_dir: Path, sp_model: Path, pairs: int, steps: int, out_dir: Path) -> Path:
    readme = (
        f"# {NAMES[lang]} → English phrasebook model (docpipe test fixture)\n\n"
        f"Trained from scratch by tools/build_test_model.py on tools/phrasebook/{lang}.tsv ({pairs} pairs, "
        f"{steps} steps, d_model={D_MODEL}, {LAYERS}+{LAYERS} layers, int8). It reproduces its phrasebook "
        "exactly and knows nothing else.\n"
    )
    return write_translation_package(
        out_dir, lang, NAMES[lang], VERSION, readme=readme, sentencepiece_model=sp_model.read_bytes(),
        model_dir=model_dir,
        description=f"docpipe test fixture: a tiny model that only knows {pairs} UI-chrome phrases")


def _seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def build(lang: str, seed: int, max_rounds: int, out_dir: Path = OUT_DIR) -> Path:
    """An Argos package ``translate-{lang}_en-{VERSION}.argosmodel``."""
    _seed(seed)
    pairs = read_phrasebook(PHRASEBOOK_DIR / f"{lang}.tsv")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sp = train_sentencepiece(pairs, work / "sentencepiece.model", seed)
        vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        examples = [argos_example(sp.encode(s), sp.encode(e)) for s, e in pairs]
        checks: list[Check] = [(s, sp.encode(s, out_type=str), e, None) for s, e in pairs]
        model_dir, steps = fit(lang, examples, vocabulary, False, sp, checks, work, max_rounds)
        return package(lang, model_dir, work / "sentencepiece.model", len(pairs), steps, out_dir)


def build_nllb(langs: list[str], seed: int, max_rounds: int, out_dir: Path = OUT_DIR) -> Path:
    """A directory in NLLB-200's CTranslate2 layout with a ``docpipe-nllb.json`` descriptor.

    Like NLLB, the FLORES language tokens are vocabulary entries the SentencePiece model does not
    know; the caller feeds ``[src_lang] + pieces + </s>`` and forces ``eng_Latn`` as target prefix.
    """
    _seed(seed)
    books = {lang: read_phrasebook(PHRASEBOOK_DIR / f"{lang}.tsv") for lang in langs}
    all_pairs = [pair for lang in langs for pair in books[lang]]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sp = train_sentencepiece(all_pairs, work / "sentencepiece.model", seed)
        vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        ids = {FLORES[code]: len(vocabulary) + i for i, code in enumerate([*langs, "en"])}
        vocabulary += list(ids)
        english = FLORES["en"]
        examples, checks = [], []
        for lang in langs:
            token = FLORES[lang]
            for s, e in books[lang]:
                examples.append(nllb_example(ids[token], ids[english], sp.encode(s), sp.encode(e)))
                checks.append((f"{lang} {s}", [token, *sp.encode(s, out_type=str), "</s>"], e, english))
        model_dir, steps = fit("nllb", examples, vocabulary, True, sp, checks, work, max_rounds)
        out = out_dir / "nllb-phrasebook"
        staged = work / "out"
        shutil.copytree(model_dir, staged)
        shutil.copy(work / "sentencepiece.model", staged / "sentencepiece.bpe.model")
        descriptor = {
            "format": "docpipe-nllb", "format_version": 1, "name": "nllb-phrasebook", "version": VERSION,
            "sentencepiece": "sentencepiece.bpe.model", "languages": {c: FLORES[c] for c in [*langs, "en"]},
            "targets": ["en"],
        }
        (staged / "docpipe-nllb.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
        (staged / "README.md").write_text(
            "# NLLB-format phrasebook model (docpipe test fixture)\n\n"
            f"Trained from scratch by tools/build_test_model.py on tools/phrasebook/{{{','.join(langs)}}}.tsv "
            f"({len(all_pairs)} pairs, {steps} steps, int8) in NLLB-200's CTranslate2 layout and calling "
            "convention. It reproduces its phrasebooks exactly and knows nothing else.\n",
            encoding="utf-8",
        )
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, out)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", choices=["ar", "fa", "nllb"], action="append",
                        help="ar, fa (Argos packages) or nllb (NLLB-format ps+ar+fa model); default: all")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--max-rounds", type=int, default=20, help="rounds of 300 steps before giving up")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="default: tests/fixtures/models")
    args = parser.parse_args()
    for lang in args.lang or ["ar", "fa", "nllb"]:
        started = time.monotonic()
        if lang == "nllb":
            out = build_nllb(NLLB_LANGS, args.seed, args.max_rounds, args.out_dir)
            size = sum(p.stat().st_size for p in out.iterdir())
        else:
            out = build(lang, args.seed, args.max_rounds, args.out_dir)
            size = out.stat().st_size
        print(f"{out}: {size} bytes, {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
