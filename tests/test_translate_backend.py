"""The offline translation backend on real weights: package install, batched CTranslate2, memory.

The models are the project's own tiny phrasebook models (tests/fixtures/models, built by
tools/build_test_model.py): genuine trained Transformers that reproduce their phrasebook exactly,
so translations can be asserted character for character. Nothing here touches the network.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from pipeline.settings import Settings, TranslationSettings
from pipeline.translate import NoModelError
from pipeline.translate import ctranslate as ct
from pipeline.translate.ctranslate import CTranslate2Translator, batch_translate, detokenize
from pipeline.translate.memory import CachedTranslator, SQLiteStore, TranslationMemory, normalize_segment
from pipeline.translate.packages import PackageError, install, list_installed, models_dir, read_nllb_dir
from pipeline.translate.sentences import rejoin, split_sentences
from tools.argos_package import write_argosmodel, write_translation_package

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "models"
AR_PACKAGE = FIXTURES / "translate-ar_en-0_1.argosmodel"
FA_PACKAGE = FIXTURES / "translate-fa_en-0_1.argosmodel"
NLLB_DIR = FIXTURES / "nllb-phrasebook"  # NLLB-200 layout and calling convention, ps+ar+fa → en
SHARED = Path(__file__).parents[1].parent / "shared"
TRANSLITERATION = SHARED / "fixtures" / "ct2-aren-transliteration"
# Production defaults (int8, beam 4). The Argos fixtures are exact under them; the NLLB-layout toy only
# under greedy search (see ARGOS_DECODINGS / NLLB_DECODINGS in the build tool).
SETTINGS = TranslationSettings(intra_threads=1, inter_threads=1)
GREEDY = TranslationSettings(beam_size=1, intra_threads=1, inter_threads=1)
FLOAT_BEAM = TranslationSettings(compute_type="float32", intra_threads=1, inter_threads=1)


def phrasebook(lang: str) -> list[tuple[str, str]]:
    lines = (ROOT / "tools" / "phrasebook" / f"{lang}.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if "\t" in line and not line.startswith("# ")]  # type: ignore[misc]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("models")
    install(AR_PACKAGE, directory)
    install(FA_PACKAGE, directory)
    install(NLLB_DIR, directory)
    return directory


@pytest.fixture(scope="module")
def translator(models: Path) -> CTranslate2Translator:
    return CTranslate2Translator(models, settings=SETTINGS)


# -- packages -----------------------------------------------------------------------------------


def test_fixture_packages_are_small_valid_argos_packages() -> None:
    for package in (AR_PACKAGE, FA_PACKAGE):
        assert package.stat().st_size < 2 * 1024 * 1024
        with zipfile.ZipFile(package) as zf:
            names = zf.namelist()
            top = names[0].split("/")[0]
            assert all(name.split("/")[0] == top for name in names)
            meta = json.loads(zf.read(f"{top}/metadata.json"))
            assert {f"{top}/model/model.bin", f"{top}/sentencepiece.model"} <= set(names)
        assert meta["type"] == "translate" and meta["to_code"] == "en"


def test_install_lists_packages_with_versioned_ids(models: Path) -> None:
    infos = list_installed(models)
    assert [i.id for i in infos] == [
        "argos-ar_en@0.1", "nllb-phrasebook:ar_en@0.1", "argos-fa_en@0.1", "nllb-phrasebook:fa_en@0.1",
        "nllb-phrasebook:ps_en@0.1",
    ]
    assert all(i.size_bytes > 100_000 and i.path.parent == models for i in infos)
    assert sorted(p.name for p in models.iterdir()) == ["argos-ar_en-0.1", "argos-fa_en-0.1", "nllb-phrasebook-0.1"]
    assert not [p for p in models.iterdir() if p.name.startswith(".")]  # no staging leftovers


def test_models_dir_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def configured(flag: Path | None = None) -> Path:
        return models_dir(Settings.load({"translation.models_dir": flag and str(flag)}).translation.models_dir)

    monkeypatch.setenv("DOCPIPE_MODELS_DIR", str(tmp_path / "docpipe"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    assert configured(tmp_path / "explicit") == tmp_path / "explicit"
    assert configured() == tmp_path / "argos"
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    assert configured() == tmp_path / "docpipe"
    monkeypatch.delenv("DOCPIPE_MODELS_DIR")
    assert configured().parts[-2:] == ("docpipe", "models")


def _repack(source: Path, dest: Path, **metadata: str) -> Path:
    """A copy of *source* with metadata.json fields overridden (e.g. a newer package_version)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), **metadata}).encode()
            zout.writestr(info, data)
    return dest


