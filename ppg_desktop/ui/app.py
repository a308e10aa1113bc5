"""Starting the desktop app: open the database (asking for a passphrase if needed), apply the
look, welcome a first-time user, then show the main window (or run the self-test)."""

from __future__ import annotations

import sys
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from ppg_desktop import APP_NAME
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.errors import DatabaseProblem
from ppg_desktop.paths import default_db_path
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.messages import show_problem
from ppg_desktop.ui.operations import collect_garbage_on_gui_thread
from ppg_desktop.ui.style import apply_style

PASSPHRASE_TRIES = 3


def application() -> QApplication:
    """The one QApplication (created on first use)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setOrganizationName("PPG Desk")
    assert isinstance(app, QApplication)
    return app


def open_for_app(path: Path, *, interactive: bool) -> tuple[sqlite_utils.Database, str | None]:
    """Open the database, asking for its passphrase when it is encrypted.

    Raises DatabaseProblem (with words for people) when it cannot be opened.
    """
    if path.is_dir() or not is_encrypted_file(path):  # open_database explains a folder
        return open_database(path), None
    if not interactive:
        raise DatabaseProblem(
            f"The database {path} is encrypted; the self-test cannot ask for its passphrase.",
            "encrypted",
        )
    problem: DatabaseProblem | None = None
    for _ in range(PASSPHRASE_TRIES):
        prompt = f"The database {path.name} is protected.\nEnter its passphrase:"
        if problem is not None:
            prompt = f"{problem}\n\n{prompt}"
        passphrase, ok = QInputDialog.getText(
            None, "Passphrase", prompt, QLineEdit.EchoMode.Password
        )
        if not ok:
            raise DatabaseProblem(
                "The database was not opened: no passphrase was given.", "encrypted"
            )
        try:
            return open_database(path, passphrase), passphrase
        except DatabaseProblem as exc:
            if exc.kind != "wrong_passphrase":
                raise
            problem = exc
    assert problem is not None
    raise problem


def needs_welcome(db: sqlite_utils.Database) -> bool:
    """A brand-new database: no practices and no feedback yet."""
    from ppg_desktop.core.feedback_store import FeedbackStore
    from ppg_desktop.core.practice_store import PracticeStore

    return not PracticeStore(db).list() and FeedbackStore(db).count() == 0


def run_app(db_path: str | None, self_test: bool) -> int:
    """Entry point for the desktop app (`ppg-desktop [--db PATH] [--self-test]`)."""
    app = application()
    path = Path(db_path) if db_path else default_db_path()
    try:
        db, passphrase = open_for_app(path, interactive=not self_test)
    except DatabaseProblem as exc:
        if self_test:
            print(f"self-test failed: {exc}", file=sys.stderr)
            return 3
        from ppg_desktop.ui.startup_checks import recover_unopenable

        if not recover_unopenable(exc, path, None):
            if exc.kind not in ("corrupt",):
                show_problem(None, "The database cannot be opened", str(exc))
            return 3
        db, passphrase = open_for_app(path, interactive=True)
    ctx = AppContext(db, path, passphrase=passphrase)
    collect_garbage_on_gui_thread()
    apply_style(app, ctx.settings)
    if self_test:
        from ppg_desktop.ui.self_test import run_self_test

        return run_self_test(ctx)
    first_run = needs_welcome(db)
    if first_run:
        from ppg_desktop.ui.welcome import WelcomeDialog

        if not WelcomeDialog(ctx).exec():
            return 0
    from ppg_desktop.ui.sign_in import start_session

    if not start_session(ctx):  # sign in, or offer a chair PIN while nobody has one
        return 0
    if first_run:
        from ppg_desktop.ui.encryption_dialog import recommend_encryption

        recommend_encryption(ctx)  # reopens ctx.db encrypted when accepted
    from ppg_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    available = app.primaryScreen().availableGeometry() if app.primaryScreen() else None
    if available is not None and available.width() <= 1440:
        window.showMaximized()
    else:
        window.resize(1280, 800)
        window.show()
    QTimer.singleShot(300, window.offer_recovered_draft)
    from ppg_desktop.ui.purge_dialog import offer_start_up_purge

    QTimer.singleShot(600, lambda: offer_start_up_purge(ctx, window))
    from ppg_desktop.ui.startup_checks import back_up_on_close, check_in_background

    QTimer.singleShot(1500, lambda: check_in_background(ctx, window))
    code = app.exec()
    back_up_on_close(ctx)
    ctx.db.close()  # ctx.db, not db: encrypting reopens the database
    return int(code)
