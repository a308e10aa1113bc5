"""The Meetings screen: when the PPG met, who came, the agenda, the notes and the pack presented.

"Fill agenda" drafts the agenda from the open actions and the themes since the last meeting
(`meeting_store.seed_agenda`); the chair then edits it like any text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.clock import parse_uk_date, today, uk_date
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.meeting_store import MeetingStore, seed_agenda, since_last_meeting_period
from ppg_desktop.core.models import Meeting
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.forms import add_field_row, clear_errors, scrolling, show_not_saved
from ppg_desktop.ui.master_detail import keep_or_drop_edits, select_row
from ppg_desktop.ui.messages import ask_yes_no
from ppg_desktop.ui.models.base import Index, RecordsTableModel
from ppg_desktop.ui.widgets import error_label, heading, show_error

COLUMNS = ("Date", "Title", "Attendees", "Pack presented")


class MeetingsTableModel(RecordsTableModel[Meeting]):
    """Meetings, newest first (a PPG has a handful a year, so all are held)."""

    columns = COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        meeting = self.record(index.row()) if index.isValid() else None
        if meeting is not None and role == Qt.ItemDataRole.ToolTipRole:
            return {1: meeting.title, 2: meeting.attendees or None}.get(index.column())
        if meeting is None or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        column = index.column()
        if column == 0:
            planned = " (planned)" if meeting.held_on > today() else ""
            return uk_date(meeting.held_on) + planned
        if column == 1:
            return meeting.title
        if column == 2:
            names = [
                n.strip() for n in meeting.attendees.replace("\n", ",").split(",") if n.strip()
            ]
            return (
                f"{len(names)} ({', '.join(names[:3])}{'…' if len(names) > 3 else ''})"
                if names
                else "Not recorded"
            )
        return Path(meeting.pack_path).name if meeting.pack_path else "None recorded"


def _box(name: str, height: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setMinimumHeight(height)
    return box


class MeetingForm(QWidget):
    """Edit one meeting (or a new one); `saved(id)` after a successful save."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting: Meeting | None = None
        self.is_new = False
        self._loading = False
        self._dirty = False
        self.heading = heading("Choose a meeting in the list, or press New meeting.")
        self.held_on = QLineEdit()
        self.held_on.setAccessibleName("Date")
        self.held_on.setPlaceholderText("dd/mm/yyyy")
        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.title.setPlaceholderText("PPG meeting")
        self.attendees = _box("Attendees", 50)
        self.attendees.setPlaceholderText("Names, separated by commas")
        self.attendees.setMaximumHeight(80)
        self.agenda = _box("Agenda", 300)
        self.fill_button = QPushButton("F&ill agenda")
        self.fill_button.setToolTip(
            "Draft the agenda from open actions and the themes since the last meeting"
        )
        self.fill_button.clicked.connect(self.fill_agenda)
        self.notes = _box("Notes", 120)
        self.pack_path = QLineEdit()
        self.pack_path.setAccessibleName("Pack presented")
        self.pack_path.setPlaceholderText("The meeting pack (PDF) shown at this meeting")
        self.pack_button = QPushButton("Choose pac&k…")
        self.pack_button.clicked.connect(self.choose_pack)
        self.save_button = QPushButton("&Save meeting")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.errors = {
            name: error_label(name)
            for name in ("Date", "Title", "Attendees", "Agenda", "Notes", "Pack presented")
        }

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        agenda_row = QHBoxLayout()
        agenda_row.addStretch(1)
        agenda_row.addWidget(self.fill_button)
        pack_row = QHBoxLayout()
        pack_row.addWidget(self.pack_path, 1)
        pack_row.addWidget(self.pack_button)
        fields: list[tuple[str, QWidget, tuple[QWidget | QLayout, ...]]] = [
            ("&Date", self.held_on, ()),
            ("&Title", self.title, ()),
            ("Atte&ndees", self.attendees, ()),
            ("A&genda", self.agenda, (self.agenda, agenda_row)),
            ("N&otes", self.notes, ()),
            ("&Pack presented", self.pack_path, (pack_row,)),
        ]
        for caption, widget, parts in fields:
            add_field_row(form, caption, widget, self.errors[caption.replace("&", "")], *parts)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state_label, 1)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        scrolling(self, inner)
        for line in (self.held_on, self.title, self.pack_path):
            line.textChanged.connect(self._changed)
        for box in (self.attendees, self.agenda, self.notes):
            box.textChanged.connect(self._changed)
        self.show_meeting(None)

    def show_meeting(self, meeting_id: int | None) -> None:
        """Load one meeting into the form (None empties it)."""
        self._loading = True
        self.is_new = False
        self.meeting = None
        if meeting_id is not None:
            try:
                self.meeting = MeetingStore(self.ctx.db).get(meeting_id)
            except NotFoundError:
                self.meeting = None
        meeting = self.meeting
        clear_errors(self.errors)
        self.held_on.setText(uk_date(meeting.held_on) if meeting else "")
        self.title.setText(meeting.title if meeting else "")
        self.attendees.setPlainText(meeting.attendees if meeting else "")
        self.agenda.setPlainText(meeting.agenda if meeting else "")
        self.notes.setPlainText(meeting.notes if meeting else "")
        self.pack_path.setText(meeting.pack_path or "" if meeting else "")
        self.state_label.clear()
        self.heading.setText(
            f"{meeting.title}, {uk_date(meeting.held_on)}"
            if meeting
            else "Choose a meeting in the list, or press New meeting."
        )
        self._set_enabled(meeting is not None)
        self._loading = False
        self._dirty = False

    def start_new(self) -> None:
        """An empty form for a new meeting, dated today."""
        self.show_meeting(None)
        self.is_new = True
        self._loading = True
        self.held_on.setText(uk_date(today()))
        self.title.setText("PPG meeting")
        self._loading = False
        self.heading.setText("New meeting")
        self._set_enabled(True)
        self.held_on.setFocus()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.held_on,
            self.title,
            self.attendees,
            self.agenda,
            self.fill_button,
            self.notes,
            self.pack_path,
            self.pack_button,
            self.save_button,
        ):
            widget.setEnabled(enabled)

    def _changed(self, *_: object) -> None:
        if not self._loading and (self.meeting is not None or self.is_new):
            self._dirty = True
            self.state_label.setText("Not saved yet.")

    def has_unsaved_changes(self) -> bool:
        return self._dirty and (self.meeting is not None or self.is_new)

    def fill_agenda(self) -> bool:
        """Draft the agenda for the date in the form (asking before replacing typed text)."""
        show_error(self.errors["Date"], "")
        try:
            day = parse_uk_date(self.held_on.text())
        except ValueError:
            show_error(self.errors["Date"], "Enter the meeting date as dd/mm/yyyy first.")
            return False
        if self.agenda.toPlainText().strip() and not ask_yes_no(
            self,
            "Replace the agenda?",
            "The agenda already has text. Replace it with a fresh "
            "draft from the open actions and recent themes?",
            yes="Replace it",
            no="Keep mine",
        ):
            return False
        self.agenda.setPlainText(seed_agenda(self.ctx.db, day))
        return True

    def choose_pack(self) -> None:
        """Pick the meeting pack PDF that was presented."""
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "Which pack was presented?",
            self.pack_path.text() or str(Path.home()),
            "PDF files (*.pdf);;All files (*)",
        )
        if path:
            self.pack_path.setText(path)

    def values(self) -> dict[str, Any]:
        return {
            "held_on": self.held_on.text(),
            "title": self.title.text(),
            "attendees": self.attendees.toPlainText(),
            "agenda": self.agenda.toPlainText(),
            "notes": self.notes.toPlainText(),
            "pack_path": self.pack_path.text(),
        }

    def save(self) -> bool:
        """Store the form. True when stored; a problem is shown next to its field."""
        if self.meeting is None and not self.is_new:
            return False
        clear_errors(self.errors)
        store = MeetingStore(self.ctx.db, self.ctx.actor)
        try:
            if self.is_new:
                meeting = store.create(**self.values())
            else:
                assert self.meeting is not None
                meeting = store.update(self.meeting.id, **self.values())
        except ValidationError as exc:
            show_not_saved(self.errors, self.state_label, exc)
            return False
        self._dirty = False
        self.show_meeting(meeting.id)
        self.state_label.setText("Saved.")
        self.ctx.notify("meetings")
        self.saved.emit(meeting.id)
        return True


