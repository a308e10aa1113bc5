"""The guard against PySide6 taking references away from None (see ppg_desktop.ui.qt_fixes)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ppg_desktop.ui import qt_fixes


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_many_void_qt_calls_cannot_free_none(qtbot: QtBot) -> None:
    qt_fixes.protect_none()
    button = QPushButton("x")
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(50_000):  # more than None's normal count on a fresh interpreter
        button.update()
    assert sys.getrefcount(None) > 1 << 40
    assert before > 1 << 40
