# Two commands on a fresh machine: `make run` (install, migrate, demo content, serve on
# http://127.0.0.1:5000) and `make test` (install, lint, schemathesis against the live API, then the
# whole suite on SQLite and PostgreSQL: last, so that a run closes on the suite's own summary).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed
#: the PostgreSQL server the second test run uses; each run makes and drops its own database
TEST_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
#: seconds of generated API requests in test-fuzz (setup and start-up add ~40 s); `make test` runs
#: it beside the browser tests (~5 minutes), which it must not outlast (`FUZZ_MAX_TIME=300 make
#: test-fuzz` searches longer)
FUZZ_MAX_TIME ?= 45

.PHONY: install run test browser-fuzz test-sqlite test-postgres test-fuzz test-browser browser-deps chromium screenshot bench bench-peer serve-production api-docs pot messages lint format redis-server

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) govwiki demo
	# plain HTTP on this machine: cookies cannot be Secure here (production keeps them so)
	GOVWIKI_SECURE_COOKIES=$${GOVWIKI_SECURE_COOKIES:-0} $(FLASK) run --host 127.0.0.1 --port 5000

#: the two database runs side by side, one per core (each takes 7-9 minutes alone); the
#: PostgreSQL run's output is held back and printed after the SQLite run's, so that the two never
#: interleave and the command ends on a summary; it fails when either run fails. The browser
#: tests run before them, beside the API fuzzing only (they keep 1.4 of the 2 cores busy: a
#: server and Chromium; the fuzzing's ~70 s fit in the rest)
test: lint redis-server browser-fuzz
	@log=$$(mktemp); \
	$(MAKE) --no-print-directory test-postgres > $$log 2>&1 & postgres=$$!; \
	$(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
	wait $$postgres; pg=$$?; \
	echo "=== the PostgreSQL run (beside the SQLite run) ==="; cat $$log; rm -f $$log; \
	echo "SQLite run: exit $$sqlite; PostgreSQL run: exit $$pg"; \
	test $$sqlite -eq 0 && test $$pg -eq 0

#: the browser tests and the API fuzzing side by side, the fuzzing's output printed after the
#: browser tests'; fails when either fails
browser-fuzz: install browser-deps
	@log=$$(mktemp); \
	$(MAKE) --no-print-directory test-fuzz > $$log 2>&1 & fuzz=$$!; \
	$(MAKE) --no-print-directory test-browser; browser=$$?; \
	wait $$fuzz; fuzzed=$$?; \
	echo "=== the API fuzzing (beside the browser tests) ==="; cat $$log; rm -f $$log; \
	echo "browser tests: exit $$browser; API fuzzing: exit $$fuzzed"; \
	test $$browser -eq 0 && test $$fuzzed -eq 0

#: ruff's checks and its formatting, as CI runs them (`make format` rewrites the files)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

#: the suite starts a private redis-server of its own (tests/redis_server.py); install Debian's
#: package when the binary is missing (as root, without a prompt: CI has none)
redis-server:
	@command -v redis-server >/dev/null || { echo "redis-server is missing; installing Debian's package"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }

test-sqlite: install redis-server
	$(PY) -m pytest $(PYTEST_ARGS) --ignore=tests/browser

#: tests/core is plain Python with no database (the SQLite run has covered it), so the PostgreSQL
#: run leaves it out: 40 s of the 20-minute CI budget
test-postgres: install redis-server
	GOVWIKI_TEST_POSTGRES=$(TEST_POSTGRES) $(PY) -m pytest $(PYTEST_ARGS) --ignore=tests/core --ignore=tests/browser

#: axe-core, the accessibility rules the browser tests run in every page (MPL-2.0), fetched from
#: the npm registry into a git-ignored folder: a pinned version, and no minified file in the history
AXE_VERSION ?= 4.14.1
AXE := tests/browser/vendor/axe.min.js

#: the browser tests drive Debian's Chromium (Playwright's own browser builds cannot be fetched
#: here: never `playwright install`) and need a CJK font for the Chinese checks; install Debian's
#: packages when either is missing (as root, without a prompt)
chromium:
	@{ test -x /usr/bin/chromium && dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed'; } || { \
		echo "chromium or fonts-noto-cjk is missing; installing Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

$(AXE):
	@command -v npm >/dev/null || { echo "npm is missing; installing Debian's package"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	@mkdir -p $(@D)
	@tmp=$$(mktemp -d) && npm pack --silent --pack-destination $$tmp axe-core@$(AXE_VERSION) >/dev/null && \
		tar -xzf $$tmp/axe-core-$(AXE_VERSION).tgz -C $$tmp && \
		cp $$tmp/package/axe.min.js $$tmp/package/LICENSE $(@D)/ && rm -rf $$tmp
	@echo "axe-core $(AXE_VERSION) in $(@D)"

browser-deps: install chromium $(AXE)

#: journeys in Chromium on a phone and a desktop, with and without JavaScript, against gunicorn on
#: SQLite (tests/browser); screenshots go to test-output/screenshots/
test-browser: browser-deps
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

#: the README's picture (docs/screenshot.png), taken by the browser test that makes it
screenshot: browser-deps
	$(PY) -m pytest tests/browser/test_readme_screenshot.py -q
	cp test-output/screenshots/readme.png docs/screenshot.png

# schemathesis against a live server on 127.0.0.1 (PostgreSQL, the stricter database): no 500s,
# responses as govwiki/api/openapi.py documents them. See .ci/fuzz_api.py.
test-fuzz: install
	$(PY) .ci/fuzz_api.py --postgres $(TEST_POSTGRES) --max-time $(FUZZ_MAX_TIME)

#: where `make pot` writes the message catalogue (a test writes a fresh one elsewhere to compare)
POT ?= translations/messages.pot

#: extract every interface string (web, services, core, templates) into the message catalogue
pot: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k N_ -k Message --no-location --sort-output \
		--omit-header --no-wrap --project GovWiki -o $(POT) .

#: regenerate the catalogue, update the Chinese one from it (new messages arrive untranslated,
#: and the i18n tests then name them) and compile it
messages: pot
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
		--ignore-obsolete --no-wrap
	$(VENV)/bin/pybabel compile -d translations

#: rewrite the generated route table of docs/API.md from the OpenAPI document
api-docs: install
	$(PY) -m govwiki.api.reference

bench: install
	$(PY) bench/run_all.py

#: the shared side-by-side harness (An Otter Wiki from PyPI, this GovWiki, hello world); ~15 minutes,
#: writes section 7 of docs/PERFORMANCE.md
PEER_HARNESS ?= ../shared/bench
bench-peer: install
	GOVWIKI_PEER_HARNESS=$(PEER_HARNESS) $(PY) bench/bench_peer.py

serve-production: install
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --config gunicorn.conf.py app:app
