"""Bundles and records removed for good: what the purge or an erasure request took away here is
never brought back by merging a laptop that still holds it, and the chair's export removes it
from the laptops that merge it. A redaction is never undone by a version from before it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core import retention, subject_access
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.bundles import BundleProblem, export_bundle, merge_bundle
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.models import Evidence
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.removed_record_store import RemovedRecordStore
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.theme_store import ThemeStore

SKIPPED = (
    "1 feedback item skipped: removed here under the retention rules or at a person's request."
)
PERSONAL = ("Bloggs", "07700", "jo@example.com", "Quill", "Inkpen", "phones", "waited")


@pytest.fixture
def chair(tmp_path: Path) -> sqlite_utils.Database:
    db = open_database(tmp_path / "chair.db")
    PracticeStore(db).create("Riverside Surgery")
    return db


def _add(db: sqlite_utils.Database, text: str) -> int:
    return (
        FeedbackStore(db)
        .create(
            practice_id=1,
            received_on=dt.date(2026, 2, 20),
            channel="phone",
            kind="complaint",
            text=text,
        )
        .id
    )


def _contact(db: sqlite_utils.Database, feedback_id: int) -> int:
    return (
        ContactStore(db)
        .create(
            feedback_id,
            "Jo Bloggs",
            "07700 900123",
            "jo@example.com",
            True,
            dt.date(2026, 2, 20),
            "A reply",
            "Sam",
        )
        .id
    )


def _clone(db: sqlite_utils.Database, path: Path) -> sqlite_utils.Database:
    """A laptop set up from a copy of the chair's database (how volunteers start)."""
    target = sqlite_utils.Database(path)
    db.conn.backup(target.conn)
    target.close()
    return open_database(path)


def _uuids(db: sqlite_utils.Database, table: str) -> set[str]:
    return {row[0] for row in db.execute(f"SELECT uuid FROM {table}")}


def _nothing_personal_in_the_audit_log(*dbs: sqlite_utils.Database) -> None:
    for db in dbs:
        log = json.dumps([e.changes for e in AuditStore(db).list(limit=100_000)])
        assert not [word for word in PERSONAL if word in log]


def _evidence(db: sqlite_utils.Database, feedback_id: int) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT evidence FROM feedback_themes WHERE feedback_id = ?", [feedback_id]
        )
    ]


