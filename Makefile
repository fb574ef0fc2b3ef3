# Casework Guide: `make run` serves the app with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
# Compile the dependencies' bytecode once, at install: with PYTHONDONTWRITEBYTECODE set (as on this project's
# machines) every process otherwise compiled pandas, Streamlit and SQLAlchemy from source at each start:
# 15 to 21 s against 5 to 6 s to import them at load average 10, paid by every server and test worker.
export UV_COMPILE_BYTECODE := 1
UV ?= $(shell command -v uv 2>/dev/null || echo .bootstrap/bin/uv)
PY := .venv/bin/python
PORT ?= 8501

.PHONY: run test env runtime migrate demo lint typecheck security bench clean

# Two stamps: `make run` needs the runtime dependencies only; `make test` needs the development group too.
# The runtime sync is --inexact, so after `make test` it keeps the dev tools (a superset) instead of removing
# them, and `make test` after `make run` adds them; either order works in one .venv.
env: .venv/.synced
runtime: .venv/.synced-runtime

$(UV):
	python3 -m pip install --quiet --target .bootstrap/lib uv
	mkdir -p .bootstrap/bin
	printf '#!/bin/sh\nPYTHONPATH=%s/.bootstrap/lib exec python3 -m uv "$$@"\n' "$(CURDIR)" > .bootstrap/bin/uv
	chmod +x .bootstrap/bin/uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@ .venv/.synced-runtime

# `make run` does not wait for bytecode: compiling all 6,383 files of the runtime dependencies at install took
# 48 s of a 87 s fresh-clone start (load 10); the server needs a fraction of them. `run` lets its processes
# write the bytecode of what they import (even where PYTHONDONTWRITEBYTECODE is set), so each module used is
# compiled once, by the first process that imports it. `make test` still compiles everything at install.
.venv/.synced-runtime: pyproject.toml uv.lock | $(UV)
	UV_COMPILE_BYTECODE=false $(UV) sync --frozen --no-dev --inexact
	touch $@

migrate: runtime
	$(PY) -m casework db upgrade

demo: migrate
	$(PY) -m casework demo load --if-empty

# One CLI process: migrations, demo data into an empty database, the sign-ins and the address on $(PORT).
run: runtime
	PYTHONDONTWRITEBYTECODE= $(PY) -m casework demo setup --port $(PORT)
	PYTHONDONTWRITEBYTECODE= $(PY) -m streamlit run serve.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# The app's own code (no tests); bandit scans it, and findings not accepted in security-allowlist.txt fail the build.
APP_CODE := app.py serve.py pages ui services db domain casework letters procedures tools
BANDIT_PATHS := $(APP_CODE)
LOCKED_REQS := .venv/requirements-locked.txt

# The project's own bytecode is written once before the tests: where PYTHONDONTWRITEBYTECODE is set (as on this
# project's machines) every server, command line and worker the suite starts compiled the app from source
# (about 0.6 s of CPU each time). Python still checks each file's date against its source.
test: env
	$(PY) -m ruff check .
	$(MAKE) --no-print-directory typecheck security
	PYTHONDONTWRITEBYTECODE= $(PY) -m compileall -q -j0 $(APP_CODE) tests benchmarks > /dev/null
	$(PY) -m pytest -n auto --dist loadgroup --durations=15  # the slowest tests: the suite must stay under 15 minutes

typecheck: env
	$(PY) -m mypy app.py serve.py pages ui db services procedures letters domain casework tools

# bandit on the code, pip-audit on every locked dependency (dev tools included: CI runs them).
# An unreachable vulnerability service is a loud warning (CASEWORK_REQUIRE_PIP_AUDIT=1 makes it a failure);
# CASEWORK_SKIP_PIP_AUDIT=1 skips pip-audit without asking.
security: env
	$(PY) tools/security_gate.py bandit $(BANDIT_PATHS)
	$(UV) export --frozen --all-groups --no-hashes --no-header --no-annotate --format requirements-txt --quiet > $(LOCKED_REQS)
	$(PY) tools/security_gate.py pip-audit $(LOCKED_REQS)

lint: env
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: env
	$(PY) benchmarks/run_all.py

clean:
	rm -rf .venv .bootstrap var/*.sqlite3*
