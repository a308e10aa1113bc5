"""Subject access: find everything held about one person (by name, phone or email), export it
for them, or erase it. Every search, export and erasure is written to the audit log.

Found by name alone, the records may be about different people: a yellow note says what tells
them apart and how to narrow the search, and exporting or erasing them all needs a clear yes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
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
from ppg_desktop.core.subject_access import (
    SubjectAccessResult,
    erase_subject,
    erasure_summary,
    export_subject_access,
    subject_access_search,
)
from ppg_desktop.core.subject_matches import NameMatches
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.dialog_size import fit_to_width
from ppg_desktop.ui.messages import ask_yes_no
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import error_label, show_error
from ppg_desktop.ui.wording import counted

SNIPPET = 120
NARROW_HERE = (
    "Check with the person who asked, and add their phone number or email address above to "
    "narrow the search."
)
NARROW_FROM_HERE = (
    "Check with the person who asked, or cancel and add their phone number or email address to "
    "the search to narrow it."
)


def _different_people(result: SubjectAccessResult | None) -> NameMatches | None:
    """The possible people behind a search by name alone, when there may be more than one."""
    matches = result.name_matches if result is not None else None
    return matches if matches is not None and matches.could_be_different_people else None


def different_people_text(matches: NameMatches) -> str:
    """The warning, where to see what tells the possible people apart, and what to do.

    Each possible person's details are in the list (there may be dozens), so the note stays
    short enough to show whole at large text sizes.
    """
    lines = [f"⚠ {matches.warning()}"]
    if len(matches.people) > 1:
        lines.append(
            "The list below shows whose each set of contact details may be (person 1 to "
            f"{len(matches.people)}), with the practice it was given at."
        )
    if matches.practices_line():
        lines.append(matches.practices_line() + ".")
    lines.append(NARROW_HERE)
    return "\n".join(lines)


def _short_warning(matches: NameMatches, outcome: str) -> str:
    """For the Export and Erase questions: the warning, what would happen, and what to do."""
    return f"⚠ {matches.warning()} {outcome}\n\n{NARROW_FROM_HERE}"


def result_rows(result: SubjectAccessResult) -> list[tuple[str, str, str, str]]:
    """One row per record found: what it is, its number, its date and a short description
    (contact details say which possible person they are, and their practice, when there may
    be several)."""
    matches = _different_people(result)
    people = matches.people if matches is not None and len(matches.people) > 1 else []
    person_of = {
        c.id: f" (person {n})" for n, person in enumerate(people, 1) for c in person.contacts
    }
    practice_of = {f.id: f.practice_name for f in result.feedback} if people else {}
    rows = [
        (
            "Contact details" + person_of.get(c.id, ""),
            str(c.id),
            uk_date(c.consent_on),
            ", ".join(
                v for v in (c.name, c.phone, c.email, practice_of.get(c.feedback_id or 0, "")) if v
            ),
        )
        for c in result.contacts
    ]
    for label, items in (("Their feedback", result.feedback), ("Mentions them", result.mentions)):
        for item in items:
            rows.append((label, str(item.id), uk_date(item.received_on), _snippet(item.text)))
            for version in result.earlier_versions.get(item.id, []):
                # the comment's other version kept after merging laptops: erased with it
                rows.append(
                    ("Earlier version", str(item.id), uk_date(version.at), _snippet(version.text))
                )
    for answer in result.survey_answers:
        when = uk_date(answer.collected_on)
        rows.append(("Survey answer", str(answer.response_id), when, _snippet(answer.text)))
    return rows


def _snippet(text: str) -> str:
    """The start of a text on one line, for a table cell."""
    flat = " ".join(text.split())
    return flat[:SNIPPET] + ("…" if len(flat) > SNIPPET else "")


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
        self.people_note = QLabel()
        self.people_note.setWordWrap(True)
        self.people_note.setAccessibleName("These records may be about different people")
        self.people_box = QFrame()
        set_role(self.people_box, "undo-bar")  # the calm yellow bar the app uses for notices
        note_layout = QVBoxLayout(self.people_box)
        note_layout.setContentsMargins(8, 4, 8, 6)
        note_layout.addWidget(self.people_note)
        self.left_out = QLabel()
        self.left_out.setWordWrap(True)
        self.left_out.setProperty("role", "muted")
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
        self.record_width = self.view.columnWidth(0)
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
        layout.addWidget(self.people_box)
        layout.addWidget(self.left_out)
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
                cells[-1].setToolTip(row[-1])  # the details in full when the column is narrow
                self.model.appendRow(cells)
            # 'Contact details (person 2)' is wider than the column's usual width
            widest = self.view.sizeHintForColumn(0)
            self.view.setColumnWidth(0, max(self.record_width, widest))
            if result.empty:
                self.summary.setText("Nothing was found for that person.")
            else:
                self.summary.setText(
                    f"Found {counted(len(result.contacts), 'set')} of contact details, "
                    f"{counted(len(result.feedback), 'item')} of their feedback and "
                    f"{counted(len(result.mentions), 'other item')} that mention them (check these)."
                    + (
                        f" Also {counted(len(result.survey_answers), 'written survey answer')} to "
                        "check."
                        if result.survey_answers
                        else ""
                    )
                )
        matches = _different_people(result)
        self.people_note.setText(different_people_text(matches) if matches else "")
        self.people_box.setVisible(matches is not None)
        left_out = result.name_only if result is not None else []
        self.left_out.setText(
            f"Left out: {counted(len(left_out), 'set')} of contact details matching the name but "
            "not the phone number or email address given ("
            + "; ".join(", ".join(v for v in (c.name, c.phone, c.email) if v) for c in left_out[:5])
            + "), so probably someone else's. If they are the same person, search with those "
            "details too."
            if left_out
            else ""
        )
        self.left_out.setVisible(bool(left_out))
        if matches is not None or left_out:
            self._grow_to_fit()
        found = result is not None and not result.empty
        self.export_button.setEnabled(found)
        self.erase_button.setEnabled(found)

    def _grow_to_fit(self) -> None:
        """Taller, up to the screen, so the wrapped notes and a few rows of the table show (a
        layout's minimum height ignores word wrap, so large text clipped the notes)."""
        layout = self.layout()
        if layout is None:
            return
        rows = 5 * self.view.verticalHeader().defaultSectionSize()
        needed = layout.totalHeightForWidth(self.width()) + rows
        screen = self.screen()
        room = screen.availableGeometry().height() - 40 if screen is not None else needed
        if needed > self.height():
            self.resize(self.width(), min(needed, room))

    def choose_export_file(self) -> Path | None:
        """Ask where to save (.json or .csv), then export; records that may be about different
        people are exported only when the person says so."""
        matches = _different_people(self.found)
        if matches is not None and not ask_yes_no(
            self,
            "Export a person's details",
            f"⚠ {matches.warning()}\n\nAnother patient's details must never go to the person "
            "who asked. Export them all only if you have checked they are all about them; "
            "otherwise cancel, and add their phone number or email address to the search to "
            "narrow it.",
            yes="Export them all",
            no="Cancel",
        ):
            return None
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export a person's details",
            str(Path.home() / "subject-access.json"),
            "JSON file (*.json);;Spreadsheet (CSV) (*.csv)",
        )
        return self.export_to(Path(path), all_matches=matches is not None) if path else None

    def export_to(self, path: Path, *, all_matches: bool = False) -> Path | None:
        """Write what was found to `path` (audited); the summary says where it went.

        `all_matches`: the person agreed to export records that may be different people's.
        """
        if self.found is None or self.found.empty:
            return None
        if path.suffix.lower() not in (".json", ".csv"):
            path = path.with_suffix(".json")
        try:
            written = export_subject_access(
                self.found,
                path,
                db=self.ctx.db,
                actor=self.ctx.actor,
                allow_different_people=all_matches,
            )
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
            self.erase(
                delete_feedback=dialog.delete_feedback.isChecked(),
                all_matches=dialog.all_checked.isChecked(),
            )

    def erase(self, *, delete_feedback: bool, all_matches: bool = False) -> None:
        """Erase in the background (one audited transaction).

        `all_matches`: the person ticked that records which may be different people's are all
        about the person who asked.
        """
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
                allow_different_people=all_matches,
            )

        def done(counts: Any) -> None:
            self.erased = dict(counts)
            self._show_result(None)
            self.summary.setText(erasure_summary(counts))
            self.ctx.notify("feedback")

        self.job = run_job(
            with_worker_db(self.ctx, work),
            done,
            on_error=lambda message: show_error(self.error, message),
            progress_parent=self,
            title="Erasing a person's details",
        )


