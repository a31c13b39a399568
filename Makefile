# The two commands of README.md:  `make run`  and  `make test`.
# Everything is installed into .venv from requirements.lock (exact versions), with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/yijianshi
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres demo lint bench clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

## make run: install, migrate the embedded SQLite database, load the catalogue and demo data, serve on :8000
run: $(STAMP)
	$(BIN)/yijianshi demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/  admin / yijianshi-admin)"
	$(BIN)/yijianshi runserver $(HOST):$(PORT) --noreload

## make test: install what the tests need and run the whole suite on SQLite, then on PostgreSQL
test: $(STAMP)
	$(BIN)/ruff check yijianshi tests bench
	$(BIN)/ruff format --check yijianshi tests bench scripts
	$(BIN)/mypy yijianshi
	$(BIN)/lint-imports  # the direction of dependence (docs/architecture.md)
	bash scripts/ensure_chromium.sh  # Debian's Chromium for tests/browser, installed when missing
	$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL): CI must run the suite on it"; exit 1; \
	else \
		echo "*** PostgreSQL is not reachable at $(PG_URL): the suite ran on SQLite only ***"; \
	fi

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest

# the second pass leaves out what does not depend on the engine (rule 8; tests/conftest.py)
test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) YIJIANSHI_SECOND_DATABASE_PASS=1 $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check yijianshi tests bench
	$(BIN)/ruff format --check yijianshi tests bench scripts
	$(BIN)/mypy yijianshi
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/catalog_engine.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
