# All set-up happens here, from nothing: uv if missing, .venv, the locked dependencies, the package.
# `make demo` runs the main job on seeds/, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
STUDIO_VENV := .studio-venv
CURATION := $(VENV)/bin/curation
WORK := .demo

.PHONY: setup studio-setup demo test test-browser check-chromium browser-lock lint bench check-polnear clean help

help:
	@echo "make demo   - set up, then ingest, annotate, push to a local Label Studio and export the seeds"
	@echo "make test   - set up, then run every test (lint, types, unit, integration with a real Label Studio)"
	@echo "make test-browser - the tests in Label Studio's real editor (playwright + the system Chromium)"
	@echo "make bench  - benchmark figures (needs ../shared/polnear-dev)"
	@echo "make check-polnear - no PolNeAR sentence copied into tests, code or docs (needs the corpora)"

# uv itself, pinned, in a small environment of its own (so `uv pip sync` never removes it).
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled at install (--compile-bytecode, compileall): uv writes none by default, and with
# PYTHONDONTWRITEBYTECODE set (as on the shared machine) every process compiled spaCy, scipy and ours
# again on each import; a spawned export or annotate worker spent most of its start-up doing that.
$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	VIRTUAL_ENV=$(VENV) $(UV) pip sync --quiet --compile-bytecode requirements.lock
	VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet --no-deps -e .
	$(VENV)/bin/python -m compileall -q curation
	touch $@

setup: $(VENV)/.installed

# Label Studio lives in its own environment: its exact pins conflict with the project's.
$(STUDIO_VENV)/.installed: studio/requirements.lock | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(STUDIO_VENV)
	VIRTUAL_ENV=$(STUDIO_VENV) $(UV) pip sync --quiet studio/requirements.lock
	touch $@

studio-setup: $(STUDIO_VENV)/.installed

demo: setup studio-setup
	@mkdir -p $(WORK)
	$(CURATION) ingest seeds/ -o $(WORK)/docs.jsonl
	$(CURATION) annotate $(WORK)/docs.jsonl -o $(WORK)/preannotations.jsonl
	$(CURATION) summary $(WORK)/preannotations.jsonl
	$(CURATION) quotes $(WORK)/preannotations.jsonl --quiet
	$(CURATION) export $(WORK)/preannotations.jsonl --name seeds-silver --silver --out exports
	$(CURATION) studio start
	$(CURATION) push $(WORK)/preannotations.jsonl --project seeds
	$(CURATION) studio status
	@echo "Open the Label Studio URL above; the admin login is in .curation/studio.json (readable by you only);"
	@echo "add annotators with '.venv/bin/curation studio user add NAME'; '.venv/bin/curation studio stop' stops it."

test: setup studio-setup
	$(VENV)/bin/ruff check curation tests bench
	$(VENV)/bin/mypy curation bench
	CURATION_STUDIO_VENV=$(abspath $(STUDIO_VENV)) $(VENV)/bin/pytest -q

# Browser tests: playwright from its own lock (exact pins, hashes) drives the system Chromium; no browser
# is ever downloaded. `make setup` syncs .venv to requirements.lock (removing playwright): the stamp below
# depends on it, so playwright comes back on the next run.
CHROMIUM ?= /usr/bin/chromium
BROWSER_LOCK := tests/browser/requirements.lock

$(VENV)/.browser-installed: $(BROWSER_LOCK) $(VENV)/.installed
	VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet -r $(BROWSER_LOCK)
	touch $@

check-chromium:
	@test -x $(CHROMIUM) || { echo "make test-browser: no Chromium at $(CHROMIUM): install it with 'apt-get install chromium' (or set CHROMIUM=/path/to/chromium)"; exit 1; }

test-browser: check-chromium setup studio-setup $(VENV)/.browser-installed
	CURATION_CHROMIUM=$(CHROMIUM) CURATION_STUDIO_VENV=$(abspath $(STUDIO_VENV)) $(VENV)/bin/pytest -q -m browser tests/browser

# Re-lock playwright after editing tests/browser/requirements.in (pinned against requirements.lock).
browser-lock: | $(UV)
	$(UV) pip compile tests/browser/requirements.in -c requirements.lock --python-version 3.11 \
		--generate-hashes --no-header -o $(BROWSER_LOCK)

lint: setup
	$(VENV)/bin/ruff check curation tests bench
	$(VENV)/bin/mypy curation bench

# PolNeAR has no licence: no run of 7 of its words in a row may be in the tracked files (bench/polnear_leaks.py).
# Not part of `make test`: CI has no PolNeAR.
check-polnear: setup
	$(VENV)/bin/python bench/polnear_leaks.py

bench: setup studio-setup
	VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet -r bench/requirements.lock
	$(VENV)/bin/python bench/attribution.py
	$(VENV)/bin/python bench/ingest.py
	$(VENV)/bin/python bench/evaluate.py
	$(VENV)/bin/python bench/claims.py
	$(VENV)/bin/python bench/quotes.py
	$(VENV)/bin/python bench/export.py
	$(VENV)/bin/python bench/push.py
	@mkdir -p .bench
	$(CURATION) ingest ../shared/polnear-dev --format brat -o .bench/polnear-gold.jsonl -q
	$(CURATION) evaluate --gold .bench/polnear-gold.jsonl --system spacy --html .bench/polnear-report.html -q

clean:
	rm -rf $(VENV) $(STUDIO_VENV) $(TOOLS) $(WORK)
