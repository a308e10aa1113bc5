"""The schema: built from an empty file, upgraded from each earlier version, pragmas set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core.builtin_theme_store import BuiltinThemeStore
from ppg_desktop.core.builtin_themes import shipped_themes
from ppg_desktop.core.db import open_database, quick_check, schema_version
from ppg_desktop.core.migrations import MIGRATIONS

ALL = [m.name for m in MIGRATIONS._migrations]


def test_empty_file_gets_every_migration(db_path: Path) -> None:
    db = open_database(db_path)
    assert schema_version(db) == ALL
    assert {"feedback", "themes", "feedback_fts", "audit_log", "contacts"} <= set(db.table_names())
    assert db.execute("SELECT count(*) FROM themes").fetchone()[0] == 14
    assert quick_check(db) == []


def test_pragmas(db_path: Path) -> None:
    db = open_database(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


@pytest.mark.parametrize("stop_before", ALL[1:])
def test_upgrade_from_each_earlier_version(db_path: Path, stop_before: str) -> None:
    old = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(old, stop_before=stop_before)
    applied_before = [m.name for m in MIGRATIONS.applied(old)]
    assert stop_before not in applied_before
    old.close()
    db = open_database(db_path)
    assert schema_version(db) == ALL


@pytest.mark.parametrize("stop_before", ALL[1:])
def test_upgrade_brings_built_in_themes_in_step(db_path: Path, stop_before: str) -> None:
    """Whatever version a database stopped at, its unchanged built-in themes end with the
    shipped keywords and rules, and remember them (so a later version may update them)."""
    old = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(old, stop_before=stop_before)
    old.close()
    db = open_database(db_path)
    for theme in shipped_themes():
        keywords, rules, recorded = db.execute(
            "SELECT keywords, rules, shipped_fingerprint FROM themes WHERE slug = ?", [theme.slug]
        ).fetchone()
        assert (json.loads(keywords), json.loads(rules)) == (theme.keywords, theme.rules)
        assert recorded == theme.fingerprint
    assert BuiltinThemeStore(db).newer_keywords() == []


def test_upgrade_from_before_fingerprints_keeps_changed_keywords(db_path: Path) -> None:
    """A theme changed before fingerprints existed may be the chair's work: kept, and offered."""
    old = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(old, stop_before="m004_theme_shipped_fingerprint")
    old.execute("UPDATE themes SET keywords = '[\"my own words\"]' WHERE slug = 'phone_access'")
    old.conn.commit()
    old.close()
    db = open_database(db_path)
    keywords, recorded = db.execute(
        "SELECT keywords, shipped_fingerprint FROM themes WHERE slug = 'phone_access'"
    ).fetchone()
    assert (json.loads(keywords), recorded) == (["my own words"], None)
    assert [n.slug for n in BuiltinThemeStore(db).newer_keywords()] == ["phone_access"]
    assert db.execute(
        "SELECT count(*) FROM themes WHERE shipped_fingerprint IS NOT NULL"
    ).fetchone() == (13,)


def test_reopening_applies_nothing_twice(db_path: Path) -> None:
    open_database(db_path).close()
    db = open_database(db_path)
    assert schema_version(db) == ALL
    assert db.execute("SELECT count(*) FROM themes").fetchone()[0] == 14