def test_newer_version_replaces_older_and_downgrade_needs_force(tmp_path: Path) -> None:
    directory = tmp_path / "models"
    install(AR_PACKAGE, directory)
    newer = _repack(AR_PACKAGE, tmp_path / "newer.argosmodel", package_version="0.10")
    assert [i.id for i in install(newer, directory)] == ["argos-ar_en@0.10"]
    assert sorted(p.name for p in directory.iterdir()) == ["argos-ar_en-0.10"]
    with pytest.raises(PackageError, match="newer"):
        install(AR_PACKAGE, directory)
    install(AR_PACKAGE, directory, force=True)
    assert [i.id for i in list_installed(directory)] == ["argos-ar_en@0.1"]


def _zip(path: Path, members: dict[str, bytes], symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("members", "symlink", "message"),
    [
        ({"pkg/metadata.json": b"{}", "pkg/../../evil.txt": b"x"}, None, "unsafe member path"),
        ({"pkg/metadata.json": b"{}", "/tmp/evil.txt": b"x"}, None, "unsafe member path"),
        ({"pkg/metadata.json": b"{}", "pkg\\..\\evil.txt": b"x"}, None, "unsafe member path"),
        ({"pkg/metadata.json": b"{}"}, "pkg/model.bin", "symbolic link"),
        ({"a/metadata.json": b"{}", "b/metadata.json": b"{}"}, None, "one top directory"),
        ({"metadata.json": b"{}"}, None, "outside the package's top directory"),
        ({"pkg/model/model.bin": b"\0" * 5_000_000}, None, "expands"),
    ],
)
def test_unsafe_archives_are_rejected(
    tmp_path: Path, members: dict[str, bytes], symlink: str | None, message: str
) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", members, symlink)
    directory = tmp_path / "deep" / "models"
    with pytest.raises(PackageError, match=message):
        install(archive, directory)
    assert list(directory.iterdir()) == []  # staging removed, nothing installed
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "deep" / "evil.txt").exists()


def test_size_limit_and_incomplete_packages_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="limit"):
        install(AR_PACKAGE, tmp_path / "m", max_bytes=100_000)
    broken = _zip(tmp_path / "broken.argosmodel", {"pkg/metadata.json": json.dumps(
        {"from_code": "ar", "to_code": "en", "package_version": "1.0"}).encode()})
    with pytest.raises(PackageError, match=r"model\.bin"):
        install(broken, tmp_path / "m")


def test_nllb_descriptor_is_validated(tmp_path: Path) -> None:
    nllb = tmp_path / "nllb"
    nllb.mkdir()
    for name in ("model.bin", "shared_vocabulary.txt", "sentencepiece.bpe.model"):
        (nllb / name).write_bytes(b"x")
    descriptor = {"format": "docpipe-nllb", "format_version": 1, "name": "nllb-200-distilled-600M",
                  "version": "1", "languages": {"ps": "pbt_Arab", "fa-AF": "prs_Arab", "en": "eng_Latn"},
                  "targets": ["en"]}
    (nllb / "docpipe-nllb.json").write_text(json.dumps(descriptor))
    infos = read_nllb_dir(nllb)
    assert sorted(i.id for i in infos) == ["nllb-200-distilled-600M:fa-AF_en@1", "nllb-200-distilled-600M:ps_en@1"]
    routed = CTranslate2Translator(tmp_path / "none", settings=GREEDY, packages=infos)
    assert routed.model_for("pbt", "en") == "nllb-200-distilled-600M:ps_en@1"
    assert routed.model_for("prs", "en") == "nllb-200-distilled-600M:fa-AF_en@1"
    (nllb / "docpipe-nllb.json").write_text(json.dumps({**descriptor, "languages": {"ps": "Pashto"}}))
    with pytest.raises(PackageError, match="FLORES"):
        read_nllb_dir(nllb)


# -- translation --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_whole_phrasebook_in_one_batch_is_exact(
    translator: CTranslate2Translator, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def counting(*args: object, **kwargs: object) -> list[list[str]]:
        calls.append(len(args[1]))  # type: ignore[arg-type]
        return batch_translate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ct, "batch_translate", counting)
    pairs = phrasebook(lang)
    assert len(pairs) >= 40
    assert translator.translate(lang, "en", [source for source, _ in pairs]) == [english for _, english in pairs]
    assert calls == [len({source for source, _ in pairs})]  # ONE translate_batch for all sentences


