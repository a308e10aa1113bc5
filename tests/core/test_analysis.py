"""Periods and key figures: hand-counted examples."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from ppg_desktop.core import analysis
from ppg_desktop.core.analysis import describe_change
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.periods import Period, preset_period
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore

DAY = dt.date(2026, 5, 20)


def test_presets() -> None:
    assert preset_period("last_month", today=DAY) == Period(
        dt.date(2026, 4, 1), dt.date(2026, 4, 30), "Last month"
    )
    assert preset_period("last_quarter", today=DAY).start == dt.date(2026, 1, 1)
    assert preset_period("last_quarter", today=DAY).end == dt.date(2026, 3, 31)
    assert preset_period("last_quarter", today=dt.date(2026, 2, 1)).start == dt.date(2025, 10, 1)
    assert preset_period("last_30_days", today=DAY).days == 30
    assert preset_period("last_12_months", today=DAY).start == dt.date(2025, 6, 1)
    with pytest.raises(ValueError):
        preset_period("fortnight", today=DAY)


def test_since_last_meeting(db: sqlite_utils.Database) -> None:
    fallback = preset_period("since_last_meeting", db, today=DAY)
    assert "no earlier meeting" in fallback.label
    db.execute(
        "INSERT INTO meetings (uuid, held_on, created_at, updated_at) VALUES ('m', '2026-03-10', 'x', 'x')"
    )
    period = preset_period("since_last_meeting", db, today=DAY)
    assert period.start == dt.date(2026, 3, 11)
    assert period.end == DAY
    assert "10/03/2026" in period.label


def test_previous_period_has_equal_length() -> None:
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    before = period.previous()
    assert before.end == dt.date(2026, 2, 28)
    assert before.days == 31
    assert period.months() == ["2026-03"]
    assert Period(dt.date(2025, 11, 5), dt.date(2026, 2, 1)).months() == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_change_in_words() -> None:
    assert describe_change(67, 41, "count") == "up 26 (from 41 to 67, +63%)"
    assert describe_change(30, 40, "count") == "down 10 (from 40 to 30, -25%)"
    assert describe_change(5, 5, "count") == "no change (was 5)"
    assert describe_change(3, 0, "count") == "up 3 (from 0 to 3)"
    assert describe_change(61.0, 70.0, "percent") == "down 9 points (from 70% to 61%)"
    assert describe_change(56.6, 57.4, "percent") == "about the same (was 57%)"
    assert describe_change(57.6, 56.4, "percent") == "up 2 points (from 56% to 58%)"
    assert describe_change(57.0, 56.0, "percent") == "up 1 point (from 56% to 57%)"
    assert describe_change(None, 3, "count") == "no earlier figure to compare"


def _seed(db: sqlite_utils.Database) -> tuple[int, int]:
    elm = PracticeStore(db).create("Elm Surgery").id
    oak = PracticeStore(db).create("Oak Surgery").id
    store, themes = FeedbackStore(db), ThemeStore(db)
    phone = themes.get_by_slug("phone_access").id
    # previous period (April): 1 phone complaint; this period (May 1-31): 3 phone complaints
    plan = [
        (elm, dt.date(2026, 4, 10), "complaint", "negative", True),
        (elm, dt.date(2026, 5, 2), "complaint", "negative", True),
        (elm, dt.date(2026, 5, 3), "complaint", "negative", True),
        (oak, dt.date(2026, 5, 4), "complaint", "neutral", True),
        (oak, dt.date(2026, 5, 5), "compliment", "positive", False),
    ]
    for practice, day, kind, sentiment, is_phone in plan:
        item = store.create(
            practice_id=practice,
            received_on=day,
            channel="phone",
            kind=kind,
            text="words",
            sentiment=sentiment,
        )
        if is_phone:
            themes.set_link(item.id, phone, state="confirmed")
    return elm, oak


def _fft(db: sqlite_utils.Database, answers: list[tuple[str, str]]) -> None:
    db.execute(
        "INSERT INTO surveys (id, uuid, title, created_at, updated_at) VALUES (1, 's', 'FFT', 'x', 'x')"
    )
    db.execute(
        "INSERT INTO survey_questions (id, uuid, survey_id, position, kind, text) VALUES (1, 'q', 1, 1, 'fft', 'Overall?')"
    )
    for n, (day, answer) in enumerate(answers):
        db.execute(
            "INSERT INTO survey_responses (id, uuid, survey_id, collected_on, mode, created_at, updated_at)"
            " VALUES (?, ?, 1, ?, 'kiosk', 'x', 'x')",
            [n + 1, f"r{n}", day],
        )
        db.execute(
            "INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, 1, ?)",
            [n + 1, answer],
        )


def test_kpis_hand_counted(db: sqlite_utils.Database) -> None:
    elm, _oak = _seed(db)
    _fft(
        db,
        [
            ("2026-05-01", "Very good"),
            ("2026-05-02", "Good"),
            ("2026-05-03", "Poor"),
            ("2026-05-04", "Don't know"),
            ("2026-04-04", "Very poor"),
        ],
    )
    may = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    figures = {k.key: k for k in analysis.kpis(db, may)}
    assert (figures["received"].current, figures["received"].previous) == (4, 1)
    assert figures["complaints"].current == 3
    assert figures["compliments"].current == 1
    assert figures["negative"].current == pytest.approx(50.0)  # 2 of 4
    assert figures["fft_positive"].current == pytest.approx(50.0)  # 2 of 4, don't know included
    assert figures["fft_positive"].current_n == 4
    assert figures["fft_positive"].small_sample
    assert figures["rising_theme"].detail == "Phone access"
    assert (figures["rising_theme"].previous, figures["rising_theme"].current) == (1, 3)
    april = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert {k.key: k for k in analysis.kpis(db, april)}["fft_positive"].current == 0
    only_elm = {k.key: k for k in analysis.kpis(db, may, [elm])}
    assert only_elm["received"].current == 2


def test_theme_and_monthly_tables(db: sqlite_utils.Database) -> None:
    _seed(db)
    flt = FeedbackFilter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 5, 31))
    themes = analysis.theme_counts(db, flt)
    assert themes.iloc[0]["slug"] == "phone_access"
    assert themes.iloc[0]["count"] == 4
    monthly = analysis.monthly_theme_counts(db, flt, top_n=3)
    assert list(monthly.index) == ["2026-03", "2026-04", "2026-05"]
    assert monthly["Phone access"].tolist() == [0, 1, 3]
    volume = analysis.monthly_counts(db, flt)
    assert volume["received"].tolist() == [0, 1, 4]
    by_practice = analysis.counts_by_practice(db, flt)
    assert by_practice.set_index("practice").loc["Oak Surgery", "compliments"] == 1
    assert by_practice.set_index("practice").loc["Elm Surgery", "percent_negative"] == 100.0
