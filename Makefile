# Every target installs what it needs first: uv (via pip when missing), then the locked environment.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PYTEST_ARGS ?=

.PHONY: install dev test lint format web migrate

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv || \
		python3 -m pip install --quiet --break-system-packages uv
	@$(UV) sync --frozen --quiet

web: install
	@if [ -f web/Makefile ]; then $(MAKE) -C web build; fi

dev: install web
	$(UV) run althaus dev

test: install web
	$(UV) run pytest $(PYTEST_ARGS)

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy althaus core supergraph subgraphs plugins

format: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

migrate: install
	$(UV) run althaus migrate
