"""`ppg-desktop --self-test` visits every screen and reports one line per screen."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui import screens
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.messages import show_problem
from ppg_desktop.ui.self_test import check_screens


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    PracticeStore(db).create("Riverside Surgery")
    return AppContext(db, db_path)


def test_every_registered_screen_is_visited(ctx: AppContext, qtbot: object) -> None:
    lines: list[str] = []
    assert check_screens(ctx, lines.append) == []
    assert lines == [f"screen {spec.title} ok" for spec in screens.visible_screens(ctx)]


def test_a_broken_screen_is_reported(
    ctx: AppContext, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_ctx: AppContext) -> QWidget:
        raise RuntimeError("no such table")

    def complaining(_ctx: AppContext) -> QWidget:
        show_problem(None, "Cannot load", "The figures could not be worked out")
        return QLabel("x")

    def blocking(_ctx: AppContext) -> QWidget:
        label = QLabel("y")
        QTimer.singleShot(0, lambda: QMessageBox.warning(label, "Oops", "A modal box"))
        return label

    monkeypatch.setattr(
        screens,
        "SCREENS",
        [
            screens.ScreenSpec("broken", "Broken", broken),
            screens.ScreenSpec("moaning", "Moaning", complaining),
            screens.ScreenSpec("fine", "Fine", lambda _ctx: QLabel("fine")),
            screens.ScreenSpec("blocking", "Blocking", blocking),
        ],
    )
    lines: list[str] = []
    problems = check_screens(ctx, lines.append)
    assert lines[2] == "screen Fine ok"
    assert lines[0].startswith("screen Broken FAILED") and "no such table" in lines[0]
    assert lines[1].startswith("screen Moaning FAILED") and "could not be worked out" in lines[1]
    assert lines[3].startswith("screen Blocking FAILED") and "A modal box" in lines[3]
    assert len(problems) == 3


def test_command_line_self_test_exits_zero(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from ppg_desktop.core.db import open_database

    db_file = tmp_path / "selftest.db"
    open_database(db_file).close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "ppg_desktop.cli", "--db", str(db_file), "--self-test"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "screen Dashboard ok" in result.stdout
    assert "screen Feedback ok" in result.stdout


def test_the_kiosk_joins_the_self_test(
    ctx: AppContext, qtbot: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from ppg_desktop.core.survey_store import SurveyStore
    from ppg_desktop.ui.self_test import check_kiosk

    SurveyStore(ctx.db).create_from_template("fft")
    assert check_kiosk(ctx) == []
    assert "screen Kiosk ok" in capsys.readouterr().out


def test_a_broken_kiosk_is_reported(
    ctx: AppContext,
    qtbot: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ppg_desktop.ui import kiosk
    from ppg_desktop.ui.self_test import check_kiosk

    monkeypatch.setattr(kiosk, "kiosk_self_check", lambda db: ["kiosk PIN page drew nothing"])
    assert check_kiosk(ctx) == ["screen Kiosk FAILED: kiosk PIN page drew nothing"]
    assert "screen Kiosk FAILED" in capsys.readouterr().out
