# Two commands do all the set-up on a fresh machine: `make book` and `make test`.
# Both create .venv (tools/venv.sh: checks the interpreter, installs the pins and mdlib with
# `pip install -e .`); everything the offline book loads (MathJax 3 too) comes from those pins.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
# A second OpenBLAS kernel for `make nbval-other-cpu`: committed outputs must not depend on it.
# Sandybridge has no FMA, so its sums round differently from Haswell's and SkylakeX's (which
# agree bit for bit on much of the book); the others are fallbacks for a machine that runs it.
CORETYPE ?= Sandybridge

.PHONY: help venv book pdf test unit nbval nbval-other-cpu mutants jupyterlab browser system-deps execute lab bench torch clean

help:
	@echo "make book     build the HTML book into _build/html (sets everything up)"
	@echo "make pdf      the whole book as one PDF, _build/pdf/book.pdf (offline Chromium), then its test"
	@echo "make test     unit tests, strict nbval, JupyterLab test, book build, offline browser test"
	@echo "make lab      JupyterLab on book/ (notebooks signed, widget state kept)"
	@echo "make execute  re-execute every notebook in place (after editing one)"
	@echo "make mutants  apply classic mistakes to mdlib (tools/mutants.py): the tests and the book must catch each"
	@echo "make bench    benchmarks (speed ratios, widget update times, page weight and MathJax time)"
	@echo "make torch    optional: PyTorch 2.13.0 CPU in .venv, for comparison tests and benchmarks"
	@echo "make clean    remove _build and .venv"
	@echo "PYTHON=/path/to/python3 picks the interpreter (CPython 3.11 to 3.13); VENV=dir the virtualenv"

# --- set-up ---------------------------------------------------------------------------
# Always runs; returns at once when .venv matches the interpreter and the pins.
venv:
	@bash tools/venv.sh "$(PYTHON)" "$(VENV)"

# --- the book ---------------------------------------------------------------------------
book: venv
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "Open $(CURDIR)/_build/html/index.html"

# --- tests ------------------------------------------------------------------------------
# The stages, in order; `browser` needs the built book. Each stage also runs on its own.
test: unit nbval jupyterlab browser
	@echo "make test: all stages passed"

unit: venv
	$(BIN)/pytest tests -m "not browser and not jupyterlab and not pdf"

NBVAL := $(BIN)/pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg $(NOTEBOOKS)
nbval: venv
	$(NBVAL)

# Strict nbval again under another OpenBLAS kernel (CI runs it): the committed outputs must not
# depend on the CPU. tools/blas_kernel.py checks with threadpoolctl that the kernel changed.
nbval-other-cpu: venv
	@core=$$($(PY) tools/blas_kernel.py --other $(CORETYPE) Haswell SkylakeX) && \
	  echo "strict nbval with OPENBLAS_CORETYPE=$$core" && \
	  OPENBLAS_CORETYPE=$$core $(NBVAL)

# The mutation harness: each classic mistake in tools/mutants.py is applied to mdlib in a temporary
# copy; the unit tests and strict nbval must fail on every one, and the book's notebooks on every
# mistake in a function the book shows. Prints the kill rates; CI runs it after `make test`.
mutants: venv
	$(PY) tools/mutants.py

system-deps:
	@bash tools/system_deps.sh

# The browser test runs in a network namespace with nothing but loopback: any request that
# leaves the site fails to connect, and the test also fails on it explicitly.
# As root (CI) unshare -n; otherwise -r maps the user to root inside a user namespace.
OFFLINE := unshare -n $$([ "$$(id -u)" = 0 ] || echo -r) sh -c
browser: book system-deps
	$(OFFLINE) 'ip link set lo up && exec $(BIN)/pytest tests/browser -m browser'

# The book as one PDF: tools/pdf.py prints every page of _toc.yml with Chromium (offline, like
# `browser`) and merges them with pypdf into _build/pdf/book.pdf; tests/pdf then checks it
# (chapter titles, no raw TeX, every stepper frame, every solution) and reports the page count.
pdf: book system-deps
	$(OFFLINE) 'ip link set lo up && exec $(PY) tools/pdf.py'
	$(BIN)/pytest tests/pdf -m pdf

# PyTorch is never a dependency of the book: with it installed, the unit tests also compare
# mdlib with torch autograd and the benchmarks report ratios to torch. Best effort: where the
# wheel cannot be installed, say so and go on (those tests then skip).
torch: venv
	@$(PY) -m pip install --quiet torch==2.13.0 -c constraints.txt \
	  && echo "torch $$($(PY) -c 'import torch; print(torch.__version__)') installed in $(VENV)" \
	  || echo "torch 2.13.0 could not be installed here: the PyTorch comparisons will skip"

# --- authoring --------------------------------------------------------------------------
execute: venv
	$(PY) tools/execute_notebooks.py $(NOTEBOOKS)

# Trust the chapters (steppers' scripts and SVG, saved widgets render), save widget state with
# notebooks and keep it when a chapter is saved before it is run (tools/lab_setup.py).
lab: venv
	$(PY) tools/lab_setup.py
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) book/

# JupyterLab test: a copy of book/ set up as by `make lab`, driven by Chromium, offline like `browser`.
jupyterlab: venv system-deps
	$(OFFLINE) 'ip link set lo up && exec $(BIN)/pytest tests/jupyterlab -m jupyterlab'

bench: book system-deps
	$(PY) benchmarks/widgets.py
	$(OFFLINE) 'ip link set lo up && exec $(PY) benchmarks/pages.py'
	$(OFFLINE) 'ip link set lo up && exec $(PY) benchmarks/jupyterlab.py'
	$(PY) benchmarks/conv.py
	$(PY) benchmarks/pool.py

clean:
	rm -rf _build $(VENV) .pytest_cache
