"""Importing an online form's export as responses to a survey."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core.importing import ImportProblem, InvalidRow, InvalidRows
from ppg_desktop.core.importing_survey import (
    SurveyImportOptions,
    parse_into,
    plan_survey_import,
    run_survey_import,
)
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_models import Survey
from ppg_desktop.core.survey_store import SurveyStore

EXPORT = Path(__file__).resolve().parent.parent / "data" / "import" / "fft_form_export.csv"


@pytest.fixture
def survey(db: sqlite_utils.Database) -> Survey:
    PracticeStore(db).create("Riverside Surgery")
    return SurveyStore(db).create_from_template("fft")


def test_columns_are_matched_to_questions_by_text(
    db: sqlite_utils.Database, survey: Survey
) -> None:
    plan = plan_survey_import(db, EXPORT, survey.id)
    fft, reason = survey.questions
    assert plan.mapping == {
        "Timestamp": "received_on",
        "Which surgery?": "practice",
        "Overall, how was your experience of our service?": f"q:{fft.id}",
        "Can you tell us why you gave that response?": f"q:{reason.id}",
    }
    # the FFT question is required: the row that left it blank is named precisely
    assert plan.invalid == [
        InvalidRow(
            4, "Overall, how was your experience of our service?", "This question needs an answer."
        )
    ]
    assert [r.row_number for r in plan.ready] == [2, 3, 5]
    assert plan.preview[1] == {
        "Row": "3",
        "Date collected": "15/03/2026",
        "Practice": "Riverside Surgery",
        fft.label: "Poor",
        reason.label: "Could not get through on the phone",
    }
    assert plan.preview_columns[3:] == [fft.label, reason.label]


def test_import_is_all_or_nothing_then_idempotent(
    db: sqlite_utils.Database, survey: Survey
) -> None:
    store = SurveyStore(db)
    with pytest.raises(InvalidRows):
        run_survey_import(db, plan_survey_import(db, EXPORT, survey.id))
    assert store.get(survey.id).response_count == 0
    options = SurveyImportOptions(skip_invalid=True)
    first = run_survey_import(db, plan_survey_import(db, EXPORT, survey.id, options))
    assert (first.added, first.rejected) == (3, 1)
    responses = store.list_responses(survey.id)
    assert sorted(r.collected_on.isoformat() for r in responses) == [
        "2026-03-14",
        "2026-03-15",
        "2026-03-17",
    ]
    # free-text answers became feedback, as when the form is typed in
    texts = {r[0] for r in db.execute("SELECT text FROM feedback")}
    assert texts == {"Quick appointment and a kind nurse", "Could not get through on the phone"}
    second = run_survey_import(db, plan_survey_import(db, EXPORT, survey.id, options))
    assert (second.added, second.skipped_existing) == (0, 3)
    assert store.get(survey.id).response_count == 3


def test_into_argument_and_unmatched_columns(
    db: sqlite_utils.Database, survey: Survey, tmp_path: Path
) -> None:
    assert parse_into("feedback") is None and parse_into("survey:12") == 12
    with pytest.raises(ImportProblem) as caught:
        parse_into("surveys")
    assert str(caught.value) == (
        "'surveys' is not something to import into. Use --into feedback, or --into "
        "survey:NUMBER (the survey's number, shown by 'ppg-desktop survey list')."
    )
    other = tmp_path / "other.csv"
    other.write_text("Date,Practice,Shoe size\n21/03/2026,Riverside Surgery,9\n", encoding="utf-8")
    with pytest.raises(ImportProblem) as caught:
        plan_survey_import(db, other, survey.id)
    assert caught.value.problems == [
        f"None of the columns in the file matches a question in the survey '{survey.title}'. "
        "Choose the question each column answers."
    ]


def test_columns_set_to_missing_questions_list_the_survey_questions(
    db: sqlite_utils.Database, survey: Survey, tmp_path: Path
) -> None:
    other = tmp_path / "other.csv"
    other.write_text("Date,Practice,Shoe size\n21/03/2026,Riverside Surgery,9\n", encoding="utf-8")
    fft, reason = survey.questions
    no_such = max(fft.id, reason.id) + 1
    mapping = {"Shoe size": f"q:{no_such}", "Size": f"q:{fft.id}", "Date": "when"}
    with pytest.raises(ImportProblem) as caught:
        plan_survey_import(db, other, survey.id, SurveyImportOptions(mapping=mapping))
    assert caught.value.problems == [
        "This column is not in the file: 'Size'. The file's columns are: 'Date', 'Practice', "
        "'Shoe size'.",
        "Column 'Date' is set to 'when', which a survey column cannot hold. Choose a question, "
        "the date collected (received_on), the practice (practice), or not imported (ignore).",
        f"Column 'Shoe size' is set to question {no_such}, which is not in the survey "
        f"'{survey.title}'. Its questions are: {fft.id} ({fft.label}), {reason.id} "
        f"({reason.label}).",
    ]


def test_an_empty_practice_is_named_as_empty(
    db: sqlite_utils.Database, survey: Survey, tmp_path: Path
) -> None:
    source = tmp_path / "no_practice.csv"
    source.write_text(
        'Timestamp,Which surgery?,"Overall, how was your experience of our service?"\n'
        "14/03/2026,,Very good\n",
        encoding="utf-8",
    )
    plan = plan_survey_import(db, source, survey.id)
    assert plan.invalid == [
        InvalidRow(2, "Which surgery?", "The practice is empty. Fill it in for this row.")
    ]
    assert plan.summary() == (
        f"No new responses to import into '{survey.title}'; 1 row with problems."
    )
