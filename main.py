"""Start PPG Desk: the desktop app, or a CLI command (`python main.py --help`)."""

import sys

from ppg_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
