"""docker-compose.yml and the Dockerfile, checked without Docker (there is none here).

The compose file is validated against the Compose Specification's JSON schema (vendored in
tests/data/, see compose-spec.NOTICE), then against what the deployment promises: the official
Airflow 3 component layout, a worker that scales, MinIO with its bucket, the models volume,
the connection pointing at MinIO, and no reference to a file that does not exist.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
)
# The schema says draft 2019-09 (with a "#"-suffixed $schema URI jsonschema does not look up).
VALIDATOR = jsonschema.Draft201909Validator
_DEFAULT = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())  # resolves anchors and `<<` merges
    return data


def interpolate(value: str) -> str:
    """Compose's ``${VAR:-default}`` with every variable unset (``$$`` is a literal ``$``)."""
    return _DEFAULT.sub(lambda m: m.group(2) or "", value).replace("$$", "$")


def test_validates_against_the_compose_specification(compose: dict[str, Any]) -> None:
    VALIDATOR.check_schema(SCHEMA)
    errors = sorted(VALIDATOR(SCHEMA).iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_the_schema_rejects_a_broken_file(compose: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(compose))
    broken["services"]["airflow-worker"]["depends_on"]["redis"]["condition"] = "whenever"
    broken["services"]["airflow-worker"]["restartt"] = "always"
    assert len(list(VALIDATOR(SCHEMA).iter_errors(broken))) >= 2


def test_official_airflow_3_layout(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= {*AIRFLOW_SERVICES, "postgres", "redis", "minio", "minio-init", "docpipe-models-init"}
    commands = {name: services[name].get("command") for name in AIRFLOW_SERVICES[:5]}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
        "airflow-worker": "celery worker",
    }
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        assert services[name]["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    init = services["airflow-init"]
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    assert "airflow pools set translate" in init["command"][1]
    for name in AIRFLOW_SERVICES[:5]:
        assert services[name]["depends_on"]["airflow-init"] == {"condition": "service_completed_successfully"}


def test_worker_scales(compose: dict[str, Any]) -> None:
    worker = compose["services"]["airflow-worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale airflow-worker=N
    assert worker["environment"]["DUMB_INIT_SETSID"] == "0"  # warm Celery shutdown
    assert worker["depends_on"]["docpipe-models-init"]["condition"] == "service_completed_successfully"


def test_minio_bucket_and_connection_agree(compose: dict[str, Any]) -> None:
    services = compose["services"]
    env = services["airflow-worker"]["environment"]
    connection = json.loads(interpolate(env["AIRFLOW_CONN_AWS_DEFAULT"]))
    assert connection["extra"]["endpoint_url"] == "http://minio:9000"
    minio_env = services["minio"]["environment"]
    assert connection["login"] == interpolate(minio_env["MINIO_ROOT_USER"])
    assert connection["password"] == interpolate(minio_env["MINIO_ROOT_PASSWORD"])
    bucket = interpolate(env["DOCPIPE_BUCKET"])
    init = services["minio-init"]
    assert interpolate(init["environment"]["DOCPIPE_BUCKET"]) == bucket
    assert 'mc mb --ignore-existing "local/$${DOCPIPE_BUCKET}"' in init["command"][1]
    assert services["minio-init"]["depends_on"]["minio"]["condition"] == "service_healthy"


def test_models_volume_everywhere_the_pipeline_runs(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("airflow-worker", "docpipe-models-init"):
        assert "docpipe-models:/opt/airflow/models" in services[name]["volumes"]
        assert services[name]["environment"]["DOCPIPE_MODELS_DIR"] == "/opt/airflow/models"
    assert "docpipe models install" in services["docpipe-models-init"]["command"][1]


def test_references_only_existing_files_and_declared_names(compose: dict[str, Any]) -> None:
    declared_volumes = set(compose.get("volumes") or {})
    services = compose["services"]
    for name, service in services.items():
        build = service.get("build")
        if build:
            context = ROOT / build["context"]
            assert context.is_dir(), f"{name}: build context {build['context']}"
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), f"{name}: dockerfile"
        for entry in service.get("env_file") or ():
            assert (ROOT / interpolate(entry)).is_file(), f"{name}: env_file {entry}"
        for volume in service.get("volumes") or ():
            source = interpolate(volume).split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name}: bind mount {source} does not exist"
            else:
                assert source in declared_volumes, f"{name}: volume {source} not declared"
        for dependency in service.get("depends_on") or ():
            assert dependency in services, f"{name}: depends on unknown service {dependency}"


def test_dockerfile_extends_airflow_3_3_2_and_copies_existing_files() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG AIRFLOW_IMAGE=apache/airflow:3\.3\.2$", dockerfile, re.M)
    assert re.findall(r"^FROM (\S+)", dockerfile, re.M)[-1] == "${AIRFLOW_IMAGE}"
    for sources in re.findall(r"^COPY (?!--from)(?:--\S+ )*(.+) \S+$", dockerfile, re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    assert "torch" not in dockerfile.replace("No torch", "")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests"} <= set(ignored)
    assert not {"pipeline", "dags", "pyproject.toml", "uv.lock"} & set(ignored)
