"""Settings: PPG name, practices, volunteers, text size and contrast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.settings_screen import SettingsScreen
from ppg_desktop.ui.style import BASE_POINT_SIZE, FONT_SCALE_KEY, apply_style


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    PracticeStore(db).create("Riverside Surgery")
    return AppContext(db, db_path)


@pytest.fixture
def settings(ctx: AppContext, qtbot: QtBot) -> Iterator[SettingsScreen]:
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    yield screen
    ctx.settings.set(FONT_SCALE_KEY, 100)
    ctx.settings.set("ui_high_contrast", False)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app, ctx.settings)


def test_ppg_name_is_saved(settings: SettingsScreen, ctx: AppContext, qtbot: QtBot) -> None:
    topics: list[str] = []
    ctx.data_changed.connect(topics.append)
    settings.ppg_name.clear()
    qtbot.keyClicks(settings.ppg_name, "  Riverside   PPG ")
    settings.save_ppg_name()
    assert ctx.settings.ppg_name() == "Riverside PPG"
    assert topics == ["settings"]


def test_add_rename_and_close_a_practice(
    settings: SettingsScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    qtbot.keyClicks(settings.practice_name, "Hill Practice")
    settings.add_practice()
    assert [p.name for p in PracticeStore(ctx.db).list()] == ["Hill Practice", "Riverside Surgery"]
    settings.practices.setCurrentRow(0)
    settings.practice_name.setText("Hill Top Practice")
    settings.rename_practice()
    settings.toggle_practice()
    practice = PracticeStore(ctx.db).find_by_name("Hill Top Practice")
    assert practice is not None and not practice.active
    assert any(
        "(closed)" in settings.practices.item(r).text() for r in range(settings.practices.count())
    )


def test_duplicate_practice_is_explained_beside_the_list(settings: SettingsScreen) -> None:
    settings.practice_name.setText("riverside surgery")
    settings.add_practice()
    assert "already a practice" in settings.practice_error.text()
    assert not settings.practice_error.isHidden()


def test_add_a_volunteer_and_mark_them_as_left(
    settings: SettingsScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    qtbot.keyClicks(settings.user_name, "Val Jones")
    settings.add_user()
    user = UserStore(ctx.db).find_by_name("Val Jones")
    assert user is not None and user.role == "volunteer" and user.active
    settings.users.setCurrentRow(0)
    settings.toggle_user()
    assert not UserStore(ctx.db).get(user.id).active


def test_text_size_scales_the_whole_app(settings: SettingsScreen, ctx: AppContext) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings.font_size.setCurrentIndex(settings.font_size.findData(150))
    assert ctx.settings.get(FONT_SCALE_KEY) == 150
    assert app.font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 1.5)
    assert f"{BASE_POINT_SIZE * 1.5:.1f}pt" in app.styleSheet()


def test_high_contrast_changes_the_palette(settings: SettingsScreen) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings.contrast.setChecked(True)
    assert app.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    assert app.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"


def test_database_location_is_shown(settings: SettingsScreen, ctx: AppContext) -> None:
    assert str(ctx.db_path) in settings.database_label.text()


def test_join_text_is_saved_for_the_poster(settings: SettingsScreen, ctx: AppContext) -> None:
    from ppg_desktop.core.poster import JOIN_TEXT_KEY

    settings.join_text.setPlainText("Ask at reception, or email ppg@example.org")
    settings.save_ppg_name()
    assert ctx.settings.get(JOIN_TEXT_KEY) == "Ask at reception, or email ppg@example.org"


def test_backup_settings(
    settings: SettingsScreen,
    ctx: AppContext,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ppg_desktop.core.backup import BACKUP_DIR_KEY, backups_to_keep, list_backups
    from ppg_desktop.ui import backup_dialogs
    from ppg_desktop.ui.operations import wait_for_jobs

    folder = tmp_path / "usb"
    folder.mkdir()
    monkeypatch.setattr(
        backup_dialogs.QFileDialog, "getExistingDirectory", lambda *args: str(folder)
    )
    monkeypatch.setattr(backup_dialogs, "tell", lambda *args: None)
    settings.change_backup_folder()
    assert ctx.settings.get(BACKUP_DIR_KEY) == str(folder)
    assert str(folder) in settings.backup_label.text()
    settings.backups_keep.setValue(3)
    assert backups_to_keep(ctx.db) == 3
    settings.back_up_now()
    assert wait_for_jobs(10_000)
    qtbot.waitUntil(lambda: "1 backup there" in settings.backup_label.text(), timeout=5000)
    assert len(list_backups(folder)) == 1


def test_tick_boxes_grow_with_the_text_size() -> None:
    from ppg_desktop.ui.style import style_sheet

    assert "width: 16px; height: 16px" in style_sheet(100, False)
    assert "width: 24px; height: 24px" in style_sheet(150, True)


def test_high_contrast_buttons_have_a_visible_edge() -> None:
    from ppg_desktop.ui.style import style_sheet

    assert "QPushButton { border: 2px solid #ffffff" in style_sheet(100, True)
    assert "QPushButton { border:" not in style_sheet(100, False)


def test_menu_buttons_leave_room_for_their_arrow() -> None:
    from ppg_desktop.ui.style import style_sheet

    assert 'QPushButton[role="menu-button"] { padding-right: 30px; }' in style_sheet(100, False)
    assert 'QPushButton[role="menu-button"] { padding-right: 38px; }' in style_sheet(150, True)
