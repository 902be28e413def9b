# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/default/metadata.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install model lint unit notebook bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(MODEL): $(STAMP) $(wildcard data/corpus/*.jsonl) $(wildcard nlp/*.py) nlp/data/userdict.txt
	$(BIN)/xinsheng nlp train

model: $(MODEL)

run: $(MODEL)
	mkdir -p var
	$(BIN)/xinsheng db upgrade
	$(BIN)/xinsheng demo
	$(BIN)/xinsheng serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: $(MODEL) lint
	$(BIN)/python -m pytest -q

notebook: $(MODEL)
	$(BIN)/python -m pytest -q tests/nlp/test_notebooks.py

bench: $(MODEL)
	$(BIN)/python benchmarks/bench_nlp_speed.py

clean:
	rm -rf $(VENV) var models/default
