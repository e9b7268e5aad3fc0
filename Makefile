# Blocksmith — see README.md. Every target creates .venv/ on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test demo bench install

run: $(VENV)/.installed  ## Start the whole system (web, worker, beat, Redis) on the embedded defaults
	$(PY) manage.py runstack

test: $(VENV)/.installed-dev  ## Lint, check, and run the whole suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(ARGS)

demo: $(VENV)/.installed-dev  ## Drive a running `make run` through the API and WebSocket
	$(PY) scripts/demo.py

bench: $(VENV)/.installed-dev  ## Start the system and measure it with a load generator
	$(PY) scripts/bench.py

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@
