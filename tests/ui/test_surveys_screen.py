"""Surveys screen and results screen: create from a template, open each part, see the figures."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.paper_entry import PaperEntryScreen
from ppg_desktop.ui.survey_designer import SurveyDesigner
from ppg_desktop.ui.survey_results_screen import AnswerBars, SurveyResultsScreen
from ppg_desktop.ui.surveys_screen import SurveysScreen


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    return AppContext(db, db_path)


def test_new_from_template_then_designer_paper_and_results(
    qtbot: QtBot, ctx: AppContext, db: sqlite_utils.Database
) -> None:
    PracticeStore(db).create("Riverside Surgery")
    screen = SurveysScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert not screen.edit_button.isEnabled()
    screen.template_combo.setCurrentIndex(screen.template_combo.findData("contacting"))
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    assert isinstance(screen.current_detail, SurveyDesigner)
    assert len(screen.current_detail.survey.questions) == 3
    screen.show_list()
    assert screen.model.rowCount() == 1
    assert screen.model.data(screen.model.index(0, 3)) == "Contacting the practice"
    qtbot.mouseClick(screen.paper_button, Qt.MouseButton.LeftButton)
    assert isinstance(screen.current_detail, PaperEntryScreen)
    screen.show_list()
    qtbot.mouseClick(screen.results_button, Qt.MouseButton.LeftButton)
    assert isinstance(screen.current_detail, SurveyResultsScreen)


def test_blank_survey_needs_a_title(qtbot: QtBot, ctx: AppContext) -> None:
    screen = SurveysScreen(ctx)
    qtbot.addWidget(screen)
    screen.template_combo.setCurrentIndex(screen.template_combo.findData(None))
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    assert "Title:" in screen.error.text() and screen.model.rowCount() == 0


def test_results_screen_shows_fft_figures_and_small_count_warning(
    qtbot: QtBot, ctx: AppContext, db: sqlite_utils.Database
) -> None:
    practice = PracticeStore(db).create("Riverside Surgery").id
    store = SurveyStore(db)
    survey = store.create_from_template("fft")
    fft = survey.questions[0].id
    for answer in ("Very good", "Good", "Poor", "Don't know"):
        store.add_response(
            survey.id, {fft: answer}, practice_id=practice, collected_on=dt.date(2026, 1, 10)
        )
    screen = SurveyResultsScreen(ctx, survey.id)
    qtbot.addWidget(screen)
    texts = [label.text() for label in screen.findChildren(QLabel)]
    # 2 of 4 positive (Don't know counts), 1 of 4 negative
    assert "50% (only 4 answers)" in texts and "25% (only 4 answers)" in texts
    assert any("Only 4 people answered" in t for t in texts)
    assert screen.fft_month.rowCount() == 1 and screen.fft_practice.rowCount() == 1
    assert screen.fft_month.data(screen.fft_month.index(0, 0)) == "Jan 2026"
    assert screen.fft_month.data(screen.fft_month.index(0, 2)) == "50%"
    assert [r.answered for r in screen.results] == [4, 0]
    store.add_response(
        survey.id, {fft: "Very poor"}, practice_id=practice, collected_on=dt.date(2026, 2, 1)
    )
    ctx.notify("surveys")
    assert screen.fft.responses == 5 and screen.fft_month.rowCount() == 2


def test_answer_bars_follow_the_high_contrast_palette(
    qtbot: QtBot, ctx: AppContext, db: sqlite_utils.Database
) -> None:
    practice = PracticeStore(db).create("Riverside Surgery").id
    store = SurveyStore(db)
    survey = store.create_from_template("fft")
    for answer in ("Very good", "Good", "Poor"):
        store.add_response(
            survey.id,
            {survey.questions[0].id: answer},
            practice_id=practice,
            collected_on=dt.date(2026, 1, 10),
        )
    screen = SurveyResultsScreen(ctx, survey.id)
    qtbot.addWidget(screen)
    bars = screen.findChildren(AnswerBars)[0]
    bars.resize(600, bars.minimumHeight())

    def bar_pixels(palette: QPalette, colour: str) -> int:
        bars.setPalette(palette)
        image = bars.grab().toImage()
        return sum(
            image.pixelColor(x, y).name() == colour
            for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)
        )

    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#000000"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#ffffff"))
    assert bar_pixels(light, "#005eb8") > 50  # NHS blue on white
    assert bar_pixels(dark, "#005eb8") == 0  # too dim on black (3:1)...
    assert bar_pixels(dark, "#ffff00") > 50  # ...the high-contrast yellow instead


def test_volunteers_key_forms_but_do_not_design(
    qtbot: QtBot, db: sqlite_utils.Database, db_path: Path
) -> None:
    from ppg_desktop.core.user_store import UserStore

    SurveyStore(db).create_from_template("fft")
    volunteer = UserStore(db).create("Val Volunteer", "volunteer")
    screen = SurveysScreen(AppContext(db, db_path, volunteer))
    qtbot.addWidget(screen)
    assert screen.paper_button.isEnabled() and screen.kiosk_button.isEnabled()
    assert not screen.edit_button.isEnabled() and not screen.new_button.isEnabled()
    assert not screen.results_button.isEnabled()
