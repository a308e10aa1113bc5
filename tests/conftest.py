"""Shared fixtures: every test gets its own fresh database; Qt runs headless."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PPG_DESK_NO_BACKUP_ON_EXIT", "1")

from ppg_desktop.core.db import open_database


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the real user data folder (default database, drafts) out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ppg.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """A fresh, fully migrated database file for one test."""
    database = open_database(db_path)
    yield database
    database.close()
