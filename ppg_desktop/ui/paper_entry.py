"""Paper entry: a volunteer keys a stack of paper survey forms with the keyboard alone.

Each question is one line. For a choice question type the option's number (shown beside it);
for a scale type the score itself; for multiple choice type several numbers ("1 3" or "13").
Enter moves to the next question that applies (skip logic hides the others); Enter on the last
one saves the form and starts the next. Ctrl+Z withdraws the last form saved here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.clock import parse_uk_date, today, uk_date
from ppg_desktop.core.errors import PPGError, ValidationError
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.skip_logic import visible_for_collected
from ppg_desktop.core.survey_models import Question, display_answer, is_blank
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import error_label, heading, show_error

RECENT = 6


def option_hint(question: Question) -> str:
    """What to type, shown beside the question: '1 Very good · 2 Good …' or 'score 1–5'."""
    if question.kind == "scale5":
        return "Type the score, 1 to 5"
    if question.kind == "scale10":
        return "Type the score, 0 to 10"
    choices = question.choices()
    if choices:
        numbered = " · ".join(f"{n} {option}" for n, option in enumerate(choices, start=1))
        return ("Type one or more numbers: " if question.kind == "multi" else "") + numbered
    if question.kind == "date":
        return "dd/mm/yyyy"
    if question.kind == "number":
        return "A number"
    return "Type the comment as written"


def short_hint(question: Question) -> str:
    """What fits in the answer box itself: '1–6', '0–10', 'dd/mm/yyyy'."""
    if question.kind == "scale5":
        return "1–5"
    if question.kind == "scale10":
        return "0–10"
    choices = question.choices()
    if choices:
        return f"1–{len(choices)}"
    return {"date": "dd/mm/yyyy", "number": "number"}.get(question.kind, "comment")


def interpret_keys(question: Question, typed: str) -> Any:
    """What the volunteer typed, as an answer for the store (None for blank).

    Raises ValidationError naming the question when a number matches no option.
    """
    typed = typed.strip()
    if not typed:
        return None
    choices = question.choices()
    if not choices or question.kind in ("scale5", "scale10"):
        return typed
    if question.kind == "multi":
        parts = typed.replace(",", " ").split()
        if len(parts) == 1 and len(choices) <= 9 and parts[0].isdigit():
            parts = list(parts[0])
        return [_option(question, choices, part) for part in parts]
    return _option(question, choices, typed)


def _option(question: Question, choices: tuple[str, ...], typed: str) -> str:
    """The option a typed number stands for (1 = first)."""
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1]
    raise ValidationError(question.label, f"Type a number from 1 to {len(choices)}.")


class PaperEntryScreen(QWidget):
    """Key paper forms for one survey version: a running count, the last entries and undo."""

    def __init__(self, ctx: AppContext, survey_id: int) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.ctx = ctx
        self.store = SurveyStore(ctx.db, ctx.actor)
        self.survey = self.store.get(survey_id)
        self.saved_ids: list[int] = []
        self.summaries: dict[int, str] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(
            heading(f"Paper forms: {self.survey.title} (version {self.survey.version})", "title")
        )
        intro = QLabel(
            "Type the number of each answer and press Enter. Enter on the last "
            "question saves the form. Ctrl+Z takes back the last form saved."
        )
        intro.setWordWrap(True)
        set_role(intro, "muted")
        layout.addWidget(intro)

        top = QFormLayout()
        self.practice = QComboBox()
        self.practice.setAccessibleName("Practice")
        for practice in PracticeStore(ctx.db).list():
            self.practice.addItem(practice.name, practice.id)
        self.collected_on = QLineEdit(uk_date(today()))
        self.collected_on.setAccessibleName("Date collected")
        self.collected_on.setPlaceholderText("dd/mm/yyyy")
        top.addRow("Practice", self.practice)
        top.addRow("Date collected (dd/mm/yyyy)", self.collected_on)
        layout.addLayout(top)

        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        grid.setColumnStretch(1, 1)
        self.rows: dict[int, tuple[QLabel, QLineEdit, QLabel]] = {}
        self.fields: list[tuple[Question, QLineEdit]] = []
        for row, question in enumerate(self.survey.questions):
            label = QLabel(question.label + (" *" if question.required else ""))
            label.setWordWrap(True)
            field = QLineEdit()
            field.setAccessibleName(question.label)
            field.setPlaceholderText(short_hint(question))
            field.setMaximumWidth(220 if question.kind in ("text", "date") else 120)
            field.setToolTip(option_hint(question))
            hint = QLabel(option_hint(question))
            hint.setWordWrap(True)
            set_role(hint, "muted")
            label.setBuddy(field)
            grid.addWidget(label, row * 2, 0, 1, 2)
            grid.addWidget(field, row * 2 + 1, 0)
            grid.addWidget(hint, row * 2 + 1, 1)
            if question.kind == "text":
                field.setMaximumWidth(16_777_215)
            field.textChanged.connect(self._update_visibility)
            field.returnPressed.connect(lambda q=question: self.advance(q))
            field.installEventFilter(self)
            self.rows[question.id] = (label, field, hint)
            self.fields.append((question, field))
        grid.setRowStretch(len(self.survey.questions) * 2, 1)
        grid.setVerticalSpacing(4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_holder)
        layout.addWidget(scroll, 1)

        self.error = error_label("Paper form")
        layout.addWidget(self.error)
        self.status = QLabel("")
        self.status.setAccessibleName("What happened")
        layout.addWidget(self.status)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        # On its own line: beside the two long buttons it made the screen wider than a laptop's
        # at 150% text, cutting off the right-hand side.
        layout.addWidget(self.count_label)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.save_button = QPushButton("Save form (Enter on the last question)")
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton("Undo last form (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.undo_button)
        layout.addLayout(bottom)
        layout.addWidget(heading("Last forms entered"))
        self.recent = QListWidget()
        self.recent.setAccessibleName("Last forms entered")
        self.recent.setMaximumHeight(150)
        layout.addWidget(self.recent)
        QShortcut(QKeySequence.StandardKey.Undo, self).activated.connect(self.undo)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.save)
        self._update_visibility()
        self._update_count()

    # --- state --------------------------------------------------------------------------------
    def collected(self) -> dict[int, Any]:
        """The answers as typed so far, interpreted (uninterpretable ones left out)."""
        answers: dict[int, Any] = {}
        for question, field in self.fields:
            try:
                answers[question.id] = interpret_keys(question, field.text())
            except ValidationError:
                continue
        return answers

    def visible_fields(self) -> list[tuple[Question, QLineEdit]]:
        """The questions that apply to this form, given the answers typed so far."""
        shown = {q.id for q in visible_for_collected(self.survey.questions, self.collected())}
        return [(q, f) for q, f in self.fields if q.id in shown]

    def _update_visibility(self) -> None:
        """Hide the questions skip logic leaves out of this form."""
        shown = {q.id for q, _ in self.visible_fields()}
        for question_id, widgets in self.rows.items():
            for widget in widgets:
                widget.setVisible(question_id in shown)

    def _update_count(self) -> None:
        """Show how many forms were keyed here and in all."""
        total = self.store.get(self.survey.id).response_count
        self.count_label.setText(
            f"Forms entered this session: {len(self.saved_ids)} · total for this survey: {total:,}"
        )
        self.undo_button.setEnabled(bool(self.saved_ids))

    # --- keyboard flow ------------------------------------------------------------------------
    def focus_first(self) -> None:
        """Put the cursor in the first question, ready for the next form."""
        shown = self.visible_fields()
        if shown:
            shown[0][1].setFocus()

    def advance(self, question: Question) -> None:
        """Enter on a question: check it, then go to the next one that applies, or save."""
        field = self.rows[question.id][1]
        try:
            value = interpret_keys(question, field.text())
        except ValidationError as exc:
            show_error(self.error, str(exc))
            field.selectAll()
            return
        if is_blank(value) and question.required:
            show_error(self.error, f"{question.label}: this question needs an answer.")
            return
        show_error(self.error, "")
        later = [f for q, f in self.visible_fields() if q.position > question.position]
        if later:
            later[0].setFocus()
            later[0].selectAll()
        else:
            self.save()

    def save(self) -> None:
        """Store the form; on success clear it for the next one and count it."""
        answers: dict[int, Any] = {}
        for question, field in self.visible_fields():
            try:
                answers[question.id] = interpret_keys(question, field.text())
            except ValidationError as exc:
                self._fail(exc, field)
                return
        try:
            when = parse_uk_date(self.collected_on.text())
        except ValueError:
            show_error(self.error, "Date collected: enter the date as dd/mm/yyyy.")
            self.collected_on.setFocus()
            return
        try:
            response = self.store.add_response(
                self.survey.id,
                answers,
                practice_id=self.practice.currentData(),
                collected_on=when,
                mode="paper",
                entered_by=self.ctx.user.id if self.ctx.user else None,
            )
        except ValidationError as exc:
            failed = next((f for q, f in self.fields if exc.field == q.label), None)
            self._fail(exc, failed)
            return
        show_error(self.error, "")
        self.status.setText("")
        self.saved_ids.append(response.id)
        shown_answers = [
            display_answer(q, response.answers.get(q.id))
            for q in self.survey.questions
            if q.id in response.answers
        ]
        summary = f"Form {len(self.saved_ids)}: " + " | ".join(
            a if len(a) <= 40 else a[:39].rstrip() + "…" for a in shown_answers
        )  # a cut-short answer ends in '…' so it does not look like a typing mistake
        self.summaries[response.id] = summary
        self.recent.insertItem(0, summary)
        while self.recent.count() > RECENT:
            self.recent.takeItem(self.recent.count() - 1)
        for _, field in self.fields:
            field.clear()
        self._update_count()
        self.ctx.notify("surveys")
        if response.feedback_ids:
            self.ctx.notify("feedback")
        self.focus_first()

    def _fail(self, exc: PPGError, field: QLineEdit | None) -> None:
        """Show a problem and put the cursor where it is."""
        show_error(self.error, str(exc))
        if field is not None:
            field.setFocus()
            field.selectAll()

    def undo(self) -> None:
        """Withdraw the last form saved in this session (and any feedback made from it)."""
        if not self.saved_ids:
            return
        response_id = self.saved_ids.pop()
        self.store.delete_response(response_id)
        summary = self.summaries.pop(response_id, "")
        for row in range(self.recent.count()):
            item = self.recent.item(row)
            if item is not None and item.text() == summary:
                self.recent.takeItem(row)
                break
        show_error(self.error, "")
        self.status.setText(f"Took back {summary.split(':')[0].lower()}.")
        self._update_count()
        self.ctx.notify("surveys")
        self.focus_first()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Z in an answer box takes back the last form (the box's own undo is not needed:
        the form is cleared after each save)."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
        ):
            self.undo()
            return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: Any) -> None:
        """Start with the cursor in the first question."""
        super().showEvent(event)
        self.focus_first()

    def keyPressEvent(self, event: Any) -> None:
        """Keep Enter from reaching a default button outside this form."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
