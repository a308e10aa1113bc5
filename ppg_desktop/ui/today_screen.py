"""What I entered today: the one list a volunteer may read (their own entries since midnight).

Volunteers record feedback but must not browse other patients' comments, so instead of the full
Feedback screen they see this list, narrowed by auth.visible_feedback.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.auth import start_of_today_utc, visible_feedback
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.models.feedback_table import FIELDS, FeedbackTableModel
from ppg_desktop.ui.widgets import heading

# Widths in average characters: the comment gets most of the room.
COLUMN_CHARS = {"date": 11, "kind": 11, "text": 70, "practice": 18, "status": 10, "sentiment": 9}


def todays_filter(ctx: AppContext) -> FeedbackFilter:
    """Today's entries by the person signed in (everyone's today when nobody signs in)."""
    base = FeedbackFilter(created_since=start_of_today_utc())
    if ctx.user is None:
        return base
    mine = FeedbackFilter(entered_by=ctx.user.id, created_since=base.created_since)
    return visible_feedback(ctx.user, mine)


class TodayScreen(QWidget):
    """A read-only list of the feedback entered today by whoever is signed in."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        themes = {t.slug: t.name for t in ThemeStore(ctx.db).list(include_archived=True)}
        self.model = FeedbackTableModel(lambda: FeedbackStore(ctx.db), themes)
        self.table = QTableView()
        self.table.setAccessibleName("Feedback entered today")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The comment takes what is left, so Practice, Status and the rest stay on screen
        # instead of scrolling off to the right (they did at 150% text).
        header.setSectionResizeMode(FIELDS.index("text"), QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setWordWrap(False)
        char = self.fontMetrics().averageCharWidth()
        for field, chars in COLUMN_CHARS.items():
            if field != "text":
                self.table.setColumnWidth(FIELDS.index(field), chars * char + 16)
        self.table.viewport().installEventFilter(self)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of items entered today")
        who = f"by {ctx.user.name} " if ctx.user else ""
        note = QLabel(
            f"The feedback entered {who}since midnight. Press Ctrl+N to record more. "
            "Older feedback, and other people's, is for the chair to read."
        )
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        title_row = QHBoxLayout()
        title_row.addWidget(heading("Entered today", role="title"))
        title_row.addStretch(1)
        title_row.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(title_row)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The list changed width: keep the comment readable (see _fit_columns)."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """When space is short (large text), Themes and then Sentiment step aside for the comment.

        The comment is what a volunteer checks here; squeezed to a dozen letters it was useless.
        """
        header = self.table.horizontalHeader()
        wanted = self.table.fontMetrics().averageCharWidth() * 40
        for field in ("themes", "sentiment"):
            self.table.setColumnHidden(FIELDS.index(field), False)
        for field in ("themes", "sentiment"):
            others = sum(
                header.sectionSize(i)
                for i, name in enumerate(FIELDS)
                if name != "text" and not self.table.isColumnHidden(i)
            )
            if self.table.viewport().width() - others >= wanted:
                break
            self.table.setColumnHidden(FIELDS.index(field), True)

    def reload(self) -> None:
        """Fetch today's ids again (a short list: one person's day)."""
        ids = FeedbackStore(self.ctx.db).list_ids(todays_filter(self.ctx))
        self.model.set_ids(ids)
        count = len(ids)
        self.count_label.setText(f"{count:,} item{'' if count == 1 else 's'}")

    def _on_data_changed(self, topic: str) -> None:
        if topic == "feedback":
            self.reload()

    def on_shown(self) -> None:
        """Midnight may have passed since the screen was built."""
        self.reload()
