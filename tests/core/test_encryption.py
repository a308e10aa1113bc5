"""Encryption at rest: nothing readable in the file, nothing lost, clear wrong-passphrase errors."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from ppg_desktop.core.backup import list_backups, verify_backup
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.encryption import (
    change_passphrase,
    change_passphrase_open,
    decrypt_database,
    encrypt_database,
    table_counts,
)
from ppg_desktop.core.errors import DatabaseProblem, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore

SECRET_COMMENT = "Mrs Zebedee-Quartermaine waited ninety minutes for her insulin review"
PASSPHRASE = "correct horse battery"


def _fill(path: Path, passphrase: str | None = None, extra: int = 25) -> dict[str, int]:
    """A database with feedback (one distinctive comment); returns its table counts."""
    db = open_database(path, passphrase)
    practice = PracticeStore(db, "test").create("Elm Road Surgery")
    store = FeedbackStore(db, "test")
    store.create(
        practice_id=practice.id,
        received_on=dt.date(2026, 3, 2),
        channel="in_person",
        kind="complaint",
        text=SECRET_COMMENT,
    )
    store.create_many(
        {
            "practice_id": practice.id,
            "received_on": dt.date(2026, 3, 3),
            "channel": "phone",
            "kind": "concern",
            "text": f"Comment number {n} about the phones",
        }
        for n in range(extra)
    )
    counts = table_counts(db.conn)
    db.conn.close()
    return counts


def _file_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            data += side.read_bytes()
    return data


def test_plain_database_shows_the_comment_as_bytes(tmp_path: Path) -> None:
    """The control for the next test: without encryption the comment is readable."""
    path = tmp_path / "plain.db"
    _fill(path)
    assert b"Zebedee-Quartermaine" in _file_bytes(path)


def test_encrypt_existing_database_loses_nothing_and_hides_the_text(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    before = _fill(path)
    stages: list[str] = []
    backup = encrypt_database(path, PASSPHRASE, tmp_path / "backups", progress=stages.append)
    assert stages[0] == "Checking the database" and stages[-1] == "Done"
    assert is_encrypted_file(path)
    assert b"Zebedee" not in _file_bytes(path)
    assert b"SQLite format 3" not in path.read_bytes()[:16]
    assert not path.with_name("t.db.encrypting").exists()

    db = open_database(path, PASSPHRASE, create=False)
    assert table_counts(db.conn) == before
    texts = [f.text for f in FeedbackStore(db).list()]
    assert SECRET_COMMENT in texts
    assert FeedbackStore(db).count() == 26
    db.conn.close()

    # the verified backup exists, holds everything, and is encrypted too
    assert backup.exists() and backup.parent == tmp_path / "backups"
    listed = list_backups(tmp_path / "backups")  # the Restore dialog offers it
    assert [b.path for b in listed] == [backup] and listed[0].reason == "before-encryption"
    assert verify_backup(backup, PASSPHRASE) == []
    assert is_encrypted_file(backup)
    assert b"Zebedee" not in backup.read_bytes()
    copy = open_database(backup, PASSPHRASE, create=False)
    assert table_counts(copy.conn) == before
    copy.conn.close()


def test_plain_sqlite3_cannot_open_an_encrypted_database(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    _fill(path)
    encrypt_database(path, PASSPHRASE, tmp_path / "backups")
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM feedback").fetchall()
    conn.close()
    with pytest.raises(DatabaseProblem) as problem:
        open_database(path, create=False)
    assert problem.value.kind == "encrypted"


def test_wrong_passphrase_is_a_clear_problem_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    before = _fill(path, PASSPHRASE)
    size = path.stat().st_size
    with pytest.raises(DatabaseProblem) as problem:
        open_database(path, "not the passphrase", create=False)
    assert problem.value.kind == "wrong_passphrase"
    assert "passphrase" in str(problem.value)
    with pytest.raises(DatabaseProblem) as again:
        change_passphrase(path, "not the passphrase", "a brand new phrase")
    assert again.value.kind == "wrong_passphrase"
    assert path.stat().st_size == size
    db = open_database(path, PASSPHRASE, create=False)
    assert table_counts(db.conn) == before
    db.conn.close()


def test_change_passphrase_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    before = _fill(path, PASSPHRASE)
    change_passphrase(path, PASSPHRASE, "a brand new phrase")
    with pytest.raises(DatabaseProblem) as problem:
        open_database(path, PASSPHRASE, create=False)
    assert problem.value.kind == "wrong_passphrase"
    db = open_database(path, "a brand new phrase", create=False)
    assert table_counts(db.conn) == before
    assert SECRET_COMMENT in [f.text for f in FeedbackStore(db).list()]
    db.conn.close()
    assert b"Zebedee" not in _file_bytes(path)


def test_short_passphrases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    _fill(path, extra=0)
    with pytest.raises(ValidationError) as problem:
        encrypt_database(path, "short", tmp_path / "b")
    assert problem.value.field == "Passphrase"
    assert not is_encrypted_file(path)
    assert not (tmp_path / "b").exists()


def test_encrypting_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    _fill(path, PASSPHRASE, extra=0)
    with pytest.raises(DatabaseProblem) as problem:
        encrypt_database(path, PASSPHRASE, tmp_path / "b")
    assert problem.value.kind == "already_encrypted"


def test_a_database_open_elsewhere_is_not_encrypted(tmp_path: Path) -> None:
    """Another connection (as another copy of the app would hold) blocks the swap."""
    import sqlcipher3  # same SQLite library as encryption.py, so it sees the same locks

    path = tmp_path / "t.db"
    _fill(path)
    other = sqlcipher3.connect(str(path))
    other.execute("SELECT count(*) FROM feedback").fetchone()
    try:
        with pytest.raises(DatabaseProblem) as problem:
            encrypt_database(path, PASSPHRASE, tmp_path / "b")
        assert problem.value.kind == "locked"
    finally:
        other.close()
    assert not is_encrypted_file(path)
    assert not path.with_name("t.db.encrypting").exists()
    encrypt_database(path, PASSPHRASE, tmp_path / "b")  # fine once the other one has closed
    assert is_encrypted_file(path)


def test_keep_plain_backup_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    _fill(path, extra=2)
    backup = encrypt_database(path, PASSPHRASE, tmp_path / "b", keep_plain_backup=True)
    assert not is_encrypted_file(backup)
    assert b"Zebedee" in backup.read_bytes()


def test_decrypt_gives_back_a_plain_database(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    before = _fill(path, PASSPHRASE)
    decrypt_database(path, PASSPHRASE)
    assert not is_encrypted_file(path)
    conn = sqlite3.connect(path)
    assert table_counts(conn) == before
    conn.close()
    db = open_database(path, create=False)  # migrations and FTS still work
    assert FeedbackStore(db).count() == 26
    db.conn.close()


def test_change_passphrase_while_the_app_has_it_open(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    before = _fill(path, PASSPHRASE)
    db = open_database(path, PASSPHRASE, create=False)
    with pytest.raises(DatabaseProblem) as wrong:
        change_passphrase_open(db, path, "not the passphrase", "a brand new phrase")
    assert wrong.value.kind == "wrong_passphrase"
    change_passphrase_open(db, path, PASSPHRASE, "a brand new phrase")
    FeedbackStore(db).soft_delete([1])  # the open connection keeps working
    assert FeedbackStore(db).count() == 25
    db.conn.close()
    again = open_database(path, "a brand new phrase", create=False)
    assert table_counts(again.conn)["feedback"] == before["feedback"]
    again.conn.close()
    with pytest.raises(DatabaseProblem):
        open_database(path, PASSPHRASE, create=False)
    plain = open_database(tmp_path / "plain.db")
    with pytest.raises(DatabaseProblem) as not_encrypted:
        change_passphrase_open(plain, tmp_path / "plain.db", "x", "a brand new phrase")
    assert not_encrypted.value.kind == "not_encrypted"
