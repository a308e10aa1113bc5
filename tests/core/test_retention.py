"""Retention: the purge preview and purge, and subject-access search, export and erasure."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core import retention, subject_access
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.models import Evidence, FeedbackFilter
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.removed_record_store import RemovedRecordStore
from ppg_desktop.core.theme_store import ThemeStore

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_database(tmp_path / "t.db")


def _stamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC).isoformat()


class World:
    """A small database with feedback at every stage of its life."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.practice = PracticeStore(db, "t").create("Elm Road Surgery")
        self.feedback = FeedbackStore(db, "t")
        self.contacts = ContactStore(db, "t")

    def item(
        self,
        text: str,
        *,
        status: str = "new",
        updated: dt.date | None = None,
        deleted: dt.date | None = None,
    ) -> int:
        fid = self.feedback.create(
            practice_id=self.practice.id,
            received_on=dt.date(2019, 1, 2),
            channel="phone",
            kind="complaint",
            text=text,
            status=status,
        ).id
        if updated:
            self.db.execute(
                "UPDATE feedback SET updated_at = ?1, closed_at = CASE WHEN closed_at IS NULL THEN NULL ELSE ?1 END WHERE id = ?2",
                [_stamp(updated), fid],
            )
        if deleted:
            self.db.execute(
                "UPDATE feedback SET deleted_at = ? WHERE id = ?", [_stamp(deleted), fid]
            )
        return fid

    def contact(
        self,
        feedback_id: int | None,
        name: str = "Jo Bloggs",
        phone: str = "07700 900123",
        email: str = "jo@example.com",
        created: dt.date | None = None,
    ) -> int:
        cid = self.contacts.create(
            feedback_id, name, phone, email, True, dt.date(2019, 1, 2), "A reply", "Sam"
        ).id
        if created:
            self.db.execute(
                "UPDATE contacts SET created_at = ? WHERE id = ?", [_stamp(created), cid]
            )
        return cid


def test_default_periods_and_settings(db: sqlite_utils.Database) -> None:
    periods = retention.retention_periods(db)
    assert periods == retention.RetentionPeriods(12, 30, 6, 6)
    retention.set_retention_periods(db, retention.RetentionPeriods(6, 60, 7), "Pat Chair")
    assert retention.retention_periods(db).deleted_feedback_days == 60
    with pytest.raises(ValidationError) as problem:
        retention.set_retention_periods(db, retention.RetentionPeriods(0, 30, 6), "Pat")
    assert problem.value.field == "Keep contact details (months)"
    assert len(periods.describe()) == 4


def test_preview_lists_what_is_due_and_changes_nothing(db: sqlite_utils.Database) -> None:
    w = World(db)
    open_recent = w.item("Still open", updated=dt.date(2020, 1, 1))
    closed_long_ago = w.item("Closed years ago", status="closed", updated=dt.date(2019, 6, 1))
    answered_lately = w.item("Answered in 2025", status="answered", updated=dt.date(2025, 3, 1))
    answered_recent = w.item("Answered last month", status="answered", updated=dt.date(2026, 5, 1))
    deleted_old = w.item("Deleted in April", deleted=dt.date(2026, 4, 1))
    deleted_recent = w.item("Deleted last week", deleted=dt.date(2026, 6, 8))
    c_open = w.contact(open_recent)
    c_closed_old = w.contact(closed_long_ago)
    c_answered_lately = w.contact(answered_lately)
    c_answered_recent = w.contact(answered_recent)
    c_deleted = w.contact(deleted_old)
    c_orphan_old = w.contact(None, created=dt.date(2025, 1, 1))
    c_orphan_new = w.contact(None, created=dt.date(2026, 1, 1))

    before = db.execute("SELECT count(*) FROM feedback").fetchone()[0]
    plan = retention.purge_preview(db, TODAY)
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == before
    assert sorted(plan.feedback_ids) == sorted([closed_long_ago, deleted_old])
    assert sorted(plan.contact_ids) == sorted(
        [c_closed_old, c_answered_lately, c_deleted, c_orphan_old]
    )
    for kept in (open_recent, answered_lately, answered_recent, deleted_recent):
        assert kept not in plan.feedback_ids
    for kept_contact in (c_open, c_answered_recent, c_orphan_new):
        assert kept_contact not in plan.contact_ids
    assert len(plan.lines) == 6
    assert any("deleted on 01/04/2026, more than 30 days ago" in line for line in plan.lines)
    assert any("closed since 01/06/2019" in line for line in plan.lines)
    assert "2 feedback items and 4 sets of contact details are due" in plan.summary()
    # lines never show the person's details
    assert "Bloggs" not in " ".join(plan.lines) and "07700" not in " ".join(plan.lines)


