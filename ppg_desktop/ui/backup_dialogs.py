"""Back up now, choose the backup folder, restore from a backup, and recover at start-up.

The copying, checking and restoring are `ppg_desktop.core.backup`; this module asks and shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.backup import (
    BACKUP_DIR_KEY,
    BackupInfo,
    RestoreResult,
    StartupCheck,
    backup_dir,
    backup_now,
    list_backups,
    opens_with,
    restore_backup,
    verify_backup,
)
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.ui import messages
from ppg_desktop.ui.context import TOPICS, AppContext
from ppg_desktop.ui.import_wizard import RowsModel, make_table
from ppg_desktop.ui.messages import ask_yes_no, show_problem
from ppg_desktop.ui.operations import (
    Job,
    JobControl,
    forget_worker_connections,
    run_job,
    wait_for_jobs,
    with_worker_db,
)


def tell(parent: QWidget | None, title: str, text: str) -> None:
    """An information box (skipped under the self-test, which cannot click OK)."""
    if messages.problem_sink is not None:
        return
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    box.exec()


def back_up_now(ctx: AppContext, parent: QWidget | None = None, on_done: Any = None) -> Job:
    """'Back up now': an online backup in the background, then say where it went."""

    def work(db: Any, control: JobControl) -> BackupInfo:
        return backup_now(db, passphrase=ctx.passphrase, reason="manual")

    def done(info: BackupInfo) -> None:
        tell(
            parent,
            "Backed up",
            f"Backed up at {info.taken_at:%H:%M} on {info.taken_at:%d/%m/%Y}.\n\n"
            f"The copy is in the folder {info.path.parent}\n(file {info.path.name}).",
        )
        if on_done is not None:
            on_done(info)

    return run_job(with_worker_db(ctx, work), done, progress_parent=parent, title="Backing up")


def choose_backup_folder(ctx: AppContext, parent: QWidget | None = None) -> Path | None:
    """Let the user pick the folder (a USB stick, say) that backups go to."""
    chosen = QFileDialog.getExistingDirectory(parent, "Folder for backups", str(backup_dir(ctx.db)))
    if not chosen:
        return None
    ctx.settings.set(BACKUP_DIR_KEY, chosen)
    ctx.notify("settings")
    return Path(chosen)


REASON_WORDS = {
    "manual": "Back up now",
    "daily": "Daily",
    "idle": "While not in use",
    "before-restore": "Before a restore",
}


def _size_text(size: int) -> str:
    """'5.6 MB' or '80 KB'."""
    return f"{size / 1_048_576:.1f} MB" if size >= 102_400 else f"{max(1, size // 1024)} KB"


def _rows(backups: list[BackupInfo]) -> list[dict[str, str]]:
    """Taken, size and why in their own columns (the size column used to read '5.6 MB, …')."""
    return [
        {
            "Taken": f"{b.taken_at:%d/%m/%Y %H:%M}",
            "Size": _size_text(b.size),
            "Why": REASON_WORDS.get(b.reason, b.reason.replace("-", " ").capitalize()),
            "File": b.path.name,
        }
        for b in backups
    ]


class RestoreDialog(QDialog):
    """Lists backups with dates and sizes; checks the chosen one before restoring it.

    A backup protected with a passphrase the database's does not open (one made before the
    passphrase was changed, or while the database was protected and now it is not) is opened
    with its own passphrase, asked for here, when `ask_other_passphrase`.
    """

    def __init__(
        self,
        folder: Path,
        passphrase: str | None,
        parent: QWidget | None = None,
        backups: list[BackupInfo] | None = None,
        intro: str = "",
        *,
        ask_other_passphrase: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from a backup")
        self.passphrase = passphrase
        self.ask_other_passphrase = ask_other_passphrase
        self.backup_passphrase: str | None = None
        self.folder = folder
        self.chosen: BackupInfo | None = None
        self.model = RowsModel(["Taken", "Size", "Why", "File"])
        self.view = make_table(self.model, "Backups, newest first")
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        other = QPushButton("Look in another folder…")
        other.clicked.connect(self.pick_folder)
        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        top.addWidget(other)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton(
            "Check and restore", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.check_and_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            message = QLabel(intro)
            message.setWordWrap(True)
            layout.addWidget(message)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(max(760, self.fontMetrics().averageCharWidth() * 100), 420)
        self.show_backups(backups if backups is not None else list_backups(folder))

    def show_backups(self, backups: list[BackupInfo]) -> None:
        self.backups = backups
        self.model.set_rows(_rows(backups))
        self.view.resizeColumnsToContents()  # the date and size in full, the file name last
        self.folder_label.setText(f"Backups in {self.folder}: {len(backups)}")
        self.restore_button.setEnabled(bool(backups))
        if backups:
            self.view.selectRow(0)

    def pick_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder with backups", str(self.folder))
        if chosen:
            self.folder = Path(chosen)
            self.show_backups(list_backups(self.folder))

    def selected(self) -> BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def ask_backup_passphrase(self, chosen: BackupInfo, again: bool) -> str | None:
        """The passphrase the chosen backup was made with, typed by the person (None: Cancel)."""
        prompt = (
            "That passphrase does not open this backup. Check it and try again.\n\n"
            if again
            else ""
        ) + (
            f"The backup taken {chosen.label} is protected with a passphrase"
            + (",\nbut not the one this database uses now." if self.passphrase else ".")
            + "\n\nEnter the passphrase that was in use when it was made:"
        )
        text, ok = QInputDialog.getText(
            self, "Passphrase of the backup", prompt, QLineEdit.EchoMode.Password
        )
        return text if ok and text else None

    def _key_for(self, chosen: BackupInfo) -> tuple[bool, str | None]:
        """(True, the passphrase that opens `chosen`, None for a plain one), or (False, None)
        with the reason in `problem` when there is none."""
        if opens_with(chosen.path, self.passphrase):
            return True, self.passphrase if is_encrypted_file(chosen.path) else None
        if not self.ask_other_passphrase:
            self.problem.setText(
                "That backup is protected with a passphrase that this database does not use. "
                "Choose a backup made since, or ask for help restoring it with "
                "'ppg-desktop restore'."
            )
            return False, None
        again = False
        while (typed := self.ask_backup_passphrase(chosen, again)) is not None:
            if opens_with(chosen.path, typed):
                return True, typed
            again = True
        self.problem.setText(
            "That backup needs the passphrase it was made with. Choose another backup, or try "
            "again with its passphrase."
        )
        return False, None

    def check_and_accept(self) -> None:
        """Run the integrity check on the chosen backup; only a sound one is accepted."""
        chosen = self.selected()
        if chosen is None:
            self.problem.setText("Choose a backup in the list.")
            return
        opened, key = self._key_for(chosen)
        if not opened:
            return
        problems = verify_backup(chosen.path, key)
        if problems:
            self.problem.setText(f"That backup is damaged ({problems[0]}). Choose an older one.")
            return
        self.chosen = chosen
        self.backup_passphrase = key
        self.accept()


def _restore(
    db_path: Path,
    chosen: BackupInfo,
    passphrase: str | None,
    parent: QWidget | None,
    backup_passphrase: str | None = None,
) -> RestoreResult | None:
    try:
        result = restore_backup(
            db_path, chosen.path, passphrase=passphrase, backup_passphrase=backup_passphrase
        )
    except Exception as exc:  # a restore must never end in a traceback: say what happened
        show_problem(parent, "Not restored", str(exc))
        return None
    kept = f" The database as it was is kept at {result.safety_copy}." if result.safety_copy else ""
    notes = [n for n in (result.protection_note, result.removals_note) if n]
    note = "".join(f"\n\n{n}" for n in notes)
    tell(parent, "Restored", f"Restored the backup taken {chosen.label}.{kept}{note}")
    return result


def restore_question(chosen: BackupInfo, database_protected: bool) -> str:
    """The confirmation, saying when the backup's protection differs from the database's."""
    question = (
        f"Replace the current database with the backup taken {chosen.label}? "
        "The current database is backed up first."
    )
    backup_protected = is_encrypted_file(chosen.path)
    if database_protected and not backup_protected:
        question += (
            "\n\nThis backup was made before the database was protected with a passphrase. "
            "The restored database keeps the passphrase it has now."
        )
    elif backup_protected and not database_protected:
        question += (
            "\n\nThis backup is protected with a passphrase, so the restored database will be "
            "too: you will need the backup's passphrase each time you open PPG Desk."
        )
    return question


def open_restore_dialog(ctx: AppContext, parent: QWidget | None = None) -> RestoreResult | None:
    """'Restore from backup': choose, check, confirm; the open database is closed, replaced by
    the backup (after a safety copy) and reopened, and every screen refreshes."""
    dialog = RestoreDialog(backup_dir(ctx.db), ctx.passphrase, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
        return None
    chosen = dialog.chosen
    if not ask_yes_no(
        parent,
        "Restore from backup",
        restore_question(chosen, database_protected=is_encrypted_file(ctx.db_path)),
        yes="Restore",
        no="Cancel",
    ):
        return None
    wait_for_jobs()  # every connection to the file must be closed before it is swapped
    forget_worker_connections()
    ctx.db.close()
    result: RestoreResult | None = None
    try:
        result = _restore(ctx.db_path, chosen, ctx.passphrase, parent, dialog.backup_passphrase)
    finally:
        if result is not None and result.protected_with != "current":
            ctx.passphrase = dialog.backup_passphrase if result.protected_with else None
        ctx.db = open_database(ctx.db_path, ctx.passphrase)
    for topic in TOPICS:
        ctx.notify(topic)
    return result


def offer_recovery(
    check: StartupCheck, db_path: Path, passphrase: str | None, parent: QWidget | None = None
) -> bool:
    """At start-up, when `startup_check` found damage: explain, and offer the backups.

    Returns True when a backup was restored (the app then opens the database as usual).
    """
    folder = check.backups[0].path.parent if check.backups else db_path.parent
    dialog = RestoreDialog(
        folder,
        passphrase,
        parent,
        backups=check.backups,
        intro=check.message or "The database is damaged.",
        # the caller reopens with `passphrase`: a backup needing another is re-keyed to it,
        # which a database without one cannot do
        ask_other_passphrase=passphrase is not None,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
        return False
    forget_worker_connections()  # at start-up there are none, but never restore under one
    restored = _restore(db_path, dialog.chosen, passphrase, parent, dialog.backup_passphrase)
    return restored is not None
