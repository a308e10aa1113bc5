"""Start PPG Desk: the desktop app, or a CLI command (`python main.py --help`)."""

import multiprocessing
import sys

from ppg_desktop.cli import main

if __name__ == "__main__":
    # In the packaged app a worker process re-runs this file; freeze_support lets it act as a
    # worker (the importer reads big spreadsheets with several) instead of opening the app again.
    multiprocessing.freeze_support()
    if getattr(sys, "frozen", False):
        from ppg_desktop.core.importing_analysis import allow_workers_in_frozen_app

        allow_workers_in_frozen_app()
    sys.exit(main())