def test_purge_removes_the_plan_in_one_audited_transaction(db: sqlite_utils.Database) -> None:
    w = World(db)
    gone = w.item("Closed years ago, Mrs Zebedee", status="closed")
    theme = ThemeStore(db).list()[0]
    ThemeStore(db, "t").set_link(gone, theme.id, state="confirmed")
    db.execute(
        "UPDATE feedback SET updated_at = ?1, closed_at = CASE WHEN closed_at IS NULL THEN NULL ELSE ?1 END WHERE id = ?2",
        [_stamp(dt.date(2019, 6, 1)), gone],
    )
    kept = w.item("Still open")
    w.contact(gone)
    w.contact(kept)
    plan = retention.purge_preview(db, TODAY)
    result = retention.purge(db, plan, "Pat Chair")
    assert result == retention.PurgeResult(feedback_removed=1, contacts_removed=1)
    with pytest.raises(NotFoundError):
        w.feedback.get(gone)
    assert w.feedback.get(kept)
    assert ContactStore(db).count() == 1
    assert (
        db.execute("SELECT count(*) FROM feedback_themes WHERE feedback_id = ?", [gone]).fetchone()[
            0
        ]
        == 0
    )
    assert w.feedback.count(FeedbackFilter(text="Zebedee", include_deleted=True)) == 0
    entry = AuditStore(db).list(action="purge")[0]
    assert entry.actor == "Pat Chair" and entry.changes["feedback_removed"] == 1
    assert retention.purge_preview(db, TODAY).empty


def test_purge_spares_items_restored_after_the_preview(db: sqlite_utils.Database) -> None:
    w = World(db)
    fid = w.item("Deleted by mistake", deleted=dt.date(2026, 4, 1))
    plan = retention.purge_preview(db, TODAY)
    assert plan.feedback_ids == [fid]
    w.feedback.restore([fid])
    assert retention.purge(db, plan, "Pat") == retention.PurgeResult(0, 0)
    assert w.feedback.get(fid).deleted_at is None


def test_purge_with_shorter_periods(db: sqlite_utils.Database) -> None:
    w = World(db)
    fid = w.item("Deleted last week", deleted=dt.date(2026, 6, 8))
    assert retention.purge_preview(db, TODAY).empty
    retention.set_retention_periods(db, retention.RetentionPeriods(12, 5, 6), "Pat")
    assert retention.purge_preview(db, TODAY).feedback_ids == [fid]


@pytest.fixture
def person(db: sqlite_utils.Database) -> World:
    w = World(db)
    w.linked = w.item("The receptionist was rude to me when I phoned.")  # type: ignore[attr-defined]
    w.mention = w.item(  # type: ignore[attr-defined]
        "Jo Bloggs on 07700 900 123 says the same thing; jo@example.com for replies."
    )
    w.unrelated = w.item("Dr Patel was kind.")  # type: ignore[attr-defined]
    w.contact(w.linked)  # type: ignore[attr-defined]
    w.contact(None, name="Sam Other", phone="0113 496 0000", email="")
    return w


