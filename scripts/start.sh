#!/usr/bin/env bash
# Install what PPG Desk needs (first time only) and open it. Extra arguments go to ppg-desktop,
# e.g. `scripts/start.sh --db /path/to/ppg.db` or `scripts/start.sh demo --db x.db --size 5000`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/ppg-desktop "$@"