def test_a_purged_item_is_not_brought_back_by_a_laptop_that_still_has_it(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    item = _add(chair, "Mrs Quill waited an hour on the phone")
    uuid = FeedbackStore(chair).get(item).uuid
    laptop = _clone(chair, tmp_path / "laptop.db")
    FeedbackStore(chair).soft_delete([item])
    plan = retention.purge_preview(chair, dt.date.today() + dt.timedelta(days=40))
    assert plan.feedback_ids == [item]
    retention.purge(chair, plan, "Pat Chair")
    # the laptop, which never heard of the purge, edits and tags it afterwards
    FeedbackStore(laptop).update(item, text="Mrs Quill waited two hours", status="raised")
    theme = ThemeStore(laptop).get_by_slug("phone_access")
    ThemeStore(laptop).set_link(item, theme.id, state="confirmed", source="manual")
    export_bundle(laptop, tmp_path / "b.ppgbundle")

    for _again in range(2):
        report = merge_bundle(chair, tmp_path / "b.ppgbundle", actor="Pat Chair")
        assert uuid not in _uuids(chair, "feedback")
        feedback = report.table("feedback")
        assert (feedback.added, feedback.updated, feedback.removed_here) == (0, 0, 1)
        assert report.table("feedback_themes").removed_here == 1
        assert report.table("feedback_themes").skipped == 0
        assert SKIPPED in report.summary()
    assert chair.execute("SELECT count(*) FROM feedback_themes").fetchone() == (0,)
    assert chair.execute("SELECT count(*) FROM merge_conflicts").fetchone() == (0,)
    (note,) = RemovedRecordStore(chair).all()
    assert (note["table_name"], note["uuid"], note["why"]) == ("feedback", uuid, "retention")
    entry = AuditStore(chair).list(action="merge_bundle")[0]
    assert entry.changes["tables"]["feedback"]["removed_here"] == 1
    _nothing_personal_in_the_audit_log(chair)


def test_an_erased_item_stays_gone_and_the_chairs_export_removes_it_everywhere(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    item = _add(chair, "Jo Bloggs says the phones are never answered")
    other = _add(chair, "Parking is hard")
    _contact(chair, item)
    uuid = FeedbackStore(chair).get(item).uuid
    laptop = _clone(chair, tmp_path / "laptop.db")
    third = _clone(chair, tmp_path / "third.db")
    contact_uuids = _uuids(chair, "contacts")
    MergeConflictStore(laptop).keep("feedback", uuid, item, "bundle", {"text": "Jo Bloggs rang"})
    laptop.conn.commit()

    found = subject_access.subject_access_search(chair, name="Jo Bloggs", email="jo@example.com")
    subject_access.erase_subject(chair, found, "Pat Chair", delete_feedback=True)
    assert {(n["table_name"], n["why"]) for n in RemovedRecordStore(chair).all()} == {
        ("feedback", "erasure"),
        ("contacts", "erasure"),
    }
    FeedbackStore(laptop).update(item, status="raised")  # after the erasure, never told
    export_bundle(laptop, tmp_path / "from-laptop.ppgbundle")
    report = merge_bundle(chair, tmp_path / "from-laptop.ppgbundle")
    assert uuid not in _uuids(chair, "feedback") and report.table("feedback").removed_here == 1
    assert SKIPPED in report.summary()
    assert [f.id for f in FeedbackStore(chair).list()] == [other]

    # the chair's export carries the removal: the laptop removes the item and its contact too
    result = export_bundle(chair, tmp_path / "from-chair.ppgbundle", everything=True)
    assert result.counts["removed_records"] == 2
    assert "lists 2 records removed here" in result.removals_note()
    back = merge_bundle(laptop, tmp_path / "from-chair.ppgbundle")
    assert (back.table("feedback").removed, back.table("contacts").removed) == (1, 1)
    assert (
        "Removed here too, as the laptop that made this export removed them under the retention"
        " rules or at a person's request: 1 feedback item and 1 set of contact details."
    ) in back.summary()
    assert uuid not in _uuids(laptop, "feedback") and _uuids(laptop, "contacts") == set()
    assert laptop.execute("SELECT count(*) FROM merge_conflicts").fetchone() == (0,)
    assert RemovedRecordStore(laptop).all() == RemovedRecordStore(chair).all()
    (entry,) = AuditStore(laptop).list(action="merge_bundle")
    assert entry.changes["removed"] == {"contacts": sorted(contact_uuids), "feedback": [uuid]}

    # ...and passes it on: a laptop that only ever merges the first laptop's export removes it
    export_bundle(laptop, tmp_path / "passed-on.ppgbundle", everything=True)
    merge_bundle(third, tmp_path / "passed-on.ppgbundle")
    assert uuid not in _uuids(third, "feedback") and _uuids(third, "contacts") == set()
    _nothing_personal_in_the_audit_log(chair, laptop, third)


def test_a_redaction_is_not_undone_by_a_later_edit_on_a_laptop_that_had_the_old_words(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    item = _add(chair, "Jo Bloggs says the phones are never answered")
    uuid = FeedbackStore(chair).get(item).uuid
    theme = ThemeStore(chair).get_by_slug("phone_access")
    quoted = [Evidence(0, 9, "Jo Bloggs")]
    laptop = _clone(chair, tmp_path / "laptop.db")
    MergeConflictStore(laptop).keep("feedback", uuid, item, "bundle", {"text": "Jo Bloggs rang"})
    laptop.conn.commit()

    subject_access.erase_subject(
        chair, subject_access.subject_access_search(chair, name="Jo Bloggs"), "Pat"
    )
    redacted = FeedbackStore(chair).get(item).text
    assert "Bloggs" not in redacted
    # afterwards the laptop, not yet told, edits the item and confirms a theme quoting the name:
    # newer changes than the redaction, still holding the old words
    FeedbackStore(laptop).update(item, status="raised")
    ThemeStore(laptop).set_link(item, theme.id, state="confirmed", evidence=quoted)
    export_bundle(laptop, tmp_path / "from-laptop.ppgbundle")
    report = merge_bundle(chair, tmp_path / "from-laptop.ppgbundle")
    assert FeedbackStore(chair).get(item).text == redacted
    assert report.table("feedback").conflicts == 1
    assert MergeConflictStore(chair).for_feedback(item) == []  # the old words are not kept
    assert _evidence(chair, item) == ["[]"]
    assert [link.state for link in ThemeStore(chair).links_for(item)] == ["confirmed"]

    # the chair's export takes the words out on the laptop, with what it kept from merges
    export_bundle(chair, tmp_path / "from-chair.ppgbundle", everything=True)
    merge_bundle(laptop, tmp_path / "from-chair.ppgbundle")
    assert FeedbackStore(laptop).get(item).text == redacted
    assert MergeConflictStore(laptop).for_feedback(item) == []
    assert _evidence(laptop, item) == ["[]"]

    # from then on the laptop's edits win as usual, without bringing the words back
    FeedbackStore(laptop).update(item, status="closed")
    export_bundle(laptop, tmp_path / "later.ppgbundle")
    merge_bundle(chair, tmp_path / "later.ppgbundle")
    merged = FeedbackStore(chair).get(item)
    assert (merged.text, merged.status) == (redacted, "closed")
    _nothing_personal_in_the_audit_log(chair, laptop)


def test_a_redacted_survey_answer_is_not_brought_back_by_a_later_withdrawal(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    store = SurveyStore(chair)
    survey = store.create_from_template("fft")
    fft, reason = survey.questions
    response = store.add_response(
        survey.id, {fft.id: "Poor", reason.id: "Mr Inkpen was kept waiting"}, practice_id=1
    )
    laptop = _clone(chair, tmp_path / "laptop.db")
    found = subject_access.subject_access_search(chair, name="Inkpen")
    assert subject_access.erase_subject(chair, found, "Pat")["survey_answers_redacted"] == 1
    SurveyStore(laptop).delete_response(response.id)  # later, with the old answer
    export_bundle(laptop, tmp_path / "b.ppgbundle")
    merge_bundle(chair, tmp_path / "b.ppgbundle")
    (answer,) = [
        row[0]
        for row in chair.execute(
            "SELECT value FROM survey_answers WHERE response_id = ? AND question_id = ?",
            [response.id, reason.id],
        )
    ]
    assert "Inkpen" not in answer and "kept waiting" in answer
    assert "Inkpen" not in " ".join(f.text for f in FeedbackStore(chair).list(None))
    _nothing_personal_in_the_audit_log(chair)


def test_a_bundle_from_before_removals_still_merges_and_a_newer_one_is_refused(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    laptop = _clone(chair, tmp_path / "laptop.db")
    _add(laptop, "Lovely nurse")
    path = tmp_path / "old.ppgbundle"
    export_bundle(laptop, path)
    old = sqlite_utils.Database(path)  # as version 1 wrote it
    old.execute("DROP TABLE removed_records")
    old.execute("ALTER TABLE feedback DROP COLUMN redacted_at")
    old.execute("ALTER TABLE survey_responses DROP COLUMN redacted_at")
    old.execute("UPDATE manifest SET value = '1' WHERE key = 'format_version'")
    old.conn.commit()
    old.close()
    assert merge_bundle(chair, path).table("feedback").added == 1

    newer = sqlite_utils.Database(path)
    newer.execute("UPDATE manifest SET value = '3' WHERE key = 'format_version'")
    newer.conn.commit()
    newer.close()
    with pytest.raises(BundleProblem, match="newer PPG Desk"):
        merge_bundle(chair, path)


def test_contact_details_never_travel_in_a_bundle(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    """They are removed on each laptop from the list of removals (the laptops began as copies of
    the chair's database); if they ever travel, merging must skip removed ones like feedback."""
    _contact(chair, _add(chair, "Please ring me back"))
    path = tmp_path / "b.ppgbundle"
    export_bundle(chair, path)
    bundle = sqlite_utils.Database(path)
    assert "contacts" not in bundle.table_names()
    bundle.close()
    assert b"07700" not in path.read_bytes() and b"jo@example.com" not in path.read_bytes()
