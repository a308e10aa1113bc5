"""The survey designer: add, reorder, edit and remove questions of every kind.

Each question has its wording, help text, whether it needs an answer, answer options where it
has them, a number range for numbers, and "show only if" an earlier answer is one of a chosen
set. Changes are saved as they are made. A survey that already has responses is not changed in
place: the first change makes a new version, and the designer says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.errors import PPGError, ValidationError
from ppg_desktop.core.skip_logic import CONDITION_KINDS, describe_condition, find_target
from ppg_desktop.core.survey_models import Question, Survey
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.survey_templates import CHOICE_KINDS, KIND_LABELS, QUESTION_KINDS
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import error_label, heading, show_error

NEW_QUESTION_TEXT = "New question: type the wording here"


class QuestionListModel(QAbstractListModel):
    """The questions of one survey version, one line each, for the list on the left."""

    def __init__(self) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.questions: tuple[Question, ...] = ()

    def set_questions(self, questions: tuple[Question, ...]) -> None:
        """Show a new list (after any change)."""
        self.beginResetModel()
        self.questions = questions
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """One row per question."""
        return 0 if parent.isValid() else len(self.questions)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """'Q2 · Free text · Can you tell us why…' with its condition, and whether it must be
        answered in words (a bare '*' meant nothing to volunteers)."""
        if not index.isValid():
            return None
        question = self.questions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            line = (
                f"Q{question.position} · {KIND_LABELS[question.kind]}"
                f"{', must be answered' if question.required else ''} · {question.text}"
            )
            condition = describe_condition(question.show_if, self.questions)
            return f"{line}\n      {condition}" if condition else line
        if role == Qt.ItemDataRole.ToolTipRole:
            return question.text
        return None


class SurveyDesigner(QWidget):
    """Design one survey. `survey_changed` carries the id being edited (new after versioning)."""

    survey_changed = Signal(int)

    def __init__(self, ctx: AppContext, survey_id: int) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.ctx = ctx
        self.store = SurveyStore(ctx.db, ctx.actor)
        self.survey: Survey = self.store.get(survey_id)
        layout = QVBoxLayout(self)
        self.heading = heading("", "title")
        layout.addWidget(self.heading)
        title_row = QHBoxLayout()
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Survey title")
        self.save_title_button = QPushButton("Save title")
        self.save_title_button.clicked.connect(self.save_title)
        title_row.addWidget(QLabel("Title"))
        title_row.addWidget(self.title_edit, 1)
        title_row.addWidget(self.save_title_button)
        layout.addLayout(title_row)
        self.version_note = QLabel()
        self.version_note.setWordWrap(True)
        set_role(self.version_note, "muted")
        layout.addWidget(self.version_note)

        splitter = QSplitter()
        splitter.addWidget(self._list_panel())
        splitter.addWidget(self._editor_panel())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self.error = error_label("Survey designer")
        layout.addWidget(self.error)
        self._refresh(select_row=0)

    # --- building -----------------------------------------------------------------------------
    def _list_panel(self) -> QWidget:
        """The question list with add, move and remove buttons."""
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = QuestionListModel()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Questions")
        self.list.setWordWrap(True)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._load_selected())
        layout.addWidget(self.list, 1)
        add_row = QHBoxLayout()
        self.new_kind = QComboBox()
        self.new_kind.setAccessibleName("Type of new question")
        for kind in QUESTION_KINDS:
            self.new_kind.addItem(KIND_LABELS[kind], kind)
        self.add_button = QPushButton("Add question")
        self.add_button.clicked.connect(self.add_question)
        add_row.addWidget(self.new_kind, 1)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        moves = QHBoxLayout()
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        for button in (self.up_button, self.down_button, self.remove_button):
            moves.addWidget(button)
        layout.addLayout(moves)
        return panel

    def _editor_panel(self) -> QWidget:
        """The form that edits the selected question."""
        panel = QWidget()
        form = QFormLayout(panel)
        self.kind_combo = QComboBox()
        for kind in QUESTION_KINDS:
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.kind_combo.currentIndexChanged.connect(self._show_kind_fields)
        self.text_edit = QLineEdit()
        self.help_edit = QLineEdit()
        self.required_box = QCheckBox("Needs an answer")
        self.options_edit = QPlainTextEdit()
        self.options_edit.setPlaceholderText("One answer per line")
        self.options_edit.setMaximumHeight(130)
        self.min_edit = QLineEdit()
        self.max_edit = QLineEdit()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("optional; usually left empty")
        self.code_edit.setToolTip(
            "A short name the results screen uses to find this question, e.g. phone_ease for "
            "the 'contacting the practice by phone' figures. Leave it as it is."
        )
        self.condition_question = QComboBox()
        self.condition_question.currentIndexChanged.connect(self._load_condition_answers)
        self.condition_mode = QComboBox()
        self.condition_mode.addItem("is one of", "in")
        self.condition_mode.addItem("is not one of", "not_in")
        self.condition_answers = QListWidget()
        self.condition_answers.setMaximumHeight(130)
        self.save_button = QPushButton("Save question")
        self.save_button.clicked.connect(self.save_question)
        self.options_label = QLabel("Answers")
        self.range_label = QLabel("Number range")
        range_row = QHBoxLayout()
        range_row.addWidget(QLabel("from"))
        range_row.addWidget(self.min_edit)
        range_row.addWidget(QLabel("to"))
        range_row.addWidget(self.max_edit)
        self.range_holder = QWidget()
        self.range_holder.setLayout(range_row)
        for label, widget in (
            ("Type", self.kind_combo),
            ("Question", self.text_edit),
            ("Help text", self.help_edit),
            ("", self.required_box),
        ):
            form.addRow(label, widget)
            widget.setAccessibleName(label or "Needs an answer")
        form.addRow(self.options_label, self.options_edit)
        form.addRow(self.range_label, self.range_holder)
        form.addRow("Code for results", self.code_edit)
        form.addRow("Show only if", self.condition_question)
        form.addRow("", self.condition_mode)
        form.addRow("", self.condition_answers)
        form.addRow("", self.save_button)
        self.options_edit.setAccessibleName("Answers, one per line")
        self.condition_question.setAccessibleName("Show only if this earlier question")
        self.condition_answers.setAccessibleName("Show for these answers")
        self.editor_panel = panel
        return panel

    # --- loading ------------------------------------------------------------------------------
    def _refresh(self, select_row: int | None = None) -> None:
        """Show the current version's heading, note and questions."""
        survey = self.survey
        self.heading.setText(f"Design: {survey.title} (version {survey.version})")
        self.title_edit.setText(survey.title)
        if survey.response_count:
            self.version_note.setText(
                f"This version has {survey.response_count:,} responses, so changing a question "
                f"will make version {survey.version + 1}; the responses stay with version "
                f"{survey.version}."
            )
        else:
            self.version_note.setText("No responses yet: changes are saved to this version.")
        self.model.set_questions(survey.questions)
        if select_row is not None and survey.questions:
            row = max(0, min(select_row, len(survey.questions) - 1))
            self.list.setCurrentIndex(self.model.index(row, 0))
        self._load_selected()

    def selected(self) -> Question | None:
        """The question chosen in the list."""
        row = self.list.currentIndex().row()
        return self.survey.questions[row] if 0 <= row < len(self.survey.questions) else None

    def _load_selected(self) -> None:
        """Fill the form from the selected question."""
        question = self.selected()
        self.editor_panel.setEnabled(question is not None)
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setEnabled(question is not None)
        if question is None:
            return
        self.kind_combo.setCurrentIndex(QUESTION_KINDS.index(question.kind))
        self.text_edit.setText(question.text)
        self.text_edit.setCursorPosition(0)  # show the start of a long question, not its end
        self.help_edit.setText(question.help_text)
        self.help_edit.setCursorPosition(0)
        self.required_box.setChecked(question.required)
        self.options_edit.setPlainText("\n".join(question.options))
        self.min_edit.setText("" if question.min_value is None else f"{question.min_value:g}")
        self.max_edit.setText("" if question.max_value is None else f"{question.max_value:g}")
        self.code_edit.setText(question.code or "")
        self.condition_question.blockSignals(True)
        self.condition_question.clear()
        self.condition_question.addItem("Always show", None)
        for earlier in self.survey.questions:
            if earlier.position < question.position and earlier.kind in CONDITION_KINDS:
                self.condition_question.addItem(
                    f"Q{earlier.position} {earlier.text[:60]}", earlier.uuid
                )
        target = find_target(question.show_if, self.survey.questions) if question.show_if else None
        found = self.condition_question.findData(target.uuid) if target else 0
        self.condition_question.setCurrentIndex(max(found, 0))
        self.condition_question.blockSignals(False)
        condition = question.show_if or {}
        self.condition_mode.setCurrentIndex(1 if "not_in" in condition else 0)
        self._load_condition_answers(checked=condition.get("in", condition.get("not_in", [])))
        self._show_kind_fields()

    def _load_condition_answers(self, *_: Any, checked: list[str] | None = None) -> None:
        """List the chosen earlier question's answers as tick boxes."""
        self.condition_answers.clear()
        uuid = self.condition_question.currentData()
        target = next((q for q in self.survey.questions if q.uuid == uuid), None)
        # 'Always show' needs no answer list: an empty, greyed box beside it looked broken.
        self.condition_mode.setVisible(target is not None)
        self.condition_answers.setVisible(target is not None)
        if target is None:
            return
        for option in target.choices():
            item = QListWidgetItem(option)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if checked and option in checked else Qt.CheckState.Unchecked
            )
            self.condition_answers.addItem(item)

    def _show_kind_fields(self) -> None:
        """Show only the fields that apply to the chosen question type."""
        kind = self.kind_combo.currentData()
        has_options = kind in ("single", "multi")
        self.options_label.setVisible(has_options)
        self.options_edit.setVisible(has_options)
        self.range_label.setVisible(kind == "number")
        self.range_holder.setVisible(kind == "number")
        self.text_edit.setReadOnly(kind == "fft")  # the national wording is fixed

    # --- changes ------------------------------------------------------------------------------
    def _apply(self, change: Any, select_row: int | None) -> bool:
        """Run one store change; show a problem next to the form, or refresh on success."""
        before = self.survey
        try:
            self.survey = change()
        except PPGError as exc:
            field = exc.field if isinstance(exc, ValidationError) else "Survey"
            message = exc.message if isinstance(exc, ValidationError) else str(exc)
            show_error(self.error, f"{field}: {message}")
            return False
        show_error(self.error, "")
        self._refresh(select_row)
        if self.survey.id != before.id:
            self.version_note.setText(
                f"Saved as version {self.survey.version}. The {before.response_count:,} "
                f"responses already given stay with version {before.version}."
            )
        self.survey_changed.emit(self.survey.id)
        self.ctx.notify("surveys")
        return True

    def save_title(self) -> None:
        """Rename the survey (this does not make a new version)."""
        self._apply(
            lambda: self.store.update(self.survey.id, title=self.title_edit.text()),
            self.list.currentIndex().row(),
        )

    def add_question(self) -> None:
        """Add a question of the chosen type at the end and select it for editing."""
        kind = self.new_kind.currentData()
        options = ["First answer", "Second answer"] if kind in ("single", "multi") else []
        self._apply(
            lambda: self.store.add_question(
                self.survey.id, kind=kind, text=NEW_QUESTION_TEXT, options=options
            ),
            len(self.survey.questions),
        )
        self.text_edit.setFocus()
        self.text_edit.selectAll()

    def _condition(self) -> dict[str, Any] | None:
        """The 'show only if' chosen in the form (None for always)."""
        uuid = self.condition_question.currentData()
        if uuid is None:
            return None
        picked = [
            self.condition_answers.item(i).text()
            for i in range(self.condition_answers.count())
            if self.condition_answers.item(i).checkState() == Qt.CheckState.Checked
        ]
        return {"question": uuid, self.condition_mode.currentData(): picked}

    def save_question(self) -> None:
        """Save the form's fields to the selected question."""
        question = self.selected()
        if question is None:
            return
        kind = self.kind_combo.currentData()
        changes: dict[str, Any] = {
            "kind": kind,
            "text": self.text_edit.text(),
            "help_text": self.help_edit.text(),
            "required": self.required_box.isChecked(),
            "code": self.code_edit.text(),
            "options": [line for line in self.options_edit.toPlainText().splitlines()]
            if kind in CHOICE_KINDS
            else [],
            "min_value": self.min_edit.text().strip() or None,
            "max_value": self.max_edit.text().strip() or None,
            "show_if": self._condition(),
        }
        self._apply(
            lambda: self.store.update_question(question.id, **changes), question.position - 1
        )

    def move_selected(self, step: int) -> None:
        """Move the selected question up (-1) or down (+1)."""
        question = self.selected()
        if question is None:
            return
        target = question.position + step
        if not 1 <= target <= len(self.survey.questions):
            return
        self._apply(lambda: self.store.move_question(question.id, target), target - 1)

    def remove_selected(self) -> None:
        """Remove the selected question (refused if a later question depends on it)."""
        question = self.selected()
        if question is None:
            return
        self._apply(lambda: self.store.remove_question(question.id), question.position - 1)
