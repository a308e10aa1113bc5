"""Versions of a comment that lost a merge: kept once, read back, found by a subject-access
search, and forgotten with their item."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.practice_store import PracticeStore


def _item(db: sqlite_utils.Database, text: str) -> int:
    practice = PracticeStore(db).find_by_name("Elm Road Surgery") or PracticeStore(db).create(
        "Elm Road Surgery"
    )
    return (
        FeedbackStore(db)
        .create(
            practice_id=practice.id,
            received_on=dt.date(2026, 1, 5),
            channel="phone",
            kind="complaint",
            text=text,
        )
        .id
    )


def test_keep_once_read_back_and_forget(db: sqlite_utils.Database) -> None:
    store = MergeConflictStore(db)
    first, second = _item(db, "Parking"), _item(db, "Phones")
    fields = {"text": "Parking is hard", "updated_at": "2026-03-01T10:00:00+00:00"}
    kept = store.keep("feedback", "uuid-1", first, "this_database", fields)
    assert store.keep("feedback", "uuid-1", first, "this_database", dict(fields)) == kept
    other = store.keep("feedback", "uuid-2", second, "bundle", {"text": "Phones ring out"})
    found = store.get_many([kept, other, 999])
    assert sorted(found) == [kept, other]
    assert found[kept].text == "Parking is hard" and found[kept].feedback_id == first
    assert "other laptop's version" in found[kept].describe()
    assert "not used because the one here is newer" in found[kept].describe()
    assert "This computer's earlier version" in found[other].describe()
    assert "“Phones ring out”" in found[other].describe()
    assert store.forget([first]) == 1
    assert store.for_feedback(first) == [] and len(store.for_feedback(second)) == 1


def test_a_subject_access_search_reads_kept_versions(db: sqlite_utils.Database) -> None:
    store = MergeConflictStore(db)
    named, phoned, mailed, other = (_item(db, "Kept") for _ in range(4))
    store.keep("feedback", "a", named, "bundle", {"text": "Mrs Jo Bloggs's letter was lost"})
    store.keep("feedback", "b", phoned, "bundle", {"text": "Ring her on 07700 900 123 please"})
    store.keep("feedback", "c", mailed, "bundle", {"text": "Write to JO@example.com"})
    store.keep("feedback", "d", other, "bundle", {"text": "Jo Bloggsworth, 07700 900124"})
    assert store.feedback_mentioning("jo bloggs", "", "") == [named]
    assert store.feedback_mentioning("", "+44 7700 900123", "") == [phoned]
    assert store.feedback_mentioning("", "", "jo@example.com") == [mailed]
    assert store.feedback_mentioning("Nobody Known", "0113", "") == []
