#!/usr/bin/env bash
# Install the test tools (first time only), then run every check CI runs: lint, format, types,
# the Qt-free core contract, and the whole test suite headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

export QT_QPA_PLATFORM=offscreen
echo "== ruff (lint and format)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== import-linter (core has no Qt)"
.venv/bin/lint-imports
echo "== pytest"
.venv/bin/pytest "$@"
