"""Parts of the pack: survey figures with small counts, the summary's wording, and the charts."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
import sqlite_utils
from reportlab.graphics.charts.barcharts import HorizontalBarChart

from ppg_desktop.core.periods import Period
from ppg_desktop.core.reports import PackOptions, build_pack
from ppg_desktop.core.reports.charts import _spread, nice_max, theme_bar_chart, wrap_label
from ppg_desktop.core.reports.figures import gather
from ppg_desktop.core.reports.summary import summary_sentences
from ppg_desktop.core.survey_store import SurveyStore
from tests.core.reports_helpers import add_items, pdf_pages, practice

MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def _answer(
    db: sqlite_utils.Database, template: str, site: int, values: dict[str, list[str]], day: dt.date
) -> None:
    """Add one response per position in the lists, answering questions by their codes."""
    store = SurveyStore(db, "test")
    found = db.execute("SELECT id FROM surveys WHERE template = ?", [template]).fetchone()
    survey = store.get(found[0]) if found else store.create_from_template(template)
    codes = {q.code: q.id for q in survey.questions}
    for index in range(len(next(iter(values.values())))):
        answers = {codes[code]: answers[index] for code, answers in values.items()}
        store.add_response(survey.id, answers, practice_id=site, collected_on=day)


def test_fft_with_few_answers_gives_counts_not_percentages(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    site = practice(db)
    add_items(db, site, "phone_access", dt.date(2025, 3, 2), ["On hold for an hour."])
    _answer(
        db, "fft", site, {"fft": ["Very good", "Good", "Poor", "Very good"]}, dt.date(2025, 3, 4)
    )
    figures = gather(db, MARCH)
    assert figures.kpi("fft_positive").current_n == 4
    sentences = " ".join(summary_sentences(figures))
    assert (
        "Only 4 answers were given to the Friends and Family Test: too few to give a percentage."
    ) in sentences
    text = " ".join(pdf_pages(build_pack(db, PackOptions(MARCH), tmp_path / "p.pdf").path))
    assert "75% (n=4) – fewer than 10 answers" in text
    assert "3 of 4 positive (very good or good): too few answers for a percentage." in text
    assert "Only 4 answered: too few for percentages" in text


def test_phone_ease_leaves_out_people_who_had_not_tried(db: sqlite_utils.Database) -> None:
    site = practice(db)
    add_items(db, site, "phone_access", dt.date(2025, 3, 2), ["On hold for an hour."])
    ease = (
        ["Very easy"] * 6 + ["Fairly easy"] * 3 + ["Very difficult"] * 3 + ["I haven't tried"] * 8
    )
    _answer(db, "contacting", site, {"phone_ease": ease}, dt.date(2025, 3, 4))
    figures = gather(db, MARCH)
    phone = figures.kpi("phone_easy")
    assert (round(phone.current or 0), phone.current_n) == (75, 12)
    assert (
        "75% of 12 people who had tried said it was easy to get through on the phone."
        in summary_sentences(figures)
    )
    contacting = next(s for s in figures.surveys if s.title == "Contacting the practice")
    assert contacting.responses == 20
    assert contacting.questions[0].headline() == (
        "75% found it easy (of those who had tried): 9 of 12."
    )


def test_no_phone_figure_when_the_question_was_not_asked(db: sqlite_utils.Database) -> None:
    practice(db)
    keys = [k.key for k in gather(db, MARCH).kpis]
    assert "phone_easy" not in keys
    assert keys[:5] == ["received", "complaints", "compliments", "negative", "fft_positive"]


def test_bar_chart_starts_at_zero_and_labels_every_bar() -> None:
    drawing = theme_bar_chart(["Phone access", "Prescriptions", "Parking"], [67, 41, 1], 400)
    chart = next(c for c in drawing.contents if isinstance(c, HorizontalBarChart))
    assert chart.valueAxis.valueMin == 0
    assert chart.data == [[1, 41, 67]]  # drawn bottom-up, so the largest is on top
    assert chart.barLabelFormat(1) == "1"


def test_axis_and_label_helpers() -> None:
    assert nice_max(67) == (80, 20)
    assert nice_max(0) == (5.0, 1.0)
    assert wrap_label("Reception and staff attitude", 15) == ["Reception and", "staff attitude"]
    assert wrap_label("Phone access", 15) == ["Phone access"]
    placed = _spread([100.0, 101.0, 102.0, 50.0], 10.0, 0.0, 200.0)
    ordered = sorted(placed)
    assert all(b - a >= 10.0 for a, b in itertools.pairwise(ordered))
    assert placed[3] == 50.0


def test_you_said_we_did_lists_the_periods_actions(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    from ppg_desktop.core.action_store import ActionStore

    site = practice(db)
    add_items(db, site, "phone_access", dt.date(2025, 3, 2), ["On hold for an hour."])
    actions = ActionStore(db, "test")
    done = actions.create(
        title="Tell callers their place in the queue",
        practice_id=site,
        raised_on=dt.date(2025, 3, 5),
    )
    actions.set_status(done.id, "done", outcome="The phone message now says the queue place.")
    actions.create(
        title="Parking for disabled patients",
        raised_on=dt.date(2025, 3, 20),
        due_on=dt.date(2025, 4, 30),
    )
    actions.create(title="Raised after the period", raised_on=dt.date(2025, 5, 1))
    titles = [a.title for a in gather(db, MARCH).actions]
    assert "Raised after the period" not in titles
    assert set(titles) == {"Tell callers their place in the queue", "Parking for disabled patients"}
    text = " ".join(pdf_pages(build_pack(db, PackOptions(MARCH), tmp_path / "p.pdf").path))
    assert "The phone message now says the queue place." in text
    assert "Open – overdue (due 30/04/2025)" in text or "Open – due 30/04/2025" in text


def test_remembered_choices_survive_bad_settings(db: sqlite_utils.Database) -> None:
    from ppg_desktop.core.reports.choices import CUSTOM, ReportChoices

    choices = ReportChoices(
        CUSTOM, dt.date(2025, 3, 1), dt.date(2025, 3, 31), [2], True, True, full_text=True
    )
    stored = choices.remembered()
    assert "full_text" not in stored
    again = ReportChoices.from_settings(stored)
    assert again.period(db) == Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31), "Custom dates")
    assert (again.practice_ids, again.large_print, again.full_text) == ([2], True, False)
    broken = ReportChoices.from_settings(
        {"preset": "fortnight", "date_from": "31/02/2025", "practice_ids": ["x", 3]}
    )
    assert (broken.preset, broken.date_from, broken.practice_ids) == (
        "since_last_meeting",
        None,
        [3],
    )
    backwards = ReportChoices(CUSTOM, dt.date(2025, 3, 31), dt.date(2025, 3, 1))
    with pytest.raises(ValueError, match="Swap the dates"):
        backwards.period(db)


def test_pages_render_for_the_preview(db: sqlite_utils.Database, tmp_path: Path) -> None:
    from ppg_desktop.core.reports.preview import render_pages

    practice(db)
    result = build_pack(db, PackOptions(MARCH), tmp_path / "p.pdf")
    pages = render_pages(result.path, 300)
    assert len(pages) == result.pages
    width, height, stride, pixels = pages[0]
    assert width == 300 and 420 <= height <= 426  # A4 proportions
    assert len(pixels) == stride * height and len(set(pixels[: stride * 40])) > 1