class EraseChoiceDialog(QDialog):
    """Confirm an erasure and choose whether the feedback itself goes too. When the records may
    be about different people it says so, and Erase waits for a tick saying they were checked."""

    def __init__(self, result: SubjectAccessResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Erase a person's details")
        count = len(result.feedback) + len(result.mentions)
        answers = len(result.survey_answers)
        question = QLabel(
            f"This removes {counted(len(result.contacts), 'set')} of contact details for good. What "
            f"should happen to the {counted(count, 'item')} of feedback"
            + (f" and {counted(answers, 'written survey answer')}" if answers else "")
            + " found?"
        )
        question.setWordWrap(True)
        self.redact_feedback = QRadioButton(
            "&Keep the feedback, with the person's details taken out of the comments"
            + (" and survey answers" if answers else "")
        )
        self.redact_feedback.setChecked(True)
        self.delete_feedback = QRadioButton(
            "&Delete the feedback too"
            + (" and the written survey answers (their ratings stay)" if answers else "")
        )
        warning = QLabel("This cannot be undone. It is written to the audit log.")
        warning.setProperty("role", "muted")
        self.all_checked = QCheckBox(
            "I have c&hecked with the person who asked: these records are all about them"
        )
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
        matches = _different_people(result)
        if matches is not None:
            people = QLabel(
                _short_warning(
                    matches, "Erasing now removes the records of everyone found, for good."
                )
            )
            people.setWordWrap(True)
            people.setAccessibleName("These records may be about different people")
            box = QFrame()
            set_role(box, "undo-bar")
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(8, 4, 8, 6)
            box_layout.addWidget(people)
            layout.addWidget(box)
            erase.setEnabled(False)
            self.all_checked.toggled.connect(erase.setEnabled)
        else:
            self.all_checked.hide()
        for widget in (question, self.redact_feedback, self.delete_feedback):
            layout.addWidget(widget)
        if matches is not None:
            layout.addWidget(self.all_checked)
        layout.addWidget(warning)
        layout.addLayout(buttons)
        self.erase_button = erase
        fit_to_width(self, 560 if matches is None else 680)
