"""docker-compose.yml and the Dockerfile, checked without Docker (there is none here).

The compose file is validated against the Compose Specification's JSON schema (vendored in
tests/data/, see compose-spec.NOTICE), then against what the deployment promises: the official
Airflow 3 component layout, the two named workers and the settings of ``tools/airflow_celery.py``
(the same deployment without Docker), SeaweedFS with its bucket, the models volume, the
connection pointing at SeaweedFS, and no reference to a file that does not exist.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from airflow_celery import celery_environment, parse_args, worker_queues  # noqa: E402 - tools/ is no package

COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker-1",
    "airflow-worker-2",
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
    broken["services"]["airflow-worker-1"]["depends_on"]["redis"]["condition"] = "whenever"
    broken["services"]["airflow-worker-1"]["restartt"] = "always"
    assert len(list(VALIDATOR(SCHEMA).iter_errors(broken))) >= 2


def test_official_airflow_3_layout(compose: dict[str, Any]) -> None:
    services = compose["services"]
    stores = {"postgres", "redis", "seaweedfs", "seaweedfs-init", "docpipe-models-init"}
    assert set(services) >= {*AIRFLOW_SERVICES, *stores}
    commands = {name: services[name].get("command").split(" --")[0] for name in AIRFLOW_SERVICES[:6]}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
        "airflow-worker-1": "celery worker",
        "airflow-worker-2": "celery worker",
    }
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        assert services[name]["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    init = services["airflow-init"]
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    assert "airflow pools set translate" in init["command"][1]
    for name in AIRFLOW_SERVICES[:6]:
        assert services[name]["depends_on"]["airflow-init"] == {"condition": "service_completed_successfully"}


def test_two_named_workers_like_the_local_celery_stack(compose: dict[str, Any]) -> None:
    args = parse_args([])
    assert args.workers == 2
    for index in (1, 2):
        worker = compose["services"][f"airflow-worker-{index}"]
        name = f"worker{index}"
        assert "container_name" not in worker and "ports" not in worker
        assert worker["hostname"] == name  # what Airflow records as the task instance's hostname
        assert f"--celery-hostname {name}@{name}" in worker["command"]
        queues = interpolate(worker["command"].split("--queues ")[1])
        assert queues == worker_queues(index, args)  # default; worker2 takes gpu with DOCPIPE_WORKER2_QUEUES
        assert worker["environment"]["DUMB_INIT_SETSID"] == "0"  # warm Celery shutdown
        assert worker["depends_on"]["docpipe-models-init"]["condition"] == "service_completed_successfully"
    assert worker_queues(2, parse_args(["--gpu-workers", "1"])) == "default,gpu"
    assert "${DOCPIPE_WORKER2_QUEUES:-default}" in compose["services"]["airflow-worker-2"]["command"]


def test_airflow_settings_match_the_local_celery_stack(compose: dict[str, Any], tmp_path: Path) -> None:
    """The scheduler and Celery settings tools/airflow_celery.py sets, with its defaults, are compose's."""
    args = parse_args([])
    local = celery_environment({}, tmp_path, "db", "redis://broker", args)
    for name in AIRFLOW_SERVICES:
        env = compose["services"][name]["environment"]
        for key in (
            "AIRFLOW__CORE__EXECUTOR",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL",
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT",
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL",
        ):
            assert interpolate(str(env[key])) == local[key], (name, key)
        assert len(interpolate(env["AIRFLOW__API_AUTH__JWT_SECRET"])) >= 64  # shared by API server and workers
    init = compose["services"]["airflow-init"]
    assert interpolate(init["environment"]["DOCPIPE_TRANSLATE_POOL_SLOTS"]) == str(args.pool_slots)


def test_seaweedfs_bucket_and_connection_agree(compose: dict[str, Any]) -> None:
    services = compose["services"]
    env = services["airflow-worker-1"]["environment"]
    connection = json.loads(interpolate(env["AIRFLOW_CONN_AWS_DEFAULT"]))
    assert connection["extra"]["endpoint_url"] == "http://seaweedfs:8333"
    assert services["seaweedfs"]["command"][0] == "mini" and "-s3.port=8333" in services["seaweedfs"]["command"]
    seaweed_env = services["seaweedfs"]["environment"]
    assert connection["login"] == interpolate(seaweed_env["AWS_ACCESS_KEY_ID"])
    assert connection["password"] == interpolate(seaweed_env["AWS_SECRET_ACCESS_KEY"])
    bucket = interpolate(env["DOCPIPE_BUCKET"])
    init = services["seaweedfs-init"]
    assert interpolate(init["environment"]["DOCPIPE_BUCKET"]) == bucket
    assert interpolate(init["environment"]["AWS_ENDPOINT_URL"]) == "http://seaweedfs:8333"
    assert interpolate(init["environment"]["AWS_ACCESS_KEY_ID"]) == connection["login"]
    assert 's3.create_bucket(Bucket=name)' in init["command"][1]
    assert init["depends_on"]["seaweedfs"]["condition"] == "service_healthy"


def test_models_volume_everywhere_the_pipeline_runs(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("airflow-worker-1", "airflow-worker-2", "docpipe-models-init"):
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
