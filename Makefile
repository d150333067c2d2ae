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

.PHONY: setup studio-setup demo test lint bench clean help

help:
	@echo "make demo   - set up, then ingest, annotate, push to a local Label Studio and export the seeds"
	@echo "make test   - set up, then run every test (lint, types, unit, integration with a real Label Studio)"
	@echo "make bench  - benchmark figures (needs ../shared/polnear-dev)"

# uv itself, pinned, in a small environment of its own (so `uv pip sync` never removes it).
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	VIRTUAL_ENV=$(VENV) $(UV) pip sync --quiet requirements.lock
	VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet --no-deps -e .
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
	@echo "Open the Label Studio URL above and log in with the user and password 'studio start' printed;"
	@echo "'.venv/bin/curation studio stop' stops it."

test: setup studio-setup
	$(VENV)/bin/ruff check curation tests bench
	$(VENV)/bin/mypy curation bench
	CURATION_STUDIO_VENV=$(abspath $(STUDIO_VENV)) $(VENV)/bin/pytest -q

lint: setup
	$(VENV)/bin/ruff check curation tests bench
	$(VENV)/bin/mypy curation bench

bench: setup studio-setup
	VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet -r bench/requirements.lock
	$(VENV)/bin/python bench/attribution.py
	$(VENV)/bin/python bench/ingest.py
	$(VENV)/bin/python bench/evaluate.py
	$(VENV)/bin/python bench/claims.py
	$(VENV)/bin/python bench/crossdoc.py
	$(VENV)/bin/python bench/export.py
	$(VENV)/bin/python bench/push.py
	@mkdir -p .bench
	$(CURATION) ingest ../shared/polnear-dev --format brat -o .bench/polnear-gold.jsonl -q
	$(CURATION) evaluate --gold .bench/polnear-gold.jsonl --system spacy --html .bench/polnear-report.html -q

clean:
	rm -rf $(VENV) $(STUDIO_VENV) $(TOOLS) $(WORK)
