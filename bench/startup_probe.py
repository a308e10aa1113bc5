"""Start the desktop app as a volunteer would, on a given database, and report when the main
window is up and idle (printed as 'ready'); with --browse, also scroll the whole feedback list
and report peak memory. Used by bench/run.py; run by hand with QT_QPA_PLATFORM=offscreen."""

from __future__ import annotations

import argparse
import resource
import sys
import time

STARTED = time.perf_counter()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--browse", action="store_true")
    args = parser.parse_args()

    from pathlib import Path

    from PySide6.QtCore import QTimer

    from ppg_desktop.ui.app import application, open_for_app
    from ppg_desktop.ui.context import AppContext
    from ppg_desktop.ui.main_window import MainWindow
    from ppg_desktop.ui.style import apply_style

    app = application()
    path = Path(args.db)
    db, passphrase = open_for_app(path, interactive=False)
    ctx = AppContext(db, path, passphrase=passphrase)
    apply_style(app, ctx.settings)
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()

    def ready() -> None:
        print(f"ready {time.perf_counter() - STARTED:.3f}", flush=True)
        if args.browse:
            browse(window)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak_rss_mb {rss_mb:.0f}", flush=True)
        app.quit()

    QTimer.singleShot(0, ready)
    return int(app.exec())


def browse(window: object) -> None:
    """Open the Feedback screen and page through every row, as scrolling to the end would."""
    from PySide6.QtWidgets import QApplication, QTableView

    window.show_screen("feedback")  # type: ignore[attr-defined]
    QApplication.processEvents()
    table = window.findChild(QTableView)  # type: ignore[attr-defined]
    assert table is not None, "no feedback table"
    model = table.model()
    started = time.perf_counter()
    deadline = started + 20
    while time.perf_counter() < deadline:
        QApplication.processEvents()
        if model.rowCount() and not model.canFetchMore(table.rootIndex()):
            break
        if model.canFetchMore(table.rootIndex()):
            model.fetchMore(table.rootIndex())
    rows = model.rowCount()
    for row in range(0, rows, max(1, rows // 200)):
        table.scrollTo(model.index(row, 0))
        QApplication.processEvents()
    table.scrollToBottom()
    QApplication.processEvents()
    print(f"browsed_rows {rows} {time.perf_counter() - started:.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