def test_subject_access_search_finds_contacts_linked_and_mentioning_feedback(
    db: sqlite_utils.Database,
    person: World,
) -> None:
    result = subject_access.subject_access_search(db, name="jo bloggs", actor="Pat Chair")
    assert [c.name for c in result.contacts] == ["Jo Bloggs"]
    assert [f.id for f in result.feedback] == [person.linked]  # type: ignore[attr-defined]
    assert [f.id for f in result.mentions] == [person.mention]  # type: ignore[attr-defined]
    by_phone = subject_access.subject_access_search(db, phone="+447700900123")
    assert [f.id for f in by_phone.mentions] == [person.mention]  # type: ignore[attr-defined]
    by_email = subject_access.subject_access_search(db, email="JO@example.com")
    assert len(by_email.contacts) == 1
    entry = AuditStore(db).list(action="subject_access_search")[-1]
    assert entry.actor == "Pat Chair" and entry.changes["searched_on"] == ["name"]
    assert "Bloggs" not in json.dumps(entry.changes)
    with pytest.raises(ValidationError):
        subject_access.subject_access_search(db)
    assert subject_access.subject_access_search(db, name="Nobody Known").empty


def test_export_json_and_csv(db: sqlite_utils.Database, person: World, tmp_path: Path) -> None:
    result = subject_access.subject_access_search(db, name="Jo Bloggs")
    json_path = subject_access.export_subject_access(
        result, tmp_path / "sar.json", db=db, actor="Pat Chair"
    )
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["contact_details"][0]["phone"] == "07700 900123"
    assert data["linked_feedback"][0]["text"].startswith("The receptionist")
    assert len(data["feedback_mentioning_them"]) == 1
    csv_path = subject_access.export_subject_access(
        result, tmp_path / "sar.csv", db=db, actor="Pat"
    )
    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert rows[0] == ["record", "id", "detail", "value"]
    assert ["contact details", "1", "email", "jo@example.com"] in [r for r in rows]
    assert len(AuditStore(db).list(action="export")) == 2
    with pytest.raises(ValidationError):
        subject_access.export_subject_access(result, tmp_path / "sar.txt")


def test_erase_removes_contacts_and_redacts_text(db: sqlite_utils.Database, person: World) -> None:
    w = person
    theme = ThemeStore(db).list()[0]
    ThemeStore(db, "t").set_link(
        w.mention,  # type: ignore[attr-defined]
        theme.id,
        state="suggested",
        source="auto",
        evidence=[Evidence(0, 9, "Jo Bloggs")],
    )
    result = subject_access.subject_access_search(db, name="Jo Bloggs", email="jo@example.com")
    counts = subject_access.erase_subject(db, result, "Pat Chair")
    assert counts == {
        "contacts_removed": 1,
        "feedback_deleted": 0,
        "feedback_redacted": 2,
        "survey_answers_removed": 0,
        "survey_answers_redacted": 0,
    }
    text = w.feedback.get(w.mention).text  # type: ignore[attr-defined]
    assert "Bloggs" not in text and "07700" not in text and "jo@example.com" not in text
    assert "[NAME]" in text and "[PHONE]" in text and "[EMAIL]" in text
    assert w.feedback.get(w.unrelated).text == "Dr Patel was kind."  # type: ignore[attr-defined]
    assert (
        "Bloggs"
        not in db.execute("SELECT group_concat(evidence) FROM feedback_themes").fetchone()[0]
    )
    assert w.feedback.count(FeedbackFilter(text="Bloggs")) == 0
    assert ContactStore(db).count() == 1  # Sam Other stays
    entry = AuditStore(db).list(action="erase")[0]
    assert entry.actor == "Pat Chair" and "Bloggs" not in json.dumps(entry.changes)
    assert subject_access.subject_access_search(db, name="Jo Bloggs").empty


def test_erase_can_delete_the_feedback(db: sqlite_utils.Database, person: World) -> None:
    result = subject_access.subject_access_search(db, name="Jo Bloggs")
    steps: list[tuple[int, int]] = []
    counts = subject_access.erase_subject(
        db, result, "Pat", delete_feedback=True, progress=lambda n, total: steps.append((n, total))
    )
    assert counts["feedback_deleted"] == 2 and counts["contacts_removed"] == 1
    assert FeedbackStore(db).count(FeedbackFilter(include_deleted=True)) == 1


