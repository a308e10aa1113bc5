"""FFT, "% easy" and per-question arithmetic on small hand-computed examples."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_results import (
    contact_experience_summary,
    fft_summary,
    format_percent,
    phone_ease_summary,
    question_results,
    small_count_warning,
)
from ppg_desktop.core.survey_store import SurveyStore

JAN = dt.date(2026, 1, 15)
FEB = dt.date(2026, 2, 3)


@pytest.fixture
def practices(db: sqlite_utils.Database) -> tuple[int, int]:
    store = PracticeStore(db)
    return store.create("Riverside Surgery").id, store.create("Abbey Medical Centre").id


def _fft_answers(db: sqlite_utils.Database, rows: list[tuple[str, dt.date, int]]) -> int:
    store = SurveyStore(db)
    survey = store.create_from_template("fft")
    fft = survey.questions[0].id
    for answer, day, practice in rows:
        store.add_response(survey.id, {fft: answer}, practice_id=practice, collected_on=day)
    return survey.id


def test_fft_percentages_include_dont_know_in_the_denominator(
    db: sqlite_utils.Database, practices: tuple[int, int]
) -> None:
    river, abbey = practices
    rows = (
        [("Very good", JAN, river)] * 3
        + [("Good", JAN, river)] * 2
        + [
            ("Neither good nor poor", JAN, abbey),
            ("Poor", FEB, abbey),
            ("Very poor", FEB, river),
            ("Don't know", FEB, river),
            ("Don't know", FEB, abbey),
        ]
    )
    _fft_answers(db, rows)
    summary = fft_summary(db, None, None)
    # 10 answers: positive 3 + 2 = 5 -> 50%; negative 1 + 1 = 2 -> 20%
    assert summary.responses == 10
    assert summary.percent_positive == pytest.approx(50.0)
    assert summary.percent_negative == pytest.approx(20.0)
    assert summary.counts["Don't know"] == 2 and summary.counts["Very good"] == 3
    assert summary.warning is None

    by_month = summary.by_month.set_index("month")
    # January: 5 of 6 positive, 0 negative; February: 0 of 4 positive, 2 of 4 negative
    assert by_month.loc["2026-01", "answered"] == 6
    assert by_month.loc["2026-01", "percent_positive"] == pytest.approx(500 / 6)
    assert by_month.loc["2026-02", "percent_negative"] == pytest.approx(50.0)
    assert bool(by_month.loc["2026-02", "small_count"])

    by_practice = summary.by_practice
    assert list(by_practice["practice"]) == ["Abbey Medical Centre", "Riverside Surgery"]
    river_row = by_practice[by_practice["practice_id"] == river].iloc[0]
    # Riverside: VG x3, G x2, Very poor, Don't know = 7; 5/7 positive, 1/7 negative
    assert river_row["answered"] == 7
    assert river_row["percent_positive"] == pytest.approx(500 / 7)
    assert river_row["percent_negative"] == pytest.approx(100 / 7)


def test_fft_dates_and_practices_narrow_the_count(
    db: sqlite_utils.Database, practices: tuple[int, int]
) -> None:
    river, abbey = practices
    _fft_answers(db, [("Good", JAN, river), ("Poor", FEB, abbey), ("Very good", FEB, river)])
    february = fft_summary(db, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert february.responses == 2 and february.percent_positive == pytest.approx(50.0)
    assert "Only 2 people answered" in (february.warning or "")
    riverside = fft_summary(db, None, None, practice_ids=[river])
    assert riverside.responses == 2 and riverside.percent_negative == pytest.approx(0.0)
    empty = fft_summary(db, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert empty.responses == 0 and empty.percent_positive is None
    assert empty.by_month.empty


def test_withdrawn_responses_do_not_count(
    db: sqlite_utils.Database, practices: tuple[int, int]
) -> None:
    survey_id = _fft_answers(db, [("Good", JAN, practices[0]), ("Very poor", JAN, practices[0])])
    SurveyStore(db).delete_last_response(survey_id)
    summary = fft_summary(db, None, None)
    assert summary.responses == 1 and summary.percent_positive == pytest.approx(100.0)


def test_percent_easy_leaves_out_havent_tried(
    db: sqlite_utils.Database, practices: tuple[int, int]
) -> None:
    store = SurveyStore(db)
    survey = store.create_from_template("contacting")
    ease = survey.questions[0].id
    answers = [
        "Very easy",
        "Very easy",
        "Fairly easy",
        "Neither easy nor difficult",
        "Fairly difficult",
        "Very difficult",
        "I haven't tried",
        "I haven't tried",
        "I haven't tried",
    ]
    for answer in answers:
        store.add_response(survey.id, {ease: answer}, practice_id=practices[0], collected_on=JAN)
    summary = phone_ease_summary(db, None, None)
    # 9 answers, 3 haven't tried -> 6 counted; easy 2 + 1 = 3 -> 50%; difficult 2 -> 33.3%
    assert summary.answered == 6 and summary.excluded == 3
    assert summary.percent_easy == pytest.approx(50.0)
    assert summary.percent_negative == pytest.approx(100 / 3)
    assert summary.counts["I haven't tried"] == 3
    assert summary.warning is not None  # only 6 counted
    assert summary.by_month.iloc[0]["answered"] == 6


def test_older_havent_tried_wording_is_also_left_out(
    db: sqlite_utils.Database, practices: tuple[int, int]
) -> None:
    store = SurveyStore(db)
    survey = store.create("Phones 2023")
    survey = store.add_question(
        survey.id,
        kind="single",
        code="phone_ease",
        text="How easy is it to get through?",
        options=["Very easy", "Not very easy", "Haven't tried"],
    )
    ease = survey.questions[0].id
    for answer in ("Very easy", "Not very easy", "Haven't tried"):
        store.add_response(survey.id, {ease: answer}, practice_id=practices[0], collected_on=JAN)
    summary = phone_ease_summary(db, None, None)
    assert summary.answered == 2 and summary.percent_easy == pytest.approx(50.0)


def test_contact_experience_percent_good(
    db: sqlite_utils.Database, practices: tuple[int, int]
) -> None:
    store = SurveyStore(db)
    survey = store.create_from_template("contacting")
    ease, _, overall = (q.id for q in survey.questions)
    for answer in ("Very good", "Fairly good", "Fairly poor", "Neither good nor poor"):
        store.add_response(
            survey.id,
            {ease: "Fairly easy", overall: answer},
            practice_id=practices[0],
            collected_on=FEB,
        )
    summary = contact_experience_summary(db, None, None)
    assert summary.percent_positive == pytest.approx(50.0)
    assert summary.percent_negative == pytest.approx(25.0)


def test_question_results_count_every_option(
    db: sqlite_utils.Database, practices: tuple[int, int]
) -> None:
    store = SurveyStore(db)
    survey = store.create("Mixed")
    survey = store.add_question(
        survey.id, kind="multi", text="How did you book?", options=["Phone", "Online", "In person"]
    )
    survey = store.add_question(survey.id, kind="number", text="Minutes waited")
    survey = store.add_question(survey.id, kind="text", text="Anything else?")
    booked, minutes, other = (q.id for q in survey.questions)
    for answer in (["Phone"], ["Phone", "Online"], ["Online"], ["Phone"]):
        store.add_response(
            survey.id, {booked: answer, minutes: 10}, practice_id=practices[0], collected_on=JAN
        )
    store.add_response(
        survey.id, {minutes: 30, other: "Nice staff"}, practice_id=practices[1], collected_on=JAN
    )
    first, second, third = question_results(db, survey.id)
    table = first.table.set_index("answer")
    # 4 people answered: Phone 3 (75%), Online 2 (50%), In person 0
    assert first.answered == 4
    assert table.loc["Phone", "count"] == 3 and table.loc["Phone", "percent"] == 75.0
    assert table.loc["Online", "percent"] == 50.0 and table.loc["In person", "count"] == 0
    assert first.warning is not None
    assert second.answered == 5 and "Average 14" in second.summary
    assert third.answered == 1 and "1 comment" in third.summary


def test_small_count_wording() -> None:
    assert small_count_warning(10) is None
    assert "Only 1 person answered" in (small_count_warning(1) or "")
    assert small_count_warning(0) == "Nobody answered, so there is no percentage."
    assert format_percent(50.0, 4) == "50% (only 4 answers)"
    assert format_percent(66.66, 12) == "67%"
    assert format_percent(None, 0) == "–"
