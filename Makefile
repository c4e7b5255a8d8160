# `make help` lists the targets. Everything runs inside .venv/, created on first use;
# tests/setup.sh does the setting up (and says what it is doing).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: help serve test test-fast lint build check bench fmt fmt-check new-case new-source new-concept screenshots cff release vendor clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@bash tests/setup.sh venv $(VENV)
	@touch $(STAMP)

serve: $(STAMP) ## set up and serve the site on http://127.0.0.1:8000
	$(PY) -m mkdocs serve --strict --dev-addr 127.0.0.1:8000

test: $(STAMP) ## set up and run every test (lint, formatting, data, views, build, links, HTML, browser)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@# make fmt-check runs among the tests (test_contributing.py), alongside the others
	@bash tests/setup.sh java
	@chromium=$$(bash tests/setup.sh browser $(PY)) && \
	  echo "==> running every test (two workers sharing each built site)" && \
	  CHROMIUM_PATH="$$chromium" $(PY) -m pytest -n 2 --dist worksteal -m "not screenshot" tests

test-fast: $(STAMP) ## the unit tests: loader, checks, verdict rule, views, templates (no build, no browser)
	HYPOTHESIS_PROFILE=fast $(PY) -m pytest -q -m "not slow" tests

lint: $(STAMP) ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

build: $(STAMP) ## build the static site into site/ (replaced only if the build succeeds)
	rm -rf site.tmp
	$(PY) -m mkdocs build --strict --site-dir site.tmp
	rm -rf site && mv site.tmp site

check: $(STAMP) ## validate every data file and print every problem
	$(PY) -m macros check

bench: $(STAMP) ## measure build time, memory, page weight and Lighthouse scores into bench/
	$(PY) bench/run.py

fmt: $(STAMP) ## format every data file (keeps comments, never changes a value)
	$(PY) -m macros fmt

fmt-check: $(STAMP) ## fail if make fmt would change a data file
	$(PY) -m macros fmt --check

new-case: $(STAMP) ## write a commented template: make new-case ID=<id>
	@test -n "$(ID)" || { echo "usage: make new-case ID=<id>, e.g. ID=caspian-naval-exercises-2025" >&2; exit 2; }
	$(PY) -m macros new case '$(ID)'

new-source: $(STAMP) ## write a commented template: make new-source ID=<id>
	@test -n "$(ID)" || { echo "usage: make new-source ID=<id>, e.g. ID=reuters-2025-caspian-drills" >&2; exit 2; }
	$(PY) -m macros new source '$(ID)'

new-concept: $(STAMP) ## write a commented template: make new-concept ID=<id>
	@test -n "$(ID)" || { echo "usage: make new-concept ID=<id>" >&2; exit 2; }
	$(PY) -m macros new concept '$(ID)'

screenshots: $(STAMP) ## every page kind at 375 and 1280 px, light and dark, into test-artifacts/screenshots/
	@chromium=$$(bash tests/setup.sh browser $(PY)) && \
	  CHROMIUM_PATH="$$chromium" $(PY) -m pytest -q -m screenshot tests/test_browser.py
	@echo "==> screenshots in test-artifacts/screenshots/"

cff: $(STAMP) ## write CITATION.cff from mkdocs.yml extra.citation
	$(PY) -m macros cff

release: $(STAMP) ## freeze the version in mkdocs.yml (extra.citation.version) on gh-pages with mike; needs SITE_URL
	@test -n "$$SITE_URL" || { echo "set SITE_URL to the site's published root address" >&2; exit 2; }
	git fetch origin gh-pages:gh-pages || echo "no gh-pages branch on origin yet: first release"
	$(PY) -m macros release-check
	$(PY) -m macros cff --check
	version=$$($(PY) -c 'from macros.citation import load_record; print(load_record("mkdocs.yml").version)') && \
	  PATH="$(abspath $(VENV))/bin:$$PATH" PYTHONPATH="$(CURDIR)" REQUIRE_SITE_URL=1 \
	  $(VENV)/bin/mike deploy --alias-type copy --update-aliases "$$version" latest && \
	  $(VENV)/bin/mike set-default latest --allow-empty
	@echo "Now check the gh-pages branch, then: git push origin gh-pages"

vendor: ## refresh the browser libraries the site serves itself (versions in package.json)
	npm ci --ignore-scripts --no-audit --no-fund
	cp node_modules/tablesort/dist/tablesort.min.js docs/javascripts/vendor/tablesort.min.js
	cp node_modules/tablesort/LICENCE docs/javascripts/vendor/tablesort.LICENCE.txt
	@echo "==> docs/javascripts/vendor/ refreshed; run make test"

clean: ## remove the built site and caches (keeps .venv)
	rm -rf site site.tmp .pytest_cache .ruff_cache
