# Parley: `make setup` then `make dev`. `make` alone lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The environment always wins; .env (written by `make setup`; PARLEY_ENV_FILE names another)
# fills the gaps. The API (settings.py) and the web app (web/root-env.mjs) read the same file.
ENV_FILE := $(or $(PARLEY_ENV_FILE),.env)
env_value = $(shell sed -n 's/^$(1)=//p' $(ENV_FILE) 2>/dev/null | tail -n 1)
API_PORT ?= $(or $(call env_value,API_PORT),8000)
WEB_PORT ?= $(or $(call env_value,WEB_PORT),3000)
export API_PORT WEB_PORT
# uv uses the machine's Python 3.11+ rather than downloading one.
export UV_PYTHON_DOWNLOADS ?= never
export NEXT_TELEMETRY_DISABLED := 1

API := cd api && uv run --frozen
PNPM_VERSION := 10.34.9

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]*:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: setup
setup: ## Install everything, write .env (API_PORT, WEB_PORT, DATABASE_URL from the environment), create and migrate the database
	@command -v uv >/dev/null || python3 -m pip install --quiet uv
	@command -v pnpm >/dev/null || npm install --global --silent pnpm@$(PNPM_VERSION)
	cd api && uv sync --frozen
	pnpm install --frozen-lockfile
	@# .env first, and what it says, before any database is created.
	$(API) python -m parley.local_setup env
	$(API) python -m parley.local_setup createdb
	$(MAKE) --no-print-directory migrate

.PHONY: dev
dev: ## Run the API (:API_PORT) and the web app (:WEB_PORT) with reload
	$(MAKE) --no-print-directory -j2 dev-api dev-web

.PHONY: dev-api
dev-api: ## Run the API with reload on API_PORT (8000)
	$(API) uvicorn parley.main:create_app --factory --no-proxy-headers --ws-per-message-deflate false --reload --host 0.0.0.0 --port $(API_PORT)

.PHONY: serve
serve: ## Run the API as in production: no reload, API_WORKERS processes on API_PORT
	$(API) python -m parley.server

.PHONY: dev-web
dev-web: ## Run the web app in development on WEB_PORT (3000), API URL from .env
	pnpm --filter web dev

.PHONY: migrate
migrate: ## Apply database migrations (alembic upgrade head)
	$(API) alembic upgrade head

.PHONY: db-reset
db-reset: ## Drop, recreate and migrate the database (destroys its data)
	$(API) python -m parley.local_setup dropdb
	$(API) python -m parley.local_setup createdb
	$(MAKE) --no-print-directory migrate

.PHONY: seed-db
seed-db: ## Add demo users and conversations (see README; running it again changes nothing)
	$(API) python -m parley.seed

.PHONY: db-backup
db-backup: ## Dump the database into backups/ (pg_dump, custom format)
	$(API) python -m parley.local_setup backup ../backups

.PHONY: db-restore
db-restore: ## Restore a dump: make db-restore FILE=backups/parley-....dump
	@test -n "$(FILE)" || { echo "usage: make db-restore FILE=backups/<name>.dump"; exit 2; }
	$(API) python -m parley.local_setup restore $(abspath $(FILE))

.PHONY: generate
generate: ## Export schema.graphql from the API code and regenerate the web client
	$(API) python -m parley.graphql.export
	pnpm run codegen

.PHONY: check-generated
check-generated: ## Fail when schema.graphql or the generated web client is stale
	$(API) python -m parley.graphql.export --check
	pnpm run codegen:check

.PHONY: test
test: test-api test-web ## Run every test (API, web unit, browser end-to-end)

.PHONY: test-api
test-api: ## API tests against the real PostgreSQL and Redis
	$(API) pytest

.PHONY: test-web
test-web: ## Web unit tests (Vitest) and browser tests (Playwright in Chromium)
	pnpm --filter web test
	pnpm --filter web test:e2e

.PHONY: lint
lint: check-generated typecheck ## ruff, ESLint, Prettier, typecheck and check-generated
	cd api && uv run --frozen ruff check . && uv run --frozen ruff format --check .
	pnpm --filter web lint
	pnpm --filter web format:check

.PHONY: typecheck
typecheck: ## mypy (strict) and TypeScript (strict)
	$(API) mypy parley tests bench
	pnpm --filter web typecheck

.PHONY: format
format: ## Format and auto-fix Python and TypeScript
	cd api && uv run --frozen ruff check --fix . && uv run --frozen ruff format .
	pnpm --filter web format

.PHONY: rename
rename: ## Make the template yours: make rename NAME=acme (package names, titles, compose, README)
	@test -n "$(NAME)" || { echo "usage: make rename NAME=acme"; exit 2; }
	python3 tools/rename.py $(NAME)

.PHONY: bench
bench: ## Benchmarks (not tests): streaming, durable replies, throughput, login storm, hostile documents, search, soak (SOAK_SECONDS); results in api/bench/*.md
	$(API) python -m bench.streaming
	$(API) python -m bench.durable
	$(API) python -m bench.throughput
	$(API) python -m bench.login_storm
	$(API) python -m bench.hostile
	$(API) python -m bench.search
	$(API) python -m bench.soak