@pytest.fixture
def two_jo_smiths(db: sqlite_utils.Database) -> World:
    """Two patients whose names match 'Jo Smith', with nothing in common but the name, and one
    of them recorded twice (a new phone number, the same email address)."""
    w = World(db)
    hillview = PracticeStore(db, "t").create("Hillview Medical Centre")
    w.first = w.item("Waited an hour on the phone")  # type: ignore[attr-defined]
    w.again = w.item("Thanks for the flu clinic")  # type: ignore[attr-defined]
    w.second = w.feedback.create(  # type: ignore[attr-defined]
        practice_id=hillview.id,
        received_on=dt.date(2019, 2, 3),
        channel="letter",
        kind="concern",
        text="Prescription lost twice",
    ).id
    w.jo = w.contact(w.first, "Jo Smith", "07700 900123", "jo@example.com")  # type: ignore[attr-defined]
    w.jo_again = w.contact(w.again, "Jo Smith", "07700 900999", "JO@example.com")  # type: ignore[attr-defined]
    w.smithson = w.contact(w.second, "Jo Smithson", "0113 496 0000", "")  # type: ignore[attr-defined]
    return w


def test_a_name_alone_that_may_be_different_people_says_what_tells_them_apart(
    db: sqlite_utils.Database, two_jo_smiths: World
) -> None:
    w = two_jo_smiths
    result = subject_access.subject_access_search(db, name="Jo Smith", actor="Pat")
    assert len(result.contacts) == 3 and result.could_be_different_people
    matches = result.name_matches
    assert matches is not None
    people = [[c.id for c in p.contacts] for p in matches.people]
    assert people == [[w.jo, w.jo_again], [w.smithson]]  # type: ignore[attr-defined]
    assert matches.people[0].practices == ("Elm Road Surgery",)
    assert "2 different people" in matches.warning()
    lines = matches.differences()
    assert lines[0].startswith("Person 1: Jo Smith; 07700 900123 / 07700 900999; jo@example.com")
    assert lines[1].startswith("Person 2: Jo Smithson; 0113 496 0000; no email address")
    assert "Hillview Medical Centre (1 item)" in lines[2]
    entry = AuditStore(db).list(action="subject_access_search")[-1]
    assert entry.changes["could_be_different_people"] is True


def test_records_that_may_be_different_peoples_are_not_erased_or_exported_unasked(
    db: sqlite_utils.Database, two_jo_smiths: World, tmp_path: Path
) -> None:
    w = two_jo_smiths
    result = subject_access.subject_access_search(db, name="Jo Smith")
    with pytest.raises(ValidationError, match=r"different people.*Nothing was erased"):
        subject_access.erase_subject(db, result, "Pat")
    with pytest.raises(ValidationError, match="Nothing was written"):
        subject_access.export_subject_access(result, tmp_path / "sar.json", db=db)
    assert not (tmp_path / "sar.json").exists()
    assert ContactStore(db).count() == 3
    assert w.feedback.get(w.second).text == "Prescription lost twice"  # type: ignore[attr-defined]
    assert AuditStore(db).list(action="erase") == []

    counts = subject_access.erase_subject(db, result, "Pat", allow_different_people=True)
    assert counts["contacts_removed"] == 3
    assert AuditStore(db).list(action="erase")[0].changes["could_be_different_people"] is True


def test_a_phone_or_email_narrows_a_search_by_name(
    db: sqlite_utils.Database, two_jo_smiths: World
) -> None:
    w = two_jo_smiths
    result = subject_access.subject_access_search(db, name="Jo Smith", email="jo@EXAMPLE.com")
    assert [c.id for c in result.contacts] == [w.jo, w.jo_again]  # type: ignore[attr-defined]
    assert [c.id for c in result.name_only] == [w.smithson]  # type: ignore[attr-defined]
    assert [f.id for f in result.feedback] == [w.first, w.again]  # type: ignore[attr-defined]
    assert not result.could_be_different_people
    subject_access.erase_subject(db, result, "Pat")
    assert [c.id for c in ContactStore(db).list_all()] == [w.smithson]  # type: ignore[attr-defined]


