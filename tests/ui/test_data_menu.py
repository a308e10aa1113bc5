"""The Data menu per role, the spreadsheet export it runs, and the start-up integrity check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlite_utils
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui import messages, startup_checks
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.data_menu import build_data_menu, export_feedback
from ppg_desktop.ui.operations import wait_for_jobs


def _labels(ctx: AppContext, qtbot: QtBot) -> list[str]:
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = build_data_menu(window, ctx)
    if menu is None:
        return []
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_chair_sees_every_data_action(
    qtbot: QtBot, db: sqlite_utils.Database, db_path: Path
) -> None:
    labels = _labels(AppContext(db, db_path), qtbot)
    assert labels == [
        "Import from a spreadsheet…",
        "Export feedback to a spreadsheet…",
        "Save new entries for the chair…",
        "Save a copy for the practice (personal details removed)…",
        "Merge a volunteer's file…",
        "Back up now",
        "Restore from a backup…",
    ]


def test_volunteer_can_only_hand_entries_to_the_chair(
    qtbot: QtBot, db: sqlite_utils.Database, db_path: Path
) -> None:
    volunteer = UserStore(db).create("Val", "volunteer")
    assert _labels(AppContext(db, db_path, volunteer), qtbot) == ["Save new entries for the chair…"]


def _seed(db: sqlite_utils.Database) -> None:
    practice = PracticeStore(db).create("Elm Surgery").id
    FeedbackStore(db).create(
        practice_id=practice,
        received_on=dt.date.today(),
        channel="phone",
        kind="complaint",
        text="Ring me on 07700 900123 about the queue",
    )


def test_export_feedback_is_redacted_and_audited(
    qtbot: QtBot, db: sqlite_utils.Database, db_path: Path, tmp_path: Path
) -> None:
    _seed(db)
    out = tmp_path / "out.xlsx"
    shown: list[tuple[str, str]] = []
    messages.problem_sink = lambda title, text: shown.append((title, text))
    try:
        export_feedback(AppContext(db, db_path), None, out, full_text=False)
        qtbot.waitUntil(lambda: AuditStore(db).list(action="export") != [], timeout=10_000)
        # let the job's "finished" reach the GUI thread while the sink still answers its message
        assert wait_for_jobs(10_000)
        qtbot.wait(100)
    finally:
        messages.problem_sink = None
    frame = pd.read_excel(out)
    assert len(frame) == 1
    assert "[PHONE]" in frame.iloc[0]["Comment"]
    assert not shown


def test_sound_database_raises_no_alarm(
    qtbot: QtBot, db: sqlite_utils.Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[list[str]] = []
    monkeypatch.setattr(
        startup_checks,
        "offer_restore_after_damage",
        lambda ctx, parent, problems: offered.append(problems) or False,
    )
    window = QMainWindow()
    qtbot.addWidget(window)
    startup_checks.check_in_background(AppContext(db, db_path), window)
    from ppg_desktop.ui.operations import wait_for_jobs

    assert wait_for_jobs(10_000)
    qtbot.wait(50)
    assert offered == []


def test_damage_found_in_the_background_is_offered_a_restore(
    qtbot: QtBot, db: sqlite_utils.Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[list[str]] = []
    monkeypatch.setattr(startup_checks, "quick_check", lambda database: ["page 7: bad"])
    monkeypatch.setattr(
        startup_checks,
        "offer_restore_after_damage",
        lambda ctx, parent, problems: offered.append(problems) or False,
    )
    window = QMainWindow()
    qtbot.addWidget(window)
    startup_checks.check_in_background(AppContext(db, db_path), window)
    qtbot.waitUntil(lambda: offered == [["page 7: bad"]], timeout=10_000)


def test_damage_with_no_backups_is_explained(db: sqlite_utils.Database, db_path: Path) -> None:
    shown: list[tuple[str, str]] = []
    messages.problem_sink = lambda title, text: shown.append((title, text))
    try:
        assert not startup_checks.offer_restore_after_damage(AppContext(db, db_path), None, ["x"])
    finally:
        messages.problem_sink = None
    assert shown and "No backups were found" in shown[0][1]
