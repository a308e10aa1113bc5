"""Subject access: find everything held about one person (by name, phone or email), export it
for them, or erase it. Every search, export and erasure is written to the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.errors import PPGError, ValidationError
from ppg_desktop.core.retention import (
    SubjectAccessResult,
    erase_subject,
    export_subject_access,
    subject_access_search,
)
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.dialog_size import fit_to_width
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db
from ppg_desktop.ui.widgets import error_label, show_error
from ppg_desktop.ui.wording import counted

SNIPPET = 120


def result_rows(result: SubjectAccessResult) -> list[tuple[str, str, str, str]]:
    """One row per record found: what it is, its number, its date and a short description."""
    rows = [
        (
            "Contact details",
            str(c.id),
            uk_date(c.consent_on),
            ", ".join(v for v in (c.name, c.phone, c.email) if v),
        )
        for c in result.contacts
    ]
    for label, items in (("Their feedback", result.feedback), ("Mentions them", result.mentions)):
        for item in items:
            text = " ".join(item.text.split())
            snippet = text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")
            rows.append((label, str(item.id), uk_date(item.received_on), snippet))
    return rows


class SubjectAccessDialog(QDialog):
    """Search, then Export… or Erase… what was found."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.found: SubjectAccessResult | None = None
        self.erased: dict[str, int] | None = None
        self.job: Job | None = None
        self.setWindowTitle("A person's details")
        self.setAccessibleName("Find a person's details")
        self.name = QLineEdit()
        self.name.setAccessibleName("Person's name")
        self.phone = QLineEdit()
        self.phone.setAccessibleName("Person's phone")
        self.email = QLineEdit()
        self.email.setAccessibleName("Person's email")
        for line in (self.name, self.phone, self.email):
            line.returnPressed.connect(self.search)
        self.find_button = QPushButton("&Find")
        self.find_button.clicked.connect(self.search)
        self.error = error_label("Search")
        self.summary = QLabel("Enter the person's name, phone number or email address.")
        self.summary.setWordWrap(True)
        self.model = QStandardItemModel(0, 4)
        self.model.setHorizontalHeaderLabels(["Record", "Number", "Date", "Details"])
        self.view = QTableView()
        self.view.setAccessibleName("What was found")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        char = self.fontMetrics().averageCharWidth()
        for column, chars in enumerate((16, 8, 11)):
            self.view.setColumnWidth(column, chars * char + 16)
        self.export_button = QPushButton("&Export…")
        self.export_button.setAccessibleName("Export what was found to a file")
        self.export_button.clicked.connect(self.choose_export_file)
        self.erase_button = QPushButton("E&rase…")
        self.erase_button.setAccessibleName("Erase this person's details")
        self.erase_button.clicked.connect(self.confirm_erase)
        close = QPushButton("&Close")
        close.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Phone", self.phone)
        form.addRow("E&mail", self.email)
        search_row = QHBoxLayout()
        search_row.addLayout(form, 1)
        search_row.addWidget(self.find_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.erase_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._show_result(None)
        self.resize(820, 520)

    def search(self) -> SubjectAccessResult | None:
        """Look the person up (audited) and list what was found."""
        show_error(self.error, "")
        try:
            result = subject_access_search(
                self.ctx.db,
                self.name.text(),
                self.phone.text(),
                self.email.text(),
                actor=self.ctx.actor,
            )
        except ValidationError as exc:
            show_error(self.error, exc.message)
            return None
        self._show_result(result)
        return result

    def _show_result(self, result: SubjectAccessResult | None) -> None:
        self.found = result
        self.model.removeRows(0, self.model.rowCount())
        if result is not None:
            for row in result_rows(result):
                cells = [QStandardItem(value) for value in row]
                self.model.appendRow(cells)
            if result.empty:
                self.summary.setText("Nothing was found for that person.")
            else:
                self.summary.setText(
                    f"Found {counted(len(result.contacts), 'set')} of contact details, "
                    f"{counted(len(result.feedback), 'item')} of their feedback and "
                    f"{counted(len(result.mentions), 'other item')} that mention them (check these)."
                )
        found = result is not None and not result.empty
        self.export_button.setEnabled(found)
        self.erase_button.setEnabled(found)

    def choose_export_file(self) -> Path | None:
        """Ask where to save (.json or .csv), then export."""
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export a person's details",
            str(Path.home() / "subject-access.json"),
            "JSON file (*.json);;Spreadsheet (CSV) (*.csv)",
        )
        return self.export_to(Path(path)) if path else None

    def export_to(self, path: Path) -> Path | None:
        """Write what was found to `path` (audited); the summary says where it went."""
        if self.found is None or self.found.empty:
            return None
        if path.suffix.lower() not in (".json", ".csv"):
            path = path.with_suffix(".json")
        try:
            written = export_subject_access(self.found, path, db=self.ctx.db, actor=self.ctx.actor)
        except (OSError, PPGError) as exc:
            show_error(self.error, f"The file could not be written: {exc}")
            return None
        self.summary.setText(f"Exported to {written}. Give it only to the person it is about.")
        return written

    def confirm_erase(self) -> None:
        """Ask how to erase (redact the comments, or delete the feedback too), then do it."""
        if self.found is None or self.found.empty:
            return
        dialog = EraseChoiceDialog(self.found, self)
        if dialog.exec():
            self.erase(delete_feedback=dialog.delete_feedback.isChecked())

    def erase(self, *, delete_feedback: bool) -> None:
        """Erase in the background (one audited transaction)."""
        if self.found is None:
            return
        result, actor = self.found, self.ctx.actor

        def work(db: sqlite_utils.Database, control: JobControl) -> dict[str, int]:
            return erase_subject(
                db,
                result,
                actor,
                delete_feedback=delete_feedback,
                progress=lambda done, total: control.report(done, total, "Erasing…"),
            )

        def done(counts: Any) -> None:
            self.erased = dict(counts)
            self._show_result(None)
            self.summary.setText(
                f"Erased: {counted(counts['contacts_removed'], 'set')} of contact details removed, "
                f"{counted(counts['feedback_redacted'], 'comment')} redacted, "
                f"{counted(counts['feedback_deleted'], 'item')} of feedback deleted."
            )
            self.ctx.notify("feedback")

        self.job = run_job(
            with_worker_db(self.ctx, work),
            done,
            on_error=lambda message: show_error(self.error, message),
            progress_parent=self,
            title="Erasing a person's details",
        )


class EraseChoiceDialog(QDialog):
    """Confirm an erasure and choose whether the feedback itself goes too."""

    def __init__(self, result: SubjectAccessResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Erase a person's details")
        count = len(result.feedback) + len(result.mentions)
        question = QLabel(
            f"This removes {counted(len(result.contacts), 'set')} of contact details for good. What "
            f"should happen to the {counted(count, 'item')} of feedback found?"
        )
        question.setWordWrap(True)
        self.redact_feedback = QRadioButton(
            "&Keep the feedback, with the person's details taken out of the comments"
        )
        self.redact_feedback.setChecked(True)
        self.delete_feedback = QRadioButton("&Delete the feedback too")
        warning = QLabel("This cannot be undone. It is written to the audit log.")
        warning.setProperty("role", "muted")
        erase = QPushButton("&Erase")
        erase.clicked.connect(self.accept)
        cancel = QPushButton("Cancel")
        cancel.setDefault(True)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(erase)
        layout = QVBoxLayout(self)
        for widget in (question, self.redact_feedback, self.delete_feedback, warning):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        fit_to_width(self, 560)
