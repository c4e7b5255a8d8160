# `make help` lists the targets. Everything runs inside .venv/, created on first use.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: help serve test build check clean bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

serve: $(STAMP) ## set up and serve the site on http://127.0.0.1:8000
	$(PY) -m mkdocs serve --strict --dev-addr 127.0.0.1:8000

test: $(STAMP) ## set up and run every test (data, build, links, browser)
	$(PY) -m pytest -n 2 --dist loadfile tests

build: $(STAMP) ## build the static site into site/ (replaced only if the build succeeds)
	rm -rf site.tmp
	$(PY) -m mkdocs build --strict --site-dir site.tmp
	rm -rf site && mv site.tmp site

check: $(STAMP) ## validate every data file and print every problem
	$(PY) -m macros check

bench: $(STAMP) ## measure build time, memory, page weight and Lighthouse scores into bench/
	$(PY) bench/run.py

clean: ## remove the built site and caches (keeps .venv)
	rm -rf site site.tmp .pytest_cache
