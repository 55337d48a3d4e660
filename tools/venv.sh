#!/usr/bin/env bash
# Create or update the book's virtualenv: `tools/venv.sh PYTHON VENV` (the Makefile's `venv`).
# 1. Checks the interpreter first and says in one sentence what is wrong with it.
# 2. Rebuilds VENV when another interpreter (path or version) built it.
# 3. Installs the pins (requirements.txt with constraints.txt) and mdlib itself (pip install -e .)
#    when any of those files changed since the last install; otherwise it returns at once.
set -euo pipefail
PYTHON=${1:-python3}
VENV=${2:-.venv}
cd "$(dirname "$0")/.."
MIN=3.11   # numpy 2.4 and the other pins need 3.11; Debian 12's 3.11.2 is the oldest tested
MAX=3.13   # the newest CPython these pins were installed and tested on
fail() { echo "make: $*" >&2; exit 1; }

py=$(command -v "$PYTHON" 2>/dev/null) || fail "no Python interpreter '$PYTHON' was found; install CPython $MIN to $MAX or pass PYTHON=/path/to/python3."
probe=$("$py" -c 'import sys; print("python", "%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || true)
case "$probe" in
  "python "*) ver=${probe#python } ;;
  *) fail "'$py' did not run as a Python 3 interpreter; pass PYTHON=/path/to/python3 (CPython $MIN to $MAX)." ;;
esac
"$py" -c "import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 13)))" \
  || fail "$py is Python $ver, but the book's pinned packages need CPython $MIN to $MAX; pass PYTHON=/path/to/python3.11 (or 3.12, 3.13)."
"$py" -c 'import venv, ensurepip' 2>/dev/null \
  || fail "$py (Python $ver) cannot create a virtualenv because its venv/ensurepip module is missing; on Debian or Ubuntu run: apt-get install python3-venv."

# An interpreter is known by its real binary and version (a pyenv shim or a symlink is not it);
# a virtualenv's base interpreter is found the same way, from inside it.
IDENT='import os, sys; print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)), "%d.%d.%d" % sys.version_info[:3])'
interp=$("$py" -c "$IDENT")
inputs=$(cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$VENV/.installed" ] && [ "$(cat "$VENV/.installed")" = "$interp $inputs" ]; then
  exit 0
fi
if [ -e "$VENV" ]; then
  built_by=$("$VENV/bin/python" -c "$IDENT" 2>/dev/null || echo "an interpreter that no longer runs")
  if [ "$built_by" != "$interp" ]; then
    echo "rebuilding $VENV: it was built by $built_by, now $interp"
    rm -rf "$VENV"
  fi
fi
[ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
rm -f "$VENV/.installed"
echo "installing the pinned packages into $VENV (Python $ver)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
# Earlier set-ups put the checkout on sys.path with a .pth file: the editable install replaces it.
rm -f "$("$VENV/bin/python" -c 'import site; print(site.getsitepackages()[0])')/mdlib-book.pth"
echo "$interp $inputs" > "$VENV/.installed"
