"""The Feedback screen: filter and search the list, read and edit one item, act on many."""

from __future__ import annotations

from typing import Any

import sqlite_utils
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt, QTimer
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
from ppg_desktop.core.models import KIND_LABELS, SENTIMENT_LABELS, STATUS_LABELS, FeedbackFilter
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.feedback_detail import FeedbackDetail
from ppg_desktop.ui.feedback_filters import FeedbackFilterBar
from ppg_desktop.ui.highlight import SearchHighlightDelegate
from ppg_desktop.ui.messages import ask_yes_no
from ppg_desktop.ui.models.feedback_table import (
    COLUMNS,
    FIELDS,
    SHORT_STATUS_LABELS,
    TEXT_COLUMN,
    FeedbackTableModel,
)
from ppg_desktop.ui.operations import JobControl, run_job, with_worker_db
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import heading

COLUMN_CHOICES_KEY = "feedback_list_columns"
# Widest a practice column grows (longer names end in "…" and show in full as a tooltip).
PRACTICE_MAX_CHARS = 15
# The themes column takes what the comment can spare, between these widths.
THEMES_MIN_CHARS, THEMES_MAX_CHARS = 11, 20
# When the list is too narrow, these columns go in this order, each once the comment would have
# fewer than that many average characters; the detail panel shows each of them for the chosen
# item. Themes go last: a person scanning for a theme needs them more than a longer snippet, but
# not more than a readable one (at 150% text they left the comment 20 letters: unreadable).
DROP_ORDER = (("sentiment", 36), ("status", 32), ("practice", 28), ("themes", 28))
# The detail panel: about this many average characters wide, between a third and a half.
DETAIL_CHARS, DETAIL_MIN_CHARS = 42, 30


