"""The feedback list as a Qt table model: ids for the whole list, rows fetched a page at a time.

Only the ordered ids of the matching items are held (cheap even for 100,000 items); the rows a
person scrolls to are fetched by id in pages of `PAGE_SIZE` and a few recent pages are kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import KIND_LABELS, SENTIMENT_LABELS, STATUS_LABELS, Feedback
from ppg_desktop.ui.highlight import FULL_TEXT_ROLE

PAGE_SIZE = 200
PAGES_KEPT = 40
SNIPPET_CHARS = 220

# (field, title, sort key for FeedbackStore.list_ids or None when it cannot be sorted). The
# comment comes early so it stays in view on a small screen with large text.
COLUMNS: list[tuple[str, str, str | None]] = [
    ("date", "Date", "received_on"),
    ("kind", "Kind", "kind"),
    ("text", "Comment", "text"),
    ("practice", "Practice", "practice"),
    ("status", "Status", "status"),
    ("sentiment", "Sentiment", "sentiment"),
    ("themes", "Themes", None),
]
FIELDS = [field for field, _title, _key in COLUMNS]
TEXT_COLUMN = FIELDS.index("text")
STATUS_COLUMN = FIELDS.index("status")
# In the narrow list column; the detail panel and the tooltip give the full words.
SHORT_STATUS_LABELS = {**STATUS_LABELS, "raised": "Raised"}

_Index = QModelIndex | QPersistentModelIndex


class FeedbackTableModel(QAbstractTableModel):
    """Rows for a list of feedback ids, loaded lazily from the store."""

    def __init__(
        self, store_factory: Callable[[], FeedbackStore], theme_names: dict[str, str]
    ) -> None:
        super().__init__()
        self._store_factory = store_factory
        self.theme_names = theme_names
        self.ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, Feedback]] = OrderedDict()
        self.sort_requested: Callable[[str, bool], None] | None = None

    # --- contents --------------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[int]) -> None:
        """Show a new list (after a filter or sort change)."""
        self.beginResetModel()
        self.ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def invalidate(self, ids: Sequence[int] | None = None) -> None:
        """Forget cached rows (all, or the pages holding these ids) so they are fetched again."""
        if ids is None:
            self._pages.clear()
        else:
            wanted = set(ids)
            for page in [p for p, rows in self._pages.items() if wanted & rows.keys()]:
                del self._pages[page]
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def item(self, row: int) -> Feedback | None:
        """The feedback shown in a row (fetching its page if needed)."""
        if not 0 <= row < len(self.ids):
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page_ids = self.ids[page_number * PAGE_SIZE : (page_number + 1) * PAGE_SIZE]
            page = {item.id: item for item in self._store_factory().get_many(page_ids)}
            self._pages[page_number] = page
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self.ids[row])

    def row_of(self, feedback_id: int) -> int:
        try:
            return self.ids.index(feedback_id)
        except ValueError:
            return -1

    # --- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
            FULL_TEXT_ROLE,
        ):
            return None
        item = self.item(index.row())
        if item is None:
            return "…"
        column = index.column()
        if role == FULL_TEXT_ROLE:  # the search highlight finds matches past the snippet
            return item.text if column == TEXT_COLUMN else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.full_text(item, column)
        return self.cell_text(item, column)

    def full_text(self, item: Feedback, column: int) -> str:
        """The whole of a cell, for its tooltip: narrow columns cut words off with "…"."""
        if column == TEXT_COLUMN:
            return item.text[:600]
        if column == STATUS_COLUMN:
            return STATUS_LABELS.get(item.status, item.status)
        return self.cell_text(item, column)

    def cell_text(self, item: Feedback, column: int) -> str:
        """What a cell says (words, never a colour alone)."""
        field = FIELDS[column]
        if field == "date":
            return uk_date(item.received_on)
        if field == "practice":
            return item.practice_name
        if field == "kind":
            return KIND_LABELS.get(item.kind, item.kind)
        if field == "status":
            return SHORT_STATUS_LABELS.get(item.status, item.status)
        if field == "sentiment":
            return SENTIMENT_LABELS.get(item.sentiment or "", "Not known")
        if field == "themes":
            return ", ".join(self.theme_names.get(slug, slug) for slug in item.themes)
        snippet = " ".join(item.text.split())
        return snippet[:SNIPPET_CHARS] + ("…" if len(snippet) > SNIPPET_CHARS else "")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the store (over every matching item, not just the loaded ones)."""
        key = COLUMNS[column][2]
        if key is not None and self.sort_requested is not None:
            self.sort_requested(key, order == Qt.SortOrder.DescendingOrder)
