"""`ppg-desktop bundle export|merge`, `backup` and `restore` from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.cli import main
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore


def test_bundle_export_and_merge(
    db: sqlite_utils.Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    practice = PracticeStore(db).create("Riverside Surgery")
    FeedbackStore(db).create(
        practice_id=practice.id,
        received_on=dt.date(2026, 3, 2),
        channel="letter",
        kind="compliment",
        text="Thank you, Dr Ahmed",
    )
    out = tmp_path / "for-chair.ppgbundle"
    assert main(["bundle", "export", "--db", str(db_path), "--out", str(out)]) == 0
    assert "1 feedback" in capsys.readouterr().out
    chair_path = tmp_path / "chair.db"
    open_database(chair_path).close()
    assert main(["bundle", "merge", "--db", str(chair_path), str(out)]) == 0
    assert "Feedback: 1 new, 0 updated, 0 already here and unchanged" in capsys.readouterr().out
    assert main(["bundle", "merge", "--db", str(chair_path), str(out)]) == 0
    assert "Feedback: 0 new, 0 updated, 1 already here and unchanged" in capsys.readouterr().out
    assert main(["bundle", "export", "--db", str(db_path), "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_bundle_merge_says_what_it_did_not_bring_back(
    db: sqlite_utils.Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A comment purged here, still on a laptop, is not merged back, and the merge says so; the
    chair's next export lists the removal for the laptops."""
    from ppg_desktop.core import retention

    practice = PracticeStore(db).create("Riverside Surgery")
    item = FeedbackStore(db).create(
        practice_id=practice.id,
        received_on=dt.date(2026, 3, 2),
        channel="letter",
        kind="complaint",
        text="Mrs Quill waited an hour",
    )
    laptop_path = tmp_path / "laptop.db"
    laptop = sqlite_utils.Database(laptop_path)
    db.conn.backup(laptop.conn)  # a volunteer's laptop set up from the chair's database
    laptop.close()
    FeedbackStore(db).soft_delete([item.id])
    retention.purge(
        db, retention.purge_preview(db, dt.date.today() + dt.timedelta(days=40)), "Pat Chair"
    )
    from_laptop = tmp_path / "from-laptop.ppgbundle"
    assert main(["bundle", "export", "--db", str(laptop_path), "--out", str(from_laptop)]) == 0
    capsys.readouterr()
    assert main(["bundle", "merge", "--db", str(db_path), str(from_laptop)]) == 0
    out = capsys.readouterr().out
    assert "Feedback: 0 new, 0 updated, 0 already here and unchanged" in out
    assert (
        "1 feedback item skipped: removed here under the retention rules or at a person's request."
        in out
    )
    assert FeedbackStore(db).count(None) == 0

    from_chair = tmp_path / "from-chair.ppgbundle"
    assert main(["bundle", "export", "--db", str(db_path), "--out", str(from_chair)]) == 0
    out = capsys.readouterr().out
    assert "removed records" not in out
    assert (
        "It also lists 1 record removed here under the retention rules or at a person's request,"
        " so a laptop that merges it removes that record too." in out
    )
    assert main(["bundle", "merge", "--db", str(laptop_path), str(from_chair)]) == 0
    assert "Removed here too" in capsys.readouterr().out


def test_backup_list_verify_restore(
    db: sqlite_utils.Database,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    PracticeStore(db).create("Riverside Surgery")
    folder = tmp_path / "stick"
    assert main(["backup", "--db", str(db_path), "--to", str(folder)]) == 0
    assert "Backed up to" in capsys.readouterr().out
    (backup,) = folder.iterdir()
    assert main(["backup", "--db", str(db_path), "--to", str(folder), "--list"]) == 0
    assert "1 backup in" in capsys.readouterr().out
    assert main(["backup", "--verify", str(backup)]) == 0
    PracticeStore(db).create("Hillview Medical Centre")
    db.close()
    assert main(["restore", "--db", str(db_path), str(backup)]) == 0
    assert "Restored" in capsys.readouterr().out
    reopened = open_database(db_path)
    assert [p.name for p in PracticeStore(reopened).list()] == ["Riverside Surgery"]
    reopened.close()
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "any")  # unreadable files look encrypted
    assert main(["backup", "--verify", str(broken)]) == 1


