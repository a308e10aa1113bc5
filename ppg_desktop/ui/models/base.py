"""A table model over a list of records that each have an id: what the actions, themes, meetings
and audit lists share.

Subclasses set `columns` and write `data`; the rows, their count, the headings and finding a
record's row are here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class HasId(Protocol):
    """A stored record: anything with an integer id."""

    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=HasId)


class RecordsTableModel(QAbstractTableModel, Generic[R]):
    """Rows of records held in a list (these lists are short), one heading per column."""

    columns: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.records: list[R] = []

    def set_records(self, records: Iterable[R]) -> None:
        """Show a new list (after a filter change or an edit)."""
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record(self, row: int) -> R | None:
        """The record on this row, or None for a row that is not there."""
        return self.records[row] if 0 <= row < len(self.records) else None

    def row_of(self, record_id: int) -> int:
        """The row showing the record with this id, or -1 when it is not listed."""
        return next((i for i, r in enumerate(self.records) if r.id == record_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None
