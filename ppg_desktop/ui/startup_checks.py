"""Start-up and shut-down care of the database file: damage leads to a restore, never to a
traceback, and a backup is taken on close (at most daily).

`PRAGMA quick_check` reads the whole file (seconds on a large database), so at start-up it runs
in the background once the window is up; a file too damaged to open is handled before that.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from ppg_desktop.core.backup import (
    StartupCheck,
    backup_dir,
    backup_on_exit,
    list_backups,
    startup_check,
)
from ppg_desktop.core.db import open_database, quick_check
from ppg_desktop.core.errors import DatabaseProblem, PPGError
from ppg_desktop.ui.context import TOPICS, AppContext
from ppg_desktop.ui.messages import ask_yes_no, show_problem
from ppg_desktop.ui.operations import JobControl, run_job, with_worker_db

DAMAGE_KINDS = ("corrupt",)
DAMAGED_MESSAGE = (
    "PPG Desk found damage in the database file. Restore the most recent good backup; the "
    "damaged file is kept beside it."
)


def recover_unopenable(
    problem: DatabaseProblem, path: Path, passphrase: str | None, parent: QWidget | None = None
) -> bool:
    """When the file cannot even be opened because it is damaged, offer the backups.

    Returns True when a backup was restored, so the caller can open the database again.
    """
    if problem.kind not in DAMAGE_KINDS:
        return False
    from ppg_desktop.ui.backup_dialogs import offer_recovery

    check = startup_check(path, passphrase)
    if check.ok:
        return True
    if not check.backups:
        show_problem(
            parent,
            "The database is damaged",
            f"{problem} No backups were found in the usual folder; if you keep them "
            "elsewhere (for example on a USB stick), choose one with "
            "'ppg-desktop restore'.",
        )
        return False
    return offer_recovery(check, path, passphrase, parent)


def check_in_background(ctx: AppContext, parent: QWidget) -> None:
    """Run the integrity check off the GUI thread; on damage, explain and offer a restore."""

    def work(db: object, control: JobControl) -> list[str]:
        return quick_check(db)  # type: ignore[arg-type]

    def done(problems: list[str]) -> None:
        if problems:
            offer_restore_after_damage(ctx, parent, problems)

    def failed(message: str) -> None:
        offer_restore_after_damage(ctx, parent, [message])

    run_job(with_worker_db(ctx, work), done, on_error=failed, owner=parent)


def offer_restore_after_damage(
    ctx: AppContext, parent: QWidget | None, problems: list[str]
) -> bool:
    """Tell the person the file is damaged and, if they agree, restore a backup now."""
    from ppg_desktop.ui.backup_dialogs import offer_recovery

    backups = list_backups(backup_dir(ctx.db))
    if not backups:
        show_problem(
            parent,
            "The database is damaged",
            DAMAGED_MESSAGE + " No backups were found yet: use Data ▸ Back up now to "
            "keep a copy of what can still be read, and ask for help.",
        )
        return False
    if not ask_yes_no(
        parent,
        "The database is damaged",
        DAMAGED_MESSAGE + " Restore now?",
        yes="Choose a backup…",
        no="Not now",
    ):
        return False
    ctx.db.close()
    try:
        restored = offer_recovery(
            StartupCheck(False, problems, backups, DAMAGED_MESSAGE),
            ctx.db_path,
            ctx.passphrase,
            parent,
        )
    finally:
        ctx.db = open_database(ctx.db_path, ctx.passphrase)
    if restored:
        for topic in TOPICS:
            ctx.notify(topic)
    return restored


def back_up_on_close(ctx: AppContext) -> None:
    """The daily backup when the app closes; a failure is explained, never fatal."""
    try:
        backup_on_exit(ctx.db, passphrase=ctx.passphrase)
    except (PPGError, OSError) as exc:
        show_problem(
            None,
            "The backup was not made",
            f"{exc} Check the backup folder in Settings (a USB stick may have been "
            "removed); your data is safe in the database itself.",
        )