def plan_columns(
    available: int, wanted: dict[str, int], char: int, keep: frozenset[str] = frozenset()
) -> set[str]:
    """Which columns to hide so the others fit `available` pixels beside a readable comment.

    `wanted` gives each fixed column its width in pixels; the comment takes what is left and
    `char` is an average character's width. Columns go in DROP_ORDER while the comment would be
    narrower than their threshold, except those in `keep` (the person asked to see them).
    """
    hidden: set[str] = set()
    for field, comment_chars in DROP_ORDER:
        if field in keep or field not in wanted:
            continue
        used = sum(width for name, width in wanted.items() if name not in hidden)
        if available - used < comment_chars * char:
            hidden.add(field)
    return hidden


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
        self._row_after_delete = -1  # where the list stays after a delete (not the top)

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
        header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.setToolTip("Right-click here to choose the columns")
        # field -> shown, as the person chose (kept in the database's settings for next time)
        saved = ctx.settings.get(COLUMN_CHOICES_KEY, {})
        self.column_choices: dict[str, bool] = {
            str(field): bool(shown)
            for field, shown in (saved.items() if isinstance(saved, dict) else [])
            if field in FIELDS and field != "text"
        }
        # Read once here and when practices change: never from a font or style change, which
        # can reach a screen whose database is already closed.
        self._practice_names = self._read_practice_names()
        self._size_columns()
        self.table.viewport().installEventFilter(self)
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
        for button in (self.bulk_tag_button, self.bulk_status_button):
            set_role(button, "menu-button")  # room for the ▾ beside the words
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

    def _read_practice_names(self) -> list[str]:
        return [practice.name for practice in PracticeStore(self.ctx.db).list()]

    def _column_widths(self) -> dict[str, int]:
        """Each short column sized to its longest word (practice and themes capped), in pixels."""
        metrics = self.table.fontMetrics()
        header_metrics = self.table.horizontalHeader().fontMetrics()
        char = metrics.averageCharWidth()
        pad = char + 12  # cell margins, plus room for the sort arrow in the header

        def fit(field: str, words: list[str], cap_chars: int | None = None) -> int:
            title = COLUMNS[FIELDS.index(field)][1]
            width = max(
                [header_metrics.horizontalAdvance(title) + char]
                + [metrics.horizontalAdvance(word) for word in words]
            )
            if cap_chars is not None:
                width = min(width, cap_chars * char)
            return width + pad

        practices = self._practice_names
        return {
            "date": fit("date", ["00/00/0000"]),
            "kind": fit("kind", list(KIND_LABELS.values())),
            "practice": fit("practice", practices, PRACTICE_MAX_CHARS),
            "status": fit("status", list(SHORT_STATUS_LABELS.values())),
            "sentiment": fit("sentiment", [*SENTIMENT_LABELS.values(), "Not known"]),
            "themes": THEMES_MIN_CHARS * char + pad,
        }

    def _size_columns(self) -> None:
        """Size the columns to their words and hide the least needed ones when space is short."""
        self._widths = self._column_widths()
        header = self.table.horizontalHeader()
        for field, width in self._widths.items():
            self.table.setColumnWidth(FIELDS.index(field), width)
        header.setMinimumSectionSize(self.table.fontMetrics().averageCharWidth() * 4)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 12)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Hide or show columns for the list's current width (the person's choices win)."""
        if not hasattr(self, "_widths"):
            return
        wanted = {f: w for f, w in self._widths.items() if self.column_choices.get(f) is not False}
        keep = frozenset(f for f, shown in self.column_choices.items() if shown)
        char = self.table.fontMetrics().averageCharWidth()
        available = self.table.viewport().width()
        hidden = plan_columns(available, wanted, char, keep)
        hidden |= {f for f, shown in self.column_choices.items() if not shown}
        if "themes" not in hidden:  # themes grow into the room a readable comment can spare
            used = sum(w for f, w in self._widths.items() if f not in hidden and f != "themes")
            room = available - used - DROP_ORDER[0][1] * char
            themes = max(self._widths["themes"], min(room, THEMES_MAX_CHARS * char + char + 12))
            self.table.setColumnWidth(FIELDS.index("themes"), themes)
        for column, field in enumerate(FIELDS):
            if field != "text":
                self.table.setColumnHidden(column, field in hidden)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def visible_columns(self) -> list[str]:
        """The fields the list shows now, left to right."""
        return [f for c, f in enumerate(FIELDS) if not self.table.isColumnHidden(c)]

    def _column_menu(self, position: QPoint) -> None:
        """Right-click on the headings: tick the columns to show."""
        menu = QMenu(self)
        for column, (field, title, _key) in enumerate(COLUMNS):
            if field == "text":
                continue
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda shown, f=field: self.choose_column(f, shown))
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def choose_column(self, field: str, shown: bool) -> None:
        """Show or hide one column whatever the width (the comment always stays)."""
        self.column_choices[field] = shown
        self.ctx.settings.set(COLUMN_CHOICES_KEY, self.column_choices)
        self._fit_columns()

    def _size_panels(self) -> None:
        """Give the detail panel about a third of the width (in characters), the list the rest."""
        total = self.splitter.width()
        if total < 200:
            return
        char = self.fontMetrics().averageCharWidth()
        detail = min(DETAIL_CHARS * char, max(DETAIL_MIN_CHARS * char, total // 3), total // 2)
        self.splitter.setSizes([total - detail, detail])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._size_columns()
            if hasattr(self, "splitter"):
                self._size_panels()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.filters.refresh_period()  # "Last 30 days" moves on when the app stays open overnight
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
        if row < 0 and ids:  # after a delete, the next item takes the deleted one's place
            row = min(self._row_after_delete, len(ids) - 1) if self._row_after_delete >= 0 else 0
        self._row_after_delete = -1
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
        if topic == "meetings":  # "Since the last meeting" may now start later
            self.filters.refresh_period()
        if topic in ("themes", "practices"):
            self.filters.refresh_choices()
            self._fill_tag_menu()
            self.detail.refresh_themes()
            self._practice_names = self._read_practice_names()
            self._size_columns()  # a practice's name may have grown
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
        self._row_after_delete = min(self.model.row_of(i) for i in ids)
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
