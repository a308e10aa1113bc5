"""Meetings screen: a new meeting with validation by the field, the drafted agenda, nothing lost."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import today, uk_date
from ppg_desktop.core.meeting_store import MeetingStore
from ppg_desktop.ui import meetings_screen
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.meetings_screen import MeetingsScreen


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    return AppContext(db, db_path)


def test_new_meeting_with_agenda_and_pack(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    last = today() - dt.timedelta(days=40)
    MeetingStore(ctx.db).create(held_on=last)
    ActionStore(ctx.db).create(title="Chase the phone upgrade", due_on=last)
    screen = MeetingsScreen(ctx)
    qtbot.addWidget(screen)
    expected = f"Since the last meeting: {uk_date(last + dt.timedelta(days=1))} to "
    assert screen.period.text().startswith(expected)
    screen.new_meeting()
    form = screen.form
    form.held_on.setText("not a date")
    assert not form.fill_agenda()
    assert form.errors["Date"].isVisibleTo(form)
    assert not form.save()
    assert "dd/mm/yyyy" in form.errors["Date"].text()
    form.held_on.setText(uk_date(today()))
    assert form.fill_agenda()
    agenda = form.agenda.toPlainText()
    assert "OVERDUE - Chase the phone upgrade" in agenda
    assert f"Notes of the last meeting ({uk_date(last)})" in agenda
    qtbot.keyClicks(form.attendees, "Jo, Sam")
    form.pack_path.setText("/packs/november.pdf")
    assert form.save()
    stored = MeetingStore(ctx.db).list()[0]
    assert stored.held_on == today() and stored.pack_path == "/packs/november.pdf"
    assert stored.agenda == agenda.strip()
    assert screen.model.rowCount() == 2
    row = screen.model.row_of(stored.id)
    assert screen.model.data(screen.model.index(row, 2)) == "2 (Jo, Sam)"
    assert screen.model.data(screen.model.index(row, 3)) == "november.pdf"


def test_fill_agenda_asks_before_replacing_and_edits_are_offered_for_saving(
    qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    meeting = MeetingStore(ctx.db).create(held_on=today(), agenda="My own agenda")
    screen = MeetingsScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.select_meeting(meeting.id)
    answers = iter([False, True])
    monkeypatch.setattr(meetings_screen, "ask_yes_no", lambda *_a, **_k: next(answers))
    assert not screen.form.fill_agenda()
    assert screen.form.agenda.toPlainText() == "My own agenda"
    screen.form.notes.setPlainText("We agreed to meet quarterly")
    assert screen.confirm_leave()  # answered "Save them"
    assert MeetingStore(ctx.db).get(meeting.id).notes == "We agreed to meet quarterly"
