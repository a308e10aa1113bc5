"""Encrypting the database with a passphrase, and changing the passphrase.

Encrypting works on the closed file (core.encryption makes and checks a backup first, then swaps
in an encrypted copy), so the app closes its own connection, runs the work in the background
with progress, and reopens the database with the passphrase afterwards (or as it was, on
failure). First run recommends it: see `recommend_encryption`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.backup import backup_dir
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.encryption import (
    MIN_PASSPHRASE_LENGTH,
    change_passphrase_open,
    check_passphrase,
    encrypt_database,
)
from ppg_desktop.core.errors import DatabaseProblem, ValidationError
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.dialog_size import fit_to_width
from ppg_desktop.ui.lock import guard_of
from ppg_desktop.ui.messages import ask_yes_no
from ppg_desktop.ui.operations import (
    Job,
    JobControl,
    forget_worker_connections,
    run_job,
    wait_for_jobs,
)
from ppg_desktop.ui.widgets import error_label, show_error

# The steps core.encryption reports, in order, so the progress bar can move along them.
ENCRYPT_STEPS = (
    "Checking the database",
    "Making a backup",
    "Encrypting",
    "Checking the encrypted copy",
    "Opening the encrypted database",
    "Encrypting the backup",
    "Done",
)


def strength_hint(passphrase: str) -> str:
    """A plain-words hint on how hard the passphrase is to guess (length matters most)."""
    if not passphrase:
        return f"Use at least {MIN_PASSPHRASE_LENGTH} characters: a short sentence is best."
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return f"Too short: use at least {MIN_PASSPHRASE_LENGTH} characters."
    kinds = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isalnum() for c in passphrase),
        )
    )
    words = len(passphrase.split())
    if len(set(passphrase)) <= 3:
        return "Weak: too many repeated characters."
    if len(passphrase) >= 20 or (words >= 4 and len(passphrase) >= 16):
        return "Strong: long passphrases are the hardest to guess."
    if len(passphrase) >= 12 and kinds >= 2:
        return "Good. Longer (four or more words) is even better."
    return "Fair: make it longer, e.g. four unrelated words."


def _password_field(name: str) -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    line.setAccessibleName(name)
    return line


class EncryptDialog(QDialog):
    """Choose a passphrase (twice), then encrypt this database in place."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.backup_path: Path | None = None
        self.setWindowTitle("Encrypt this database")
        self.setAccessibleName("Encrypt this database")
        intro = QLabel(
            "Encryption scrambles the whole database file, so if this computer is lost or "
            "stolen nobody can read patients' comments without the passphrase. PPG Desk makes "
            "and checks a backup first. You will need the passphrase every time PPG Desk "
            "starts. If it is forgotten the data cannot be recovered: write it down and keep "
            "it somewhere safe, away from the computer."
        )
        intro.setWordWrap(True)
        self.passphrase = _password_field("Passphrase")
        self.again = _password_field("Passphrase again")
        self.strength = QLabel(strength_hint(""))
        self.strength.setAccessibleName("Passphrase strength")
        self.strength.setWordWrap(True)
        self.passphrase.textChanged.connect(lambda text: self.strength.setText(strength_hint(text)))
        self.written_down = QCheckBox("I have &written the passphrase down somewhere safe")
        self.error = error_label("Passphrase")
        self.encrypt_button = QPushButton("&Encrypt")
        self.encrypt_button.setAccessibleName("Encrypt the database now")
        self.encrypt_button.clicked.connect(self.encrypt)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        # Enter after typing the passphrase pressed Cancel and the box vanished without a word;
        # now Enter means Encrypt, which checks everything and says what is missing.
        self.cancel_button.setAutoDefault(False)
        self.encrypt_button.setDefault(True)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("&Passphrase", self.passphrase)
        form.addRow("", self.strength)
        form.addRow("Passphrase &again", self.again)
        form.addRow("", self.written_down)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.encrypt_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit_to_width(self, 620)

    def check(self) -> str | None:
        """The passphrase when everything is filled in properly; otherwise say what is wrong."""
        passphrase = self.passphrase.text()
        try:
            check_passphrase(passphrase)
        except ValidationError as exc:
            show_error(self.error, exc.message)
            self.passphrase.setFocus()
            return None
        if self.again.text() != passphrase:
            show_error(self.error, "The two passphrases are not the same. Type it again.")
            self.again.clear()
            self.again.setFocus()
            return None
        if not self.written_down.isChecked():
            show_error(self.error, "Write the passphrase down first, then tick the box.")
            self.written_down.setFocus()
            return None
        if is_encrypted_file(self.ctx.db_path):
            show_error(self.error, "This database is already encrypted.")
            return None
        show_error(self.error, "")
        return passphrase

    def encrypt(self) -> bool:
        """Close the app's connection, encrypt in the background, then reopen. True if started."""
        passphrase = self.check()
        if passphrase is None:
            return False
        path, folder = self.ctx.db_path, backup_dir(self.ctx.db)
        wait_for_jobs()  # other jobs' connections must be closed before the file is swapped
        forget_worker_connections()
        guard = guard_of(self.parentWidget())
        if guard is not None:
            guard.pause()  # locking now would write to the closed database
        self.ctx.db.close()
        self._set_busy(True)

        def work(control: JobControl) -> Path:
            def say(step: str) -> None:
                done = ENCRYPT_STEPS.index(step) if step in ENCRYPT_STEPS else 0
                control.report(done, len(ENCRYPT_STEPS) - 1, step + "…")

            return encrypt_database(path, passphrase, folder, progress=say)

        def done(backup: Any) -> None:
            self.backup_path = Path(backup)
            self.ctx.db = open_database(path, passphrase)
            self.ctx.passphrase = passphrase
            self.ctx.notify("settings")
            if guard is not None:
                guard.resume()
            self.accept()

        def failed(message: str) -> None:
            self._reopen_as_before()
            if guard is not None:
                guard.resume()
            self._set_busy(False)
            show_error(self.error, f"The database was not encrypted: {message}")

        self.job = run_job(
            work, done, on_error=failed, progress_parent=self, title="Encrypting the database"
        )
        return True

    def _reopen_as_before(self) -> None:
        try:
            self.ctx.db = open_database(self.ctx.db_path, self.ctx.passphrase)
        except DatabaseProblem as exc:  # the file is as it was, so this is unexpected
            show_error(self.error, str(exc))

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.encrypt_button, self.cancel_button, self.passphrase, self.again):
            widget.setEnabled(not busy)


