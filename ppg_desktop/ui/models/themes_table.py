"""The themes list as a Qt table model over `ThemeStore.list` and `ThemeStore.usage_counts`.

A PPG has a few dozen themes, so the whole list is held. An archived theme says so in words
("Archived", or "Merged into …") and in italics, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from ppg_desktop.core.models import CQC_LABELS, Theme
from ppg_desktop.ui.models.base import Index, RecordsTableModel

COLUMNS = ("Theme", "CQC", "Items", "Status")
HEADER_TIPS = (
    "The theme's name",
    "The CQC key question the theme is read under",
    "How many feedback items it is on (suggestions not yet accepted included)",
    "In use, archived, or merged into another theme",
)
NAME_COLUMN, CQC_COLUMN, COUNT_COLUMN, STATUS_COLUMN = 0, 1, 2, 3


class ThemesTableModel(RecordsTableModel[Theme]):
    """Rows of themes with how many feedback items each is on."""

    columns = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[int, int] = {}
        self.names: dict[int, str] = {}

    def set_themes(
        self,
        themes: Sequence[Theme],
        counts: Mapping[int, int],
        names: Mapping[int, str] | None = None,
    ) -> None:
        """Show a new list; `names` (id -> name, archived included) words 'Merged into …'."""
        self.counts = dict(counts)
        self.names = dict(names or {t.id: t.name for t in themes})
        self.set_records(themes)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return HEADER_TIPS[section]
        return None

    def status_text(self, theme: Theme, *, full: bool = False) -> str:
        """'In use', 'Archived' or 'Merged' ('Merged into Phone access' when `full`)."""
        if theme.merged_into_id is not None:
            target = self.names.get(theme.merged_into_id, "another theme")
            return f"Merged into {target}" if full else "Merged"
        return "Archived" if theme.archived else "In use"

    def cell_text(self, theme: Theme, column: int) -> str:
        """What a cell says in words."""
        if column == NAME_COLUMN:
            return theme.name
        if column == CQC_COLUMN:
            return CQC_LABELS.get(theme.cqc_key_question, theme.cqc_key_question)
        if column == COUNT_COLUMN:
            return f"{self.counts.get(theme.id, 0):,}"
        return self.status_text(theme)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        theme = self.record(index.row()) if index.isValid() else None
        if theme is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self.cell_text(theme, column)
            if role == Qt.ItemDataRole.AccessibleTextRole and column == COUNT_COLUMN:
                return f"{text} feedback items"
            if role == Qt.ItemDataRole.AccessibleTextRole and column == STATUS_COLUMN:
                return self.status_text(theme, full=True)
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == NAME_COLUMN and theme.description:
                return theme.description
            if column == STATUS_COLUMN:
                return self.status_text(theme, full=True)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and theme.archived:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return theme.id
        return None
