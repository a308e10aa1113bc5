#!/usr/bin/env bash
# Make .venv with PPG Desk and its dependencies (and the test tools with `--test`).
# Quick when nothing changed: it reinstalls only when pyproject.toml has changed.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

bash scripts/install-system-deps.sh

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "PPG Desk needs Python 3.11 or newer; '$PY' is $("$PY" --version 2>&1)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating the Python environment in .venv ..."
  "$PY" -m venv .venv
fi

stamp=".venv/.ppg-installed${extras}"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "Installing PPG Desk and its libraries into .venv (first time takes a minute) ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
  echo "$wanted" > "$stamp"
fi