class ChangePassphraseDialog(QDialog):
    """The current passphrase (asked again) and the new one twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Change the passphrase")
        self.setAccessibleName("Change the passphrase")
        self.old = _password_field("Current passphrase")
        self.new = _password_field("New passphrase")
        self.again = _password_field("New passphrase again")
        self.strength = QLabel(strength_hint(""))
        self.strength.setWordWrap(True)
        self.new.textChanged.connect(lambda text: self.strength.setText(strength_hint(text)))
        self.error = error_label("Passphrase")
        self.change_button = QPushButton("&Change passphrase")
        self.change_button.clicked.connect(self.change)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        cancel.setAutoDefault(False)  # Enter means Change passphrase, not Cancel
        self.change_button.setDefault(True)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("C&urrent passphrase", self.old)
        form.addRow("&New passphrase", self.new)
        form.addRow("", self.strength)
        form.addRow("New passphrase &again", self.again)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.change_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit_to_width(self, 560)

    def change(self) -> bool:
        """Re-key the open database; the app keeps working with the new passphrase."""
        if self.new.text() != self.again.text():
            show_error(self.error, "The two new passphrases are not the same. Type it again.")
            self.again.clear()
            self.again.setFocus()
            return False
        try:
            wait_for_jobs()
            forget_worker_connections()  # kept connections hold the old key
            change_passphrase_open(self.ctx.db, self.ctx.db_path, self.old.text(), self.new.text())
        except ValidationError as exc:
            show_error(self.error, exc.message)
            return False
        except DatabaseProblem as exc:
            show_error(self.error, str(exc))
            return False
        self.ctx.passphrase = self.new.text()
        self.accept()
        return True


def recommend_encryption(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """First run: recommend encrypting a plain database; True when it was encrypted."""
    if is_encrypted_file(ctx.db_path) or not ctx.can("encryption"):
        return False
    if not ask_yes_no(
        parent,
        "Protect patients' comments",
        "Patients' comments are health data. We recommend encrypting this database with a "
        "passphrase, so nobody can read it if this computer is lost or stolen.\n\n"
        "You can also do this later in Privacy and security.",
        yes="Encrypt now…",
        no="Later",
    ):
        return False
    return bool(EncryptDialog(ctx, parent).exec())
