"""The Feedback screen: filter and search the list, read and edit one item, act on many."""

from __future__ import annotations

from typing import Any

import sqlite_utils
from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import STATUS_LABELS, FeedbackFilter
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.feedback_detail import FeedbackDetail
from ppg_desktop.ui.feedback_filters import FeedbackFilterBar
from ppg_desktop.ui.highlight import SearchHighlightDelegate
from ppg_desktop.ui.messages import ask_yes_no
from ppg_desktop.ui.models.feedback_table import FIELDS, TEXT_COLUMN, FeedbackTableModel
from ppg_desktop.ui.operations import JobControl, run_job, with_worker_db
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import heading

# Column widths in average characters (the last column stretches to fill).
COLUMN_CHARS = {"date": 10, "kind": 10, "text": 46, "practice": 15, "status": 11, "sentiment": 9}
DETAIL_CHARS = 42


class FeedbackScreen(QWidget):
    """Filters on top, the list on the left, the chosen item on the right."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.order_by, self.descending = "received_on", True
        self.loading = False
        self._generation = 0
        self._undo_ids: list[int] = []
        self._sized_once = False

        self.filters = FeedbackFilterBar(ctx)
        self.filters.changed.connect(self.reload)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of items shown")
        set_role(self.count_label, "heading")
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Filters in use")
        self.summary_label.setWordWrap(True)
        set_role(self.summary_label, "muted")

        self.model = FeedbackTableModel(lambda: FeedbackStore(ctx.db), self._theme_names())
        self.model.sort_requested = self._sort
        self.table = QTableView()
        self.table.setAccessibleName("Feedback list")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._size_columns()
        self.delegate = SearchHighlightDelegate(self.table)
        self.table.setItemDelegateForColumn(TEXT_COLUMN, self.delegate)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)
        # Enter on a row goes to its comment in the detail panel, to read or edit it.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            open_key = QShortcut(QKeySequence(key), self.table)
            open_key.setContext(Qt.ShortcutContext.WidgetShortcut)
            open_key.activated.connect(self._focus_comment)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = FeedbackDetail(ctx)
        self.detail.saved.connect(lambda feedback_id: self.model.invalidate([feedback_id]))

        self._build_bulk_bar()
        self._build_undo_bar()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.bulk_bar)
        left_layout.addWidget(self.undo_bar)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        title_row = QHBoxLayout()
        title_row.addWidget(heading("Feedback", role="title"))
        title_row.addStretch(1)
        title_row.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(title_row)
        layout.addWidget(self.filters)
        layout.addWidget(self.summary_label)
        layout.addWidget(splitter, 1)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    # --- building --------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._sized_once:
            self._size_panels()

    def _theme_names(self) -> dict[str, str]:
        return {t.slug: t.name for t in ThemeStore(self.ctx.db).list(include_archived=True)}

    def _build_bulk_bar(self) -> None:
        """Actions on the selected items: buttons with menus, compact enough for large text."""
        self.bulk_bar = QWidget()
        row = QHBoxLayout(self.bulk_bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.selection_label = QLabel("Nothing selected")
        self.bulk_tag_button = QPushButton("Tag…")
        self.bulk_tag_button.setAccessibleName("Tag the selected items with a theme")
        self.tag_menu = QMenu(self.bulk_tag_button)
        self._fill_tag_menu()
        self.bulk_tag_button.setMenu(self.tag_menu)
        self.bulk_status_button = QPushButton("Status…")
        self.bulk_status_button.setAccessibleName("Set the status of the selected items")
        status_menu = QMenu(self.bulk_status_button)
        for key, label in STATUS_LABELS.items():
            action = status_menu.addAction(label)
            action.triggered.connect(lambda _=False, k=key: self.set_status_selected(k))
        self.bulk_status_button.setMenu(status_menu)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete the selected items")
        self.delete_button.clicked.connect(self.delete_selected)
        self.raise_button = QPushButton("Raise…")
        self.raise_button.setAccessibleName("Raise the selected items with the practice")
        self.raise_button.setToolTip(
            "Raise with the practice: make an action (You said, we did) from these items"
        )
        self.raise_button.clicked.connect(self.raise_selected)
        row.addWidget(self.selection_label, 1)
        for widget in self._bulk_buttons():
            row.addWidget(widget)
        self.raise_button.setVisible(self.ctx.can("chair"))  # actions are the chair's
        self._selection_changed()

    def _focus_comment(self) -> None:
        self.detail.text.setFocus()

    def _fill_tag_menu(self) -> None:
        self.tag_menu.clear()
        for theme in ThemeStore(self.ctx.db).list():
            action = self.tag_menu.addAction(theme.name)
            action.triggered.connect(lambda _=False, t=theme.id: self.tag_selected(t))

    def _build_undo_bar(self) -> None:
        self.undo_bar = QFrame()
        set_role(self.undo_bar, "undo-bar")
        row = QHBoxLayout(self.undo_bar)
        self.undo_label = QLabel()
        self.undo_button = QPushButton("Undo (Ctrl+Z)")
        self.undo_button.setAccessibleName("Undo the delete")
        self.undo_button.clicked.connect(self.undo)
        close = QPushButton("Dismiss")
        close.clicked.connect(self.undo_bar.hide)
        row.addWidget(self.undo_label, 1)
        row.addWidget(self.undo_button)
        row.addWidget(close)
        self.undo_bar.hide()

    def _size_columns(self) -> None:
        """Column widths and row height in characters, so they grow with the text size."""
        metrics = self.fontMetrics()
        char = metrics.averageCharWidth()
        for field, chars in COLUMN_CHARS.items():
            self.table.setColumnWidth(FIELDS.index(field), chars * char + 16)
        self.table.setColumnWidth(0, metrics.horizontalAdvance("00/00/0000") + 24)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 12)

    def _size_panels(self) -> None:
        """Give the detail panel room for about DETAIL_CHARS characters, the list the rest."""
        total = self.splitter.width()
        if total < 200:
            return
        detail = min(DETAIL_CHARS * self.fontMetrics().averageCharWidth(), total // 2)
        self.splitter.setSizes([total - detail, detail])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._size_columns()
            if hasattr(self, "splitter"):
                self._size_panels()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized_once:
            self._sized_once = True
            QTimer.singleShot(0, self._size_panels)  # once the splitter has its real width

    # --- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Fetch the ids matching the filter (in the background) and show them."""
        flt = self.filters.current_filter()
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.count_label.setText("Searching…")
        order_by, descending = self.order_by, self.descending

        def work(db: sqlite_utils.Database, control: JobControl) -> list[int]:
            return FeedbackStore(db).list_ids(flt, order_by=order_by, descending=descending)

        def done(ids: Any) -> None:
            if generation == self._generation:
                self._show_ids(list(ids), flt)

        def failed(message: str) -> None:
            if generation == self._generation:
                self.loading = False
                self.count_label.setText(f"⚠ {message}")

        run_job(with_worker_db(self.ctx, work), done, on_error=failed, owner=self)

    def _show_ids(self, ids: list[int], flt: FeedbackFilter) -> None:
        current = self.detail.item.id if self.detail.item else None
        self.model.set_ids(ids)
        self.delegate.query = flt.text
        self.detail.highlight(flt.text)
        count = len(ids)
        noun = "item" if count == 1 else "items"
        self.count_label.setText(f"{count:,} {noun}")
        self.summary_label.setText(f"Showing: {self.filters.describe()}")
        row = self.model.row_of(current) if current is not None else -1
        if row < 0 and ids:
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self.detail.show_item(None)
        self.loading = False

    def _sort(self, key: str, descending: bool) -> None:
        self.order_by, self.descending = key, descending
        self.reload()

    def _on_data_changed(self, topic: str) -> None:
        if topic in ("themes", "practices"):
            self.filters.refresh_choices()
            self._fill_tag_menu()
            self.detail.refresh_themes()
        if topic in ("feedback", "themes", "practices"):
            self.model.theme_names = self._theme_names()
            self.model.invalidate()
            if topic == "feedback" and not self.detail.has_unsaved_changes():
                self.reload()

    # --- selection -------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.ids[row] for row in rows if row < len(self.model.ids)]

    def _current_changed(self, current: Any, _previous: Any) -> None:
        if self.detail.has_unsaved_changes() and ask_yes_no(
            self,
            "Save your changes?",
            "You changed the item you were reading. Save the changes?",
            yes="Save them",
            no="Throw them away",
        ):
            self.detail.save()
        item = self.model.item(current.row()) if current.isValid() else None
        self.detail.show_item(item.id if item else None)

    def _selection_changed(self, *_: object) -> None:
        count = len(self.table.selectionModel().selectedRows()) if self.table.model() else 0
        self.selection_label.setText(f"{count:,} selected" if count else "Nothing selected")
        for widget in self._bulk_buttons():
            widget.setEnabled(count > 0)

    def _bulk_buttons(self) -> list[QPushButton]:
        return [
            self.bulk_tag_button,
            self.bulk_status_button,
            self.raise_button,
            self.delete_button,
        ]

    # --- actions ---------------------------------------------------------------------------------
    def raise_selected(self) -> int | None:
        """Raise the selected items with the practice: a new action linked to them."""
        from ppg_desktop.ui.raise_action import raise_action_dialog

        ids = self.selected_ids()
        if not ids:
            return None
        action_id = raise_action_dialog(self.ctx, ids, self)
        if action_id is not None:
            noun = "item" if len(ids) == 1 else "items"
            self._after_bulk(ids, f"Raised {len(ids):,} {noun} with the practice.")
        return action_id

    def tag_selected(self, theme_id: int) -> None:
        """Confirm one theme on every selected item."""
        ids = self.selected_ids()
        if ids:
            themes = ThemeStore(self.ctx.db, self.ctx.actor)
            themes.tag_many(ids, theme_id)
            self._after_bulk(ids, f"Tagged {len(ids):,} with {themes.get(theme_id).name}.")

    def set_status_selected(self, status: str) -> None:
        """Give every selected item the same status."""
        ids = self.selected_ids()
        if ids:
            FeedbackStore(self.ctx.db, self.ctx.actor).set_status(ids, status)
            self._after_bulk(ids, f"Set {len(ids):,} to {STATUS_LABELS[status]}.")

    def delete_selected(self) -> None:
        """Hide the selected items at once; the undo bar (or Ctrl+Z) brings them back."""
        ids = self.selected_ids()
        if not ids:
            return
        FeedbackStore(self.ctx.db, self.ctx.actor).soft_delete(ids)
        self._undo_ids = ids
        noun = "item" if len(ids) == 1 else "items"
        self.undo_label.setText(f"Deleted {len(ids):,} {noun}.")
        self.undo_bar.show()
        self.ctx.notify("feedback")

    def undo(self) -> None:
        """Bring back the items just deleted."""
        if not self._undo_ids:
            return
        FeedbackStore(self.ctx.db, self.ctx.actor).restore(self._undo_ids)
        count = len(self._undo_ids)
        self._undo_ids = []
        self.undo_bar.hide()
        self.count_label.setText(f"Restored {count:,}.")
        self.ctx.notify("feedback")

    def _after_bulk(self, ids: list[int], message: str) -> None:
        self.model.invalidate(ids)
        self.detail.show_item(self.detail.item.id if self.detail.item else None)
        self.selection_label.setText(message)
        self.ctx.notify("feedback")

    # --- hooks used by the main window -----------------------------------------------------------
    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def save(self) -> None:
        self.detail.save()

    def apply_filter(self, flt: object) -> None:
        if isinstance(flt, FeedbackFilter):
            self.filters.set_filter(flt)

    def confirm_leave(self) -> bool:
        """Before the app closes: offer to save an edited item."""
        if self.detail.has_unsaved_changes() and ask_yes_no(
            self,
            "Save your changes?",
            "You changed the item you were reading. Save the changes?",
            yes="Save them",
            no="Throw them away",
        ):
            return self.detail.save()
        return True