def test_one_person_recorded_twice_is_not_a_warning_but_two_practices_are(
    db: sqlite_utils.Database,
) -> None:
    w = World(db)
    w.contact(w.item("First call"), "Ann Lee", "07700 900111", "ann@example.com")
    w.contact(w.item("Second call"), "Ann Lee", "07700 900222", "ann@example.com")
    assert not subject_access.subject_access_search(db, name="Ann Lee").could_be_different_people
    elsewhere = PracticeStore(db, "t").create("Hillview Medical Centre")
    w.feedback.create(
        practice_id=elsewhere.id,
        received_on=dt.date(2019, 3, 4),
        channel="letter",
        kind="complaint",
        text="Ann Lee was turned away at the desk",
    )
    result = subject_access.subject_access_search(db, name="Ann Lee")
    assert result.could_be_different_people
    assert result.name_matches is not None and len(result.name_matches.people) == 1
    assert "from 2 practices" in result.name_matches.warning()


# --- versions kept from merge conflicts go with their comment -----------------------------------
def _keep_other_version(db: sqlite_utils.Database, feedback_id: int, text: str) -> int:
    """As a merge does when two laptops changed this comment."""
    return MergeConflictStore(db).keep(
        "feedback", f"uuid-{feedback_id}", feedback_id, "this_database", {"text": text}
    )


def _kept_for(db: sqlite_utils.Database, feedback_id: int) -> list[str]:
    return [v.text for v in MergeConflictStore(db).for_feedback(feedback_id)]


def test_purge_removes_versions_kept_from_merges(db: sqlite_utils.Database) -> None:
    w = World(db)
    gone = w.item("Closed years ago", status="closed", updated=dt.date(2019, 6, 1))
    kept = w.item("Still open")
    _keep_other_version(db, gone, "Closed years ago, Mrs Zebedee")
    _keep_other_version(db, kept, "Still open, Mr Yarrow")
    retention.purge(db, retention.purge_preview(db, TODAY), "Pat Chair")
    assert _kept_for(db, gone) == []
    assert db.execute("SELECT count(*) FROM merge_conflicts").fetchone() == (1,)
    assert _kept_for(db, kept) == ["Still open, Mr Yarrow"]


def test_purge_removes_kept_versions_even_without_foreign_keys(tmp_path: Path) -> None:
    """Not left to the ON DELETE CASCADE alone: a connection without the pragma still removes
    them in the same transaction."""
    path = tmp_path / "t.db"
    w = World(open_database(path))
    gone = w.item("Deleted in April", deleted=dt.date(2026, 4, 1))
    _keep_other_version(w.db, gone, "Deleted in April, Mrs Zebedee")
    w.db.conn.commit()
    w.db.close()
    bare = sqlite_utils.Database(path)  # foreign keys off
    retention.purge(bare, retention.purge_preview(bare, TODAY), "Pat")
    assert bare.execute("SELECT count(*) FROM merge_conflicts").fetchone() == (0,)


def test_a_deleted_item_keeps_its_other_version_until_it_is_purged(
    db: sqlite_utils.Database,
) -> None:
    w = World(db)
    fid = w.item("Parking is hard")
    _keep_other_version(db, fid, "Parking is very hard")
    w.feedback.soft_delete([fid])
    w.feedback.restore([fid])
    assert _kept_for(db, fid) == ["Parking is very hard"]


def test_erasure_removes_kept_versions_whether_it_redacts_or_deletes(
    db: sqlite_utils.Database, person: World
) -> None:
    w = person
    _keep_other_version(db, w.linked, "The receptionist was rude.")  # type: ignore[attr-defined]
    # the comment itself no longer names them, but the version kept from a merge does
    only_kept = w.item("A comment about the car park.")
    _keep_other_version(db, only_kept, "Jo Bloggs says the car park is full.")
    _keep_other_version(db, w.unrelated, "Dr Patel was very kind.")  # type: ignore[attr-defined]
    result = subject_access.subject_access_search(db, name="Jo Bloggs", email="jo@example.com")
    assert only_kept in [f.id for f in result.mentions]
    counts = subject_access.erase_subject(db, result, "Pat Chair")
    assert counts["feedback_redacted"] == 3
    for fid in (w.linked, w.mention, only_kept):  # type: ignore[attr-defined]
        assert _kept_for(db, fid) == []
    assert _kept_for(db, w.unrelated) == ["Dr Patel was very kind."]  # type: ignore[attr-defined]
    assert subject_access.subject_access_search(db, name="Jo Bloggs").empty

    _keep_other_version(db, w.unrelated, "Dr Patel, says 07700 900123")  # type: ignore[attr-defined]
    by_phone = subject_access.subject_access_search(db, phone="+44 7700 900123")
    assert [f.id for f in by_phone.mentions] == [w.unrelated]  # type: ignore[attr-defined]
    subject_access.erase_subject(db, by_phone, "Pat Chair", delete_feedback=True)
    assert db.execute("SELECT count(*) FROM merge_conflicts").fetchone() == (0,)


