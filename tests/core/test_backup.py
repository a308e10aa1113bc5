"""Backups: online copies, daily schedule, keeping N, integrity checks, restore, start-up check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core import backup as backup_module
from ppg_desktop.core.backup import (
    BACKUP_DIR_KEY,
    BACKUPS_KEEP_KEY,
    BackupProblem,
    RestoreRefused,
    backup_dir,
    backup_if_due,
    backup_now,
    backup_on_exit,
    list_backups,
    restore_backup,
    startup_check,
    verify_backup,
)
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.encryption import change_passphrase
from ppg_desktop.core.errors import DatabaseProblem
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.settings_store import SettingsStore

MONDAY = dt.datetime(2026, 3, 2, 17, 0)


def _practice_names(path: Path, passphrase: str | None = None) -> list[str]:
    db = open_database(path, passphrase, create=False)
    try:
        return [r[0] for r in db.execute("SELECT name FROM practices ORDER BY name")]
    finally:
        db.close()


def test_backup_is_a_sound_copy_while_the_database_is_open(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    PracticeStore(db).create("Riverside Surgery")
    info = backup_now(db, to_dir=tmp_path / "usb", now=MONDAY)
    assert info.path.parent == tmp_path / "usb" and info.taken_at == MONDAY
    assert info.size > 0 and info.label.startswith("02/03/2026 17:00")
    assert verify_backup(info.path) == []
    assert _practice_names(info.path) == ["Riverside Surgery"]
    assert not list((tmp_path / "usb").glob("*.partial"))


def test_default_folder_and_setting(db: sqlite_utils.Database, tmp_path: Path) -> None:
    assert backup_dir(db).name == "backups"
    SettingsStore(db).set(BACKUP_DIR_KEY, str(tmp_path / "stick"))
    assert backup_dir(db) == tmp_path / "stick"
    assert backup_now(db).path.parent == tmp_path / "stick"


def test_at_most_daily_and_keeps_the_last_n(db: sqlite_utils.Database, tmp_path: Path) -> None:
    SettingsStore(db).set(BACKUPS_KEEP_KEY, 3)
    folder = tmp_path / "b"
    assert backup_if_due(db, to_dir=folder, now=MONDAY) is not None
    assert backup_if_due(db, to_dir=folder, now=MONDAY + dt.timedelta(hours=5)) is None
    for day in range(1, 5):
        assert backup_if_due(db, to_dir=folder, now=MONDAY + dt.timedelta(days=day)) is not None
    kept = list_backups(folder)
    assert [b.taken_at.day for b in kept] == [6, 5, 4]  # newest first, three kept


def test_backup_on_exit_honours_the_environment(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    SettingsStore(db).set(BACKUP_DIR_KEY, str(tmp_path / "exit"))
    monkeypatch.setenv("PPG_DESK_NO_BACKUP_ON_EXIT", "1")
    assert backup_on_exit(db) is None
    monkeypatch.setenv("PPG_DESK_NO_BACKUP_ON_EXIT", "0")
    assert backup_on_exit(db) is not None
    assert len(list_backups(tmp_path / "exit")) == 1


def test_restore_checks_the_backup_and_saves_the_current_database(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    db = open_database(path)
    SettingsStore(db).set(BACKUP_DIR_KEY, str(tmp_path / "b"))
    PracticeStore(db).create("Riverside Surgery")
    good = backup_now(db, now=MONDAY)
    PracticeStore(db).create("Hillview Medical Centre")
    db.close()

    result = restore_backup(path, good.path)
    assert _practice_names(path) == ["Riverside Surgery"]
    assert result.safety_copy is not None
    assert _practice_names(result.safety_copy) == ["Hillview Medical Centre", "Riverside Surgery"]


def test_a_damaged_backup_is_refused(
    tmp_path: Path, db_path: Path, db: sqlite_utils.Database
) -> None:
    PracticeStore(db).create("Riverside Surgery")
    info = backup_now(db, to_dir=tmp_path / "b", now=MONDAY)
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\x00garbage" * 512
    info.path.write_bytes(bytes(data))
    db.close()
    assert verify_backup(info.path) != []
    with pytest.raises(BackupProblem, match="is damaged, so nothing was restored"):
        restore_backup(db_path, info.path)
    assert _practice_names(db_path) == ["Riverside Surgery"]
    not_a_db = tmp_path / "b" / "notes.db"
    not_a_db.write_text("shopping list")
    assert verify_backup(not_a_db) != []


def test_encrypted_database_backs_up_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "secret.db"
    db = open_database(path, "correct horse")
    PracticeStore(db).create("Riverside Surgery")
    info = backup_now(db, passphrase="correct horse", to_dir=tmp_path / "b", now=MONDAY)
    db.close()
    assert b"Riverside" not in info.path.read_bytes()
    assert verify_backup(info.path, "correct horse") == []
    assert verify_backup(info.path, "wrong") != []
    assert _practice_names(info.path, "correct horse") == ["Riverside Surgery"]
    restore_backup(path, info.path, passphrase="correct horse", safety_dir=tmp_path / "b")
    assert _practice_names(path, "correct horse") == ["Riverside Surgery"]


def test_startup_check_offers_backups_for_a_damaged_database(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    db = open_database(path)
    PracticeStore(db).create("Riverside Surgery")
    db.executescript("CREATE TABLE filler (x TEXT);")
    db.execute(
        "INSERT INTO filler SELECT hex(randomblob(400)) FROM"
        " (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
        " SELECT i FROM n)"
    )
    db.conn.commit()
    backup_now(db, to_dir=tmp_path / "b", now=MONDAY)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert startup_check(path, backups_folder=tmp_path / "b").ok

    data = bytearray(path.read_bytes())
    for page in range(3, len(data) // 4096, 2):
        data[page * 4096 : page * 4096 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    check = startup_check(path, backups_folder=tmp_path / "b")
    assert not check.ok and check.problems
    assert [b.taken_at for b in check.backups] == [MONDAY]
    assert "Restore" in check.message


# --- restoring over (or from) a database protected with a passphrase ---------------------------
PASSPHRASE = "correct horse battery"


def _protected_database(path: Path, practice: str, passphrase: str = PASSPHRASE) -> None:
    db = open_database(path, passphrase)
    PracticeStore(db).create(practice)
    db.close()


def _plain_backup(tmp_path: Path, practice: str = "From the plain backup") -> Path:
    source = open_database(tmp_path / "plain-source.db")
    PracticeStore(source).create(practice)
    info = backup_now(source, to_dir=tmp_path / "b", now=MONDAY)
    source.close()
    return info.path


def _untouched(path: Path, before: bytes, tmp_path: Path) -> None:
    """The database is exactly as it was, and nothing was set aside, half-written or copied."""
    assert path.read_bytes() == before
    assert list(tmp_path.glob("*.damaged-*")) == [] and list(tmp_path.glob("*.set-aside-*")) == []
    assert list(tmp_path.glob("*.restoring")) == []
    assert not (tmp_path / "safety").exists()


@pytest.mark.parametrize(
    ("given", "reason"), [(None, "needs_passphrase"), ("not the passphrase", "wrong_passphrase")]
)
def test_restore_over_a_protected_database_needs_its_passphrase(
    tmp_path: Path, given: str | None, reason: str
) -> None:
    live = tmp_path / "live.db"
    _protected_database(live, "Live practice")
    backup = _plain_backup(tmp_path)
    before = live.read_bytes()
    with pytest.raises(RestoreRefused) as refused:
        restore_backup(live, backup, passphrase=given, safety_dir=tmp_path / "safety")
    assert refused.value.reason == reason
    assert "nothing was restored" in str(refused.value)
    _untouched(live, before, tmp_path)
    assert _practice_names(live, PASSPHRASE) == ["Live practice"]


def test_a_plain_backup_restored_over_a_protected_database_keeps_it_protected(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.db"
    _protected_database(live, "Live practice")
    backup = _plain_backup(tmp_path)
    result = restore_backup(live, backup, passphrase=PASSPHRASE, safety_dir=tmp_path / "safety")
    assert is_encrypted_file(live) and b"From the plain backup" not in live.read_bytes()
    assert _practice_names(live, PASSPHRASE) == ["From the plain backup"]
    assert result.protected_with == "current" and result.was_protected
    assert "same passphrase as before" in result.protection_note
    assert result.safety_copy is not None and is_encrypted_file(result.safety_copy)
    assert _practice_names(result.safety_copy, PASSPHRASE) == ["Live practice"]
    assert list(tmp_path.glob("*.restoring")) == []


def test_set_aside_current_keeps_a_database_whose_passphrase_is_lost(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    _protected_database(live, "Live practice")
    before = live.read_bytes()
    backup = _plain_backup(tmp_path)
    result = restore_backup(live, backup, safety_dir=tmp_path / "safety", set_aside_current=True)
    assert result.set_aside is not None and ".set-aside-" in result.set_aside.name
    assert result.set_aside.read_bytes() == before  # kept as it was, not copied or changed
    assert _practice_names(result.set_aside, PASSPHRASE) == ["Live practice"]
    assert not is_encrypted_file(live) and _practice_names(live) == ["From the plain backup"]
    assert result.protected_with == "" and "not protected" in result.protection_note


def test_a_backup_made_with_an_older_passphrase_is_restored_with_the_current_one(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.db"
    _protected_database(live, "Riverside Surgery", "the old passphrase")
    db = open_database(live, "the old passphrase")
    old = backup_now(db, passphrase="the old passphrase", to_dir=tmp_path / "b", now=MONDAY)
    PracticeStore(db).create("Added later")
    db.close()
    change_passphrase(live, "the old passphrase", PASSPHRASE)
    before = live.read_bytes()
    with pytest.raises(RestoreRefused) as refused:
        restore_backup(live, old.path, passphrase=PASSPHRASE, safety_dir=tmp_path / "safety")
    assert refused.value.reason == "backup_wrong_passphrase"
    assert "give the old one" in str(refused.value)
    _untouched(live, before, tmp_path)
    result = restore_backup(
        live,
        old.path,
        passphrase=PASSPHRASE,
        backup_passphrase="the old passphrase",
        safety_dir=tmp_path / "safety",
    )
    assert result.protected_with == "current"
    assert _practice_names(live, PASSPHRASE) == ["Riverside Surgery"]
    with pytest.raises(DatabaseProblem):
        open_database(live, "the old passphrase", create=False)


def test_a_protected_backup_restored_over_a_plain_database_keeps_its_passphrase(
    tmp_path: Path,
) -> None:
    source = tmp_path / "other.db"
    _protected_database(source, "From the protected backup")
    db = open_database(source, PASSPHRASE)
    info = backup_now(db, passphrase=PASSPHRASE, to_dir=tmp_path / "b", now=MONDAY)
    db.close()
    live = tmp_path / "live.db"
    open_database(live).close()
    before = live.read_bytes()
    with pytest.raises(RestoreRefused) as refused:
        restore_backup(live, info.path, safety_dir=tmp_path / "safety")
    assert refused.value.reason == "backup_needs_passphrase"
    _untouched(live, before, tmp_path)
    result = restore_backup(live, info.path, passphrase=PASSPHRASE, safety_dir=tmp_path / "safety")
    assert result.protected_with == "backup" and not result.was_protected
    assert "passphrase the backup was made with" in result.protection_note
    assert is_encrypted_file(live)
    assert _practice_names(live, PASSPHRASE) == ["From the protected backup"]


def test_a_restore_that_fails_part_way_leaves_the_database_where_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = _plain_backup(tmp_path)
    damaged = tmp_path / "live.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"junk" * 50)
    before = damaged.read_bytes()

    def pulled_out(_source: object, target: Path, _passphrase: object) -> None:
        target.write_bytes(b"half a copy")
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(backup_module, "_copy_into", pulled_out)
    with pytest.raises(OSError):
        restore_backup(damaged, backup, safety_dir=tmp_path / "safety")
    _untouched(damaged, before, tmp_path)
