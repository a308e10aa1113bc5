"""Kiosk: a patient completes a survey by clicks with skip logic; idle reset; PIN-only exit."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import sqlite_utils
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.kiosk import KioskWindow, chair_pin_is_set, verify_chair_pin

PIN = "2468"


@pytest.fixture
def setup(db: sqlite_utils.Database) -> tuple[int, int]:
    """An FFT survey with a follow-up shown only after a poor answer; a chair with a PIN."""
    UserStore(db).create("Pat Chair", "chair", PasswordHasher().hash(PIN))
    practice = PracticeStore(db).create("Riverside Surgery").id
    store = SurveyStore(db)
    survey = store.create_from_template("fft")
    store.add_question(
        survey.id,
        kind="multi",
        text="What went wrong?",
        position=2,
        options=["Waiting time", "Staff attitude", "Getting through"],
        show_if={"question": 1, "in": ["Poor", "Very poor"]},
    )
    return survey.id, practice


def _kiosk(
    qtbot: QtBot, db: sqlite_utils.Database, setup: tuple[int, int], idle_ms: int = 60_000
) -> KioskWindow:
    kiosk = KioskWindow(db, *setup, idle_ms=idle_ms)
    qtbot.addWidget(kiosk)
    kiosk.start()
    return kiosk


def _click_option(qtbot: QtBot, kiosk: KioskWindow, text: str) -> None:
    assert kiosk.input is not None
    (button,) = [b for b in kiosk.input.buttons if b.text() == text]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_poor_answer_shows_the_follow_up_and_is_stored(
    qtbot: QtBot, db: sqlite_utils.Database, setup: tuple[int, int]
) -> None:
    kiosk = _kiosk(qtbot, db, setup)
    assert kiosk.pages.currentWidget() is kiosk.privacy_page
    qtbot.mouseClick(kiosk.start_button, Qt.MouseButton.LeftButton)
    assert kiosk.progress_text.text() == "Question 1 of 2"  # follow-up hidden so far
    qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert "Please answer" in kiosk.error.text()  # FFT is required
    _click_option(qtbot, kiosk, "Poor")
    qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert kiosk.current is not None and kiosk.current.text == "What went wrong?"
    assert kiosk.progress_text.text() == "Question 2 of 3"
    _click_option(qtbot, kiosk, "Waiting time")
    _click_option(qtbot, kiosk, "Getting through")
    qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert kiosk.current is not None and kiosk.current.kind == "text"
    assert kiosk.next_button.text() == "Send my answers"
    assert kiosk.input is not None and kiosk.input.editor is not None
    qtbot.keyClicks(kiosk.input.editor, "Forty minutes on the phone queue")
    with qtbot.waitSignal(kiosk.response_saved) as saved:
        qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentWidget() is kiosk.thanks_page
    response = SurveyStore(db).get_response(saved.args[0])
    assert sorted(response.answers.values()) == [
        "Forty minutes on the phone queue",
        "Poor",
        '["Waiting time", "Getting through"]',
    ]
    assert response.mode == "kiosk"
    (feedback_id,) = response.feedback_ids
    assert FeedbackStore(db).get(feedback_id).kind == "complaint"
    qtbot.mouseClick(kiosk.finish_button, Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentWidget() is kiosk.privacy_page


def test_good_answer_skips_the_follow_up_and_back_keeps_answers(
    qtbot: QtBot, db: sqlite_utils.Database, setup: tuple[int, int]
) -> None:
    kiosk = _kiosk(qtbot, db, setup)
    qtbot.mouseClick(kiosk.start_button, Qt.MouseButton.LeftButton)
    _click_option(qtbot, kiosk, "Very good")
    qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert kiosk.current is not None and kiosk.current.kind == "text"
    assert kiosk.progress_text.text() == "Question 2 of 2"
    qtbot.mouseClick(kiosk.back_button, Qt.MouseButton.LeftButton)
    assert kiosk.current is not None and kiosk.current.kind == "fft"
    assert kiosk.input is not None
    assert [b.text() for b in kiosk.input.buttons if b.isChecked()] == ["Very good"]
    qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.response_saved) as saved:
        qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert list(SurveyStore(db).get_response(saved.args[0]).answers.values()) == ["Very good"]


def test_idle_kiosk_resets_and_discards_the_half_finished_response(
    qtbot: QtBot, db: sqlite_utils.Database, setup: tuple[int, int]
) -> None:
    kiosk = _kiosk(qtbot, db, setup, idle_ms=150)
    qtbot.mouseClick(kiosk.start_button, Qt.MouseButton.LeftButton)
    _click_option(qtbot, kiosk, "Poor")
    qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert kiosk.answers
    qtbot.waitUntil(lambda: kiosk.pages.currentWidget() is kiosk.privacy_page, timeout=3000)
    assert kiosk.answers == {}
    assert SurveyStore(db).list_responses(setup[0]) == []
    qtbot.mouseClick(kiosk.start_button, Qt.MouseButton.LeftButton)
    assert kiosk.input is not None
    assert not any(b.isChecked() for b in kiosk.input.buttons)  # nothing carried over


def test_only_a_chairs_pin_lets_anyone_out(
    qtbot: QtBot, db: sqlite_utils.Database, setup: tuple[int, int]
) -> None:
    kiosk = _kiosk(qtbot, db, setup)
    assert kiosk.close() is False and kiosk.isVisible()  # Alt+F4 / window close refused
    qtbot.keyClick(kiosk.start_button, Qt.Key.Key_Escape)
    qtbot.keyClick(kiosk.start_button, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert kiosk.isVisible()
    qtbot.mouseClick(kiosk.staff_button, Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentWidget() is kiosk.pin_page
    qtbot.keyClicks(kiosk.pin_edit, "1111")
    qtbot.mouseClick(kiosk.pin_ok, Qt.MouseButton.LeftButton)
    assert kiosk.isVisible() and "not right" in kiosk.pin_error.text()
    assert kiosk.pin_edit.text() == ""
    qtbot.keyClicks(kiosk.pin_edit, PIN)
    with qtbot.waitSignal(kiosk.exited):
        qtbot.keyClick(kiosk.pin_edit, Qt.Key.Key_Return)
    assert kiosk.unlocked and not kiosk.isVisible()


def test_volunteer_pins_do_not_unlock(db: sqlite_utils.Database) -> None:
    users = UserStore(db)
    assert not chair_pin_is_set(db)
    users.create("Val Volunteer", "volunteer", PasswordHasher().hash("1357"))
    assert not verify_chair_pin(db, "1357") and not chair_pin_is_set(db)
    users.create("Pat Chair", "chair", PasswordHasher().hash(PIN))
    assert verify_chair_pin(db, PIN) and not verify_chair_pin(db, "")


def test_self_check_draws_every_page_and_saves_nothing(
    qtbot: QtBot, db: sqlite_utils.Database, setup: tuple[int, int]
) -> None:
    from ppg_desktop.ui.kiosk import kiosk_self_check

    assert kiosk_self_check(db) == []
    assert SurveyStore(db).list_responses(setup[0]) == []


def test_five_wrong_pins_pause_pin_entry(
    qtbot: QtBot, db: sqlite_utils.Database, setup: tuple[int, int]
) -> None:
    kiosk = KioskWindow(db, *setup, pin_lockout_ms=200)
    qtbot.addWidget(kiosk)
    kiosk.start()
    kiosk.show_pin_page()
    for _ in range(5):
        qtbot.keyClicks(kiosk.pin_edit, "0000")
        qtbot.keyClick(kiosk.pin_edit, Qt.Key.Key_Return)
    assert not kiosk.pin_edit.isEnabled() and "Too many" in kiosk.pin_error.text()
    qtbot.waitUntil(kiosk.pin_edit.isEnabled, timeout=3000)
    qtbot.keyClicks(kiosk.pin_edit, PIN)
    qtbot.keyClick(kiosk.pin_edit, Qt.Key.Key_Return)
    assert kiosk.unlocked


def test_numbers_can_be_entered_with_the_on_screen_keys(
    qtbot: QtBot, db: sqlite_utils.Database
) -> None:
    practice = PracticeStore(db).create("Riverside Surgery").id
    store = SurveyStore(db)
    survey = store.create("Waiting")
    survey = store.add_question(
        survey.id, kind="number", text="Minutes waited?", min_value=0, max_value=240, required=True
    )
    kiosk = KioskWindow(db, survey.id, practice)
    qtbot.addWidget(kiosk)
    kiosk.start()
    qtbot.mouseClick(kiosk.start_button, Qt.MouseButton.LeftButton)
    assert kiosk.input is not None
    for key in ("3", "0", "0", "⌫"):
        qtbot.mouseClick(kiosk.input.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.input.keys["5"], Qt.MouseButton.LeftButton)  # 300 -> 30 -> 305
    qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert "no more than 240" in kiosk.error.text()
    for key in ("⌫", "⌫", "5"):  # 305 -> 3 -> 35
        qtbot.mouseClick(kiosk.input.keys[key], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.response_saved) as saved:
        qtbot.mouseClick(kiosk.next_button, Qt.MouseButton.LeftButton)
    assert list(store.get_response(saved.args[0]).answers.values()) == ["35"]
