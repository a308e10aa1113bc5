"""`ppg-desktop import`: dry run, all-or-nothing, skip invalid, date order, survey import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.cli import main
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.importing_mapping import saved_mappings
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_store import SurveyStore

DATA = Path(__file__).resolve().parent.parent / "data" / "import"


@pytest.fixture
def practices(db: sqlite_utils.Database) -> None:
    PracticeStore(db).create("Riverside Surgery")
    PracticeStore(db).create("Hillview Medical Centre")


def test_dry_run_then_import_then_again(
    db: sqlite_utils.Database, db_path: Path, practices: None, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(DATA / "google_forms.csv")
    assert main(["import", source, "--db", str(db_path), "--dry-run"]) == 0
    assert "Dry run: nothing was stored." in capsys.readouterr().out
    assert FeedbackStore(db).count() == 0
    assert main(["import", source, "--db", str(db_path), "--save-mapping", "Google"]) == 0
    out = capsys.readouterr().out
    assert "3 new rows ready to import; 1 row with no comment, left out." in out
    assert "Imported 3 feedback items.\n" in out and "Skipped" not in out
    assert main(["import", source, "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "Using the saved mapping 'Google'." in out
    assert (
        "No new rows to import; 3 rows were imported before and will be skipped; "
        "1 row with no comment, left out."
    ) in out
    assert "Nothing new was imported. Skipped 3 rows imported before." in out
    assert FeedbackStore(db).count() == 3 and "Google" in saved_mappings(db)


def test_invalid_rows_and_skipping(
    db: sqlite_utils.Database,
    db_path: Path,
    practices: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "log.csv"
    shutil.copy(DATA / "blank_lines_broken_row.csv", source)
    assert main(["import", str(source), "--db", str(db_path)]) == 1
    captured = capsys.readouterr()
    assert "Invalid: row 5, column 'Date': '31/02/2026' is not a real date." in captured.out
    assert "Nothing was imported" in captured.err
    assert FeedbackStore(db).count() == 0
    rejected = tmp_path / "fix-me.csv"
    assert (
        main(
            [
                "import",
                str(source),
                "--db",
                str(db_path),
                "--skip-invalid",
                "--rejected",
                str(rejected),
            ]
        )
        == 0
    )
    assert FeedbackStore(db).count() == 2 and rejected.exists()


def test_ambiguous_dates_and_mapping_errors(
    db_path: Path, db: sqlite_utils.Database, practices: None, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(DATA / "ambiguous_dates.csv")
    assert main(["import", source, "--db", str(db_path)]) == 2
    assert "--date-order dmy" in capsys.readouterr().err
    assert main(["import", source, "--db", str(db_path), "--date-order", "mdy"]) == 0
    assert {i.received_on.isoformat() for i in FeedbackStore(db).list()} == {
        "2026-03-04",
        "2026-05-06",
    }
    assert main(["import", source, "--db", str(db_path), "--map", "Nope=text"]) == 1
    assert "not in the file" in capsys.readouterr().err


def test_into_survey(
    db: sqlite_utils.Database, db_path: Path, practices: None, capsys: pytest.CaptureFixture[str]
) -> None:
    survey = SurveyStore(db).create_from_template("fft")
    assert (
        main(
            [
                "import",
                str(DATA / "fft_form_export.csv"),
                "--db",
                str(db_path),
                "--into",
                f"survey:{survey.id}",
                "--skip-invalid",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"3 new responses ready to import into '{survey.title}'; 1 row with problems." in out
    assert "Imported 3 survey responses. Left out 1 row with problems." in out
    assert SurveyStore(db).get(survey.id).response_count == 3


def test_into_survey_without_matching_columns_says_how_to_map_them(
    db: sqlite_utils.Database,
    db_path: Path,
    practices: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    survey = SurveyStore(db).create_from_template("fft")
    source = tmp_path / "odd.csv"
    source.write_text(
        "Date,Practice,Thoughts\n21/02/2026,Riverside Surgery,Fine\n", encoding="utf-8"
    )
    code = main(["import", str(source), "--db", str(db_path), "--into", f"survey:{survey.id}"])
    err = capsys.readouterr().err
    assert code == 2
    assert "None of the columns in the file matches a question in the survey" in err
    assert 'Run again with --map "Column name=NUMBER" for each such column' in err
    assert SurveyStore(db).get(survey.id).response_count == 0


def test_a_file_that_is_not_a_spreadsheet_is_explained(
    db_path: Path, db: sqlite_utils.Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "feedback.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    assert main(["import", str(picture), "--db", str(db_path)]) == 1
    assert capsys.readouterr().err == (
        "ppg-desktop import: feedback.csv is a picture (PNG), not a spreadsheet: PPG Desk cannot "
        "read the writing in a picture. Choose the spreadsheet file instead. For a photo of a "
        "paper form, type the answers in.\n"
    )
    assert FeedbackStore(db).count() == 0
