"""The Audit screen: the chair reads who did what and when, narrowed by person, action, table and
dates. Read-only: nothing in the app can change the log (the database refuses it too).

An entry for a merge conflict over a comment shows the version that was not used, read from where
it is kept apart from the log (merge_conflict_store.py) for as long as the comment is held."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import sqlite_utils
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.merge_conflict_store import KeptVersion, MergeConflictStore
from ppg_desktop.core.models import AuditEntry
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.models.base import Index, RecordsTableModel
from ppg_desktop.ui.widgets import error_label, heading, show_error

PAGE_SIZE = 200
COLUMNS = ("When", "Who", "What", "Record", "Item", "Details")
ACTION_LABELS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "soft_delete": "Deleted (can be undone)",
    "restore": "Restored",
    "export": "Exported",
    "report": "Made a report",
    "purge": "Removed old records",
    "sign_in": "Signed in",
    "sign_in_failed": "Wrong PIN",
    "sign_in_refused": "Too many wrong PINs",
    "sign_out": "Signed out or locked",
    "subject_access_search": "Searched for a person",
    "subject_access_export": "Exported a person's details",
    "erase": "Erased a person's details",
    "backup": "Backed up",
    "restore_backup": "Restored a backup",
    "merge": "Merged",
    "merge_bundle": "Merged an export",
    "merge_replaced": "Merge: replaced",
    "merge_kept_newer": "Merge: kept newer",
    "import": "Imported",
    "demo": "Made demo data",
    "link": "Tagged",
    "unlink": "Untagged",
    "archive": "Archived",
    "status": "Changed status",
}
TABLES = (
    "feedback",
    "contacts",
    "themes",
    "users",
    "practices",
    "settings",
    "actions",
    "meetings",
    "surveys",
)
RECORD_LABELS = {
    "contacts": "Contact details",
    "feedback_themes": "Feedback's themes",
    "action_feedback": "Action's feedback",
    "action_themes": "Action's themes",
}


def record_text(table_name: str) -> str:
    """The kind of record in words ('Practices', not 'practices' or 'action_themes')."""
    return RECORD_LABELS.get(table_name, table_name.replace("_", " ").capitalize())


SETTING_LABELS = {
    "ui_font_scale": "Text size",
    "ui_high_contrast": "High contrast",
    "ppg_name": "PPG name",
    "reports.last_choices": "Meeting pack choices",
    "backup_dir": "Backup folder",
    "backups_keep": "Backups kept",
    "join_text": "Poster 'join us' text",
    "import_mappings": "Saved import mappings",
    "bundle_last_export_at": "Last export for the chair",
    "laptop_id": "This computer's name",
}


def item_text(table_name: str, row_key: str) -> str:
    """The changed item in words: 'Text size' rather than the setting's inner name."""
    if table_name == "settings":
        return SETTING_LABELS.get(row_key, row_key.replace("_", " ").replace(".", " "))
    return row_key


def value_text(value: Any) -> str:
    """One recorded value for people: 'blank' rather than 'None' or 'null'."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    if isinstance(value, dict):  # e.g. the version a merge did not use
        inner = (f"{str(k).replace('_', ' ')}: {value_text(v)}" for k, v in value.items())
        return "(" + ", ".join(inner) + ")"
    if isinstance(value, str):
        if _ISO_MOMENT.match(value):
            return when_text(value)
        if _ISO_DAY.match(value):
            return uk_date(value)
        return value
    return json.dumps(value, ensure_ascii=False)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a date as stored: shown dd/mm/yyyy
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")  # a moment: local dd/mm/yyyy hh:mm


def parse_uk_date(text: str, field: str) -> dt.date | None:
    """A dd/mm/yyyy date, None when blank; ValueError with words for people otherwise."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"{field}: enter a date as dd/mm/yyyy, e.g. 02/11/2026.") from None


