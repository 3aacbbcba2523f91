# T-Minus: a thin menu over the `tminus` command line. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TMINUS := $(BIN)/tminus
DATA_MIRROR ?= ../shared/datasets
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
# pytest worker processes for `make test`: one a core (auto), each taking whole test files so
# that a file's fixtures are built once; TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto
IMAGE ?= tminus:latest
export DATA_MIRROR

.PHONY: help install data update train evaluate retrain promote serve run check lint types contracts \
        test test-fast bench bench-deps bench-smoke docker-build docker-run docker-test \
        deploy-build deploy-validate deploy-test clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[train,dev]'
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the package with its training and dev tools

data: install ## Copy the sources (DATA_MIRROR, or upstream if empty) and build validated tables
	$(TMINUS) data fetch $(if $(DATA_MIRROR),--mirror $(DATA_MIRROR),)
	$(TMINUS) data build

update: install ## GCAT's current launch list from upstream (UPSTREAM=url), rebuild, retrain, promote
	@test -f datasets/processed/_build.json || $(MAKE) --no-print-directory data
	$(TMINUS) data update $(if $(UPSTREAM),--upstream $(UPSTREAM),)

train: install ## Train every model and register new versions (no promotion)
	$(TMINUS) train --model all

evaluate: install ## Re-run every backtest and print it beside the baselines
	$(TMINUS) evaluate

retrain: data ## Data, train + backtest all, register as challenger, promote winners to champion
	$(TMINUS) train --model all --promote

promote: install ## Promote explicitly: make promote MODEL=launch_failure VERSION=...
	@test -n "$(MODEL)" -a -n "$(VERSION)" || { echo "usage: make promote MODEL=<name> VERSION=<version>"; exit 2; }
	$(TMINUS) promote $(MODEL) $(VERSION)

serve: install ## Serve the champion models on http://HOST:PORT (default 127.0.0.1:8000)
	$(TMINUS) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

run: data ## Install, get the data, train if no champion is promoted, then serve
	@$(TMINUS) models list --require-champions >/dev/null 2>&1 || $(TMINUS) train --model all --promote
	$(TMINUS) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

lint: install ## ruff lint and format check
	$(BIN)/ruff check service tests benchmarks
	$(BIN)/ruff format --check service tests benchmarks

types: install ## mypy (strict) on the package
	$(BIN)/mypy

contracts: install ## import-linter: the serving side never imports training
	$(BIN)/lint-imports

check: lint types contracts ## The static checks CI runs: ruff, mypy, import contracts

.PHONY: browser-deps
browser-deps: ## Chromium + chromedriver for the dashboard's browser tests (apt, only if missing)
	@scripts/browser-deps.sh

test: check browser-deps ## Install, then lint, types, import contracts and the whole test suite
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

test-fast: install ## Only the unit tests
	$(BIN)/pytest tests/unit

.PHONY: reliability
reliability: install ## Fuzzing, hostile input, 60 s load with live flips, kill -9, tampering (~3 min)
	$(BIN)/pytest tests/reliability

bench-deps: install ## wrk (apt) and MLflow in its own venv, .build/mlflow, for the benchmarks
	@scripts/bench-deps.sh

bench: data bench-deps ## All benchmarks (~15 min); writes benchmarks/RESULTS.md, RESULTS_PLAN.md and RESULTS_SCALING.md
	@$(TMINUS) models list --require-champions >/dev/null 2>&1 || $(TMINUS) train --model all --promote
	$(BIN)/python benchmarks/training.py
	$(BIN)/python benchmarks/latency.py
	$(BIN)/python benchmarks/scaling.py --output benchmarks/RESULTS_SCALING.md
	$(BIN)/python benchmarks/plan.py --output benchmarks/RESULTS_PLAN.md
	$(BIN)/python benchmarks/serving.py

bench-smoke: data bench-deps ## The benchmarks with few runs: checks they work, measures nothing (CI)
	@$(TMINUS) models list --require-champions >/dev/null 2>&1 || $(TMINUS) train --model all --promote
	$(BIN)/python benchmarks/training.py --runs 1 --models launch_failure
	$(BIN)/python benchmarks/latency.py --runs 200 --warmup 20
	$(BIN)/python benchmarks/scaling.py --scales 1 2 --runs 200 --starts 1
	$(BIN)/python benchmarks/plan.py --runs 3 --warmup 1
	$(BIN)/python benchmarks/serving.py --smoke

docker-build: install ## Build the service image (BASE_IMAGE=... to change the base)
	scripts/docker-build.sh $(IMAGE)

docker-run: ## Run the image on PORT (MODELS=path mounts another models folder)
	scripts/docker-run.sh $(IMAGE)

docker-test: install ## Build and run the image for real and check a prediction (starts dockerd)
	scripts/docker-test.sh

deploy-build: install ## The images of deploy/: service, updater and HAProxy balancer (Docker engine)
	scripts/deploy-build.sh

deploy-validate: install ## deploy/k8s against the pinned Kubernetes schemas; deploy/ against the image
	$(BIN)/pytest tests/deploy

deploy-test: install ## deploy/compose.yaml for real: 3 replicas, balancer, 60 s of load, kill -9, updater
	scripts/deploy-test.sh

clean: ## Remove the virtual environment, caches and processed data (keeps models/)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache datasets/processed
