"""Back up now, the restore list with its integrity check, and bundle export/merge from the UI."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core.backup import BACKUP_DIR_KEY, backup_now, list_backups
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui import messages
from ppg_desktop.ui.backup_dialogs import RestoreDialog, back_up_now
from ppg_desktop.ui.bundle_dialogs import export_for_chair, merge_volunteer_export
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import wait_for_jobs


@pytest.fixture
def ctx(
    db: sqlite_utils.Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AppContext:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "problem_sink", lambda title, text: shown.append((title, text)))
    context = AppContext(db, db_path)
    context.settings.set(BACKUP_DIR_KEY, str(tmp_path / "backups"))
    PracticeStore(db).create("Riverside Surgery")
    return context


def test_back_up_now_runs_in_the_background(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    made = []
    back_up_now(ctx, None, on_done=made.append)
    assert wait_for_jobs()
    assert len(made) == 1 and made[0].path.parent == tmp_path / "backups"
    assert [b.path for b in list_backups(tmp_path / "backups")] == [made[0].path]


def test_restore_dialog_lists_backups_and_refuses_a_damaged_one(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    older = backup_now(ctx.db, to_dir=folder, now=dt.datetime(2026, 3, 1, 9, 0))
    newer = backup_now(ctx.db, to_dir=folder, now=dt.datetime(2026, 3, 2, 9, 0))
    newer.path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)  # damaged
    dialog = RestoreDialog(folder, None)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 2
    assert dialog.model.data(dialog.model.index(0, 0)) == "02/03/2026 09:00"
    dialog.check_and_accept()
    assert dialog.chosen is None and "damaged" in dialog.problem.text()
    dialog.view.selectRow(1)
    dialog.check_and_accept()
    assert dialog.chosen == older


def test_export_and_merge_from_the_ui(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    laptop_path = tmp_path / "laptop.db"
    laptop = open_database(laptop_path)
    PracticeStore(laptop).create("Riverside Surgery")
    FeedbackStore(laptop).create(
        practice_id=1,
        received_on=dt.date(2026, 3, 2),
        channel="phone",
        kind="complaint",
        text="Phone queue too long",
    )
    laptop_ctx = AppContext(laptop, laptop_path)
    export_for_chair(laptop_ctx, None, tmp_path / "out.ppgbundle")
    assert wait_for_jobs()
    assert (tmp_path / "out.ppgbundle").exists()
    changed: list[str] = []
    ctx.data_changed.connect(changed.append)
    merge_volunteer_export(ctx, None, tmp_path / "out.ppgbundle")
    assert wait_for_jobs()
    assert [f.text for f in FeedbackStore(ctx.db).list()] == ["Phone queue too long"]
    assert "feedback" in changed


def test_restore_replaces_the_open_database_and_reopens_it(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog

    from ppg_desktop.ui import backup_dialogs

    good = backup_now(ctx.db, to_dir=tmp_path / "backups", now=dt.datetime(2026, 3, 1, 9, 0))
    PracticeStore(ctx.db).create("Added after the backup")

    def choose_first(dialog: RestoreDialog) -> int:
        dialog.view.selectRow(0)
        dialog.check_and_accept()
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(RestoreDialog, "exec", choose_first)
    monkeypatch.setattr(backup_dialogs, "ask_yes_no", lambda *args, **kwargs: True)
    changed: list[str] = []
    ctx.data_changed.connect(changed.append)
    result = backup_dialogs.open_restore_dialog(ctx)
    assert result is not None and result.restored_from == good.path
    assert [p.name for p in PracticeStore(ctx.db).list()] == ["Riverside Surgery"]
    assert result.safety_copy is not None and result.safety_copy.exists()
    assert {"feedback", "practices", "settings"} <= set(changed)
