"""`ppg-desktop bundle export|merge`, `backup` and `restore` from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.cli import main
from ppg_desktop.core.db import open_database
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
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "any")  # unreadable files look encrypted
    assert main(["backup", "--verify", str(broken)]) == 1