PASSPHRASE = "correct horse battery"


def _protected_with_a_plain_backup(tmp_path: Path) -> tuple[Path, Path]:
    """A database protected with PASSPHRASE, and a plain backup of another database."""
    plain = open_database(tmp_path / "plain.db")
    PracticeStore(plain).create("From the plain backup")
    folder = tmp_path / "stick"
    assert main(["backup", "--db", str(tmp_path / "plain.db"), "--to", str(folder)]) == 0
    plain.close()
    live = tmp_path / "live.db"
    db = open_database(live, PASSPHRASE)
    PracticeStore(db).create("Live practice")
    db.close()
    (backup,) = folder.iterdir()
    return live, backup


def _practices(path: Path, passphrase: str | None) -> list[str]:
    db = open_database(path, passphrase, create=False)
    try:
        return [p.name for p in PracticeStore(db).list()]
    finally:
        db.close()


def test_restore_over_a_protected_database_without_its_passphrase_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live, backup = _protected_with_a_plain_backup(tmp_path)
    capsys.readouterr()
    before = live.read_bytes()
    monkeypatch.delenv("PPG_DESK_PASSPHRASE", raising=False)
    assert main(["restore", "--db", str(live), str(backup)]) == 1
    err = capsys.readouterr().err
    assert "protected with a passphrase" in err and "nothing was restored" in err
    assert "PPG_DESK_PASSPHRASE" in err and "--set-aside-current" in err
    assert live.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("live.db.")] == []

    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "not the passphrase")
    assert main(["restore", "--db", str(live), str(backup)]) == 1
    assert "That passphrase does not open the database" in capsys.readouterr().err
    assert live.read_bytes() == before

    monkeypatch.setenv("PPG_DESK_PASSPHRASE", PASSPHRASE)
    assert main(["restore", "--db", str(live), str(backup)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "protected with the same passphrase as before" in out
    assert is_encrypted_file(live)
    assert _practices(live, PASSPHRASE) == ["From the plain backup"]


def test_restore_with_set_aside_current_keeps_the_protected_file_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live, backup = _protected_with_a_plain_backup(tmp_path)
    capsys.readouterr()
    before = live.read_bytes()
    monkeypatch.delenv("PPG_DESK_PASSPHRASE", raising=False)
    assert main(["restore", "--db", str(live), str(backup), "--set-aside-current"]) == 0
    out = capsys.readouterr().out
    (kept,) = tmp_path.glob("live.db.set-aside-*")
    assert kept.read_bytes() == before and kept.name in out
    assert "not protected with a passphrase" in out and "ppg-desktop encrypt" in out
    assert _practices(live, None) == ["From the plain backup"]


def test_restore_a_backup_made_with_an_older_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "live.db"
    db = open_database(live, "the old passphrase")
    PracticeStore(db).create("Riverside Surgery")
    db.close()
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "the old passphrase")
    assert main(["backup", "--db", str(live), "--to", str(tmp_path / "stick")]) == 0
    (backup,) = (tmp_path / "stick").iterdir()
    monkeypatch.setenv("PPG_DESK_NEW_PASSPHRASE", PASSPHRASE)
    assert main(["encrypt", "--db", str(live), "--change"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", PASSPHRASE)
    assert main(["restore", "--db", str(live), str(backup)]) == 1
    err = capsys.readouterr().err
    assert "does not open the backup" in err and "PPG_DESK_BACKUP_PASSPHRASE" in err
    monkeypatch.setenv("PPG_DESK_BACKUP_PASSPHRASE", "the old passphrase")
    assert main(["restore", "--db", str(live), str(backup)]) == 0
    assert _practices(live, PASSPHRASE) == ["Riverside Surgery"]
