"""FeedbackStore: validation, edits, soft delete and undo, filters, counts, search."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlite_utils

from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore, fts_query
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore

TODAY = dt.date.today()


@pytest.fixture
def store(db: sqlite_utils.Database) -> FeedbackStore:
    return FeedbackStore(db, actor="Jean")


@pytest.fixture
def practice_id(db: sqlite_utils.Database) -> int:
    return PracticeStore(db, "Jean").create("Elm Surgery", "Y12345").id


def make(store: FeedbackStore, practice: int | None, **over: object) -> int:
    values: dict[str, object] = {
        "practice_id": practice,
        "received_on": TODAY,
        "channel": "phone",
        "kind": "complaint",
        "text": "I was on hold for 50 minutes before anyone answered.",
    }
    values.update(over)
    return store.create(**values).id


def test_create_and_read_back(store: FeedbackStore, practice_id: int) -> None:
    item = store.get(make(store, practice_id, sentiment="negative"))
    assert item.practice_name == "Elm Surgery"
    assert item.status == "new"
    assert item.received_on == TODAY
    assert len(item.uuid) == 36
    assert item.created_at == item.updated_at


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"practice_id": None}, "Practice", "Choose the practice"),
        ({"practice_id": 999}, "Practice", "not in the list"),
        ({"received_on": TODAY + dt.timedelta(days=1)}, "Date received", "future"),
        ({"received_on": "31/02/2026"}, "Date received", "dd/mm/yyyy"),
        ({"received_on": dt.date(1990, 1, 1)}, "Date received", "check the year"),
        ({"channel": "pigeon"}, "How it was given", "In person"),
        ({"kind": "rant"}, "Kind", "Complaint"),
        ({"text": "   "}, "Comment", "Write down"),
        ({"text": "x" * 20_001}, "Comment", "too long"),
        ({"sentiment": "angry"}, "Sentiment", "Negative"),
        ({"status": "lost"}, "Status", "Raised with practice"),
    ],
)
def test_validation_names_the_field(
    store: FeedbackStore,
    practice_id: int,
    db: sqlite_utils.Database,
    change: dict[str, object],
    field: str,
    words: str,
) -> None:
    with pytest.raises(ValidationError) as info:
        make(store, practice_id, **change)
    assert info.value.field == field
    assert words in info.value.message
    assert store.count() == 0
    assert db.execute("SELECT count(*) FROM feedback_fts").fetchone()[0] == 0


def test_create_many_is_all_or_nothing(store: FeedbackStore, practice_id: int) -> None:
    good = {
        "practice_id": practice_id,
        "received_on": TODAY,
        "channel": "email",
        "kind": "compliment",
        "text": "Lovely nurse",
    }
    with pytest.raises(ValidationError) as info:
        store.create_many([good, good, {**good, "kind": "nonsense"}])
    assert info.value.row == 3
    assert "Row 3" in str(info.value)
    assert store.count() == 0
    assert len(store.create_many([good, good])) == 2
    assert store.count() == 2


def test_update_records_changes_in_audit(
    store: FeedbackStore, practice_id: int, db: sqlite_utils.Database
) -> None:
    item_id = make(store, practice_id)
    before = store.get(item_id)
    after = store.update(item_id, status="raised", text="Changed words about the phone queue")
    assert after.status == "raised"
    assert after.updated_at > before.updated_at
    row = db.execute(
        "SELECT actor, changes FROM audit_log WHERE action = 'update' AND table_name = 'feedback'"
    ).fetchone()
    assert row[0] == "Jean"
    changes = json.loads(row[1])
    assert changes["status"] == ["new", "raised"]
    assert changes["text"] == "changed"  # the audit never copies patient text


def test_update_rejects_bad_values_and_keeps_old(store: FeedbackStore, practice_id: int) -> None:
    item_id = make(store, practice_id)
    with pytest.raises(ValidationError):
        store.update(item_id, kind="nonsense")
    assert store.get(item_id).kind == "complaint"


def test_soft_delete_and_undo(store: FeedbackStore, practice_id: int) -> None:
    ids = [make(store, practice_id) for _ in range(3)]
    assert store.soft_delete(ids[:2]) == 2
    assert store.count() == 1
    assert store.count(FeedbackFilter(include_deleted=True)) == 3
    assert store.soft_delete(ids[:2]) == 0  # already deleted
    with pytest.raises(NotFoundError):
        store.get(ids[0], include_deleted=False)
    assert store.restore(ids[:2]) == 2
    assert store.count() == 3


def test_filters_and_counts(
    store: FeedbackStore, practice_id: int, db: sqlite_utils.Database
) -> None:
    other = PracticeStore(db).create("Oak Medical Centre").id
    a = make(store, practice_id, received_on=TODAY - dt.timedelta(days=40))
    b = make(store, other, kind="compliment", text="Thank you to the nurse", sentiment="positive")
    c = make(store, practice_id, channel="email", status="closed", sentiment="negative")
    themes = ThemeStore(db)
    themes.set_link(a, themes.get_by_slug("phone_access").id, state="confirmed")
    themes.set_link(c, themes.get_by_slug("phone_access").id, state="rejected")

    def ids(**kw: object) -> set[int]:
        return set(store.list_ids(FeedbackFilter(**kw)))  # type: ignore[arg-type]

    assert ids(date_from=TODAY - dt.timedelta(days=7)) == {b, c}
    assert ids(date_to=TODAY - dt.timedelta(days=7)) == {a}
    assert ids(practice_ids=[other]) == {b}
    assert ids(kinds=["compliment"]) == {b}
    assert ids(statuses=["closed"]) == {c}
    assert ids(channels=["email"]) == {c}
    assert ids(sentiments=["negative", "positive"]) == {b, c}
    assert ids(sentiments=["unknown"]) == {a}
    assert ids(theme_slugs=["phone_access"]) == {a}  # the rejected link does not count
    assert ids(text="nurse") == {b}
    assert store.counts_by("kind") == {"complaint": 2, "compliment": 1}
    assert store.count(FeedbackFilter(practice_ids=[practice_id])) == 2


def test_sorting_and_paging(
    store: FeedbackStore, practice_id: int, db: sqlite_utils.Database
) -> None:
    zed = PracticeStore(db).create("Zed Surgery").id
    first = make(store, zed, received_on=TODAY - dt.timedelta(days=3))
    second = make(store, practice_id, received_on=TODAY - dt.timedelta(days=2))
    third = make(store, practice_id, received_on=TODAY - dt.timedelta(days=1))
    assert store.list_ids() == [third, second, first]
    assert store.list_ids(order_by="received_on", descending=False) == [first, second, third]
    assert store.list_ids(order_by="practice", descending=False)[-1] == first
    page = store.list(limit=2, offset=1)
    assert [f.id for f in page] == [second, first]
    assert [f.id for f in store.get_many([first, third])] == [first, third]
    with pytest.raises(ValueError):
        store.list_ids(order_by="1; DROP TABLE feedback")


def test_search_stays_in_sync_after_edits_and_deletes(
    store: FeedbackStore, practice_id: int, db: sqlite_utils.Database
) -> None:
    item_id = make(store, practice_id, text="The receptionist was rude to my mother")
    assert store.list_ids(FeedbackFilter(text="receptionist")) == [item_id]
    store.update(item_id, text="Prescriptions keep going missing")
    assert store.list_ids(FeedbackFilter(text="receptionist")) == []
    assert store.list_ids(FeedbackFilter(text="prescription")) == [item_id]  # stemmed
    store.update(item_id, status="closed")  # not a text change: index untouched but still right
    assert store.list_ids(FeedbackFilter(text="prescriptions missing")) == [item_id]
    store.soft_delete([item_id])
    assert store.list_ids(FeedbackFilter(text="prescriptions")) == []
    db.execute("DELETE FROM feedback WHERE id = ?", [item_id])
    assert (
        db.execute(
            "SELECT count(*) FROM feedback_fts WHERE feedback_fts MATCH 'prescriptions'"
        ).fetchone()[0]
        == 0
    )
    db.execute("INSERT INTO feedback_fts(feedback_fts) VALUES ('integrity-check')")


def test_search_text_is_made_safe() -> None:
    assert fts_query('phone" OR 1=1 --') == '"phone"* "OR"* "1"* "1"*'
    assert fts_query("   ") == ""
    assert fts_query("NHS-app") == '"NHS"* "app"*'


def test_bulk_status(store: FeedbackStore, practice_id: int) -> None:
    ids = [make(store, practice_id) for _ in range(3)]
    assert store.set_status(ids, "raised") == 3
    assert store.counts_by("status") == {"raised": 3}
    with pytest.raises(ValidationError):
        store.set_status(ids, "gone")
