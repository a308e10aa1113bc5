"""The form for one action: its fields, its status history and the status change controls.

Problems are shown next to the field they are about (the store's ValidationError names it).
Edits are only stored by Save; the screen asks before anything typed would be lost.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.models import ACTION_STATUS_LABELS, Action, Theme
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.forms import (
    add_field_row,
    clear_errors,
    scrolling,
    show_not_saved,
    wrap_rows_when_narrow,
)
from ppg_desktop.ui.widgets import error_label, heading, show_error


def _text_box(name: str, height: int = 64) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setMinimumHeight(height)
    box.setMaximumHeight(int(height * 1.5))
    return box


def _line(name: str, placeholder: str = "") -> QLineEdit:
    line = QLineEdit()
    line.setAccessibleName(name)
    line.setPlaceholderText(placeholder)
    return line


class ActionDetail(QWidget):
    """Edit one action (or a new one). `saved(id)` follows a successful save or status change."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.action: Action | None = None
        self.is_new = False
        self._loading = False
        self._dirty = False

        self.heading = heading("Choose an action in the list, or press New action.")
        self.title = _line("Title", "A short title, e.g. Longer phone lines at 8am")
        self.description = _text_box("Description")
        self.practice = QComboBox()
        self.practice.setAccessibleName("Practice")
        self.raised_with = _line("Raised with", "e.g. Practice manager")
        self.raised_on = _line("Date raised", "dd/mm/yyyy")
        self.owner = _line("Owner", "Who in the PPG follows it up")
        self.due_on = _line("Due date", "dd/mm/yyyy")
        self.practice_response = _text_box("Practice's response")
        self.outcome = _text_box("What we did")
        self.outcome.setPlaceholderText("In patients' words, for the poster: what changed?")
        self.links = QLabel()
        self.links.setWordWrap(True)
        self.links.setProperty("role", "muted")
        self.errors: dict[str, QLabel] = {}

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, widget in (
            ("&Title", self.title),
            ("Descr&iption", self.description),
            ("Practice", self.practice),
            ("Raised with", self.raised_with),
            ("Date raised", self.raised_on),
            ("Owne&r", self.owner),
            ("&Due date", self.due_on),
            ("Practice's response", self.practice_response),
            ("What &we did", self.outcome),
        ):
            field_name = label.replace("&", "")
            self.errors[field_name] = error_label(field_name)
            add_field_row(form, label, widget, self.errors[field_name])
        self.themes_button = QPushButton("The&mes…")
        self.themes_button.setAccessibleName("Choose the themes this action is about")
        self.themes_button.clicked.connect(self.choose_themes)
        # The description of the links gets its own full-width row: squeezed beside the button
        # the form gave it one line and 'Raised from … Themes: …' was cut off.
        links_holder = QWidget()
        links_row = QHBoxLayout(links_holder)
        links_row.setContentsMargins(0, 0, 0, 0)
        links_row.addStretch(1)
        links_row.addWidget(self.themes_button)
        form.addRow("Linked", links_holder)
        form.addRow(self.links)  # the whole width, so it needs fewer lines

        self.save_button = QPushButton("&Save changes")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setAccessibleName("Save changes to this action")
        self.save_button.clicked.connect(self.save)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)

        # --- status ----------------------------------------------------------------------------
        self.status_now = QLabel()
        self.status_now.setWordWrap(True)
        self.new_status = QComboBox()
        self.new_status.setAccessibleName("New status")
        for key, label in ACTION_STATUS_LABELS.items():
            self.new_status.addItem(label, key)
        self.status_note = _line("Note on the status change", "What happened (optional)")
        self.declined_reason = _line("Reason for declining", "Needed when declined")
        self.errors["Reason for declining"] = error_label("Reason for declining")
        self.errors["Status"] = error_label("Status")
        self.status_button = QPushButton("Change stat&us")
        self.status_button.setAccessibleName("Change the status of this action")
        self.status_button.clicked.connect(self.change_status)
        self.history = QListWidget()
        self.history.setAccessibleName("Status history")
        self.history.setMaximumHeight(130)
        status_box = QGroupBox("Status")
        status_form = QFormLayout(status_box)
        status_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        status_form.addRow(self.status_now)
        status_row = QHBoxLayout()
        status_row.addWidget(self.new_status, 1)
        status_row.addWidget(self.status_button)
        status_form.addRow("Move to", status_row)
        status_form.addRow("", self.errors["Status"])
        status_form.addRow("Note", self.status_note)
        reason = QVBoxLayout()
        reason.addWidget(self.declined_reason)
        reason.addWidget(self.errors["Reason for declining"])
        status_form.addRow("Reason for declining", reason)
        status_form.addRow("History", self.history)
        self.status_box = status_box
        self.forms = (form, status_form)

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.heading)
        inner_layout.addLayout(form)
        save_row = QHBoxLayout()
        save_row.addWidget(self.state_label, 1)
        save_row.addWidget(self.save_button)
        inner_layout.addLayout(save_row)
        inner_layout.addWidget(status_box)
        inner_layout.addStretch(1)
        scrolling(self, inner)
        self.setMinimumWidth(inner.minimumSizeHint().width() + 30)  # never a sideways scroll

        for line in (self.title, self.raised_with, self.raised_on, self.owner, self.due_on):
            line.textChanged.connect(self._changed)
        for box in (self.description, self.practice_response, self.outcome):
            box.textChanged.connect(self._changed)
        self.practice.currentIndexChanged.connect(self._changed)
        self.new_status.currentIndexChanged.connect(self._status_choice_changed)
        self.refresh_practices()
        self.show_action(None)

    # --- showing ---------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow panel (large text): labels go above their boxes, so the boxes are full width.

        Side by side at 150% text, 'Practice's response' took half the width and the boxes
        showed 'A short title, e.g…' and 'Who in the PPG …'.
        """
        super().resizeEvent(event)
        wrap_rows_when_narrow(self, self.forms)

    def refresh_practices(self) -> None:
        """Fill the practice list (kept when practices change)."""
        current = self.practice.currentData()
        self._loading = True
        self.practice.clear()
        self.practice.addItem("(not about one practice)", None)
        for practice in PracticeStore(self.ctx.db).list():
            self.practice.addItem(practice.name, practice.id)
        index = self.practice.findData(current)
        self.practice.setCurrentIndex(max(index, 0))
        self._loading = False

    def show_action(self, action_id: int | None) -> None:
        """Load one action into the form (None empties it)."""
        self._loading = True
        self.is_new = False
        self.action = None
        if action_id is not None:
            try:
                self.action = ActionStore(self.ctx.db).get(action_id)
            except NotFoundError:
                self.action = None
        action = self.action
        clear_errors(self.errors)
        self.title.setText(action.title if action else "")
        self.description.setPlainText(action.description if action else "")
        self.practice.setCurrentIndex(
            max(self.practice.findData(action.practice_id if action else None), 0)
        )
        self.raised_with.setText(action.raised_with if action else "")
        self.raised_on.setText(uk_date(action.raised_on) if action else "")
        self.owner.setText(action.owner if action else "")
        self.due_on.setText(uk_date(action.due_on) if action else "")
        self.practice_response.setPlainText(action.practice_response if action else "")
        self.outcome.setPlainText(action.outcome if action else "")
        self.declined_reason.setText(action.declined_reason if action else "")
        for line in (self.title, self.raised_with, self.owner):
            line.setCursorPosition(0)  # show the start of long text, not its end
        self.status_note.clear()
        self.state_label.clear()
        self._show_status()
        self._show_links()
        self.heading.setText(
            action.title if action else "Choose an action in the list, or press New action."
        )
        self._set_enabled(action is not None)
        self._loading = False
        self._dirty = False

    def start_new(self) -> None:
        """An empty form for a new action (saved with Save)."""
        self.show_action(None)
        self.is_new = True
        self.heading.setText("New action")
        self._set_enabled(True)
        self.status_box.setEnabled(False)
        self.title.setFocus()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.title,
            self.description,
            self.practice,
            self.raised_with,
            self.raised_on,
            self.owner,
            self.due_on,
            self.practice_response,
            self.outcome,
            self.save_button,
        ):
            widget.setEnabled(enabled)
        self.status_box.setEnabled(enabled and self.action is not None)
        self.themes_button.setEnabled(enabled and self.action is not None)

    def _show_status(self) -> None:
        action = self.action
        self.history.clear()
        if action is None:
            self.status_now.setText("")
            return
        words = f"Now: {ACTION_STATUS_LABELS[action.status]}"
        if action.is_overdue():
            words += f" — ⚠ Overdue (was due {uk_date(action.due_on)})"
        self.status_now.setText(words)
        index = self.new_status.findData(action.status)
        self.new_status.setCurrentIndex(max(index, 0))
        for entry in ActionStore(self.ctx.db).history(action.id):
            before = ACTION_STATUS_LABELS.get(entry.old_status or "", "")
            move = f"{before} → " if before else ""
            who = f" by {entry.changed_by}" if entry.changed_by else ""
            note = f": {entry.note}" if entry.note else ""
            self.history.addItem(
                f"{uk_date(entry.changed_at)}{who}: "
                f"{move}{ACTION_STATUS_LABELS[entry.new_status]}{note}"
            )
        self._status_choice_changed()

    def _show_links(self) -> None:
        action = self.action
        if action is None:
            self.links.setText("")
            return
        names = {t.id: t.name for t in ThemeStore(self.ctx.db).list(include_archived=True)}
        themes = ", ".join(names.get(i, str(i)) for i in action.theme_ids) or "none"
        count = len(action.feedback_ids)
        self.links.setText(
            f"Raised from {count} feedback item{'s' if count != 1 else ''}. Themes: {themes}."
        )

    def _status_choice_changed(self, *_: object) -> None:
        declined = self.new_status.currentData() == "declined"
        self.declined_reason.setEnabled(declined)

    def _changed(self, *_: object) -> None:
        if not self._loading and (self.action is not None or self.is_new):
            self._dirty = True
            self.state_label.setText("Not saved yet.")

    def choose_themes(self) -> bool:
        """Pick the themes this action is about (a checklist); stored at once. True if changed."""
        if self.action is None:
            return False
        dialog = ThemePicker(ThemeStore(self.ctx.db).list(), set(self.action.theme_ids), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.set_themes(dialog.chosen())

    def set_themes(self, theme_ids: set[int]) -> bool:
        """Store the action's themes (kept apart from Save: links are not typed edits)."""
        if self.action is None or theme_ids == set(self.action.theme_ids):
            return False
        ActionStore(self.ctx.db, self.ctx.actor).set_themes(self.action.id, theme_ids)
        self.action = ActionStore(self.ctx.db).get(self.action.id)
        self._show_links()
        self.ctx.notify("actions")
        return True

    # --- saving ----------------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self._dirty and (self.action is not None or self.is_new)

    def values(self) -> dict[str, Any]:
        """The form's fields as the store takes them (dates as typed: dd/mm/yyyy)."""
        return {
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "practice_id": self.practice.currentData(),
            "raised_with": self.raised_with.text(),
            "raised_on": self.raised_on.text(),
            "owner": self.owner.text(),
            "due_on": self.due_on.text(),
            "practice_response": self.practice_response.toPlainText(),
            "outcome": self.outcome.toPlainText(),
        }

    def save(self) -> bool:
        """Store the form (create or update). True when stored."""
        if self.action is None and not self.is_new:
            return False
        clear_errors(self.errors)
        store = ActionStore(self.ctx.db, self.ctx.actor)
        values = self.values()
        try:
            if self.is_new:
                title = str(values.pop("title"))
                action = store.create(title=title, **values)
            else:
                assert self.action is not None
                action = store.update(self.action.id, **values)
        except ValidationError as exc:
            show_not_saved(self.errors, self.state_label, exc)
            return False
        self._dirty = False
        self.show_action(action.id)
        self.state_label.setText("Saved.")
        self.ctx.notify("actions")
        self.saved.emit(action.id)
        return True

    def change_status(self) -> bool:
        """Move the action to the chosen status (saving typed edits first). True when done."""
        if self.action is None:
            return False
        # Read the status choice first: saving typed edits reloads the form.
        status = str(self.new_status.currentData())
        note, reason = self.status_note.text(), self.declined_reason.text()
        if self._dirty and not self.save():
            return False
        assert self.action is not None
        clear_errors(self.errors)
        if status == self.action.status:
            show_error(self.errors["Status"], "Choose a different status to move it to.")
            return False
        store = ActionStore(self.ctx.db, self.ctx.actor)
        try:
            action = store.set_status(
                self.action.id,
                status,
                note,
                declined_reason=reason if status == "declined" else None,
                outcome=self.outcome.toPlainText() if status == "done" else None,
            )
        except ValidationError as exc:
            show_not_saved(self.errors, self.state_label, exc)
            return False
        self.show_action(action.id)
        self.state_label.setText(f"Moved to {ACTION_STATUS_LABELS[status]}.")
        self.ctx.notify("actions")
        self.saved.emit(action.id)
        return True


class ThemePicker(QDialog):
    """A checklist of themes (space ticks, Enter confirms)."""

    def __init__(
        self, themes: list[Theme], ticked: set[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Themes for this action")
        self.list = QListWidget()
        self.list.setAccessibleName("Themes")
        for theme in themes:
            item = QListWidgetItem(theme.name)
            item.setData(Qt.ItemDataRole.UserRole, theme.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = theme.id in ticked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Tick the themes this action is about."))
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def chosen(self) -> set[int]:
        """The ids of the ticked themes."""
        items = (self.list.item(row) for row in range(self.list.count()))
        return {
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        }
