"""The import wizard: file -> columns -> preview -> import, with the work done in the background."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlite_utils
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.importing_mapping import save_mapping
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.import_wizard import ImportWizard
from ppg_desktop.ui.operations import wait_for_jobs

DATA = Path(__file__).resolve().parent.parent / "data" / "import"


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    PracticeStore(db).create("Riverside Surgery")
    PracticeStore(db).create("Hillview Medical Centre")
    return AppContext(db, db_path)


def _wizard(qtbot: QtBot, ctx: AppContext, path: Path) -> ImportWizard:
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    return wizard


def test_google_form_through_every_step(
    qtbot: QtBot, ctx: AppContext, db: sqlite_utils.Database
) -> None:
    wizard = _wizard(qtbot, ctx, DATA / "google_forms.csv")
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.mapping_page.mapping()["Which surgery?"] == "practice"
    wizard.next()
    assert wait_for_jobs()
    page = wizard.preview_page
    assert page.preview.rowCount() == 3 and page.invalid.rowCount() == 0
    assert page.isComplete()
    assert page.preview.data(page.preview.index(1, 2)) == "Hillview Medical Centre"
    changed: list[str] = []
    ctx.data_changed.connect(changed.append)
    wizard.next()
    assert wait_for_jobs()
    assert "Imported 3 feedback items." in wizard.result_page.message.text()
    assert FeedbackStore(db).count() == 3 and "feedback" in changed


def test_invalid_rows_block_the_import_until_skipping_is_chosen(
    qtbot: QtBot, ctx: AppContext, db: sqlite_utils.Database, tmp_path: Path
) -> None:
    source = tmp_path / "broken.csv"
    source.write_bytes((DATA / "blank_lines_broken_row.csv").read_bytes())
    wizard = _wizard(qtbot, ctx, source)
    wizard.mapping_page.channel.setCurrentIndex(wizard.mapping_page.channel.findData("letter"))
    wizard.next()
    assert wait_for_jobs()
    page = wizard.preview_page
    assert page.preview.data(page.preview.index(0, 4)) == "Letter"
    assert page.invalid.rowCount() == 4
    assert page.invalid.data(page.invalid.index(0, 0)) == "5"
    assert not page.isComplete()
    page.skip_invalid.setChecked(True)
    assert page.isComplete()
    wizard.next()
    assert wait_for_jobs()
    assert FeedbackStore(db).count() == 2
    assert (tmp_path / "broken-rejected.csv").exists()


def test_ambiguous_dates_ask_for_the_order(qtbot: QtBot, ctx: AppContext) -> None:
    wizard = _wizard(qtbot, ctx, DATA / "ambiguous_dates.csv")
    wizard.next()
    assert wait_for_jobs()
    assert "day/month or month/day" in wizard.preview_page.summary.text()
    assert not wizard.preview_page.isComplete()
    wizard.back()
    wizard.mapping_page.date_order.setCurrentIndex(wizard.mapping_page.date_order.findData("dmy"))
    wizard.next()
    assert wait_for_jobs()
    assert wizard.preview_page.preview.data(wizard.preview_page.preview.index(0, 1)) == "03/04/2026"


def test_saved_mapping_is_applied_and_unreadable_file_reported(
    qtbot: QtBot, ctx: AppContext, db: sqlite_utils.Database, tmp_path: Path
) -> None:
    source = tmp_path / "odd.csv"
    source.write_text("When,Where,Said\n21/03/2026,Riverside Surgery,Slow\n", encoding="utf-8")
    save_mapping(db, "Paper log", {"When": "received_on", "Where": "practice", "Said": "text"})
    wizard = _wizard(qtbot, ctx, source)
    assert wizard.mapping_page.mapping() == {
        "When": "received_on",
        "Where": "practice",
        "Said": "text",
    }
    assert wizard.mapping_page.saved.currentText() == "Paper log"

    other = ImportWizard(ctx)
    qtbot.addWidget(other)
    other.show()
    other.file_page.path.setText(str(tmp_path / "missing.csv"))
    other.next()
    assert other.currentPage() is other.file_page
    assert "There is no file" in other.file_page.problem.text()


def test_sheet_and_heading_row_can_be_changed(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Notes"
    first.append(["Nothing to import here"])
    log = workbook.create_sheet("Log")
    log.append(["Feedback log"])
    log.append(["Date", "Practice", "Comment"])
    log.append(["21/03/2026", "Riverside Surgery", "Slow phones"])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    wizard = _wizard(qtbot, ctx, path)
    page = wizard.mapping_page
    assert page.sheet.isEnabled() and page.sheet.currentText() == "Notes"
    page.sheet.setCurrentText("Log")
    page.header_row.setValue(2)
    page.read_again()
    assert wizard.table is not None and wizard.table.headers == ["Date", "Practice", "Comment"]
    assert page.mapping() == {"Date": "received_on", "Practice": "practice", "Comment": "text"}


def test_a_form_export_into_a_survey(
    qtbot: QtBot, ctx: AppContext, db: sqlite_utils.Database
) -> None:
    from ppg_desktop.core.survey_store import SurveyStore

    survey = SurveyStore(db).create_from_template("fft")
    fft, reason = survey.questions
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(DATA / "fft_form_export.csv"))
    wizard.file_page.target.setCurrentIndex(wizard.file_page.target.findData(survey.id))
    wizard.next()
    mapping = wizard.mapping_page.mapping()
    assert mapping["Overall, how was your experience of our service?"] == f"q:{fft.id}"
    assert mapping["Which surgery?"] == "practice"
    assert not wizard.mapping_page.saved.isEnabled()
    wizard.next()
    assert wait_for_jobs()
    page = wizard.preview_page
    assert page.preview.columns[3:] == [fft.label, reason.label]
    assert page.preview.rowCount() == 3 and page.invalid.rowCount() == 1
    page.skip_invalid.setChecked(True)
    wizard.next()
    assert wait_for_jobs()
    assert "Imported 3 survey responses." in wizard.result_page.message.text()
    assert SurveyStore(db).get(survey.id).response_count == 3
