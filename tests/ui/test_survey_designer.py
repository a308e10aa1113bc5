"""Survey designer: add questions of each type, skip logic, reorder, remove, versioning."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.survey_templates import QUESTION_KINDS
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.survey_designer import SurveyDesigner


@pytest.fixture
def designer(qtbot: QtBot, db: sqlite_utils.Database, db_path: Path) -> SurveyDesigner:
    survey = SurveyStore(db).create("Waiting room")
    widget = SurveyDesigner(AppContext(db, db_path), survey.id)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def _add(qtbot: QtBot, designer: SurveyDesigner, kind: str) -> None:
    designer.new_kind.setCurrentIndex(QUESTION_KINDS.index(kind))
    qtbot.mouseClick(designer.add_button, Qt.MouseButton.LeftButton)


def test_add_every_kind(qtbot: QtBot, designer: SurveyDesigner) -> None:
    for kind in QUESTION_KINDS:
        _add(qtbot, designer, kind)
    assert [q.kind for q in designer.survey.questions] == list(QUESTION_KINDS)
    assert designer.model.rowCount() == len(QUESTION_KINDS)
    assert designer.selected() == designer.survey.questions[-1]


def test_edit_question_with_options_required_and_skip_logic(
    qtbot: QtBot, designer: SurveyDesigner
) -> None:
    _add(qtbot, designer, "single")
    designer.text_edit.setText("How long did you wait?")
    designer.options_edit.setPlainText("Under 10 minutes\n10 to 30 minutes\nOver 30 minutes")
    designer.required_box.setChecked(True)
    qtbot.mouseClick(designer.save_button, Qt.MouseButton.LeftButton)
    first = designer.survey.questions[0]
    assert first.text == "How long did you wait?" and first.required
    assert first.options == ("Under 10 minutes", "10 to 30 minutes", "Over 30 minutes")

    _add(qtbot, designer, "text")
    designer.text_edit.setText("What would make waiting better?")
    designer.help_edit.setText("No names, please.")
    designer.condition_question.setCurrentIndex(1)  # Q1
    assert designer.condition_answers.count() == 3
    designer.condition_answers.item(2).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(designer.save_button, Qt.MouseButton.LeftButton)
    second = designer.survey.questions[1]
    assert second.show_if == {"question": first.uuid, "in": ["Over 30 minutes"]}
    assert "Only if the answer to Q1 is “Over 30 minutes”" in designer.model.data(
        designer.model.index(1, 0)
    )

    designer.list.setCurrentIndex(designer.model.index(0, 0))
    qtbot.mouseClick(designer.remove_button, Qt.MouseButton.LeftButton)
    assert "Change its 'Show only if' first" in designer.error.text()
    assert len(designer.survey.questions) == 2
    designer.list.setCurrentIndex(designer.model.index(1, 0))
    qtbot.mouseClick(designer.up_button, Qt.MouseButton.LeftButton)
    assert "Show only if" in designer.error.text()
    assert designer.survey.questions[1].id == second.id


def test_problems_are_shown_with_the_field(qtbot: QtBot, designer: SurveyDesigner) -> None:
    _add(qtbot, designer, "multi")
    designer.options_edit.setPlainText("Only one")
    qtbot.mouseClick(designer.save_button, Qt.MouseButton.LeftButton)
    assert designer.error.text().startswith("⚠ Answer options:")


def test_reorder_and_remove(qtbot: QtBot, designer: SurveyDesigner) -> None:
    for kind in ("yes_no", "scale5", "date"):
        _add(qtbot, designer, kind)
    qtbot.mouseClick(designer.up_button, Qt.MouseButton.LeftButton)  # date moves to Q2
    assert [q.kind for q in designer.survey.questions] == ["yes_no", "date", "scale5"]
    assert designer.selected() == designer.survey.questions[1]
    qtbot.mouseClick(designer.remove_button, Qt.MouseButton.LeftButton)
    assert [q.kind for q in designer.survey.questions] == ["yes_no", "scale5"]


def test_editing_after_responses_makes_a_new_version(
    qtbot: QtBot, designer: SurveyDesigner, db: sqlite_utils.Database
) -> None:
    _add(qtbot, designer, "yes_no")
    old = designer.survey
    practice = PracticeStore(db).create("Riverside Surgery").id
    SurveyStore(db).add_response(
        old.id, {old.questions[0].id: "Yes"}, practice_id=practice, collected_on=dt.date(2026, 1, 5)
    )
    designer.survey = SurveyStore(db).get(old.id)
    designer.text_edit.setText("Would you recommend us?")
    with qtbot.waitSignal(designer.survey_changed) as changed:
        qtbot.mouseClick(designer.save_button, Qt.MouseButton.LeftButton)
    assert changed.args[0] != old.id and designer.survey.version == 2
    assert "Saved as version 2" in designer.version_note.text()
    assert SurveyStore(db).get(old.id).questions[0].text == old.questions[0].text
