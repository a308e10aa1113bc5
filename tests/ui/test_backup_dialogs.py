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
from ppg_desktop.core.db import is_encrypted_file, open_database
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


PASSPHRASE = "purple kettle on the bus"


def _choosing_first(monkeypatch: pytest.MonkeyPatch, questions: list[str]) -> None:
    """The Restore dialog picks its first backup, and the question is answered Restore."""
    from PySide6.QtWidgets import QDialog

    from ppg_desktop.ui import backup_dialogs

    def choose_first(dialog: RestoreDialog) -> int:
        dialog.view.selectRow(0)
        dialog.check_and_accept()
        accepted = dialog.chosen is not None
        return int((QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected).value)

    def answer_restore(_parent: object, _title: str, question: str, **_kw: object) -> bool:
        questions.append(question)
        return True

    monkeypatch.setattr(RestoreDialog, "exec", choose_first)
    monkeypatch.setattr(backup_dialogs, "ask_yes_no", answer_restore)


def _backup_of(path: Path, practice: str, folder: Path, passphrase: str | None = None) -> Path:
    db = open_database(path, passphrase)
    PracticeStore(db).create(practice)
    info = backup_now(db, passphrase=passphrase, to_dir=folder, now=dt.datetime(2026, 3, 1, 9))
    db.close()
    return info.path


def test_a_plain_backup_restored_in_the_app_keeps_the_database_protected(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ppg_desktop.ui import backup_dialogs

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "problem_sink", lambda title, text: shown.append((title, text)))
    folder = tmp_path / "backups"
    _backup_of(tmp_path / "before-encryption.db", "From the plain backup", folder)
    path = tmp_path / "protected.db"
    db = open_database(path, PASSPHRASE)
    PracticeStore(db).create("Live practice")
    ctx = AppContext(db, path, passphrase=PASSPHRASE)
    ctx.settings.set(BACKUP_DIR_KEY, str(folder))
    questions: list[str] = []
    _choosing_first(monkeypatch, questions)

    result = backup_dialogs.open_restore_dialog(ctx)
    assert shown == [] and result is not None and result.protected_with == "current"
    assert "keeps the passphrase it has now" in questions[0]
    assert is_encrypted_file(path) and ctx.passphrase == PASSPHRASE
    assert [p.name for p in PracticeStore(ctx.db).list()] == ["From the plain backup"]
    ctx.db.close()


def test_a_backup_with_another_passphrase_asks_for_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ctx: AppContext
) -> None:
    from ppg_desktop.ui import backup_dialogs

    folder = tmp_path / "backups"
    _backup_of(tmp_path / "older.db", "From the protected backup", folder, PASSPHRASE)
    typed = iter(["a wrong guess", PASSPHRASE])
    asked: list[bool] = []

    def type_passphrase(_dialog: RestoreDialog, _chosen: object, again: bool) -> str:
        asked.append(again)
        return next(typed)

    monkeypatch.setattr(RestoreDialog, "ask_backup_passphrase", type_passphrase)
    questions: list[str] = []
    _choosing_first(monkeypatch, questions)

    result = backup_dialogs.open_restore_dialog(ctx)
    assert asked == [False, True]  # asked again after the wrong guess
    assert result is not None and result.protected_with == "backup"
    assert "you will need the backup's passphrase" in questions[0]
    assert ctx.passphrase == PASSPHRASE and is_encrypted_file(ctx.db_path)
    assert [p.name for p in PracticeStore(ctx.db).list()] == ["From the protected backup"]


def test_the_backup_passphrase_question_can_be_cancelled(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ctx: AppContext
) -> None:
    folder = tmp_path / "backups"
    _backup_of(tmp_path / "older.db", "From the protected backup", folder, PASSPHRASE)
    monkeypatch.setattr(RestoreDialog, "ask_backup_passphrase", lambda *args: None)
    dialog = RestoreDialog(folder, None)
    qtbot.addWidget(dialog)
    dialog.check_and_accept()
    assert dialog.chosen is None and "passphrase it was made with" in dialog.problem.text()
    at_start_up = RestoreDialog(folder, None, ask_other_passphrase=False)
    qtbot.addWidget(at_start_up)
    at_start_up.check_and_accept()
    assert at_start_up.chosen is None
    assert "ppg-desktop restore" in at_start_up.problem.text()
