"""'Raise this with the practice': turn selected feedback into an action, from any screen.

The Feedback list and the dashboard call `raise_action_dialog(ctx, feedback_ids, parent)`.
The feedback is linked to the new action and marked 'raised' in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import today, uk_date
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.messages import ask_yes_no
from ppg_desktop.ui.widgets import error_label, show_error

PREVIEW_ITEMS = 3
PREVIEW_CHARS = 160
DEFAULT_DUE_DAYS = 42  # about six weeks: the usual gap to the next PPG meeting


class RaiseActionDialog(QDialog):
    """A short form: title, description, raised with, owner, due date. `action_id` after OK."""

    def __init__(
        self, ctx: AppContext, feedback_ids: Sequence[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.feedback_ids = list(feedback_ids)
        self.action_id: int | None = None
        self.setWindowTitle("Raise with the practice")
        self.setAccessibleName("Raise with the practice")
        items = FeedbackStore(ctx.db).get_many(self.feedback_ids)
        count = len(items)
        intro = QLabel(
            f"Raise {count} feedback item{'s' if count != 1 else ''} with the "
            "practice as an action. The items are linked to it and marked "
            "'Raised with practice'."
        )
        intro.setWordWrap(True)
        previews = []
        for item in items[:PREVIEW_ITEMS]:
            text = " ".join(item.text.split())
            previews.append(
                f"• {uk_date(item.received_on)}: {text[:PREVIEW_CHARS]}"
                + ("…" if len(text) > PREVIEW_CHARS else "")
            )
        if count > PREVIEW_ITEMS:
            previews.append(f"…and {count - PREVIEW_ITEMS} more.")
        preview = QLabel("\n".join(previews))
        preview.setWordWrap(True)
        preview.setProperty("role", "muted")

        self.title = QLineEdit(self._suggested_title(items))
        self.title.setAccessibleName("Title")
        self.title.selectAll()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName("Description")
        self.description.setMaximumHeight(100)
        self.raised_with = QLineEdit()
        self.raised_with.setAccessibleName("Raised with")
        self.raised_with.setPlaceholderText("e.g. Practice manager")
        self.owner = QLineEdit(ctx.user.name if ctx.user else "")
        self.owner.setAccessibleName("Owner")
        self.due_on = QLineEdit(uk_date(today() + dt.timedelta(days=DEFAULT_DUE_DAYS)))
        self.due_on.setAccessibleName("Due date")
        self.due_on.setPlaceholderText("dd/mm/yyyy")
        self.errors = {name: error_label(name) for name in ("Title", "Due date", "Feedback")}

        form = QFormLayout()
        form.addRow("&Title", self._with_error(self.title, "Title"))
        form.addRow("&Description", self.description)
        form.addRow("&Raised with", self.raised_with)
        form.addRow("&Owner", self.owner)
        form.addRow("D&ue date", self._with_error(self.due_on, "Due date"))
        buttons = QDialogButtonBox()
        self.ok_button = QPushButton("Raise &action")
        self.ok_button.setDefault(True)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(preview)
        layout.addWidget(self.errors["Feedback"])
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self._initial = self._typed()

    def _with_error(self, widget: QWidget, name: str) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self.errors[name])
        return holder

    def _suggested_title(self, items: Sequence[object]) -> str:
        """The most common theme among the items, as a starting title ('' if none)."""
        counts: Counter[str] = Counter()
        for item in items:
            counts.update(getattr(item, "themes", ()))
        if not counts:
            return ""
        slug = counts.most_common(1)[0][0]
        theme = next((t for t in ThemeStore(self.ctx.db).list() if t.slug == slug), None)
        return theme.name if theme else ""

    def _typed(self) -> tuple[str, ...]:
        return (
            self.title.text(),
            self.description.toPlainText(),
            self.raised_with.text(),
            self.owner.text(),
            self.due_on.text(),
        )

    def accept(self) -> None:
        """Create the action; on a problem, show it next to the field and stay open."""
        for label in self.errors.values():
            show_error(label, "")
        try:
            action = ActionStore(self.ctx.db, self.ctx.actor).create_from_feedback(
                self.feedback_ids,
                self.title.text(),
                description=self.description.toPlainText(),
                raised_with=self.raised_with.text(),
                owner=self.owner.text(),
                due_on=self.due_on.text(),
            )
        except ValidationError as exc:
            show_error(self.errors.get(exc.field, self.errors["Feedback"]), exc.message)
            return
        self.action_id = action.id
        self.ctx.notify("actions")
        self.ctx.notify("feedback")
        super().accept()

    def reject(self) -> None:
        """Cancel; if something was typed, ask first so it is not lost by accident."""
        if self._typed() != self._initial and not ask_yes_no(
            self,
            "Discard this action?",
            "You have typed details for this action. Close without raising it?",
            yes="Close without raising",
            no="Keep editing",
        ):
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window is the same as Cancel."""
        if self.result() == QDialog.DialogCode.Accepted:
            event.accept()
            return
        event.ignore()
        self.reject()


def raise_action_dialog(
    ctx: AppContext, feedback_ids: Sequence[int], parent: QWidget | None = None
) -> int | None:
    """Ask for the action's details and raise it; the new action's id, or None if cancelled."""
    if not feedback_ids:
        return None
    dialog = RaiseActionDialog(ctx, feedback_ids, parent)
    dialog.exec()
    return dialog.action_id
