"""Opening bad files gives one clear message, never a traceback or a new empty database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import DatabaseProblem


def test_missing_file_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem) as info:
        open_database(tmp_path / "nope.db", create=False)
    assert info.value.kind == "missing"
    assert not (tmp_path / "nope.db").exists()


def test_garbage_file_is_reported_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseProblem) as info:
        open_database(path)
    assert info.value.kind in ("corrupt", "encrypted")
    assert path.read_bytes().startswith(b"this is not")


def test_folder_given_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem, match="folder"):
        open_database(tmp_path)


def test_missing_parent_folder(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem, match="does not exist"):
        open_database(tmp_path / "no" / "such" / "x.db")


def test_locked_database(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_database(path).close()
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        import ppg_desktop.core.db as dbmod

        original = dbmod.BUSY_TIMEOUT_MS
        dbmod.BUSY_TIMEOUT_MS = 50
        try:
            with pytest.raises(DatabaseProblem) as info:
                open_database(path)
        finally:
            dbmod.BUSY_TIMEOUT_MS = original
        assert info.value.kind == "locked"
    finally:
        holder.rollback()
        holder.close()
