"""The capture form warns when a comment seems to hold personal details and removes them in
place, as one step that Ctrl+Z undoes; ordinary comments and the practice's name are left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui.capture_dialog import CaptureDialog
from ppg_desktop.ui.context import AppContext

WITH_DETAILS = "Please call Mrs Jones on 07700 900123 about Riverside Surgery's reply"
CLEAN = "Waited 45 minutes at 8am; reception at Riverside Surgery was kind. May improve."


def _quiet_close(dialog: CaptureDialog) -> None:
    """Teardown closes the form without the "Discard?" question blocking the run."""
    dialog._closing_confirmed = True
    dialog.close()


@pytest.fixture
def form(db: sqlite_utils.Database, db_path: Path, qtbot: QtBot) -> CaptureDialog:
    PracticeStore(db).create("Riverside Surgery")
    dialog = CaptureDialog(AppContext(db, db_path))
    qtbot.addWidget(dialog, before_close_func=_quiet_close)
    dialog.show()
    return dialog


def _type(qtbot: QtBot, form: CaptureDialog, text: str) -> None:
    form.text.setFocus()
    qtbot.keyClicks(form.text, text)


def test_warning_appears_while_typing_details(form: CaptureDialog, qtbot: QtBot) -> None:
    warning = form.details_warning
    assert not warning.isVisible()
    _type(qtbot, form, WITH_DETAILS)
    qtbot.waitUntil(warning.isVisible, timeout=3000)
    message = warning.message.text()
    assert "phone number" in message and "name" in message
    assert warning.remove_button.isVisible()


def test_clean_comment_gives_no_warning(form: CaptureDialog, qtbot: QtBot) -> None:
    _type(qtbot, form, CLEAN)
    qtbot.wait(form.details_warning.timer.interval() + 200)
    assert not form.details_warning.timer.isActive()
    assert not form.details_warning.isVisible()


def test_remove_replaces_in_place_and_ctrl_z_undoes(form: CaptureDialog, qtbot: QtBot) -> None:
    _type(qtbot, form, WITH_DETAILS)
    qtbot.waitUntil(form.details_warning.isVisible, timeout=3000)
    qtbot.mouseClick(form.details_warning.remove_button, Qt.MouseButton.LeftButton)
    text = form.text.toPlainText()
    assert "07700" not in text and "Jones" not in text
    assert "[PHONE]" in text and "[NAME]" in text
    assert "Riverside Surgery" in text  # the practice's own name is kept
    assert text.startswith("Please call ") and text.endswith("'s reply")
    assert not form.details_warning.isVisible()
    form.text.setFocus()
    qtbot.keyClick(form.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert form.text.toPlainText() == WITH_DETAILS  # one undo step brings it all back
    qtbot.waitUntil(form.details_warning.isVisible, timeout=3000)


def test_saved_comment_is_the_redacted_one(form: CaptureDialog, qtbot: QtBot) -> None:
    _type(qtbot, form, WITH_DETAILS)
    form.details_warning.check()
    form.details_warning.remove_details()
    form.kind.setCurrentIndex(0)
    assert form.save(add_another=True)
    assert form.last_saved is not None
    assert "07700" not in form.last_saved.text and "[PHONE]" in form.last_saved.text


@pytest.mark.parametrize("scale", [100, 150])
def test_the_warning_box_has_no_gap_above_its_message(
    form: CaptureDialog, qtbot: QtBot, scale: int
) -> None:
    from ppg_desktop.ui.style import BASE_POINT_SIZE

    size = round(BASE_POINT_SIZE * scale / 100, 1)  # the app's text size, as its style sets it
    form.setStyleSheet(f"* {{ font-size: {size}pt; }}")
    form.resize(1000, 640)
    _type(qtbot, form, WITH_DETAILS)
    warning = form.details_warning
    qtbot.waitUntil(warning.isVisible, timeout=3000)
    message = warning.message
    # The message is exactly as tall as its wrapped lines: no spare room for it to sit in the
    # middle of, and the box holds just the message, the button and its margins.
    qtbot.waitUntil(lambda: message.height() == message.heightForWidth(message.width()))
    assert message.y() == warning.contentsRect().top() + warning.layout().contentsMargins().top()
    assert warning.height() == warning.heightForWidth(warning.width())
