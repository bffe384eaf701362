"""The settings tree: one loader, documented variables, and a config hash that covers exactly
the settings that change output bytes (issue 13: a run with another beam size must not skip
documents or answer from the translation memory made with the old one)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.inputs import discover
from pipeline.runner import Runner
from pipeline.settings import Settings, SettingsError, bundled_fingerprints, specs
from pipeline.store import LocalStore
from pipeline.translate.model_sources import install_from
from pipeline.translate.service import build_translation_stack

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SEEDS = ROOT / "seeds"
FIXTURE_MODELS = ROOT / "tests" / "fixtures" / "models"

# A value other than the default for every setting, by dotted name.
OTHER_VALUES: dict[str, object] = {
    "target_lang": "de",
    "host_memory": False,
    "max_document_bytes": 1234,
    "max_document_seconds": 5.0,
    "batch_size": 3,
    "workers": 3,
    "translation.models_dir": "/srv/models",
    "translation.memory": "off",
    "translation.argos_index_url": "http://127.0.0.1:9/index.json",
    "translation.device": "cuda",
    "translation.compute_type": "float32",
    "translation.inter_threads": 3,
    "translation.intra_threads": 2,
    "translation.beam_size": 1,
    "translation.max_batch_tokens": 64,
    "translation.max_input_tokens": 50,
    "translation.max_decoding_length": 32,
    "translation.length_penalty": 0.5,
    "translation.prefer": ("nllb", "argos"),
    "orchestration.bucket": "scrapes",
    "orchestration.landing_prefix": "in/",
    "orchestration.output_prefix": "docpipe/",
    "orchestration.batch_docs": 5,
    "orchestration.batch_bytes": 1000,
    "orchestration.max_batches": 10,
    "orchestration.index_max_age_hours": 2.5,
    "orchestration.landing_time_ordered": True,
    "orchestration.full_listing_hours": 0.5,
    "orchestration.gpu_queue": "gpu",
    "orchestration.gpu_min_share": 0.25,
}


def test_every_setting_is_covered_here_and_documented_in_the_readme() -> None:
    names = [spec.name for spec in specs()]
    assert sorted(names) == sorted(OTHER_VALUES), "add the new setting to OTHER_VALUES"
    readme = README.read_text()
    for spec in specs():
        assert f"`{spec.name}`" in readme, f"README settings table lacks {spec.name}"
        for env in spec.env:
            assert f"`{env}`" in readme, f"README settings table lacks {env}"
    envs = [env for spec in specs() for env in spec.env]
    assert len(envs) == len(set(envs)), "one variable sets one setting"


@pytest.mark.parametrize("name", sorted(OTHER_VALUES))
def test_config_hash_changes_exactly_with_output_shaping_settings(name: str) -> None:
    spec = next(s for s in specs() if s.name == name)
    base = Settings.load(lookup=lambda _: None)
    changed = base.with_overrides({name: OTHER_VALUES[name]})
    assert spec.get(changed) != spec.get(base)
    assert (changed.config_hash() != base.config_hash()) is spec.output
    if name.startswith("translation."):
        fingerprints = changed.translation.decoding_fingerprint() != base.translation.decoding_fingerprint()
        assert fingerprints is spec.output


def test_environment_flags_and_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCPIPE_CT2_BEAM_SIZE", "2")
    monkeypatch.setenv("DOCPIPE_HOST_MEMORY", "off")
    monkeypatch.setenv("DOCPIPE_CT2_PREFER", "nllb, argos")
    settings = Settings.load({"batch_size": 7, "translation.device": None})
    assert (settings.translation.beam_size, settings.host_memory, settings.batch_size) == (2, False, 7)
    assert settings.translation.prefer == ("nllb", "argos")
    assert settings.translation.device == "cpu"  # None overrides fall through to env/defaults
    assert Settings.load({"translation.beam_size": 5}).translation.beam_size == 5  # flags beat env
    # Airflow: Variables (lower-cased names) before the environment
    variables = {"docpipe_ct2_beam_size": "3"}
    airflow = Settings.load(lookup=lambda env: variables.get(env.lower()) or None)
    assert airflow.translation.beam_size == 3 and airflow.host_memory is True


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        ("DOCPIPE_CT2_BEAM_SIZE", "wide", "DOCPIPE_CT2_BEAM_SIZE must be a whole number"),
        ("DOCPIPE_CT2_BEAM_SIZE", "0", "beam_size must be a whole number ≥ 1"),
        ("DOCPIPE_HOST_MEMORY", "maybe", "DOCPIPE_HOST_MEMORY must be one of 1/0"),
        ("DOCPIPE_CT2_DEVICE", "tpu", "DOCPIPE_CT2_DEVICE must be cpu, cuda or auto"),
        ("DOCPIPE_CT2_PREFER", "marian", "prefer must be argos and/or nllb"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, env: str, value: str, message: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError, match=message):
        Settings.load()


def test_unknown_override_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"unknown settings: translation\.beam"):
        Settings.load({"translation.beam": 2})


def test_bundled_models_and_libraries_are_hashed() -> None:
    fingerprints = bundled_fingerprints()
    assert "boilerplate/weights.json" in fingerprints and "langid/weights.json" in fingerprints
    assert fingerprints["trafilatura"] != "absent" and fingerprints["ctranslate2"] != "absent"
    assert Settings().output_settings()["bundled"] == fingerprints


def test_docpipe_settings_command(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"DOCPIPE_CT2_BEAM_SIZE": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "settings", "--json"], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=120, check=True)
    shown = json.loads(result.stdout)
    rows = {row["name"]: row for row in shown["settings"]}
    assert rows["translation.beam_size"]["value"] == 1 and rows["translation.beam_size"]["shapes_output"]
    assert rows["translation.beam_size"]["airflow_variable"] == "docpipe_ct2_beam_size"
    assert shown["config_hash"] == Settings.load({"translation.beam_size": 1}).config_hash()
    text = subprocess.run([sys.executable, "-m", "pipeline.cli", "settings"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=True).stdout
    assert "translation.beam_size" in text and "DOCPIPE_CT2_BEAM_SIZE" in text and "config_hash sha256:" in text
    bad = subprocess.run([sys.executable, "-m", "pipeline.cli", "settings"], capture_output=True, text=True,
                         env={**env, "DOCPIPE_CT2_BEAM_SIZE": "x"}, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "DOCPIPE_CT2_BEAM_SIZE must be a whole number" in bad.stderr


# -- end to end: reprocessing and the translation memory ----------------------------------------


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("settings-models")
    install_from([str(FIXTURE_MODELS)], str(directory))
    return directory


def _run(dest: Path, settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    report = Runner(LocalStore(dest), settings, translation=build_translation_stack(settings.translation)).run(
        discover([str(SEEDS)])
    )
    assert report.completed
    return report.counts(len(report.outcomes)), report.memory


# Output-shaping translation settings, each with a value that keeps the run cheap.
SHAPING = {
    "translation.beam_size": 1,
    "translation.length_penalty": 0.5,
    "translation.max_decoding_length": 200,
    "translation.max_input_tokens": 150,
    "translation.compute_type": "float32",
}


@pytest.mark.parametrize("name", [*SHAPING, "translation.inter_threads"])
def test_changed_setting_reprocesses_and_misses_memory(name: str, models: Path, tmp_path: Path) -> None:
    memory = tmp_path / "memory.sqlite3"
    base = Settings.load({"translation.models_dir": str(models), "translation.memory": str(memory)})
    first, first_memory = _run(tmp_path / "out", base)
    assert first["written"] == 5 and first_memory["misses"] > 0
    changed = base.with_overrides({name: SHAPING.get(name, 1)})
    shapes_output = name in SHAPING
    assert next(s for s in specs() if s.name == name).output is shapes_output
    fresh, fresh_memory = _run(tmp_path / "fresh", changed)  # a new destination, the same memory file
    assert fresh["written"] == 5
    if shapes_output:  # as cold as the first run: nothing made under the old settings answers
        assert fresh_memory == first_memory
    else:
        assert fresh_memory["misses"] == 0 and fresh_memory["hits"] > 0
    again, _ = _run(tmp_path / "out", changed)  # the first destination: reprocessed or skipped
    assert (again["written"], again["skipped"]) == ((5, 0) if shapes_output else (0, 5))


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().batch_size = 2  # type: ignore[misc]


def test_unhashed_batching_and_threads_leave_output_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the hash leaves out must not change a byte: the golden sample with one document per
    batch, 16-token translation sub-batches and 1x2 threads gives the golden records."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_golden import GOLDEN, _items, _normalised, _outputs

    install_from([str(FIXTURE_MODELS)], str(tmp_path / "models"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    settings = Settings.load({
        "translation.models_dir": str(tmp_path / "models"), "translation.memory": "off", "batch_size": 1,
        "translation.max_batch_tokens": 16, "translation.inter_threads": 1, "translation.intra_threads": 2,
    })
    Runner(LocalStore(tmp_path / "out"), settings, translation=build_translation_stack(settings.translation)).run(
        _items()
    )
    produced, expected = _outputs(tmp_path / "out"), _outputs(GOLDEN / "expected")
    assert sorted(produced) == sorted(expected)
    assert [rel for rel in produced if _normalised(produced[rel]) != expected[rel].read_bytes()] == []
