"""Starting the app: database problems are shown in words, encrypted databases ask for the
passphrase, and a brand-new database gets the welcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import DatabaseProblem
from ppg_desktop.ui import app as app_module
from ppg_desktop.ui import messages


def test_unusable_database_is_explained_not_a_traceback(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "problem_sink", lambda title, text: shown.append((title, text)))
    code = app_module.run_app(str(tmp_path), self_test=False)  # a folder, not a database file
    assert code == 3
    assert shown and shown[0][0] == "The database cannot be opened"
    assert "is a folder" in shown[0][1]


def test_encrypted_database_asks_for_the_passphrase(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.db"
    open_database(path, "correct horse").close()
    answers = iter([("wrong", True), ("correct horse", True)])
    prompts: list[str] = []

    def fake_get_text(_parent: object, _title: str, prompt: str, *_a: object) -> tuple[str, bool]:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(app_module.QInputDialog, "getText", fake_get_text)
    db, passphrase = app_module.open_for_app(path, interactive=True)
    try:
        assert passphrase == "correct horse"
        assert db.execute("SELECT count(*) FROM practices").fetchone()[0] == 0
    finally:
        db.close()
    assert len(prompts) == 2
    assert "passphrase does not open" in prompts[1]  # the second try says why


def test_cancelled_passphrase_is_a_database_problem(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.db"
    open_database(path, "secret").close()
    monkeypatch.setattr(app_module.QInputDialog, "getText", lambda *a: ("", False))
    with pytest.raises(DatabaseProblem, match="no passphrase"):
        app_module.open_for_app(path, interactive=True)
    with pytest.raises(DatabaseProblem, match="encrypted"):
        app_module.open_for_app(path, interactive=False)


def test_jobs_work_on_an_encrypted_database(tmp_path: Path, qtbot: QtBot) -> None:
    from ppg_desktop.core.practice_store import PracticeStore
    from ppg_desktop.ui.context import AppContext
    from ppg_desktop.ui.operations import run_job, wait_for_jobs, with_worker_db

    path = tmp_path / "locked.db"
    db = open_database(path, "pw")
    PracticeStore(db).create("Hill Practice")
    ctx = AppContext(db, path, passphrase="pw")
    results: list[object] = []

    def count_practices(worker_db: object, _control: object) -> int:
        return len(PracticeStore(worker_db).list())  # type: ignore[arg-type]

    for _ in range(3):  # the pool thread's connection is reused between jobs
        run_job(with_worker_db(ctx, count_practices), results.append)
        assert wait_for_jobs()
    PracticeStore(db).create("Dale Surgery")
    run_job(with_worker_db(ctx, count_practices), results.append)
    assert wait_for_jobs()
    assert results == [1, 1, 1, 2]  # a kept connection still sees new data
    db.close()


def test_encrypted_jobs_reuse_a_connection_until_the_file_is_replaced(
    tmp_path: Path, qtbot: QtBot
) -> None:
    """Unlocking takes a tenth of a second, so jobs share kept connections; once a backup is
    restored over the file they are closed, or jobs would read (and write to) the old one."""
    from ppg_desktop.core.backup import backup_now, restore_backup
    from ppg_desktop.core.practice_store import PracticeStore
    from ppg_desktop.ui import operations
    from ppg_desktop.ui.context import AppContext
    from ppg_desktop.ui.operations import (
        forget_worker_connections,
        run_job,
        wait_for_jobs,
        with_worker_db,
    )

    path = tmp_path / "locked.db"
    db = open_database(path, "pw")
    PracticeStore(db).create("Hill Practice")
    backup = backup_now(db, passphrase="pw", to_dir=tmp_path / "backups").path
    PracticeStore(db).create("Dale Surgery")
    ctx = AppContext(db, path, passphrase="pw")
    seen: list[tuple[int, int]] = []
    opened: list[object] = []
    real_open = operations.open_worker_db

    def counting_open(context: AppContext) -> object:
        opened.append(context)
        return real_open(context)

    def count_practices(worker_db: object, _control: object) -> None:
        seen.append((id(worker_db), len(PracticeStore(worker_db).list())))  # type: ignore[arg-type]

    operations.open_worker_db = counting_open  # type: ignore[assignment]
    try:
        forget_worker_connections()  # none kept from earlier tests
        for _ in range(3):
            run_job(with_worker_db(ctx, count_practices), lambda _: None)
            assert wait_for_jobs()
        assert len(opened) == 1 and len({conn for conn, _ in seen}) == 1  # opened once
        forget_worker_connections()
        db.close()
        restore_backup(path, backup, passphrase="pw")
        ctx.db = open_database(path, "pw")
        run_job(with_worker_db(ctx, count_practices), lambda _: None)
        assert wait_for_jobs()
    finally:
        operations.open_worker_db = real_open  # type: ignore[assignment]
        forget_worker_connections()
        ctx.db.close()
    assert [count for _, count in seen] == [2, 2, 2, 1]
    assert len(opened) == 2
