"""ActionStore: validation, statuses with history, links, raising from feedback, overdue."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore


@pytest.fixture
def store(db: sqlite_utils.Database) -> ActionStore:
    return ActionStore(db, actor="Jo Chair")


def _feedback(db: sqlite_utils.Database, practice_id: int, text: str, status: str = "new") -> int:
    return (
        FeedbackStore(db, "test")
        .create(
            practice_id=practice_id,
            received_on=dt.date(2026, 3, 2),
            channel="phone",
            kind="complaint",
            text=text,
            status=status,
        )
        .id
    )


def test_title_is_required_and_named(store: ActionStore) -> None:
    with pytest.raises(ValidationError) as caught:
        store.create(title="   ")
    assert caught.value.field == "Title"


def test_due_date_before_raised_date_is_refused(store: ActionStore) -> None:
    with pytest.raises(ValidationError) as caught:
        store.create(title="Phones", raised_on="01/03/2026", due_on="2026-02-01")
    assert caught.value.field == "Due date"
    with pytest.raises(ValidationError) as bad:
        store.create(title="Phones", due_on="31/02/2026")
    assert bad.value.field == "Due date"


def test_create_accepts_uk_dates_and_records_history_and_audit(
    store: ActionStore, db: sqlite_utils.Database
) -> None:
    action = store.create(title="  Longer  phone lines ", due_on="15/04/2026", owner="Sam")
    assert action.title == "Longer phone lines"
    assert action.due_on == dt.date(2026, 4, 15)
    assert action.status == "open"
    history = store.history(action.id)
    assert [(h.old_status, h.new_status, h.changed_by) for h in history] == [
        (None, "open", "Jo Chair")
    ]
    audit = db.execute(
        "SELECT action, actor FROM audit_log WHERE table_name = 'actions'"
    ).fetchall()
    assert audit == [("create", "Jo Chair")]


def test_statuses_keep_history_and_declined_needs_reason(store: ActionStore) -> None:
    action = store.create(title="Online booking help")
    store.set_status(action.id, "in_progress", "Practice manager agreed to look")
    with pytest.raises(ValidationError) as caught:
        store.set_status(action.id, "declined", "")
    assert caught.value.field == "Reason for declining"
    assert store.get(action.id).status == "in_progress"
    done = store.set_status(action.id, "done", "Sorted", outcome="We ran two help sessions.")
    assert done.status == "done" and done.outcome == "We ran two help sessions."
    history = store.history(action.id)
    assert [(h.old_status, h.new_status) for h in history] == [
        (None, "open"),
        ("open", "in_progress"),
        ("in_progress", "done"),
    ]
    assert history[1].note == "Practice manager agreed to look"


def test_declined_keeps_reason(store: ActionStore) -> None:
    action = store.create(title="Free parking")
    declined = store.set_status(
        action.id, "declined", declined_reason="The car park is the council's, not the practice's."
    )
    assert declined.declined_reason.startswith("The car park")
    assert store.history(action.id)[-1].note.startswith("The car park")
    with pytest.raises(ValidationError):
        store.create(title="X", status="declined")


def test_update_changes_fields_but_not_status(store: ActionStore) -> None:
    action = store.create(title="Signage")
    updated = store.update(action.id, owner="Pat", description="Bigger signs at reception")
    assert (updated.owner, updated.description) == ("Pat", "Bigger signs at reception")
    with pytest.raises(ValueError):
        store.update(action.id, status="done")
    with pytest.raises(ValidationError) as caught:
        store.update(action.id, title="")
    assert caught.value.field == "Title"


def test_overdue_and_list_filters(store: ActionStore, db: sqlite_utils.Database) -> None:
    practice = PracticeStore(db).create("Riverside Surgery")
    late = store.create(title="Late one", due_on=dt.date(2026, 1, 10), practice_id=practice.id)
    store.create(title="Not yet due", due_on=dt.date(2026, 6, 1))
    done_late = store.create(title="Done late", due_on=dt.date(2026, 1, 1))
    store.set_status(done_late.id, "done")
    on = dt.date(2026, 2, 1)
    assert [a.title for a in store.overdue(on)] == ["Late one"]
    assert store.get(late.id).is_overdue(on)
    assert [a.title for a in store.list(overdue_only=True, on=on)] == ["Late one"]
    assert [a.title for a in store.list(status="done")] == ["Done late"]
    assert [a.title for a in store.list(practice_id=practice.id)] == ["Late one"]
    assert [a.title for a in store.list()][:2] == ["Late one", "Not yet due"]
    with pytest.raises(ValidationError):
        store.list(status="finished")


def test_create_from_feedback_links_and_raises_in_one_go(
    store: ActionStore, db: sqlite_utils.Database
) -> None:
    practice = PracticeStore(db).create("Riverside Surgery")
    themes = ThemeStore(db, "test")
    phone = themes.list()[0]
    first = _feedback(db, practice.id, "Could not get through on the phone at 8am")
    second = _feedback(db, practice.id, "Phone queue is far too long")
    answered = _feedback(db, practice.id, "Phones again", status="answered")
    themes.set_link(first, phone.id, state="confirmed")
    action = store.create_from_feedback(
        [first, second, answered], "Phone access at 8am", due_on=dt.date(2026, 12, 1)
    )
    assert action.feedback_ids == tuple(sorted([first, second, answered]))
    assert action.theme_ids == (phone.id,)
    assert action.practice_id == practice.id
    assert action.raised_on is not None
    statuses = {f.id: f.status for f in FeedbackStore(db).get_many([first, second, answered])}
    assert statuses == {first: "raised", second: "raised", answered: "answered"}
    assert [a.id for a in store.for_feedback(second)] == [action.id]


def test_create_from_feedback_is_all_or_nothing(
    store: ActionStore, db: sqlite_utils.Database
) -> None:
    practice = PracticeStore(db).create("Riverside Surgery")
    item = _feedback(db, practice.id, "Rude receptionist")
    with pytest.raises(ValidationError) as caught:
        store.create_from_feedback([item], "")
    assert caught.value.field == "Title"
    with pytest.raises(ValidationError):
        store.create_from_feedback([item, 9999], "Reception manner")
    assert FeedbackStore(db).get(item).status == "new"
    assert store.list() == []


def test_link_unlink_and_set_themes(store: ActionStore, db: sqlite_utils.Database) -> None:
    practice = PracticeStore(db).create("Riverside Surgery")
    item = _feedback(db, practice.id, "Lovely nurse")
    theme_a, theme_b = ThemeStore(db).list()[:2]
    action = store.create(title="Thank the nurses")
    assert store.link_feedback(action.id, [item, item]) == 1
    assert store.link_themes(action.id, [theme_a.id]) == 1
    assert store.get(action.id).theme_ids == (theme_a.id,)
    assert store.set_themes(action.id, [theme_b.id]).theme_ids == (theme_b.id,)
    assert store.unlink_feedback(action.id, [item]) == 1
    assert store.get(action.id).feedback_ids == ()
    with pytest.raises(ValidationError):
        store.link_themes(action.id, [987654])


def test_soft_delete_and_restore(store: ActionStore) -> None:
    action = store.create(title="Newsletter")
    store.soft_delete(action.id)
    assert store.list() == []
    with pytest.raises(NotFoundError):
        store.get(action.id)
    assert store.restore(action.id).title == "Newsletter"


def test_reads_rows_written_directly_without_history(
    store: ActionStore, db: sqlite_utils.Database
) -> None:
    """Demo data is inserted straight into the table; the store must still read it."""
    stamp = now_iso()
    for title, updated in (("Older", "2026-01-01T10:00:00+00:00"), ("Newer", stamp)):
        db.execute(
            "INSERT INTO actions (uuid, title, status, outcome, due_on, created_at, updated_at)"
            " VALUES (?, ?, 'done', 'We did it', '2026-01-05', ?, ?)",
            [title, title, updated, updated],
        )
    assert [a.title for a in store.recent_done()] == ["Newer", "Older"]
    assert store.counts_by_status()["done"] == 2
    assert store.history(store.recent_done()[0].id) == []


def test_update_works_on_old_rows_that_break_todays_rules(
    store: ActionStore, db: sqlite_utils.Database
) -> None:
    """A row raised 'in the future' (written directly) can still be edited field by field."""
    stamp = now_iso()
    db.execute(
        "INSERT INTO actions (uuid, title, raised_on, created_at, updated_at)"
        " VALUES ('u1', 'Old row', '2099-01-01', ?, ?)",
        [stamp, stamp],
    )
    action_id = store.list()[0].id
    assert store.update(action_id, owner="Sam").owner == "Sam"
    changes = db.execute("SELECT changes FROM audit_log WHERE action = 'update'").fetchone()[0]
    assert '"owner": ["", "Sam"]' in changes
    with pytest.raises(ValidationError) as caught:
        store.update(action_id, owner="Sam", due_on="01/01/2098")
    assert caught.value.field == "Due date"