def when_text(at: str) -> str:
    """The stored UTC timestamp as local dd/mm/yyyy hh:mm."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def kept_text(kept_id: Any, kept: Mapping[int, KeptVersion]) -> str:
    """The other version of a merged comment in words, or why it is no longer shown."""
    version = kept.get(kept_id) if isinstance(kept_id, int) else None
    if version is None:
        return (
            "The other version of this comment is no longer kept: it went when the comment was"
            " removed or a person's details were erased."
        )
    return version.describe()


def details_text(changes: dict[str, Any], kept: Mapping[int, KeptVersion] | None = None) -> str:
    """The recorded changes on one line (they never hold comment text or contact details);
    a merged comment's other version, from `kept`, comes first."""
    parts = []
    if "kept_for_review" in changes:
        parts.append(kept_text(changes["kept_for_review"], kept or {}))
    for key, value in changes.items():
        if key == "kept_for_review":
            continue
        name = key.replace("_", " ")
        if isinstance(value, list) and len(value) == 2 and key != "differed":
            parts.append(f"{name}: {value_text(value[0])} → {value_text(value[1])}")
        else:
            parts.append(f"{name}: {value_text(value)}")
    return "; ".join(parts)


class AuditTableModel(RecordsTableModel[AuditEntry]):
    """Audit entries, newest first, fetched a page at a time as the list is scrolled."""

    columns = COLUMNS

    def __init__(self, database: Callable[[], sqlite_utils.Database]) -> None:
        super().__init__()
        self.database = database  # a function: the app reopens the database after encrypting
        self.criteria: dict[str, Any] = {}
        self.kept: dict[int, KeptVersion] = {}  # merged comments' other versions, by id
        self._exhausted = False

    def set_criteria(self, **criteria: Any) -> None:
        """Show entries matching these AuditStore.list keyword arguments."""
        self.beginResetModel()
        self.criteria = criteria
        self.records = []
        self.kept = {}
        self._exhausted = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        """Load the next page of older entries."""
        if parent.isValid() or self._exhausted:
            return
        db = self.database()
        page = AuditStore(db).list(**self.criteria, limit=PAGE_SIZE, offset=len(self.records))
        wanted = [e.changes["kept_for_review"] for e in page if "kept_for_review" in e.changes]
        self.kept.update(MergeConflictStore(db).get_many([k for k in wanted if isinstance(k, int)]))
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        if page:
            start = len(self.records)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self.records.extend(page)
            self.endInsertRows()

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable: the log is a record, not a document."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        return False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.record(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                when_text(entry.at),
                entry.actor,
                ACTION_LABELS.get(entry.action, entry.action.replace("_", " ")),
                record_text(entry.table_name) if entry.table_name else "",
                item_text(entry.table_name, entry.row_key),
                details_text(entry.changes, self.kept),
            )
            return values[index.column()]
        return None


