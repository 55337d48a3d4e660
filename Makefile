# Two commands do all the set-up on a fresh machine: `make book` and `make test`.
# Both create .venv, install the pinned packages and vendor the offline assets first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))

.PHONY: help venv assets book test unit nbval browser browser-deps execute lab bench torch clean

help:
	@echo "make book     build the HTML book into _build/html (sets everything up)"
	@echo "make test     unit tests, strict nbval, book build, offline browser test"
	@echo "make lab      JupyterLab on book/, widgets live"
	@echo "make execute  re-execute every notebook in place (after editing one)"
	@echo "make bench    benchmarks (speed ratios, widget update times)"
	@echo "make torch    optional: PyTorch 2.13.0 CPU in .venv, for comparison tests and benchmarks"
	@echo "make clean    remove _build, _assets and .venv"

# --- set-up ---------------------------------------------------------------------------
$(VENV)/.installed: requirements.txt constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	@# mdlib is imported from this checkout (no build step): a .pth file puts the repo on sys.path.
	$(PY) -c "import site; open(site.getsitepackages()[0] + '/mdlib-book.pth', 'w').write('$(CURDIR)\n')"
	@touch $@
venv: $(VENV)/.installed

_assets/VERSIONS: tools/vendor_assets.sh tools/mathjax-hub-shim.js tools/require-config.js
	bash tools/vendor_assets.sh
assets: _assets/VERSIONS

# --- the book ---------------------------------------------------------------------------
book: venv assets
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "Open $(CURDIR)/_build/html/index.html"

# --- tests ------------------------------------------------------------------------------
test: venv assets
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory unit && \
	$(MAKE) --no-print-directory nbval && \
	$(MAKE) --no-print-directory book && \
	$(MAKE) --no-print-directory browser && \
	echo "make test: all stages passed in $$(( $$(date +%s) - start )) s"

unit: venv
	$(BIN)/pytest tests -m "not browser"

nbval: venv
	$(BIN)/pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg $(NOTEBOOKS)

browser-deps:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "The browser test needs Debian's chromium: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; \
	  fi; \
	fi
	@if ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing a CJK font (fonts-noto-cjk) for the glossary's Chinese"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	  else \
	    echo "The browser test needs a CJK font: sudo apt-get install fonts-noto-cjk" >&2; exit 1; \
	  fi; \
	fi
	@command -v unshare >/dev/null && command -v ip >/dev/null || \
	  { echo "The browser test needs unshare (util-linux) and ip (iproute2)" >&2; exit 1; }

# The browser test runs in a network namespace with nothing but loopback: any request that
# leaves the site fails to connect, and the test also fails on it explicitly.
browser: venv browser-deps
	@test -f _build/html/index.html || { echo "build the book first: make book" >&2; exit 1; }
	@# As root (CI) unshare -n; otherwise -r maps the user to root inside a user namespace.
	unshare -n $$([ "$$(id -u)" = 0 ] || echo -r) sh -c 'ip link set lo up && exec $(BIN)/pytest tests/browser -m browser'

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

lab: venv
	$(BIN)/jupyter lab book/

bench: venv
	$(PY) benchmarks/widgets.py
	$(PY) benchmarks/conv.py

clean:
	rm -rf _build _assets $(VENV) .pytest_cache
