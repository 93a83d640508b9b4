# Khabar: `make run` starts the product, `make test` checks it. Both create .venv when missing.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pytest worker processes (pytest-xdist); 0 runs the suite in this process
PYTEST_WORKERS ?= auto

.PHONY: run test lint typecheck pytest eval bench bench-scale clean

$(STAMP): pyproject.toml scripts/install-venv.sh
	PYTHON=$(PYTHON) scripts/install-venv.sh $(VENV) dev
	@touch $(STAMP)

## run: the Telegram bot when TELEGRAM_BOT_TOKEN is set (environment or .env), else the local console
run: $(STAMP)
	$(BIN)/khabar start

## test: lint, type-check and the whole test suite
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS)

## eval: quality figures on ../shared/data (skips what is absent)
eval: $(STAMP)
	$(BIN)/python scripts/eval.py

## bench: speed figures, each beside a baseline measured in the same run
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

## bench-scale: a million articles and 100,000 chats (set DATABASE_URL for PostgreSQL)
bench-scale: $(STAMP)
	$(BIN)/python scripts/scale_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
