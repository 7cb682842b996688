# Casework: `make run` to try it, `make test` before every push. GNU make.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := casework/translations
LANGUAGES := kk ru en

.PHONY: run test lint translations compile-translations db-upgrade clean help

help:
	@echo "make run           set up, migrate, load demo data (first time) and serve on 127.0.0.1:5000"
	@echo "make test          ruff and mypy, then the tests on SQLite (and PostgreSQL when CASEWORK_TEST_POSTGRES_URL is set)"
	@echo "make lint          ruff and mypy"
	@echo "make translations  extract messages and update the kk/ru/en catalogues"
	@echo "make clean         remove the virtualenv, caches and compiled catalogues (keeps instance/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies changed.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	touch $@

compile-translations: $(STAMP)
	@if ls $(TRANSLATIONS)/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d $(TRANSLATIONS) -f; \
	else \
		echo "No translation catalogues yet: the interface stays in English."; \
	fi

db-upgrade: $(STAMP)
	mkdir -p instance
	$(FLASK) db upgrade

run: compile-translations db-upgrade
	$(FLASK) casework demo --if-empty
	exec $(FLASK) run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: compile-translations lint
	env -u CASEWORK_TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$CASEWORK_TEST_POSTGRES_URL" ]; then \
		echo "== PostgreSQL run =="; \
		CASEWORK_TEST_DATABASE_URL="$$CASEWORK_TEST_POSTGRES_URL" $(BIN)/pytest; \
	else \
		echo ""; \
		echo "*** PostgreSQL run SKIPPED: set CASEWORK_TEST_POSTGRES_URL ***"; \
	fi

translations: $(STAMP)
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	@for lang in $(LANGUAGES); do \
		if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		else \
			$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		fi; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find $(TRANSLATIONS) -name '*.mo' -delete 2>/dev/null || true