@pytest.mark.parametrize("settings", [GREEDY, FLOAT_BEAM], ids=["int8-greedy", "float32-beam4"])
@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_other_decodings_are_exact_too(models: Path, lang: str, settings: TranslationSettings) -> None:
    pairs = phrasebook(lang)
    other = CTranslate2Translator(models, settings=settings)
    assert other.translate(lang, "en", [source for source, _ in pairs]) == [english for _, english in pairs]


def test_seed_chrome_strings(translator: CTranslate2Translator) -> None:
    texts = [
        "اظهر المزيد\n\nمقالات ذات صلة\n\nاترك تعليقاً",
        "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *",
        "زر الذهاب إلى الأعلى\nإغلاق\nإغلاق",
        "  آسيا ",
    ]
    assert translator.translate("ar", "en", texts) == [
        "Show more\n\nRelated articles\n\nLeave a comment",
        "Your email address will not be published. Required fields are marked *",
        "Back to top button\nClose\nClose",
        "  Asia ",
    ]


def test_question_marks_split_and_rejoin(translator: CTranslate2Translator) -> None:
    assert translator.translate("ar", "en", ["هل لديك حساب؟ تسجيل الدخول"]) == ["Do you have an account? Log in"]
    assert translator.translate("fa", "en", ["حساب کاربری ندارید؟ثبت نام"]) == ["Don't have an account? Register"]


def test_underscores_survive_detokenisation(translator: CTranslate2Translator, models: Path) -> None:
    assert translator.translate("ar", "en", ["#آخر_الأخبار"]) == ["#Latest_news"]  # Argos: "#Latest news"
    assert translator.translate("fa", "en", ["#اخبار_افغانستان"]) == ["#Afghanistan_news"]
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(models / "argos-ar_en-0.1" / "sentencepiece.model"))
    assert detokenize(sp, sp.encode("Back to top", out_type=str)) == "Back to top"
    # A source piece copied by replace_unknowns (not in the vocabulary) is spliced in literally.
    assert detokenize(sp, ["▁Back", "▁Zalmay_Khalilzad", "▁to", "▁top"]) == "Back Zalmay_Khalilzad to top"


def test_dari_routes_to_persian_model(translator: CTranslate2Translator) -> None:
    for tag in ("fa", "fa-AF", "prs", "pes"):
        assert translator.model_for(tag, "en") == "argos-fa_en@0.1"
    assert translator.translate("fa-AF", "en", ["بازگشت به بالا", "مطالب مرتبط"]) == ["Back to top", "Related articles"]


def test_uncovered_pair_raises_no_model(translator: CTranslate2Translator) -> None:
    assert translator.model_for("ur", "en") is None
    assert translator.model_for("ar", "fr") is None
    with pytest.raises(NoModelError):
        translator.translate("ur", "en", ["اردو"])
    assert translator.translate("ar", "en", []) == []
    assert translator.translate("ar", "en", ["", " \n"]) == ["", " \n"]


def test_models_load_once_per_process(translator: CTranslate2Translator, models: Path) -> None:
    other = CTranslate2Translator(models, settings=SETTINGS)
    info = translator._package("ar", "en")
    assert info is not None
    assert ct._load(info, SETTINGS).translator is ct._load(info, other.settings).translator


def test_nllb_layout_translates_pashto(models: Path) -> None:
    translator = CTranslate2Translator(models, settings=GREEDY)
    pairs = phrasebook("ps")
    assert translator.model_for("pbt", "en") == "nllb-phrasebook:ps_en@0.1"
    assert translator.translate("pbt", "en", [s for s, _ in pairs]) == [e for _, e in pairs]
    assert translator.translate("ps", "en", ["ایا حساب لرئ؟ ننوتل", "#د_افغانستان_خبرونه"]) == [
        "Do you have an account? Log in", "#Afghanistan_news"]


def test_kind_preference_decides_between_argos_and_nllb(models: Path) -> None:
    nllb_first = CTranslate2Translator(models, settings=TranslationSettings(beam_size=1, intra_threads=1,
                                                                    prefer=("nllb", "argos")))
    assert nllb_first.model_for("ps", "en") == "nllb-phrasebook:ps_en@0.1"
    assert nllb_first.model_for("ar", "en") == "nllb-phrasebook:ar_en@0.1"
    pairs = phrasebook("fa")[:20]
    assert nllb_first.translate("fa-AF", "en", [s for s, _ in pairs]) == [e for _, e in pairs]


def test_long_sentences_are_cut_at_word_starts_not_truncated() -> None:
    pieces = ["▁word", "s"] * 150
    chunks = ct._chunks(pieces, 100)
    assert [p for chunk in chunks for p in chunk] == pieces
    assert all(len(c) <= 100 and c[0].startswith("▁") for c in chunks)


