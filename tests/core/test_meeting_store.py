"""MeetingStore: CRUD, the 'since the last meeting' period and the seeded agenda."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.meeting_store import MeetingStore, seed_agenda, since_last_meeting_period
from ppg_desktop.core.periods import preset_period
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.theme_store import ThemeStore


@pytest.fixture
def meetings(db: sqlite_utils.Database) -> MeetingStore:
    return MeetingStore(db, actor="Jo Chair")


def test_create_update_delete(meetings: MeetingStore, db: sqlite_utils.Database) -> None:
    meeting = meetings.create(held_on="12/03/2026", attendees="Jo, Sam")
    assert meeting.held_on == dt.date(2026, 3, 12) and meeting.title == "PPG meeting"
    updated = meetings.record_pack(meeting.id, "/packs/march.pdf")
    assert updated.pack_path == "/packs/march.pdf"
    assert meetings.update(meeting.id, notes="Good turnout").notes == "Good turnout"
    actions = [
        r[0]
        for r in db.execute(
            "SELECT action FROM audit_log WHERE table_name = 'meetings' ORDER BY id"
        )
    ]
    assert actions == ["create", "update", "update"]
    meetings.soft_delete(meeting.id)
    assert meetings.list() == []
    with pytest.raises(NotFoundError):
        meetings.get(meeting.id)
    assert meetings.restore(meeting.id).id == meeting.id


def test_date_is_validated_and_named(meetings: MeetingStore) -> None:
    for bad in ("", "32/01/2026", "next week"):
        with pytest.raises(ValidationError) as caught:
            meetings.create(held_on=bad)
        assert caught.value.field == "Date"


def test_since_last_meeting_period(meetings: MeetingStore, db: sqlite_utils.Database) -> None:
    today = dt.date(2026, 5, 20)
    assert since_last_meeting_period(db, today) is None
    meetings.create(held_on=dt.date(2026, 1, 15))
    meetings.create(held_on=dt.date(2026, 4, 9))
    meetings.create(held_on=dt.date(2026, 5, 20))  # today's meeting is not "past"
    meetings.create(held_on=dt.date(2026, 7, 1))  # a planned one neither
    assert since_last_meeting_period(db, today) == (dt.date(2026, 4, 10), today)
    assert meetings.last_meeting_before(today).held_on == dt.date(2026, 4, 9)  # type: ignore[union-attr]
    shared = preset_period("since_last_meeting", db, today)
    assert (shared.start, shared.end) == (dt.date(2026, 4, 10), today)


def test_deleted_meetings_do_not_count(meetings: MeetingStore, db: sqlite_utils.Database) -> None:
    first = meetings.create(held_on=dt.date(2026, 4, 9))
    meetings.soft_delete(first.id)
    assert since_last_meeting_period(db, dt.date(2026, 5, 1)) is None


def _seed(db: sqlite_utils.Database) -> None:
    SettingsStore(db).set("ppg_name", "Riverside PPG")
    practice = PracticeStore(db).create("Riverside Surgery")
    feedback = FeedbackStore(db)
    themes = ThemeStore(db)
    phone, parking = themes.list()[:2]
    received = [
        (dt.date(2026, 1, 10), "complaint", phone),  # before the last meeting: not counted
        (dt.date(2026, 2, 3), "complaint", phone),
        (dt.date(2026, 2, 4), "complaint", phone),
        (dt.date(2026, 2, 5), "concern", parking),
        (dt.date(2026, 2, 6), "compliment", None),
    ]
    for day, kind, theme in received:
        item = feedback.create(
            practice_id=practice.id,
            received_on=day,
            channel="phone",
            kind=kind,
            text=f"{kind} on {day}",
        )
        if theme is not None:
            themes.set_link(item.id, theme.id, state="confirmed")
    meetings = MeetingStore(db)
    meetings.create(held_on=dt.date(2026, 1, 20))
    meetings.create(held_on=dt.date(2026, 4, 16))
    actions = ActionStore(db)
    actions.create(title="Parking signs", due_on=dt.date(2026, 3, 30), owner="Sam")
    actions.create(title="Phone queue message", due_on=dt.date(2026, 1, 31), owner="Jo")
    actions.create(title="Later job")
    finished = actions.create(title="Old job")
    actions.set_status(finished.id, "done", outcome="Done and dusted")


def test_seed_agenda_lists_overdue_first_and_themes_since_last_meeting(
    db: sqlite_utils.Database,
) -> None:
    _seed(db)
    phone, parking = ThemeStore(db).list()[:2]
    agenda = seed_agenda(db, dt.date(2026, 3, 5))
    lines = agenda.splitlines()
    assert lines[0] == "Riverside PPG: meeting on Thursday 05/03/2026"
    headings = [line.split(".")[0] for line in lines if line[:1].isdigit()]
    assert headings == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert "Notes of the last meeting (20/01/2026)" in agenda
    open_lines = [
        line
        for line in lines
        if line.startswith("   - ") and "(" in line and ("Open" in line or "In progress" in line)
    ]
    assert open_lines[0].startswith("   - OVERDUE - Phone queue message")
    assert "OVERDUE" not in open_lines[1] and "Parking signs" in open_lines[1]
    assert "Old job" not in "\n".join(open_lines)
    assert "Top themes since the last meeting on 20/01/2026 (21/01/2026 to 05/03/2026)" in agenda
    assert f"   - {phone.name}: 2 items" in lines
    assert f"   - {parking.name}: 1 item" in lines
    assert "Patient feedback since the last meeting on 20/01/2026: 4 items" in agenda
    assert "Complaints: 2, Concerns: 1, Compliments: 1" in agenda
    assert "Date of next meeting: 16/04/2026" in agenda


def test_seed_agenda_without_earlier_meeting_says_so(db: sqlite_utils.Database) -> None:
    agenda = seed_agenda(db, dt.date(2026, 3, 5))
    assert "no earlier meeting is recorded" in agenda
    assert "No open actions." in agenda
    assert "No themed feedback in this period." in agenda
    assert "Date of next meeting: to be agreed" in agenda
    assert agenda.startswith("Patient Participation Group: meeting on")
