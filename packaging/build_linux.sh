#!/usr/bin/env bash
# Build the Linux one-folder bundle into dist/ppg-desktop/ (run from anywhere).
# Then: dist/ppg-desktop/ppg-desktop            (opens the app)
#       dist/ppg-desktop/ppg-desktop --self-test (checks every screen offscreen)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pyinstaller ] || .venv/bin/python -m pip install --quiet "pyinstaller>=6"
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/ppg_desktop.spec
install -Dm644 packaging/linux/ppg-desk.desktop dist/ppg-desktop/ppg-desk.desktop
install -Dm644 resources/icons/ppg-desk-256.png dist/ppg-desktop/ppg-desk.png
install -Dm755 packaging/linux/install.sh dist/ppg-desktop/install.sh
echo "Built dist/ppg-desktop ($(du -sh dist/ppg-desktop | cut -f1))"
