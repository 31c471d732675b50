# The two commands of the README: `make run` and `make test`. Both make .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock run test lint format clean bench-spreadsheets loadtest bench

# Exactly the versions of requirements/dev.txt, each checked against its hash.
$(INSTALLED): requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $(INSTALLED)

install: $(INSTALLED)

# After a change of pyproject.toml's dependencies: pin the newest versions they allow, with
# hashes, for production (requirements/base.txt) and development (requirements/dev.txt).
PIP_COMPILE = $(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(INSTALLED)
	$(PIP_COMPILE) -o requirements/base.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml

# Development server on SQLite with the reference data and the demo users, printed with their
# password (DEMO_PASSWORD, or a new one) and the sign-in address. `make run PORT=8001`.
run: export DEBUG = True
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo --host $(HOST) --port $(PORT)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole test suite; the browser tests run when /usr/bin/chromium is there.
test: $(INSTALLED)
	$(BIN)/python manage.py makemigrations --check --dry-run --no-input
	$(BIN)/pytest $(PYTEST_ARGS)

# Time and peak memory of exporting and importing 20,000 activities, in a throwaway SQLite
# database (or DATABASE_URL's); the table goes to bench/results/.
bench-spreadsheets: $(INSTALLED)
	$(BIN)/python bench/spreadsheets.py

# 50 users for 60 seconds against gunicorn + PostgreSQL on 127.0.0.1, in a throwaway database
# (LOADTEST_DATABASE_URL, default tracker_loadtest), 10 % of their actions writes; fails on any
# error or lost write, not on latency. The report goes to bench/results/.
# LOADTEST_ARGS="--users 10 --duration 20" for a shorter run. Issue #18's run, at 100,000
# generated activities (about 4 minutes more, to generate them):
#   make loadtest LOADTEST_ARGS="--activities 100000 --writes 0.1"
loadtest: $(INSTALLED)
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

# Each page's latency and SQL queries at 1,000, 10,000 and 100,000 generated activities, with
# the cache off (dummy://) and on (Redis), against gunicorn + PostgreSQL on 127.0.0.1, as a
# multiple of a trivial page; the dashboard's and the report's page sizes; in a throwaway
# database (BENCH_DATABASE_URL, default tracker_bench). Not part of `make test`; goals not met
# do not fail it. The table goes to bench/results/. BENCH_ARGS="--sizes 1000,10000" for a
# shorter run.
bench: $(INSTALLED)
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
