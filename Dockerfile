# docpipe on Airflow: the official Airflow 3.3.2 image plus this project, CPU-only.
#
#   docker build -t docpipe-airflow:3.3.2 .        (docker compose builds it for you)
#
# Dependencies come from uv.lock (runtime group only, exact versions, resolved together with
# apache-airflow 3.3.2), so the workers run what the tests ran. No torch, no CUDA toolkit: the
# CTranslate2 wheel runs on the CPU as is. Models are not baked in; they live in a volume
# (/opt/airflow/models, see docker-compose.yml and docs/airflow.md).
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2

# Stage 1: turn uv.lock into a pinned requirements file (the runtime dependencies only).
FROM ${AIRFLOW_IMAGE} AS requirements
USER airflow
WORKDIR /tmp/docpipe
COPY pyproject.toml uv.lock ./
RUN pip install --no-cache-dir --user "uv==0.13.8" \
 && python -m uv export --frozen --no-dev --no-emit-project --no-hashes --format requirements-txt \
      --output-file /tmp/docpipe/requirements.txt

# Stage 2: the image the Airflow components run.
FROM ${AIRFLOW_IMAGE}
ARG AIRFLOW_VERSION=3.3.2
USER airflow
COPY --from=requirements /tmp/docpipe/requirements.txt /tmp/docpipe-requirements.txt
# Pinning apache-airflow keeps pip from moving the image's Airflow while installing the lock.
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /tmp/docpipe-requirements.txt
COPY --chown=airflow:0 pyproject.toml README.md /opt/docpipe/
COPY --chown=airflow:0 pipeline /opt/docpipe/pipeline
# docpipe itself, then dateparser's regex patterns compiled once for every task (pipeline/regex_cache.py)
RUN pip install --no-cache-dir --no-deps /opt/docpipe \
 && python -m pipeline.regex_cache \
 && mkdir -p /opt/airflow/models /opt/airflow/memory
COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
ENV DOCPIPE_MODELS_DIR=/opt/airflow/models \
    DOCPIPE_TRANSLATION_MEMORY=/opt/airflow/memory/translation-memory.sqlite3 \
    AIRFLOW__CORE__LOAD_EXAMPLES=False
# Fail the build, not the first task, if the DAGs or the pipeline do not import.
RUN python -c "import pipeline.orchestration, pipeline.runner" \
 && docpipe --version