# --- what was removed is noted, so that merging a laptop's bundle cannot bring it back ----------
def _notes(db: sqlite_utils.Database) -> set[tuple[str, str, str]]:
    return {(n["table_name"], n["uuid"], n["why"]) for n in RemovedRecordStore(db).all()}


def _uuid(db: sqlite_utils.Database, table: str, row_id: int) -> str:
    return str(db.execute(f"SELECT uuid FROM {table} WHERE id = ?", [row_id]).fetchone()[0])


def test_purge_notes_what_it_removes_by_uuid_alone(db: sqlite_utils.Database) -> None:
    w = World(db)
    gone = w.item("Deleted in April, Mrs Zebedee", deleted=dt.date(2026, 4, 1))
    kept = w.item("Still open")
    with_item = w.contact(gone)
    old = w.contact(None, name="Sam Other", created=dt.date(2024, 1, 1))
    w.contact(kept, name="Kit Kept")
    expected = {
        ("feedback", _uuid(db, "feedback", gone), "retention"),
        ("contacts", _uuid(db, "contacts", with_item), "retention"),
        ("contacts", _uuid(db, "contacts", old), "retention"),
    }
    retention.purge(db, retention.purge_preview(db, TODAY), "Pat Chair")
    assert _notes(db) == expected
    stored = json.dumps(RemovedRecordStore(db).all())
    assert not [
        word for word in ("Zebedee", "Bloggs", "Sam", "07700", "example.com") if word in stored
    ]


def test_erasure_notes_what_it_deletes_and_dates_what_it_redacts(
    db: sqlite_utils.Database, person: World
) -> None:
    w = person
    (contact,) = ContactStore(db).find(email="jo@example.com")
    result = subject_access.subject_access_search(db, name="Jo Bloggs", email="jo@example.com")
    subject_access.erase_subject(db, result, "Pat Chair")
    # redacted, not removed: the comments stay, dated, and only the contact details are noted
    assert _notes(db) == {("contacts", contact.uuid, "erasure")}
    redacted_at, updated_at = db.execute(
        "SELECT redacted_at, updated_at FROM feedback WHERE id = ?",
        [w.mention],  # type: ignore[attr-defined]
    ).fetchone()
    assert redacted_at is not None and redacted_at == updated_at
    unrelated = db.execute(
        "SELECT redacted_at FROM feedback WHERE id = ?",
        [w.unrelated],  # type: ignore[attr-defined]
    ).fetchone()
    assert unrelated == (None,)

    patel = _uuid(db, "feedback", w.unrelated)  # type: ignore[attr-defined]
    later = subject_access.subject_access_search(db, name="Dr Patel")
    subject_access.erase_subject(db, later, "Pat Chair", delete_feedback=True)
    assert _notes(db) == {("contacts", contact.uuid, "erasure"), ("feedback", patel, "erasure")}


def test_purge_summaries_leave_out_what_is_not_due() -> None:
    from ppg_desktop.core.wording import counts_listed, listed

    assert listed([]) == "" and listed(["a"]) == "a" and listed(["a", "b", "c"]) == "a, b and c"
    assert counts_listed([(3, "feedback item", None), (0, "set", "sets")]) == "3 feedback items"
    assert (
        counts_listed(
            [(1, "feedback item", None), (2, "set of contact details", "sets of contact details")]
        )
        == "1 feedback item and 2 sets of contact details"
    )
