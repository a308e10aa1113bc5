"""The actions list as a Qt table model over `ActionStore.list` results.

A PPG has tens of actions, not thousands, so the whole (filtered) list is held. Overdue actions
stand out in words ("Overdue") and with a warning icon and bold type, never by colour alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from ppg_desktop.core.clock import today, uk_date
from ppg_desktop.core.models import ACTION_STATUS_LABELS, Action
from ppg_desktop.ui.models.base import Index, RecordsTableModel

COLUMNS = ("Title", "Due", "Status", "Owner")
TITLE_COLUMN, DUE_COLUMN, STATUS_COLUMN, OWNER_COLUMN = 0, 1, 2, 3


def due_text(action: Action, on: dt.date) -> str:
    """The due cell: the date, with 'Overdue' in words when it has passed."""
    if action.due_on is None:
        return "No date"
    if action.is_overdue(on):
        return f"Overdue: {uk_date(action.due_on)}"
    return uk_date(action.due_on)


def days_late(action: Action, on: dt.date) -> str:
    """How late an overdue action is, in words ('' when it is not overdue)."""
    if action.due_on is None or not action.is_overdue(on):
        return ""
    days = (on - action.due_on).days
    return f"{days} day{'s' if days != 1 else ''} past its due date and not yet done."


class ActionsTableModel(RecordsTableModel[Action]):
    """Rows of actions; `on` is the day overdue is judged against (today unless a test says)."""

    columns = COLUMNS

    def __init__(self, on: dt.date | None = None) -> None:
        super().__init__()
        self.on = on

    @property
    def day(self) -> dt.date:
        return self.on or today()

    @property
    def actions(self) -> list[Action]:
        """The actions listed, in order."""
        return self.records

    def cell_text(self, action: Action, column: int) -> str:
        """What a cell says in words."""
        if column == DUE_COLUMN:
            return due_text(action, self.day)
        if column == STATUS_COLUMN:
            return ACTION_STATUS_LABELS.get(action.status, action.status)
        if column == TITLE_COLUMN:
            return action.title
        return action.owner

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        action = self.record(index.row()) if index.isValid() else None
        if action is None:
            return None
        column = index.column()
        overdue = action.is_overdue(self.day)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(action, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            late = f" ({days_late(action, self.day)})" if overdue and column == DUE_COLUMN else ""
            return self.cell_text(action, column) + late
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TITLE_COLUMN:
                return "\n\n".join(filter(None, (action.title, action.description[:600])))
            if overdue:
                return f"Overdue: {days_late(action, self.day)}"
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == DUE_COLUMN and overdue:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.FontRole and overdue:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return action.id
        return None
