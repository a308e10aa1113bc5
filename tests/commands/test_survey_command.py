"""`ppg-desktop survey list|export`: one row per response, safe cells, one-line errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlite_utils

from ppg_desktop.cli import main
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_store import SurveyStore


@pytest.fixture
def filled(db: sqlite_utils.Database) -> int:
    practice = PracticeStore(db).create("Riverside Surgery").id
    store = SurveyStore(db)
    survey = store.create_from_template("fft")
    fft, reason = (q.id for q in survey.questions)
    store.add_response(
        survey.id,
        {fft: "Good", reason: '=HYPERLINK("http://x")'},
        practice_id=practice,
        collected_on=dt.date(2026, 1, 5),
    )
    store.add_response(
        survey.id,
        {fft: "Poor"},
        practice_id=practice,
        collected_on=dt.date(2026, 1, 6),
        mode="kiosk",
    )
    return survey.id


def test_export_csv_by_title(
    db_path: Path, filled: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fft.csv"
    code = main(
        [
            "survey",
            "export",
            "--db",
            str(db_path),
            "--survey",
            "Friends and Family Test",
            "--format",
            "csv",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    frame = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert len(frame) == 2
    assert list(frame.columns[:4]) == ["Response", "Date collected", "Practice", "How collected"]
    fft_column = "Q1 Overall, how was your experience of our service?"
    assert list(frame[fft_column]) == ["Good", "Poor"]
    assert list(frame["Date collected"]) == ["05/01/2026", "06/01/2026"]
    assert list(frame["How collected"]) == ["Paper form", "Kiosk"]
    assert str(frame.iloc[0, 5]).startswith("'=")  # formula neutralised
    assert "Wrote 2 responses" in capsys.readouterr().out


def test_export_xlsx_by_number(db_path: Path, filled: int, tmp_path: Path) -> None:
    out = tmp_path / "fft.xlsx"
    assert (
        main(["survey", "export", "--db", str(db_path), "--survey", str(filled), "--out", str(out)])
        == 0
    )
    frame = pd.read_excel(out, sheet_name="Responses")
    assert len(frame) == 2


def test_unknown_survey_is_a_one_line_error(
    db_path: Path, filled: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "survey",
            "export",
            "--db",
            str(db_path),
            "--survey",
            "Nope",
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.count("\n") == 0 and "no survey called 'Nope'" in err
    code = main(
        [
            "survey",
            "export",
            "--db",
            str(db_path),
            "--survey",
            "99",
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert code == 1 and "no survey number 99" in capsys.readouterr().err


def test_bad_format_and_folder(
    db_path: Path, filled: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "survey",
                "export",
                "--db",
                str(db_path),
                "--survey",
                "1",
                "--out",
                str(tmp_path / "x.txt"),
            ]
        )
        == 1
    )
    assert "--format" in capsys.readouterr().err
    assert (
        main(
            [
                "survey",
                "export",
                "--db",
                str(db_path),
                "--survey",
                "1",
                "--out",
                str(tmp_path / "missing" / "x.csv"),
            ]
        )
        == 1
    )
    assert "does not exist" in capsys.readouterr().err


def test_list(db_path: Path, filled: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survey", "list", "--db", str(db_path)]) == 0
    assert "Friends and Family Test (version 1): 2 responses" in capsys.readouterr().out