def test_settings_from_env_and_cuda_fallback(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("DOCPIPE_CT2_BEAM_SIZE", "2")
    monkeypatch.setenv("DOCPIPE_CT2_INTRA_THREADS", "3")
    settings = Settings.load({"translation.max_batch_tokens": 512}).translation
    assert (settings.beam_size, settings.intra_threads, settings.max_batch_tokens) == (2, 3, 512)
    assert ct.resolve_runtime(TranslationSettings())[:2] == ("cpu", "int8")
    assert ct.resolve_runtime(TranslationSettings(intra_threads=2, inter_threads=3))[2:] == (3, 2)
    # by default up to 8 whole sub-batches run in parallel, with the CPUs shared among them
    monkeypatch.setattr(ct, "_cpu_count", lambda: 2)
    assert ct.resolve_runtime(TranslationSettings())[2:] == (2, 1)
    monkeypatch.setattr(ct, "_cpu_count", lambda: 32)
    assert ct.resolve_runtime(TranslationSettings())[2:] == (8, 4)
    assert ct.resolve_runtime(TranslationSettings(intra_threads=2))[2:] == (16, 2)
    monkeypatch.undo()
    import ctranslate2  # ctranslate imports it only when a model or device is needed

    if ctranslate2.get_cuda_device_count() == 0:
        monkeypatch.setattr(ct, "_WARNED", [])
        assert ct.resolve_runtime(TranslationSettings(device="cuda"))[:2] == ("cpu", "int8")
        assert ct.resolve_runtime(TranslationSettings(device="cuda"))[:2] == ("cpu", "int8")
        assert caplog.text.count("no GPU") == 1


# -- sentences ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("هل لديك حساب؟ تسجيل الدخول", ["هل لديك حساب؟", "تسجيل الدخول"]),
        ("یہ پہلا جملہ ہے۔یہ دوسرا جملہ ہے۔", ["یہ پہلا جملہ ہے۔", "یہ دوسرا جملہ ہے۔"]),
        ("আমি ভাত খাই। তুমি কী খাও? ভালো॥", ["আমি ভাত খাই।", "তুমি কী খাও?", "ভালো॥"]),
        ("Mr. Smith met Dr. J. Doe at 3.5 p.m. today. U.S. troops left! Why?",
         ["Mr. Smith met Dr. J. Doe at 3.5 p.m. today.", "U.S. troops left!", "Why?"]),
        ('"Really?" she asked. (Yes.) Fine', ['"Really?" she asked.', "(Yes.)", "Fine"]),
        ("one\n\ntwo", ["one", "two"]),
        ("التقى د. محمد بالوزير. ثم غادر؟", ["التقى د. محمد بالوزير.", "ثم غادر؟"]),
        ("Wait... what? Yes.", ["Wait... what?", "Yes."]),
    ],
)
def test_sentence_splitting(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert rejoin(text, sentences, [s.text for s in sentences]).replace(" ", "") == text.replace(" ", "")


# -- memory -------------------------------------------------------------------------------------


class _Counting:
    """A translator wrapper that records what reaches the backend."""

    def __init__(self, backend: CTranslate2Translator, model_id: str | None = None) -> None:
        self.backend, self.model_id, self.seen = backend, model_id, []  # type: list[str]

    def model_for(self, source: str, target: str) -> str | None:
        return self.model_id or self.backend.model_for(source, target)

    def translate(self, source: str, target: str, texts: list[str]) -> list[str]:
        self.seen.extend(texts)
        return self.backend.translate(source, target, texts)


def test_memory_hits_and_version_in_key(translator: CTranslate2Translator, tmp_path: Path) -> None:
    texts = ["اترك تعليقاً", "إغلاق", "إغلاق", "اترك  تعليقاً\n", " "]  # the 4th normalises like the first
    memory = TranslationMemory(SQLiteStore(tmp_path / "tm.sqlite3"))
    backend = _Counting(translator)
    cached = CachedTranslator(backend, memory)
    expected = ["Leave a comment", "Close", "Close", "Leave a comment\n", " "]
    assert cached.translate("ar", "en", texts) == expected
    assert backend.seen == ["اترك تعليقاً", "إغلاق"]
    assert memory.get_many("argos-ar_en@0.1", "ar", ["إغلاق"]) == {"إغلاق": "Close"}

    reopened = TranslationMemory(SQLiteStore(tmp_path / "tm.sqlite3"))  # persistent across instances
    backend.seen.clear()
    assert CachedTranslator(backend, reopened).translate("ar", "en", texts) == expected
    assert backend.seen == [] and reopened.stats() == {"hits": 3, "misses": 0}

    upgraded = _Counting(translator, model_id="argos-ar_en@0.2")  # a new model version must miss
    assert CachedTranslator(upgraded, reopened).translate("ar", "en", texts) == expected
    assert upgraded.seen == ["اترك تعليقاً", "إغلاق"]
    assert normalize_segment(" a\u0627\u0653  b\n") == "a\u0622 b"


_WRITER = textwrap.dedent(
    """
    import sys
    from pipeline.translate.memory import SQLiteStore, TranslationMemory
    memory = TranslationMemory(SQLiteStore(sys.argv[1]))
    worker = sys.argv[2]
    for batch in range(40):
        memory.put_many("m@1", "ar", {f"segment {i}": f"translation {i}" for i in range(batch * 10, batch * 10 + 25)})
        memory.put_many("m@1", "ar", {f"{worker} {batch}": worker})
        first = f"segment {batch * 10}"
        assert memory.get_many("m@1", "ar", [first]) == {first: f"translation {batch * 10}"}
    """
)


def test_two_processes_share_one_sqlite_memory(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(db), name], env=env) for name in ("a", "b")]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]
    store = SQLiteStore(db)
    assert len(store) == 415 + 80
    memory = TranslationMemory(store)
    assert memory.get_many("m@1", "ar", ["segment 7", "a 39", "b 0"]) == {"segment 7": "translation 7", "a 39": "a",
                                                                          "b 0": "b"}


