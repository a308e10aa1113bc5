"""The app locks after a short (injected) idle time and on demand, hides every patient detail,
and unlocks only with the right PIN of the person signed in or a chair."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView, QWidget
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core import auth
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui.capture_dialog import CaptureDialog
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.main_window import MainWindow
from ppg_desktop.ui.operations import wait_for_jobs

SECRET = "Mrs Patel waited 3 hours for her appointment"


@pytest.fixture
def window(db: sqlite_utils.Database, db_path: Path, qtbot: QtBot) -> MainWindow:
    practice = PracticeStore(db).create("Riverside Surgery")
    FeedbackStore(db).create(
        practice_id=practice.id,
        received_on="2026-11-02",
        kind="complaint",
        channel="phone",
        text=SECRET,
    )
    chair = auth.create_user(db, "Ann Chair", "chair", "4826", "setup")
    auth.create_user(db, "Vic Volunteer", "volunteer", "7391", "setup")
    ctx = AppContext(db, db_path, user=chair)
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.resize(1100, 700)
    main.show()
    main.show_screen("feedback")
    wait_for_jobs()
    return main


def _visible_text(root: QWidget) -> str:
    """Every piece of text a person could read in the window: labels and table cells."""
    parts = [label.text() for label in root.findChildren(QLabel) if label.isVisible()]
    for table in root.findChildren(QTableView):
        model = table.model()
        if table.isVisible() and model is not None:
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    parts.append(str(model.index(row, column).data() or ""))
    return "\n".join(parts)


def test_feedback_is_visible_before_locking(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: "Mrs Patel" in _visible_text(window))


def test_locks_after_idle_and_hides_patient_data(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: "Mrs Patel" in _visible_text(window))
    window.lock_guard.set_idle_ms(150)
    qtbot.waitUntil(lambda: window.lock_guard.is_locked, timeout=3000)
    assert window.centralWidget() is window.lock_guard.page
    assert "Mrs Patel" not in _visible_text(window)
    assert not window.sidebar.isVisible()
    assert not window.menuBar().isVisible()
    # shortcuts such as Ctrl+N are switched off while locked
    assert not any(action.isEnabled() for action in window.actions())
    actions = [e.action for e in AuditStore(window.ctx.db).list(actor="Ann Chair")]
    assert "sign_out" in actions


def test_input_restarts_the_idle_timer(window: MainWindow, qtbot: QtBot) -> None:
    window.lock_guard.set_idle_ms(500)
    for _ in range(8):
        qtbot.wait(150)
        qtbot.keyClick(window.statusBar(), Qt.Key.Key_Shift)
    assert not window.lock_guard.is_locked  # 1.2 s of typing without a 0.5 s pause
    qtbot.waitUntil(lambda: window.lock_guard.is_locked, timeout=3000)


def test_wrong_pin_is_refused_and_right_pin_unlocks(window: MainWindow, qtbot: QtBot) -> None:
    window.lock_guard.lock(reason="on demand")
    page = window.lock_guard.page
    assert page.who.currentText() == "Ann Chair"
    qtbot.keyClicks(page.pin, "1111")
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert window.lock_guard.is_locked
    assert page.error.isVisible() and "do not match" in page.error.text()
    assert page.pin.text() == ""
    qtbot.keyClicks(page.pin, "4826")
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert not window.lock_guard.is_locked
    assert window.sidebar.isVisible() and window.menuBar().isVisible()
    qtbot.waitUntil(lambda: "Mrs Patel" in _visible_text(window))
    assert any(action.isEnabled() for action in window.actions())
    window.lock_guard.lock()  # and again: a fresh page, no old PIN or message left on it
    assert window.centralWidget() is window.lock_guard.page
    assert page.pin.text() == "" and not page.error.isVisible()
    assert "Mrs Patel" not in _visible_text(window)


def test_volunteer_session_can_be_unlocked_by_a_chair_not_another_volunteer(
    db: sqlite_utils.Database, db_path: Path, qtbot: QtBot
) -> None:
    PracticeStore(db).create("Riverside Surgery")
    auth.create_user(db, "Ann Chair", "chair", "4826", "setup")
    vic = auth.create_user(db, "Vic Volunteer", "volunteer", "7391", "setup")
    auth.create_user(db, "Val Other", "volunteer", "5172", "setup")
    main = MainWindow(AppContext(db, db_path, user=vic))
    qtbot.addWidget(main)
    main.show()
    main.lock_guard.lock()
    page = main.lock_guard.page
    names = [page.who.itemText(i) for i in range(page.who.count())]
    assert names == ["Vic Volunteer", "Ann Chair"]
    assert not main.lock_guard.try_unlock("Val Other", "5172")
    assert main.lock_guard.try_unlock("Ann Chair", "4826")
    assert main.ctx.user == vic  # the session stays the volunteer's


def test_ctrl_l_locks_and_open_dialogs_are_hidden(window: MainWindow, qtbot: QtBot) -> None:
    form = window.open_capture()
    assert isinstance(form, CaptureDialog)
    qtbot.waitUntil(form.isVisible)
    form.text.setPlainText(SECRET)
    # Ctrl+L while typing in the feedback form (another window) still locks the whole app
    qtbot.keyClick(form.text, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.lock_guard.is_locked
    assert not form.isVisible()
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets() if w is not window)
    assert window.lock_guard.try_unlock("Ann Chair", "4826")
    qtbot.waitUntil(form.isVisible)
    assert form.text.toPlainText() == SECRET  # nothing typed is lost
    form._closing_confirmed = True
    form.close()


def test_without_any_pin_the_lock_still_hides_data(
    db: sqlite_utils.Database, db_path: Path, qtbot: QtBot
) -> None:
    PracticeStore(db).create("Riverside Surgery")
    main = MainWindow(AppContext(db, db_path))  # single-user: nobody has a PIN yet
    qtbot.addWidget(main)
    main.show()
    main.lock_guard.lock()
    page = main.lock_guard.page
    assert main.centralWidget() is page and not main.sidebar.isVisible()
    assert not page.pin.isVisible()
    assert "No PIN has been set" in page.explanation.text()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert not main.lock_guard.is_locked


def test_a_paused_guard_waits_until_resumed(window: MainWindow, qtbot: QtBot) -> None:
    guard = window.lock_guard
    guard.pause()
    guard.set_idle_ms(100)
    qtbot.wait(400)
    guard.lock()
    assert not guard.is_locked
    guard.resume()
    qtbot.waitUntil(lambda: guard.is_locked, timeout=3000)


def test_the_survey_kiosk_is_not_locked_or_hidden(window: MainWindow, qtbot: QtBot) -> None:
    from ppg_desktop.core.survey_store import SurveyStore
    from ppg_desktop.ui.kiosk import KioskWindow

    survey = SurveyStore(window.ctx.db).create_from_template("fft")
    practice = PracticeStore(window.ctx.db).list()[0]
    kiosk = KioskWindow(window.ctx.db, survey.id, practice.id)
    kiosk.start()
    try:
        window.lock_guard.set_idle_ms(100)
        qtbot.wait(400)
        assert not window.lock_guard.is_locked  # patients keep using the kiosk
        window.lock_guard.lock(reason="on demand")
        assert window.lock_guard.is_locked and kiosk.isVisible()
    finally:
        kiosk._unlocked = True  # as if the chair's PIN had been given
        kiosk.close()
