# Two commands do everything: `make run` (install, fetch, index, app) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MIRROR ?= $(firstword $(CLAUSETRACE_MIRROR) $(wildcard ../shared/corpus/raw))
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run index test lint eval bench app clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

index: install
	$(BIN)/clausetrace fetch $(if $(MIRROR),--mirror $(MIRROR))
	$(BIN)/clausetrace ingest

run: index app

app: install
	$(BIN)/streamlit run app.py --server.headless true --server.port 8501

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .

eval: install
	$(BIN)/clausetrace eval --compare eval/baseline.json

bench: install
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_query.py

clean:
	rm -rf index .cache corpus/raw
