# casework: `make run` starts the application with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint format bench setup clean messages system system-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test,bench]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

# Debian packages: pango for PDF letters and reports; chromium and Dovecot for the tests.
system:
	@scripts/system-packages run

system-test:
	@scripts/system-packages test

setup: $(VENV)/.installed system
	$(BIN)/casework db upgrade

# The web application, and beside it the scheduler process that sends reminders (written under
# var/mail/ while no SMTP server is configured); Ctrl+C stops both.
run: setup
	$(BIN)/casework demo load
	@$(BIN)/casework scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/casework serve

test: $(VENV)/.installed-test system-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark, on SQLite and on the PostgreSQL server of CASEWORK_TEST_DATABASE_URL (each says
# so when it is not set). The page timings load BENCH_SCALES cases (SQLite files kept under
# var/bench/; PostgreSQL databases dropped after the run): a million takes minutes to load.
BENCH_SCALES ?= 100000 1000000
bench: $(VENV)/.installed-bench
	@failed=; \
	for benchmark in deadlines api sweep letters intake reports "pages $(foreach n,$(BENCH_SCALES),--cases $(n))"; do \
		echo "== benchmarks.$$benchmark"; \
		$(BIN)/python -m benchmarks.$$benchmark || failed="$$failed $${benchmark%% *}"; \
	done; \
	if [ -n "$$failed" ]; then echo "targets missed in:$$failed"; exit 1; fi

# Extract the translatable messages and merge them into the French and English catalogs.
messages: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext -k ngettext:1,2 -k _ -k say -k say_count:1,2 --no-location \
		--sort-output --project casework -o casework/locales/messages.pot .
	$(BIN)/pybabel update -i casework/locales/messages.pot -d casework/locales -D messages \
		--no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
