"""The Audit screen: lists the log newest first, filters by who, what, record and dd/mm/yyyy
dates, pages through long logs, offers no way to change an entry, and shows a merged comment's
other version while it is kept."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core import auth, subject_access
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.bundles import export_bundle, merge_bundle
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui import audit_screen
from ppg_desktop.ui.audit_screen import AuditScreen
from ppg_desktop.ui.context import AppContext


@pytest.fixture
def screen(db: sqlite_utils.Database, db_path: Path, qtbot: QtBot) -> AuditScreen:
    chair = auth.create_user(db, "Ann Chair", "chair", "4826", "setup")
    PracticeStore(db, "Ann Chair").create("Riverside Surgery")
    AuditStore(db, "Vic Volunteer").record("export", "feedback", "", {"rows": 12})
    auth.sign_in(db, "Ann Chair", "4826")
    widget = AuditScreen(AppContext(db, db_path, user=chair))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _column(screen: AuditScreen, column: int) -> list[str]:
    model = screen.model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def test_lists_entries_newest_first(screen: AuditScreen) -> None:
    assert _column(screen, 2)[:3] == ["Signed in", "Exported", "Created"]
    assert _column(screen, 1)[:3] == ["Ann Chair", "Vic Volunteer", "Ann Chair"]
    assert "rows: 12" in _column(screen, 5)[1]
    today = dt.date.today().strftime("%d/%m/%Y")
    assert all(when.startswith(today) for when in _column(screen, 0))


def test_filters_by_who_what_and_record(screen: AuditScreen, qtbot: QtBot) -> None:
    qtbot.keyClicks(screen.who, "Vic Volunteer")
    qtbot.keyClick(screen.who, Qt.Key.Key_Return)
    assert _column(screen, 2) == ["Exported"]
    screen.who.clear()
    screen.what.setCurrentIndex(screen.what.findData("create"))
    screen.table_choice.setCurrentIndex(screen.table_choice.findData("practices"))
    assert screen.apply_filters()
    assert _column(screen, 3) == ["Practices"]
    screen.clear_filters()
    assert screen.model.rowCount() == AuditStore(screen.ctx.db).count()


def test_date_range_in_uk_format(screen: AuditScreen) -> None:
    today = dt.date.today()
    screen.date_from.setText((today + dt.timedelta(days=1)).strftime("%d/%m/%Y"))
    assert screen.apply_filters()
    assert screen.model.rowCount() == 0
    screen.date_from.setText(today.strftime("%d/%m/%Y"))
    screen.date_to.setText(today.strftime("%d/%m/%Y"))
    assert screen.apply_filters()
    assert screen.model.rowCount() == AuditStore(screen.ctx.db).count()


def test_bad_dates_are_explained(screen: AuditScreen) -> None:
    screen.date_from.setText("2026-13-40")
    assert not screen.apply_filters()
    assert screen.error.isVisible() and "dd/mm/yyyy" in screen.error.text()
    screen.date_from.setText("10/11/2026")
    screen.date_to.setText("01/11/2026")
    assert not screen.apply_filters()
    assert "on or after" in screen.error.text()


def test_the_log_cannot_be_edited_from_the_screen(screen: AuditScreen) -> None:
    model = screen.model
    index = model.index(0, 1)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "Someone else", Qt.ItemDataRole.EditRole)
    assert model.index(0, 1).data() == "Ann Chair"
    assert screen.view.editTriggers() == screen.view.EditTrigger.NoEditTriggers


def test_long_logs_load_a_page_at_a_time(
    screen: AuditScreen, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AuditStore(screen.ctx.db, "Ann Chair")
    for number in range(25):
        store.record("report", "feedback", number)
    monkeypatch.setattr(audit_screen, "PAGE_SIZE", 10)
    screen.apply_filters()
    assert screen.model.rowCount() == 10
    assert "scroll for more" in screen.count_label.text()
    while screen.model.canFetchMore(QModelIndex()):
        screen.model.fetchMore(QModelIndex())
    assert screen.model.rowCount() == AuditStore(screen.ctx.db).count()
    assert "scroll for more" not in screen.count_label.text()


def test_a_merged_comments_other_version_is_shown_until_the_comment_goes(
    screen: AuditScreen, tmp_path: Path
) -> None:
    db = screen.ctx.db
    practice = PracticeStore(db).find_by_name("Riverside Surgery")
    assert practice is not None
    item = FeedbackStore(db, "Ann Chair").create(
        practice_id=practice.id,
        received_on=dt.date(2026, 3, 2),
        channel="phone",
        kind="complaint",
        text="Parking is hard",
    )
    laptop_path = tmp_path / "laptop.db"
    copy = sqlite_utils.Database(laptop_path)
    db.conn.backup(copy.conn)
    copy.close()
    laptop = open_database(laptop_path)
    FeedbackStore(laptop, "Vic Volunteer").update(
        item.id, text="Parking is hard, says Mrs Quill", status="raised"
    )
    FeedbackStore(db, "Ann Chair").update(item.id, text="Parking is impossible")  # newer
    export_bundle(laptop, tmp_path / "b.ppgbundle", everything=True)
    laptop.close()
    merge_bundle(db, tmp_path / "b.ppgbundle", actor="Ann Chair")

    screen.what.setCurrentIndex(screen.what.findData("merge_kept_newer"))
    assert screen.apply_filters()
    assert _column(screen, 2) == ["Merge: kept newer"]
    (details,) = _column(screen, 5)
    assert details.startswith(
        "The other laptop's version of this comment, not used because the one here is newer:"
        " “Parking is hard, says Mrs Quill”"
    )
    assert (
        "differed: text, status" in details
        and "discarded: (practice name: riverside surgery" in details
    )
    screen.view.selectRow(0)  # the one-line column is cut short; in full below the list
    assert screen.details.text() == details and screen.details.isVisible()

    # an erasure request finds the name in the kept version and removes it; the entry stays
    found = subject_access.subject_access_search(db, name="Mrs Quill", actor="Ann Chair")
    subject_access.erase_subject(db, found, "Ann Chair")
    assert screen.apply_filters()
    (details,) = _column(screen, 5)
    assert "no longer kept" in details and "Quill" not in details
    assert screen.details.text() == ""


def test_recorded_dates_and_times_read_as_uk_dates() -> None:
    from ppg_desktop.ui.audit_screen import value_text, when_text

    assert value_text("2026-03-02") == "02/03/2026"
    moment = "2026-11-26T19:09:51.443035+00:00"
    assert value_text(moment) == when_text(moment)
    assert value_text(moment).startswith("26/11/2026 ")
    details = value_text({"received_on": "2026-03-02", "updated_at": moment, "status": "new"})
    assert details == f"(received on: 02/03/2026, updated at: {when_text(moment)}, status: new)"
    assert value_text("2026-03-02 is when I rang") == "2026-03-02 is when I rang"  # not a date
