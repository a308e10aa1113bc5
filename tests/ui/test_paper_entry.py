"""Paper entry: ten forms keyed with the keyboard alone, required checks, skip logic, undo."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_results import phone_ease_summary
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.paper_entry import PaperEntryScreen, interpret_keys


@pytest.fixture
def screen(qtbot: QtBot, db: sqlite_utils.Database, db_path: Path) -> PaperEntryScreen:
    PracticeStore(db).create("Riverside Surgery")
    survey = SurveyStore(db).create_from_template("contacting")
    widget = PaperEntryScreen(AppContext(db, db_path), survey.id)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.focus_first()
    return widget


def _type(qtbot: QtBot, keys: str) -> None:
    """Type into whatever has the keyboard focus, then press Enter."""
    focused = QApplication.focusWidget()
    assert isinstance(focused, QWidget)
    if keys:
        qtbot.keyClicks(focused, keys)
    qtbot.keyClick(focused, Qt.Key.Key_Return)


def test_ten_forms_by_keyboard_alone(
    qtbot: QtBot, screen: PaperEntryScreen, db: sqlite_utils.Database
) -> None:
    # phone_ease number, last_phoned number (skipped when 6 = "I haven't tried"), experience
    forms = [
        ("1", "1", "1"),
        ("2", "2", "2"),
        ("6", None, ""),
        ("4", "3", "4"),
        ("5", "4", "5"),
        ("1", "", "1"),
        ("6", None, "3"),
        ("2", "1", "2"),
        ("3", "5", ""),
        ("2", "2", "1"),
    ]
    for ease, last, overall in forms:
        _type(qtbot, ease)
        if last is not None:
            _type(qtbot, last)
        _type(qtbot, overall)
    assert len(screen.saved_ids) == 10
    assert "this session: 10" in screen.count_label.text()
    assert screen.recent.count() == 6
    responses = SurveyStore(db).list_responses(screen.survey.id)
    assert len(responses) == 10
    ease_id, last_id, _ = (q.id for q in screen.survey.questions)
    skipped = [r for r in responses if r.answers[ease_id] == "I haven't tried"]
    assert len(skipped) == 2 and all(last_id not in r.answers for r in skipped)
    summary = phone_ease_summary(db, None, None)
    # 8 counted (the two 6s are "I haven't tried"): 1,2,4,5,1,2,3,2 -> easy 5 of 8 = 62.5%
    assert summary.answered == 8 and summary.percent_easy == pytest.approx(62.5)


def test_required_answer_and_bad_number_are_caught(qtbot: QtBot, screen: PaperEntryScreen) -> None:
    first_field = screen.fields[0][1]
    _type(qtbot, "")
    assert "needs an answer" in screen.error.text()
    assert QApplication.focusWidget() is first_field
    _type(qtbot, "9")
    assert "from 1 to 6" in screen.error.text()
    assert screen.saved_ids == []


def test_undo_takes_back_the_last_form(
    qtbot: QtBot, screen: PaperEntryScreen, db: sqlite_utils.Database
) -> None:
    for keys in ("1", "1", "1", "2", "2", "2"):
        _type(qtbot, keys)
    assert len(screen.saved_ids) == 2
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(screen.saved_ids) == 1
    assert len(SurveyStore(db).list_responses(screen.survey.id)) == 1
    assert screen.recent.count() == 1 and "this session: 1" in screen.count_label.text()


def test_interpret_keys_for_each_kind(db: sqlite_utils.Database) -> None:
    store = SurveyStore(db)
    survey = store.create("Keys")
    survey = store.add_question(survey.id, kind="multi", text="Which?", options=["A", "B", "C"])
    survey = store.add_question(survey.id, kind="scale10", text="Score?")
    survey = store.add_question(survey.id, kind="yes_no", text="Again?")
    multi, scale, yes_no = survey.questions
    assert interpret_keys(multi, "13") == ["A", "C"]
    assert interpret_keys(multi, "1, 2") == ["A", "B"]
    assert interpret_keys(scale, "10") == "10"
    assert interpret_keys(yes_no, "2") == "No"
    assert interpret_keys(yes_no, " ") is None
    with pytest.raises(ValidationError):
        interpret_keys(yes_no, "3")