# -- real CTranslate2 weights from ../shared ---------------------------------------------------


@pytest.mark.skipif(not TRANSLITERATION.is_dir(), reason=f"{TRANSLITERATION} absent (no ../shared checkout)")
def test_real_transliteration_model_batches_like_single_calls() -> None:
    settings = TranslationSettings(
        beam_size=1, intra_threads=1, inter_threads=2, max_batch_tokens=8, compute_type="float32"
    )
    model = ct.load_translator(TRANSLITERATION, settings)
    assert ct.load_translator(TRANSLITERATION, settings) is model  # loaded once per process
    names = ["محمد", "أحمد", "فاطمة", "كابل", "علي"]
    batched = batch_translate(model, [list(n) for n in names], settings)
    single = [batch_translate(model, [list(n)], settings)[0] for n in names]
    assert batched == single
    assert ["".join(t) for t in batched[:2]] == ["mahmad", "ahmad"]


@pytest.mark.parametrize("name", ["translate-ar_en-0_1.argosmodel", "translate-fa_en-0_1.argosmodel"])
def test_package_writer_rebuilds_the_committed_fixtures_byte_for_byte(name: str, tmp_path: Path) -> None:
    """tools/build_test_model.py writes through write_translation_package (metadata, README,
    SentencePiece, model/) and write_argosmodel: same files, same bytes."""
    committed = FIXTURES / name
    with zipfile.ZipFile(committed) as zf:
        top = zf.namelist()[0].rstrip("/")
        files = {n[len(top) + 1 :]: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    assert write_argosmodel(tmp_path / name, top, files).read_bytes() == committed.read_bytes()
    model_dir = tmp_path / "unpacked" / "model"
    model_dir.mkdir(parents=True)
    for member, data in files.items():
        if member.startswith("model/"):
            (model_dir / member[len("model/") :]).write_bytes(data)
    meta = json.loads(files["metadata.json"])
    rebuilt = write_translation_package(
        tmp_path / "package", meta["from_code"], meta["from_name"], meta["package_version"],
        description=meta["description"], readme=files["README.md"].decode(),
        sentencepiece_model=files["sentencepiece.model"], model_dir=model_dir)
    assert rebuilt.name == name and rebuilt.read_bytes() == committed.read_bytes()
    stored = write_argosmodel(tmp_path / "stored" / name, top, files, compress=False)
    assert [i.id for i in install(stored, tmp_path / "models")] == ["argos-" + top + "@0.1"]


def test_model_licences_are_declared_or_flagged(tmp_path: Path) -> None:
    """`docpipe models list` names every model's licence; NLLB-200 weights are non-commercial."""
    from pipeline.translate.packages import NLLB_200_LICENSE, UNKNOWN_LICENSE, declared_license

    assert declared_license({"license": "CC0-1.0"}) == "CC0-1.0"
    readme = tmp_path / "README.md"
    readme.write_text("# ar → en\n\nTrained on OPUS.\n\nLicense: CC-BY-SA-4.0\n")
    assert declared_license({}, readme) == "CC-BY-SA-4.0"
    assert declared_license({}, tmp_path / "absent.md", name="nllb-200-distilled-600M") == NLLB_200_LICENSE
    assert declared_license({}, None, name="my-model") == UNKNOWN_LICENSE