def test_failed_migration_leaves_no_trace(db_path: Path) -> None:
    from sqlite_utils.migrations import Migrations

    broken = Migrations("broken_test")

    @broken(name="half_written")
    def half_written(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half (id INTEGER)")
        raise RuntimeError("boom")

    db = open_database(db_path)
    with pytest.raises(RuntimeError):
        broken.apply(db)
    assert "half" not in db.table_names()
    assert broken.applied(db) == []


def test_audit_log_cannot_be_edited(db: sqlite_utils.Database) -> None:
    db.execute("INSERT INTO audit_log (at, action) VALUES ('2026-01-01', 'test')")
    with pytest.raises(Exception, match="audit log cannot be changed"):
        db.execute("UPDATE audit_log SET actor = 'someone'")
    with pytest.raises(Exception, match="audit log cannot be changed"):
        db.execute("DELETE FROM audit_log")


def test_closed_at_follows_the_status(db: sqlite_utils.Database) -> None:
    import datetime as dt

    from ppg_desktop.core.feedback_store import FeedbackStore
    from ppg_desktop.core.practice_store import PracticeStore

    practice = PracticeStore(db).create("Elm Surgery").id
    store = FeedbackStore(db)
    item = store.create(
        practice_id=practice,
        received_on=dt.date.today(),
        channel="phone",
        kind="complaint",
        text="Phones",
        status="closed",
    )

    def closed_at() -> str | None:
        return db.execute("SELECT closed_at FROM feedback WHERE id = ?", [item.id]).fetchone()[0]

    assert closed_at() == item.updated_at
    store.set_status([item.id], "new")
    assert closed_at() is None
    store.update(item.id, status="answered")
    first = closed_at()
    assert first is not None
    store.update(item.id, status="closed")  # answered -> closed: still the same matter closing
    store.update(item.id, text="Phones, edited later")
    assert closed_at() == first


def test_upgrade_to_merge_conflicts_keeps_feedback_and_cascades(db_path: Path) -> None:
    """m005: a database from before it gains the table for versions lost in a merge; a kept
    version goes when its feedback item is removed."""
    from ppg_desktop.core.merge_conflict_store import MergeConflictStore

    old = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(old, stop_before="m005_merge_conflicts")
    assert "merge_conflicts" not in old.table_names()
    old.execute(
        "INSERT INTO practices (uuid, name, created_at, updated_at) VALUES ('p', 'Elm', 'x', 'x')"
    )
    old.execute(
        "INSERT INTO feedback (uuid, practice_id, received_on, channel, kind, text, created_at,"
        " updated_at) VALUES ('f', 1, '2026-01-05', 'phone', 'complaint', 'Parking', 'x', 'x')"
    )
    old.conn.commit()
    old.close()
    db = open_database(db_path)
    assert schema_version(db) == ALL
    kept = MergeConflictStore(db).keep("feedback", "f", 1, "bundle", {"text": "Old words"})
    assert [v.id for v in MergeConflictStore(db).for_feedback(1)] == [kept]
    with pytest.raises(Exception, match="FOREIGN KEY"):  # only tied to an item that exists
        MergeConflictStore(db).keep("feedback", "g", 99, "bundle", {"text": "Nobody's"})
    db.execute("DELETE FROM feedback WHERE id = 1")
    assert db.execute("SELECT count(*) FROM merge_conflicts").fetchone() == (0,)


def test_upgrade_to_removed_records_dates_earlier_redactions_from_the_audit_log(
    db_path: Path,
) -> None:
    """m006: the table of records removed for good starts empty (what earlier purges removed is
    gone with its UUID), and comments and survey responses redacted before it are dated from the
    audit log, so merging keeps them over a laptop's older version."""
    old = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(old, stop_before="m006_removed_records")
    assert "removed_records" not in old.table_names()
    before, erased_at, after = (
        "2026-04-01T10:00:00+00:00",
        "2026-05-01T10:00:00+00:00",
        "2026-06-01T10:00:00+00:00",
    )
    old.execute(
        "INSERT INTO practices (uuid, name, created_at, updated_at) VALUES ('p', 'Elm', ?, ?)",
        [before, before],
    )
    for uuid, created in (("redacted", before), ("untouched", before), ("took-id-3", after)):
        old.execute(
            "INSERT INTO feedback (uuid, practice_id, received_on, channel, kind, text,"
            " created_at, updated_at) VALUES (?, 1, '2026-01-05', 'phone', 'complaint',"
            " '[NAME] rang', ?, ?)",
            [uuid, created, created],
        )
    old.execute(
        "INSERT INTO surveys (uuid, title, created_at, updated_at) VALUES ('s', 'FFT', ?, ?)",
        [before, before],
    )
    for uuid in ("answer-redacted", "answer-purged", "untouched"):
        old.execute(
            "INSERT INTO survey_responses (uuid, survey_id, collected_on, mode, created_at,"
            " updated_at) VALUES (?, 1, '2026-01-05', 'paper', ?, ?)",
            [uuid, before, before],
        )
    entries = [
        (
            "erase",
            erased_at,
            {
                "feedback_redacted": 2,
                "feedback_ids": [1, 3],
                "feedback_deleted": 0,
                "survey_answers_redacted": 1,
                "survey_responses": [1],
            },
        ),
        ("erase", erased_at, {"feedback_redacted": 0, "feedback_deleted": 1, "feedback_ids": [2]}),
        ("purge", after, {"survey_answers_removed": 1, "survey_responses": [2]}),
        ("purge", after, {"feedback_removed": 1}),  # from before purges listed responses
    ]
    for action, at, changes in entries:
        old.execute(
            "INSERT INTO audit_log (at, action, changes) VALUES (?, ?, ?)",
            [at, action, json.dumps(changes)],
        )
    old.conn.commit()
    old.close()

    db = open_database(db_path)
    assert schema_version(db) == ALL
    assert db.execute("SELECT count(*) FROM removed_records").fetchone() == (0,)
    assert dict(db.execute("SELECT uuid, redacted_at FROM feedback")) == {
        "redacted": erased_at,
        "untouched": None,  # an erasure that deleted, not redacted
        "took-id-3": None,  # made after the erasure: not the item it listed
    }
    assert dict(db.execute("SELECT uuid, redacted_at FROM survey_responses")) == {
        "answer-redacted": erased_at,
        "answer-purged": after,
        "untouched": None,
    }
    with pytest.raises(Exception, match="CHECK"):
        db.execute(
            "INSERT INTO removed_records (table_name, uuid, removed_at, why)"
            " VALUES ('feedback', 'f', ?, 'tidying up')",
            [after],
        )