class MeetingsScreen(QWidget):
    """List of meetings beside the form; New and Delete; the 'since the last meeting' period."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = MeetingsTableModel()
        self._showing_id: int | None = None
        self.period = QLabel()
        self.period.setWordWrap(True)
        self.new_button = QPushButton("&New meeting")
        self.new_button.clicked.connect(self.new_meeting)
        self.delete_button = QPushButton("De&lete")
        self.delete_button.setAccessibleName("Delete the chosen meeting")
        self.delete_button.clicked.connect(self.delete_current)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Meetings")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # No sideways scrolling hiding Attendees and the pack: the title takes what is left,
        # and when the list is narrow (large text) the two right-hand columns step aside.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setWordWrap(False)
        self.table.viewport().installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.form = MeetingForm(ctx)
        self.form.saved.connect(self._after_save)

        top = QHBoxLayout()
        top.addWidget(heading("Meetings", "title"), 1)
        top.addWidget(self.new_button)
        top.addWidget(self.delete_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.period)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.setSizes([600, 680])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The list changed width (window, splitter or text size): share it out again."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Attendees and Pack get fixed widths; they are hidden when the title would be squashed."""
        metrics = self.table.fontMetrics()
        attendees = metrics.horizontalAdvance("5 (Margaret Ellison") + 16
        pack = metrics.horizontalAdvance("None recorded") + 16
        self.table.setColumnWidth(2, attendees)
        self.table.setColumnWidth(3, pack)
        date = self.table.horizontalHeader().sectionSize(0)
        title_wants = metrics.horizontalAdvance("PPG meeting, September 2026") + 16
        room = self.table.viewport().width() - date - title_wants
        self.table.setColumnHidden(3, room < attendees + pack)
        self.table.setColumnHidden(2, room < attendees)

    def reload(self) -> None:
        """Refresh the list and the 'since the last meeting' line."""
        self.model.set_records(MeetingStore(self.ctx.db, self.ctx.actor).list())
        period = since_last_meeting_period(self.ctx.db)
        if period is None:
            self.period.setText(
                "No meeting has been recorded before today, so reports use the "
                "last quarter for 'since the last meeting'."
            )
        else:
            self.period.setText(
                f"Since the last meeting: {uk_date(period[0])} to {uk_date(period[1])}."
            )
        if self._showing_id is not None:
            self.select_meeting(self._showing_id)

    def select_meeting(self, meeting_id: int) -> bool:
        row = self.model.row_of(meeting_id)
        if row < 0:
            return False
        select_row(self.table, row)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        meeting = self.model.record(current.row())
        new_id = meeting.id if meeting else None
        if new_id == self._showing_id and not self.form.is_new:
            return
        if not self._keep_or_drop_edits():
            return
        self._showing_id = new_id
        self.form.show_meeting(new_id)

    def _keep_or_drop_edits(self) -> bool:
        """Offer to save edits before the form shows something else. False if saving failed."""
        return keep_or_drop_edits(self, self.form, "meeting", ask_yes_no)

    def _after_save(self, meeting_id: int) -> None:
        self._showing_id = meeting_id
        self.reload()

    def _on_data_changed(self, topic: str) -> None:
        if topic == "meetings" and not self.form.has_unsaved_changes():
            self.reload()

    def new_meeting(self) -> None:
        """Start a new meeting in the form."""
        if not self._keep_or_drop_edits():
            return
        self.table.clearSelection()
        self._showing_id = None
        self.form.start_new()

    def delete_current(self) -> None:
        """Soft-delete the chosen meeting after asking."""
        meeting = self.form.meeting
        if meeting is None:
            return
        if not ask_yes_no(
            self,
            "Delete this meeting?",
            f"Delete the meeting on {uk_date(meeting.held_on)}?",
            yes="Delete it",
            no="Keep it",
        ):
            return
        MeetingStore(self.ctx.db, self.ctx.actor).soft_delete(meeting.id)
        self._showing_id = None
        self.form.show_meeting(None)
        self.ctx.notify("meetings")
        self.reload()

    def save(self) -> None:
        """Ctrl+S from the main window."""
        self.form.save()

    def on_shown(self) -> None:
        if not self.form.has_unsaved_changes():
            self.reload()

    def confirm_leave(self) -> bool:
        """Before the app closes: offer to save an edited meeting."""
        return self._keep_or_drop_edits()
