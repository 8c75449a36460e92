# Assurdesk: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-tenancy bench assets translations extract clean system-deps

install: $(STAMP) assets translations

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,prod]'
	touch $(STAMP)

assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/bootstrap.min.css
	touch $@

translations: $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d app/translations

# Refresh the catalogues after changing UI strings. Babel skips folders starting
# with "_" by default, which would drop templates/_partials: hence --ignore-dirs.
# pgettext(context, string) tells apart an English word with two French ones.
extract: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 -k lazy_pgettext:1c,2 --ignore-dirs ".* node_modules instance" -o /tmp/assurdesk-messages.pot .
	$(VENV)/bin/pybabel update -i /tmp/assurdesk-messages.pot -d app/translations

system-deps:
	bash .ci/system-deps

run: install
	$(PY) -m app.devserver

# One pytest worker per core (at most 4), each with its own embedded
# PostgreSQL; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

test: install system-deps
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

# The tenancy tests: the integration test files named after tenancy, isolation
# or migrations, selected by file name; an empty selection is an error, not a
# silent pass.
TENANCY_TESTS = $(sort $(wildcard tests/integration/*tenan*.py tests/integration/*isolation*.py tests/integration/*migrat*.py))

test-tenancy: install
	@test -n "$(TENANCY_TESTS)" || { echo "test-tenancy: no tests/integration/*{tenan,isolation,migrat}*.py file" >&2; exit 1; }
	$(PY) -m pytest -m "not e2e" $(TENANCY_TESTS) $(PYTEST_ARGS)

bench: install
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) node_modules static/vendor
