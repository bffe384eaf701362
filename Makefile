# docpipe — the two commands a newcomer needs:
#   make run    set up .venv from uv.lock and process seeds/ into ./out
#   make test   set up .venv from uv.lock and run lint + the whole test suite
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup run test lint bench clean

setup: $(VENV)/.synced

# Bootstrap: a plain venv, uv pinned inside it, then the locked environment (uv is in the
# lock's dev group at the same version, so the sync keeps it).
$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) sync --frozen --python $(VENV)/bin/python
	touch $@

run: setup
	$(VENV)/bin/docpipe run seeds/ --out ./out

test: setup lint
	$(VENV)/bin/python -m pytest

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(VENV)/bin/python bench/run_all.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
