"""Removing old records: the dialog lists what will go before anything is removed; Keep
removes nothing; Remove removes exactly what was listed (audited). Also the start-up offer."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core import auth
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui import purge_dialog
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import wait_for_jobs
from ppg_desktop.ui.purge_dialog import PurgeDialog, offer_start_up_purge


def _days_ago(days: int) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def old_records(db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """One item deleted 60 days ago (due: 30 days), one deleted yesterday and one current item
    with contact details (neither due)."""
    practice = PracticeStore(db).create("Riverside Surgery")
    store = FeedbackStore(db)

    def add(text: str) -> int:
        return store.create(
            practice_id=practice.id,
            received_on="2026-01-05",
            kind="complaint",
            channel="phone",
            text=text,
        ).id

    old, recent, current = add("Old deleted"), add("Deleted yesterday"), add("Still open")
    with monkeypatch.context() as patch:
        patch.setattr("ppg_desktop.core.feedback_store.now_iso", lambda: _days_ago(60))
        store.soft_delete([old])
    with monkeypatch.context() as patch:
        patch.setattr("ppg_desktop.core.feedback_store.now_iso", lambda: _days_ago(1))
        store.soft_delete([recent])
    contact = ContactStore(db).create(
        current, "Jo Bloggs", "07700 900123", "", True, dt.date.today(), "a reply", "Ann"
    )
    return {"old": old, "recent": recent, "current": current, "contact": contact.id}


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    chair = auth.create_user(db, "Ann Chair", "chair", "4826", "setup")
    return AppContext(db, db_path, user=chair)


def _ids(db: sqlite_utils.Database) -> set[int]:
    return {row[0] for row in db.execute("SELECT id FROM feedback")}


def test_preview_lists_the_items_before_anything_is_removed(
    ctx: AppContext, old_records: dict[str, int], qtbot: QtBot
) -> None:
    dialog = PurgeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    lines = dialog.lines.stringList()
    assert len(lines) == 1
    assert f"Feedback {old_records['old']}" in lines[0] and "deleted on" in lines[0]
    assert "1 feedback item is due to be removed." in dialog.summary.text()
    assert dialog.remove_button.isEnabled()
    assert dialog.remove_button.text() == "&Remove this record"
    assert _ids(ctx.db) == {old_records["old"], old_records["recent"], old_records["current"]}


def test_keeping_them_removes_nothing(
    ctx: AppContext, old_records: dict[str, int], qtbot: QtBot
) -> None:
    dialog = PurgeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    wait_for_jobs()
    assert not dialog.isVisible()
    assert dialog.result() == 0
    assert _ids(ctx.db) == {old_records["old"], old_records["recent"], old_records["current"]}
    assert ContactStore(ctx.db).count() == 1
    assert not AuditStore(ctx.db).list(action="purge")


def test_confirming_removes_exactly_the_listed_items(
    ctx: AppContext, old_records: dict[str, int], qtbot: QtBot
) -> None:
    dialog = PurgeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_counts is not None, timeout=10_000)
    assert dialog.result_counts is not None
    assert dialog.result_counts.feedback_removed == 1
    assert _ids(ctx.db) == {old_records["recent"], old_records["current"]}
    assert ContactStore(ctx.db).count() == 1
    entry = AuditStore(ctx.db).list(action="purge")[0]
    assert entry.actor == "Ann Chair" and entry.changes["feedback_removed"] == 1


def test_contact_details_of_a_long_closed_matter_are_listed_with_a_reason(
    ctx: AppContext, old_records: dict[str, int], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    practice = PracticeStore(ctx.db).list()[0]
    with monkeypatch.context() as patch:  # a matter closed 400 days ago (12 months are kept)
        patch.setattr("ppg_desktop.core.feedback_store.now_iso", lambda: _days_ago(400))
        closed = FeedbackStore(ctx.db).create(
            practice_id=practice.id,
            received_on="2025-10-01",
            kind="complaint",
            channel="phone",
            text="Closed long ago",
            status="closed",
        )
    contact = ContactStore(ctx.db).create(
        closed.id, "Sam Smith", "07700 900456", "", True, "2025-10-01", "a reply", "Ann"
    )
    dialog = PurgeDialog(ctx)
    qtbot.addWidget(dialog)
    lines = dialog.lines.stringList()
    listed = [line for line in lines if line.startswith(f"Contact details {contact.id} ")]
    assert len(listed) == 1 and "closed since" in listed[0]
    assert not any(f"Contact details {old_records['contact']} " in line for line in lines)
    assert "1 set of contact details" in dialog.summary.text()


def test_nothing_due_means_no_button_to_press(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = PurgeDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.lines.stringList() == ["Nothing is due to be removed."]
    assert not dialog.remove_button.isEnabled()


def test_start_up_offers_the_list_only_when_something_is_due(
    ctx: AppContext,
    db_path: Path,
    old_records: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[list[str]] = []

    def record_and_keep(dialog: PurgeDialog) -> int:
        shown.append(dialog.lines.stringList())
        return 0

    monkeypatch.setattr(PurgeDialog, "exec", record_and_keep)
    assert offer_start_up_purge(ctx) is not None
    assert len(shown) == 1 and f"Feedback {old_records['old']}" in shown[0][0]
    assert old_records["old"] in _ids(ctx.db)  # kept: the chair said no
    volunteer = auth.create_user(ctx.db, "Vic Volunteer", "volunteer", "7391", "setup")
    assert offer_start_up_purge(AppContext(ctx.db, db_path, user=volunteer)) is None
    assert len(shown) == 1
    FeedbackStore(ctx.db).restore([old_records["old"]])
    assert purge_dialog.purge_preview(ctx.db).empty
    assert offer_start_up_purge(ctx) is None


def test_old_written_survey_answers_are_counted_and_their_ratings_kept(
    ctx: AppContext, qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QLabel

    from ppg_desktop.core.survey_store import SurveyStore

    store = SurveyStore(ctx.db)
    survey = store.create_from_template("fft")
    fft, why = (q.id for q in survey.questions)
    practice = PracticeStore(ctx.db).create("Riverside Surgery")
    response = store.add_response(
        survey.id,
        {fft: "Poor", why: "Mrs Zebedee at the desk"},
        practice_id=practice.id,
        collected_on=dt.date.today() - dt.timedelta(days=7 * 366),
    )
    ctx.db.execute("DELETE FROM feedback WHERE survey_response_id = ?", [response.id])
    dialog = PurgeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "1 written survey answer is due" in dialog.summary.text()
    assert dialog.lines.stringList()[0].startswith(f"Survey response {response.id} ")
    intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "the ratings and choices given with them stay" in intro
    assert "Written survey answers: with their feedback, or 6 years" in intro
    assert dialog.remove_button.text() == "&Remove this record"
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_counts is not None, timeout=10_000)
    assert dialog.result_counts is not None
    assert dialog.result_counts.survey_answers_removed == 1
    assert store.get_response(response.id).answers == {fft: "Poor"}
