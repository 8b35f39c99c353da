# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test lint bench clean browser pdf bytecode

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# `make run` shows the demo as at a day inside its own 2014/15 year, so its quarters look live: Q2's evidence and
# packs overdue, Q3's due soon. Set CORRAL_TODAY to see it as at another day.
run: export CORRAL_TODAY ?= 2015-01-20
run: export CORRAL_LOG_FORMAT ?= console
run: $(STAMP) pdf bytecode
	$(BIN)/corral demo
	COLUMNS=160 $(BIN)/corral show programme
	$(BIN)/corral show trust
	$(BIN)/corral serve --host 127.0.0.1 --port 8000

# The browser tests drive Debian's Chromium (Playwright's own download does not work here); they fail without it.
browser:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

# WeasyPrint draws the evidence packs' PDFs with Pango, HarfBuzz and a font; Chromium brings them, a bare machine may not.
PDF_LIBRARIES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf: $(STAMP)
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y $(PDF_LIBRARIES))

# The project's modules compiled once, where Python would otherwise compile them afresh in every process it starts
# whenever PYTHONDONTWRITEBYTECODE is set (as on these machines): about 1 s of each `corral serve`'s 4 s start, and of
# each of the hundreds of servers and commands the tests start. Only what changed since is compiled again.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 domain projections api web tests bench

test: lint browser pdf bytecode
	$(BIN)/pytest --numprocesses 3 --durations=25

lint: $(STAMP)
	$(BIN)/ruff check domain projections api web tests bench
	$(BIN)/ruff format --check domain projections api web tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

bench: $(STAMP) bytecode
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var
