"""Restoring a backup never brings back what was removed or redacted since it was made."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core.backup import backup_now, restore_backup
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.retention import purge, purge_preview
from ppg_desktop.core.subject_access import erase_subject, subject_access_search

PASSPHRASE = "correct horse battery staple"


def _texts_open(db: sqlite_utils.Database) -> list[str]:
    return sorted(row[0] for row in db.execute("SELECT text FROM feedback"))


def _texts(path: Path, passphrase: str | None) -> list[str]:
    db = open_database(path, passphrase)
    try:
        return _texts_open(db)
    finally:
        db.close()


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE])
def test_a_restored_backup_keeps_later_purges_and_erasures(
    tmp_path: Path, passphrase: str | None
) -> None:
    path = tmp_path / "live.db"
    db = open_database(path, passphrase)
    practice = PracticeStore(db).create("Riverside Surgery")
    items = FeedbackStore(db)

    def add(text: str) -> int:
        return items.create(
            practice_id=practice.id,
            received_on=dt.date(2026, 3, 2),
            channel="phone",
            kind="complaint",
            text=text,
        ).id

    add("Phones ring out at 8am")
    old = add("Parking is impossible on Mondays")
    named = add("Nurse was lovely, says Jo Bloggs of 14 Mill Lane")
    ContactStore(db).create(
        feedback_id=named,
        name="Jo Bloggs",
        phone="07700 900123",
        email="",
        consent_given=True,
        consent_on=dt.date(2026, 3, 2),
        consent_purpose="a reply",
        recorded_by="Ann Chair",
    )
    backup = backup_now(db, passphrase=passphrase, to_dir=tmp_path / "backups").path

    # since the backup: one item purged (deleted long ago), one person's details erased
    items.soft_delete([old])
    purge(db, purge_preview(db, today_=dt.date.today() + dt.timedelta(days=40)), "Ann Chair")
    found = subject_access_search(db, name="Jo Bloggs", actor="Ann Chair")
    erase_subject(db, found, "Ann Chair")
    after_erasure = _texts_open(db)
    assert "Jo Bloggs" not in " ".join(after_erasure)
    db.close()

    result = restore_backup(path, backup, passphrase=passphrase)
    texts = _texts(path, passphrase)
    assert texts == after_erasure  # neither the purged item nor the erased name came back
    assert "Parking is impossible on Mondays" not in texts
    assert result.removals_reapplied == 3  # the purged item, the erased contact, the redaction
    assert "stayed removed" in result.removals_note
    restored = open_database(path, passphrase)
    try:
        assert restored.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0
        evidence = [row[0] for row in restored.execute("SELECT evidence FROM feedback_themes")]
        assert not any("Bloggs" in e for e in evidence)
    finally:
        restored.close()
    # the safety copy of the database as it was holds nothing erased either
    assert result.safety_copy is not None
    assert "Jo Bloggs" not in " ".join(_texts(result.safety_copy, passphrase))


def test_a_restore_with_nothing_removed_since_changes_nothing_more(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    db = open_database(path)
    PracticeStore(db).create("Riverside Surgery")
    backup = backup_now(db, to_dir=tmp_path / "backups").path
    PracticeStore(db).create("Hillview Medical Centre")
    db.close()
    result = restore_backup(path, backup)
    assert result.removals_reapplied == 0 and result.removals_note == ""