class AuditScreen(QWidget):
    """Filters on top, the log below; Show applies the filters."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.who = QLineEdit()
        self.who.setAccessibleName("Who")
        self.who.setPlaceholderText("Anyone")
        self.who.setMinimumWidth(self.fontMetrics().averageCharWidth() * 14)
        names = QCompleter([user.name for user in UserStore(ctx.db).list()], self.who)
        names.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.who.setCompleter(names)
        self.what = QComboBox()
        self.what.setAccessibleName("What was done")
        self.what.addItem("Anything", "")
        # Sized to a short label so, with large text, the Who box beside it is not squashed.
        self.what.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.what.setMinimumContentsLength(14)
        for key, label in ACTION_LABELS.items():
            self.what.addItem(label, key)
        self.table_choice = QComboBox()
        self.table_choice.setAccessibleName("Kind of record")
        self.table_choice.addItem("Any", "")
        for name in TABLES:
            self.table_choice.addItem(record_text(name), name)
        self.date_from = QLineEdit()
        self.date_from.setAccessibleName("From date")
        self.date_from.setPlaceholderText("dd/mm/yyyy")
        self.date_to = QLineEdit()
        self.date_to.setAccessibleName("To date")
        self.date_to.setPlaceholderText("dd/mm/yyyy")
        for date_box in (self.date_from, self.date_to):
            date_box.setMinimumWidth(self.fontMetrics().horizontalAdvance("dd/mm/yyyy__"))
        self.show_button = QPushButton("&Show")
        self.show_button.setAccessibleName("Show the matching audit entries")
        self.show_button.clicked.connect(self.apply_filters)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.clicked.connect(self.clear_filters)
        for line in (self.who, self.date_from, self.date_to):
            line.returnPressed.connect(self.apply_filters)
        self.error = error_label("Audit filters")

        self.model = AuditTableModel(lambda: ctx.db)
        self.view = QTableView()
        self.view.setAccessibleName("Audit log")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        samples = (
            "00/00/0000 00:00",
            "Margaret E",
            "Merge: kept newer",
            "Contact details",
            "ui_font_s",
        )
        for column, sample in enumerate(samples):
            self.view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 20)
        # the Details column is one line; the chosen entry's details are shown here in full
        self.details = QLabel()
        self.details.setAccessibleName("Details of the chosen entry")
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # a kept comment is never markup
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view.selectionModel().currentRowChanged.connect(self._show_details)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of entries shown")

        filters = QGridLayout()
        for column, (caption, widget) in enumerate(
            (
                ("&Who", self.who),
                ("W&hat", self.what),
                ("&Record", self.table_choice),
                ("&From", self.date_from),
                ("&To", self.date_to),
            )
        ):
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            filters.addWidget(caption_label, 0, column)
            filters.addWidget(widget, 1, column)
        filters.addWidget(self.show_button, 1, 5)
        filters.addWidget(self.clear_button, 1, 6)
        filters.setColumnStretch(0, 2)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(2, 1)
        title_row = QHBoxLayout()
        title_row.addWidget(heading("Audit log", role="title"))
        title_row.addStretch(1)
        title_row.addWidget(self.count_label)
        note = QLabel(
            "Every change, export, report, removal and sign-in is recorded here. The log cannot "
            "be changed; it holds no comments or contact details. Where two laptops changed the "
            "same comment, the version not used is shown with its merge entry until the comment "
            "is removed."
        )
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(title_row)
        layout.addWidget(note)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        self.model.rowsInserted.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.model.modelReset.connect(self.details.clear)
        self.apply_filters()

    def apply_filters(self) -> bool:
        """Show the entries matching the filters; False (with the reason shown) if a date is
        not a date or the range is back to front."""
        try:
            date_from = parse_uk_date(self.date_from.text(), "From")
            date_to = parse_uk_date(self.date_to.text(), "To")
        except ValueError as exc:
            show_error(self.error, str(exc))
            return False
        if date_from and date_to and date_from > date_to:
            show_error(self.error, "To: choose a date on or after the From date.")
            return False
        show_error(self.error, "")
        self.model.set_criteria(
            actor=" ".join(self.who.text().split()) or None,
            action=self.what.currentData() or None,
            table=self.table_choice.currentData() or None,
            date_from=date_from,
            date_to=date_to,
        )
        return True

    def clear_filters(self) -> None:
        for line in (self.who, self.date_from, self.date_to):
            line.clear()
        self.what.setCurrentIndex(0)
        self.table_choice.setCurrentIndex(0)
        self.apply_filters()

    def _update_count(self, *_: object) -> None:
        shown = self.model.rowCount()
        more = " (scroll for more)" if self.model.canFetchMore(QModelIndex()) else ""
        self.count_label.setText(f"{shown:,} entr{'y' if shown == 1 else 'ies'}{more}")

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.details.setText(str(self.model.index(current.row(), 5).data() or ""))

    def on_shown(self) -> None:
        """New entries have been written since the screen was last shown."""
        self.apply_filters()
