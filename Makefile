# Two commands for users: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest install clean translations

install: $(STAMP)

$(STAMP): pyproject.toml
	@# A venv left without pip (python3-venv was missing) is made again.
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV) || { \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian or Ubuntu: apt-get install python3-venv" >&2; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $(STAMP)

## demo: build the demo organisation in ./workspace and run the main job on it
demo: $(STAMP)
	$(BIN)/assessment demo
	@# Reports into workspace/reports/demo; unchanged ones are skipped on a second run.
	$(BIN)/assessment batch --engagement demo

## test: lint, type-check and run the whole test suite
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check assessment tests benchmarks notebooks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

## pytest runs on every core (pytest-xdist): TEST_WORKERS=0 make pytest runs in one process
TEST_WORKERS ?= auto
pytest: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## translations: extract the interface strings into the templates (<domain>.pot), merge them
## into every language's catalogue (<lang>/LC_MESSAGES/<domain>.po) and check the catalogues
LOCALE  := assessment/_i18n/locale
EXTRACT := $(BIN)/pybabel -q extract -F babel.cfg --no-location -c TRANSLATORS: -w 100 \
           --project assessment --copyright-holder "the assessment authors"
translations: $(STAMP)
	$(EXTRACT) -o $(LOCALE)/form.pot assessment/_form assessment/_i18n/_form.py
	$(EXTRACT) -o $(LOCALE)/report.pot assessment/_report assessment/_explore \
	  assessment/_i18n/_report.py
	$(BIN)/pybabel -q update -D form -i $(LOCALE)/form.pot -d $(LOCALE) -w 100 --ignore-obsolete
	$(BIN)/pybabel -q update -D report -i $(LOCALE)/report.pot -d $(LOCALE) -w 100 --ignore-obsolete
	$(BIN)/python -m assessment._i18n._check

clean:
	rm -rf $(VENV) workspace .pytest_cache .mypy_cache .ruff_cache
