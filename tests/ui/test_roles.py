"""Roles in the desktop app: a volunteer cannot reach Reports, exports, Settings, Audit or
Privacy, and sees only the feedback they entered today; a chair sees everything; signing in
checks the PIN."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core import auth
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import User
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.main_window import MainWindow
from ppg_desktop.ui.screens import SCREENS
from ppg_desktop.ui.sign_in import SetPinDialog, SignInDialog, start_session
from ppg_desktop.ui.today_screen import TodayScreen

CHAIR_ONLY = {"reports", "settings", "audit", "privacy"}


@pytest.fixture
def people(db: sqlite_utils.Database) -> dict[str, User]:
    PracticeStore(db).create("Riverside Surgery")
    return {
        "chair": auth.create_user(db, "Ann Chair", "chair", "4826", "setup"),
        "vic": auth.create_user(db, "Vic Volunteer", "volunteer", "7391", "setup"),
        "val": auth.create_user(db, "Val Other", "volunteer", "5172", "setup"),
    }


def _window(db: sqlite_utils.Database, db_path: Path, user: User, qtbot: QtBot) -> MainWindow:
    window = MainWindow(AppContext(db, db_path, user=user))
    qtbot.addWidget(window)
    window.show()
    return window


def _menu_texts(window: MainWindow) -> list[str]:
    texts = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if isinstance(menu, QMenu):
            texts += [a.text().replace("&", "") for a in menu.actions() if a.isVisible()]
    return texts


def test_volunteer_cannot_reach_chair_screens(
    db: sqlite_utils.Database, db_path: Path, people: dict[str, User], qtbot: QtBot
) -> None:
    window = _window(db, db_path, people["vic"], qtbot)
    keys = {spec.key for spec in window.specs}
    assert not keys & CHAIR_ONLY
    assert {"feedback", "dashboard"}.isdisjoint(keys)  # all patients' comments
    assert "today" in keys
    sidebar = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    for title in ("Reports", "Settings", "Audit log", "Privacy and security", "Feedback"):
        assert title not in sidebar
    for key in CHAIR_ONLY:
        with pytest.raises(StopIteration):
            window.show_screen(key)
    menus = " | ".join(_menu_texts(window)).lower()
    for word in ("report", "export", "settings", "audit", "privacy", "backup"):
        assert word not in menus, f"{word!r} is in a volunteer's menus: {menus}"
    # Ctrl+1..9 only reach the volunteer's own screens
    for index in range(1, 10):
        qtbot.keyClick(
            window.sidebar, Qt.Key(Qt.Key.Key_0 + index), Qt.KeyboardModifier.ControlModifier
        )
        row = window.sidebar.currentRow()
        assert window.specs[row].key not in CHAIR_ONLY


def test_volunteer_permissions_come_from_the_role(
    db: sqlite_utils.Database, db_path: Path, people: dict[str, User]
) -> None:
    volunteer = AppContext(db, db_path, user=people["vic"])
    for permission in ("reports", "export", "settings", "audit", "purge", "encryption", "chair"):
        assert not volunteer.can(permission)
    assert volunteer.can("enter_feedback") and volunteer.can("view_own_feedback")
    chair = AppContext(db, db_path, user=people["chair"])
    assert all(chair.can(spec.permission) for spec in SCREENS)


def test_chair_sees_every_screen(
    db: sqlite_utils.Database, db_path: Path, people: dict[str, User], qtbot: QtBot
) -> None:
    window = _window(db, db_path, people["chair"], qtbot)
    assert {spec.key for spec in window.specs} == {spec.key for spec in SCREENS}


def test_volunteer_sees_only_what_they_entered_today(
    db: sqlite_utils.Database,
    db_path: Path,
    people: dict[str, User],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    practice = PracticeStore(db).list()[0]
    store = FeedbackStore(db)

    def add(text: str, who: User) -> int:
        item = store.create(
            practice_id=practice.id,
            received_on=dt.date.today().isoformat(),
            kind="complaint",
            channel="phone",
            text=text,
            entered_by=who.id,
        )
        return item.id

    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1, hours=1)).isoformat()
    with monkeypatch.context() as patch:
        patch.setattr("ppg_desktop.core.feedback_store.now_iso", lambda: yesterday)
        add("Entered by Vic yesterday", people["vic"])
    mine = add("Entered by Vic today", people["vic"])
    add("Entered by Val today", people["val"])
    add("Entered by the chair today", people["chair"])

    window = _window(db, db_path, people["vic"], qtbot)
    screen = window.show_screen("today")
    assert isinstance(screen, TodayScreen)
    assert screen.model.ids == [mine]
    assert screen.count_label.text() == "1 item"


def test_sign_in_refuses_a_wrong_pin_and_accepts_the_right_one(
    db: sqlite_utils.Database, db_path: Path, people: dict[str, User], qtbot: QtBot
) -> None:
    ctx = AppContext(db, db_path)
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.who.setCurrentText("Vic Volunteer")
    qtbot.keyClicks(dialog.pin, "0000")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert dialog.user is None and dialog.isVisible()
    assert "do not match" in dialog.error.text()
    qtbot.keyClicks(dialog.pin, "7391")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert dialog.user == people["vic"]
    actions = [e.action for e in AuditStore(db).list(actor="Vic Volunteer")]
    assert actions[:2] == ["sign_in", "sign_in_failed"]


def test_start_session_signs_in_when_pins_exist(
    db: sqlite_utils.Database,
    db_path: Path,
    people: dict[str, User],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def sign_in_as_vic(dialog: SignInDialog) -> int:
        dialog.who.setCurrentText("Vic Volunteer")
        dialog.pin.setText("7391")
        return int(dialog.try_sign_in())

    monkeypatch.setattr(SignInDialog, "exec", sign_in_as_vic)
    ctx = AppContext(db, db_path)
    assert start_session(ctx)
    assert ctx.user == people["vic"]
    assert not ctx.can("settings")


def test_start_session_quits_when_sign_in_is_cancelled(
    db: sqlite_utils.Database,
    db_path: Path,
    people: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SignInDialog, "exec", lambda dialog: 0)
    ctx = AppContext(db, db_path)
    assert not start_session(ctx)
    assert ctx.user is None


def test_before_any_pin_start_up_offers_a_chair_pin_and_can_be_put_off(
    db: sqlite_utils.Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[str] = []

    def not_now(dialog: SetPinDialog) -> int:
        offered.append(dialog.windowTitle())
        return 0

    monkeypatch.setattr(SetPinDialog, "exec", not_now)
    ctx = AppContext(db, db_path)
    assert start_session(ctx)  # the app opens, single-user, as before
    assert offered == ["Set a chair PIN"]
    assert ctx.user is None and ctx.can("settings")
