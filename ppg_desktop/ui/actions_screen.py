"""The Actions screen: the PPG's action plan ("You said, we did") and the waiting-room poster.

A list (overdue actions marked in words and with an icon) filtered by status, the form for the
chosen action beside it, and "Make poster…", which builds the PDF in the background.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.poster import PosterResult, make_poster, poster_date
from ppg_desktop.ui.action_detail import ActionDetail
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.master_detail import keep_or_drop_edits, select_row
from ppg_desktop.ui.messages import ask_yes_no, show_problem
from ppg_desktop.ui.models.actions_table import (
    DUE_COLUMN,
    OWNER_COLUMN,
    STATUS_COLUMN,
    TITLE_COLUMN,
    ActionsTableModel,
)
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db
from ppg_desktop.ui.widgets import heading
from ppg_desktop.ui.wording import counted

# (label, statuses or None for all, overdue only)
FILTERS: list[tuple[str, list[str] | None, bool]] = [
    ("Open and in progress", ["open", "in_progress"], False),
    ("Overdue only", None, True),
    ("Open", ["open"], False),
    ("In progress", ["in_progress"], False),
    ("Done", ["done"], False),
    ("Declined", ["declined"], False),
    ("All actions", None, False),
]


class ActionsScreen(QWidget):
    """List + detail of actions, with New, Delete and Make poster."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = ActionsTableModel()
        self.poster_job: Job | None = None
        self.last_poster: PosterResult | None = None
        self._showing_id: int | None = None

        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show actions")
        for label, _statuses, _overdue in FILTERS:
            self.status_filter.addItem(label)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        filter_label = QLabel("&View")
        filter_label.setBuddy(self.status_filter)
        self.new_button = QPushButton("&New action")
        self.new_button.clicked.connect(self.new_action)
        self.delete_button = QPushButton("De&lete")
        self.delete_button.setAccessibleName("Delete the chosen action")
        self.delete_button.clicked.connect(self.delete_current)
        self.poster_button = QPushButton("Make &poster…")
        self.poster_button.setToolTip(
            "A one-page A4 'You said, we did' poster for the waiting room. Select done actions "
            "to choose them; otherwise the most recent done actions that fit are used."
        )
        self.poster_button.clicked.connect(self.choose_poster_file)
        self.open_poster_button = QPushButton("&Open poster")
        self.open_poster_button.setVisible(False)
        self.open_poster_button.clicked.connect(self.open_poster)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Poster messages")

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Actions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)  # long titles wrap rather than hide behind '…'
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.viewport().installEventFilter(self)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = ActionDetail(ctx)
        self.detail.saved.connect(self._after_save)

        top = QHBoxLayout()
        top.addWidget(heading("Actions: you said, we did", "title"), 1)
        top.addWidget(filter_label)
        top.addWidget(self.status_filter)
        top.addWidget(self.new_button)
        top.addWidget(self.delete_button)
        top.addWidget(self.poster_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.table, 1)
        poster_row = QHBoxLayout()
        poster_row.addWidget(self.message, 1)
        poster_row.addWidget(self.open_poster_button)
        left_layout.addLayout(poster_row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 560])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.new_action)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_current)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    # --- list ------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The list changed width (window, splitter or text size): share it out again."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Give the title room to read: when space is short, 'Overdue:' and the date wrap.

        With large text, sizing Due and Status to their contents left the title a few
        letters wide, so every title showed as 'O…'.
        """
        bold = QFont(self.table.font())
        bold.setBold(True)
        wide, plain = QFontMetrics(bold), self.table.fontMetrics()
        padding = plain.averageCharWidth() * 2
        icon = self.table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 4
        due_one_line = wide.horizontalAdvance("Overdue: 00/00/0000") + icon + padding
        due_two_lines = wide.horizontalAdvance("00/00/0000") + icon + padding
        status_one_line = wide.horizontalAdvance("In progress") + padding
        status_two_lines = wide.horizontalAdvance("progress") + padding
        owner = max(110, plain.horizontalAdvance("Margaret") + padding)
        title_wants = plain.averageCharWidth() * 24
        room = self.table.viewport().width()
        fits = room - due_one_line - status_one_line - owner >= title_wants
        self.table.setColumnWidth(DUE_COLUMN, due_one_line if fits else due_two_lines)
        self.table.setColumnWidth(STATUS_COLUMN, status_one_line if fits else status_two_lines)
        self.table.setColumnWidth(OWNER_COLUMN, owner)
        self.table.resizeRowsToContents()

    def reload(self) -> None:
        """Fetch the list for the chosen filter, keeping the chosen action if still shown."""
        _label, statuses, overdue = FILTERS[self.status_filter.currentIndex()]
        store = ActionStore(self.ctx.db, self.ctx.actor)
        keep = self._showing_id
        self.model.set_records(store.list(status=statuses, overdue_only=overdue))
        self.table.resizeRowsToContents()
        counts = store.counts_by_status()
        late = len(store.overdue())
        self.summary.setText(
            f"Open: {counts['open']} · In progress: {counts['in_progress']} · "
            f"Done: {counts['done']} · Declined: {counts['declined']} · "
            + (f"⚠ Overdue: {late}" if late else "None overdue")
        )
        if keep is not None:
            self.select_action(keep)

    def select_action(self, action_id: int) -> bool:
        """Make this action the current row (if it is in the list). True when found."""
        row = self.model.row_of(action_id)
        if row < 0:
            return False
        select_row(self.table, row)
        return True

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [a.id for a in (self.model.record(r) for r in rows) if a is not None]

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        action = self.model.record(current.row())
        new_id = action.id if action else None
        if new_id == self._showing_id and not self.detail.is_new:
            return
        if not self._keep_or_drop_edits():
            return
        self._showing_id = new_id
        self.detail.show_action(new_id)

    def _keep_or_drop_edits(self) -> bool:
        """Before the form shows something else: offer to save edits. False if saving failed."""
        return keep_or_drop_edits(self, self.detail, "action", ask_yes_no)

    def _on_data_changed(self, topic: str) -> None:
        if topic in ("actions", "feedback", "themes") and not self.detail.has_unsaved_changes():
            self.reload()
        if topic == "practices":
            self.detail.refresh_practices()

    def _after_save(self, action_id: int) -> None:
        self._showing_id = action_id
        self.reload()

    # --- commands --------------------------------------------------------------------------------
    def new_action(self) -> None:
        """Start a new action in the form."""
        if not self._keep_or_drop_edits():
            return
        self.table.clearSelection()
        self._showing_id = None
        self.detail.start_new()

    def delete_current(self) -> None:
        """Soft-delete the chosen action after asking."""
        action = self.detail.action
        if action is None:
            return
        if not ask_yes_no(
            self,
            "Delete this action?",
            f"Delete the action “{action.title}”? "
            "It is hidden from the list, the agenda and the poster.",
            yes="Delete it",
            no="Keep it",
        ):
            return
        ActionStore(self.ctx.db, self.ctx.actor).soft_delete(action.id)
        self._showing_id = None
        self.detail.show_action(None)
        self.ctx.notify("actions")
        self.reload()

    def save(self) -> None:
        """Ctrl+S from the main window."""
        self.detail.save()

    def on_shown(self) -> None:
        if not self.detail.has_unsaved_changes():
            self.reload()

    def confirm_leave(self) -> bool:
        """Before the app closes: offer to save an edited action."""
        return self._keep_or_drop_edits()

    # --- poster ----------------------------------------------------------------------------------
    def poster_action_ids(self) -> list[int] | None:
        """The done actions selected in the list, or None for 'the most recent that fit'."""
        chosen = [
            a
            for a in (self.model.record(self.model.row_of(i)) for i in self.selected_ids())
            if a is not None and a.status == "done"
        ]
        return [a.id for a in chosen] if len(self.selected_ids()) > 1 and chosen else None

    def choose_poster_file(self) -> None:
        """Ask where to save the poster, then build it in the background."""
        start = Path.home() / f"you-said-we-did-{poster_date()}.pdf"
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the poster as", str(start), "PDF files (*.pdf)"
        )
        if path:
            self.make_poster_to(Path(path))

    def make_poster_to(self, path: Path) -> Job:
        """Build the poster at this path off the GUI thread; report the result here."""
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        action_ids = self.poster_action_ids()
        self.poster_button.setEnabled(False)
        self.message.setText("Making the poster…")

        def work(db: sqlite_utils.Database, control: JobControl) -> PosterResult:
            return make_poster(db, path, action_ids)

        def done(result: Any) -> None:
            self.poster_button.setEnabled(True)
            self.last_poster = result
            words = f"Poster saved to {result.path} with {counted(len(result.shown), 'action')}."
            if result.left_out:
                words += f" {len(result.left_out)} more did not fit on the page."
            self.message.setText(words)
            self.open_poster_button.setVisible(True)

        def failed(message: str) -> None:
            self.poster_button.setEnabled(True)
            self.message.setText(f"⚠ No poster made: {message}")
            show_problem(self, "No poster made", message)

        self.poster_job = run_job(
            with_worker_db(self.ctx, work),
            done,
            on_error=failed,
            progress_parent=self,
            title="Making the poster",
        )
        return self.poster_job

    def open_poster(self) -> None:
        """Open the last poster in the computer's PDF viewer."""
        if self.last_poster is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_poster.path)))
