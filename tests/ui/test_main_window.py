"""The main window: the sidebar built from the screen registry, shortcuts, the welcome."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import FeedbackFilter, User
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.settings_store import PPG_NAME
from ppg_desktop.ui import screens
from ppg_desktop.ui.app import needs_welcome
from ppg_desktop.ui.capture_dialog import CaptureDialog
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.main_window import SHORTCUTS, MainWindow
from ppg_desktop.ui.operations import wait_for_jobs
from ppg_desktop.ui.welcome import WelcomeDialog, practice_names


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    PracticeStore(db).create("Riverside Surgery")
    return AppContext(db, db_path)


@pytest.fixture
def window(ctx: AppContext, qtbot: QtBot) -> Iterator[MainWindow]:
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    yield main
    assert wait_for_jobs()


def test_sidebar_lists_every_registered_screen(window: MainWindow, ctx: AppContext) -> None:
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles == [spec.title for spec in screens.visible_screens(ctx)]
    assert {"Dashboard", "Feedback", "Settings"} <= set(titles)
    assert titles[-1] == "Settings"


def test_a_screen_appended_to_the_registry_appears(
    ctx: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QLabel

    extra = screens.ScreenSpec("notes", "Notes", lambda _ctx: QLabel("notes"))
    chair_only = screens.ScreenSpec("audit", "Audit", lambda _ctx: QLabel("a"), "chair")
    monkeypatch.setattr(screens, "SCREENS", [*screens.SCREENS, extra, chair_only])
    volunteer = User(1, "u", "Val", "volunteer", True, False)
    ctx.user = volunteer
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    titles = [main.sidebar.item(row).text() for row in range(main.sidebar.count())]
    assert "Notes" in titles and "Audit" not in titles
    assert isinstance(main.show_screen("notes"), QLabel)


def test_ctrl_n_opens_the_feedback_form_from_any_screen(window: MainWindow, qtbot: QtBot) -> None:
    window.show_screen("settings")
    window.activateWindow()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window._capture, CaptureDialog), timeout=3000)
    assert window._capture is not None and window._capture.isVisible()
    window._capture.close()


def test_ctrl_f_goes_to_the_feedback_search(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    screen = window.current_screen()
    assert screen is window.screen_widget("feedback")
    qtbot.waitUntil(lambda: screen.filters.search.hasFocus(), timeout=3000)  # type: ignore[attr-defined]


def test_help_lists_the_shortcuts() -> None:
    keys = [keys for keys, _what in SHORTCUTS]
    for wanted in ("Ctrl+N", "Ctrl+F", "Ctrl+S", "Ctrl+Z", "F1"):
        assert wanted in keys


def test_dashboard_click_through_opens_the_filtered_list(
    window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    FeedbackStore(ctx.db).create(
        practice_id=1, kind="concern", text="Too cold", channel="email", received_on="2026-01-05"
    )
    FeedbackStore(ctx.db).create(
        practice_id=1, kind="complaint", text="Late", channel="email", received_on="2026-01-05"
    )
    ctx.show_feedback(FeedbackFilter(kinds=["concern"]))
    screen = window.current_screen()
    assert screen is window.screen_widget("feedback")
    qtbot.waitUntil(lambda: not screen.loading, timeout=5000)  # type: ignore[attr-defined]
    assert screen.model.ids == [1]  # type: ignore[attr-defined]
    wait_for_jobs()


def test_window_title_follows_the_ppg_name(window: MainWindow, ctx: AppContext) -> None:
    ctx.settings.set(PPG_NAME, "Riverside PPG")
    ctx.notify("settings")
    assert window.windowTitle().startswith("Riverside PPG")


def test_welcome_sets_up_the_ppg(db: sqlite_utils.Database, db_path: Path, qtbot: QtBot) -> None:
    ctx = AppContext(db, db_path)
    assert needs_welcome(db)
    welcome = WelcomeDialog(ctx)
    qtbot.addWidget(welcome)
    assert not welcome.start()
    assert "at least one practice" in welcome.practice_error.text()
    qtbot.keyClicks(welcome.ppg_name, "Hill PPG")
    welcome.practices.setPlainText("Hill Practice\n\n  Dale   Surgery \nhill practice")
    assert welcome.start()
    assert [p.name for p in PracticeStore(db).list()] == ["Dale Surgery", "Hill Practice"]
    assert ctx.settings.ppg_name() == "Hill PPG"
    assert not needs_welcome(db)


def test_welcome_examples_say_they_are_examples_and_it_grows_with_the_text(
    db: sqlite_utils.Database, db_path: Path, qtbot: QtBot
) -> None:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    ctx = AppContext(db, db_path)
    small = WelcomeDialog(ctx)
    qtbot.addWidget(small)
    assert small.practices.placeholderText().startswith("For example:")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = QFont(app.font())
    large_font = QFont(original)
    large_font.setPointSizeF(original.pointSizeF() * 2)
    app.setFont(large_font)
    try:
        large = WelcomeDialog(ctx)
        qtbot.addWidget(large)
        assert large.width() > small.width()  # not squeezed into the 100% size
    finally:
        app.setFont(original)


def test_practice_names_one_per_line() -> None:
    assert practice_names(" A \n\nB\na\n") == ["A", "B"]


def test_welcome_can_fill_demo_data(db: sqlite_utils.Database, db_path: Path, qtbot: QtBot) -> None:
    import ppg_desktop.ui.welcome as welcome_module

    ctx = AppContext(db, db_path)
    welcome = WelcomeDialog(ctx)
    qtbot.addWidget(welcome)
    original = welcome_module.DEMO_SIZE
    welcome_module.DEMO_SIZE = 120  # keep the test quick; the real size is 3,000
    try:
        with qtbot.waitSignal(welcome.accepted, timeout=60_000):
            welcome.start_demo()
    finally:
        welcome_module.DEMO_SIZE = original
    assert FeedbackStore(db).count() == 120
    assert PracticeStore(db).list()


def test_cancelling_the_demo_leaves_the_welcome_open_and_the_database_empty(
    db: sqlite_utils.Database, db_path: Path, qtbot: QtBot
) -> None:
    ctx = AppContext(db, db_path)
    welcome = WelcomeDialog(ctx)
    qtbot.addWidget(welcome)
    welcome.start_demo()
    assert welcome.demo_job is not None
    welcome.demo_job.cancel()
    assert wait_for_jobs(60_000)
    assert welcome.result() == 0
    assert welcome.start_button.isEnabled()
    assert welcome.practice_error.isHidden()  # a cancel is not an error
    assert FeedbackStore(db).count() == 0
