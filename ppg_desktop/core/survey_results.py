"""Survey results as the PPG and the NHS count them: plain functions over the database (pandas).

The meeting pack, the dashboard and the results screen all call these, so every figure is
worked out once:

- `question_results`: for each question of one survey version, each answer's count and
  percentage of the people who answered that question.
- `fft_summary`: the Friends and Family Test as NHS England publishes it. % positive = (Very good
  + Good) / all answers, % negative = (Poor + Very poor) / all answers; "Don't know" counts in
  the denominator. Every FFT question of every survey (and version) is included.
- `phone_ease_summary`: "Generally, how easy or difficult is it to contact your GP practice on
  the phone?" as the GP Patient Survey reports it: % easy = (Very easy + Fairly easy) / answers,
  leaving out "I haven't tried" (and the older "Haven't tried").
- `contact_experience_summary`: % good = (Very good + Fairly good) / answers.

Where fewer than 10 people answered, the percentage is still given with a warning
(`small_count_warning`); the national survey suppresses such figures, a PPG usually wants to see
them but should not read much into them. Deleted (withdrawn) responses never count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlite_utils

from ppg_desktop.core.survey_models import Question
from ppg_desktop.core.survey_responses import SurveyResponseStore
from ppg_desktop.core.survey_templates import (
    CONTACT_EXPERIENCE_CODE,
    FFT_NEGATIVE,
    FFT_OPTIONS,
    FFT_POSITIVE,
    GOOD_ANSWERS,
    GOOD_POOR_OPTIONS,
    PHONE_EASE_CODE,
    PHONE_EASE_OPTIONS,
    PHONE_EASY,
    PHONE_NOT_TRIED,
)

SMALL_COUNT = 10
RATE_COLUMNS = [
    "answered",
    "positive",
    "negative",
    "percent_positive",
    "percent_negative",
    "small_count",
]


def small_count_warning(answered: int) -> str | None:
    """The warning shown beside percentages based on fewer than 10 answers (None if enough)."""
    if answered >= SMALL_COUNT:
        return None
    if answered == 0:
        return "Nobody answered, so there is no percentage."
    people = "person" if answered == 1 else "people"
    return (
        f"Only {answered} {people} answered (fewer than {SMALL_COUNT}): treat the "
        "percentages with care."
    )


def percent(part: int, whole: int) -> float | None:
    """part / whole as a percentage, or None when nobody answered."""
    return 100.0 * part / whole if whole else None


def answers_frame(
    db: sqlite_utils.Database,
    *,
    survey_id: int | None = None,
    code: str | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    practice_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """One row per stored answer of live responses, narrowed as asked.

    Columns: response_id, survey_id, collected_on (ISO text), month (yyyy-mm), practice_id,
    practice, mode, question_id, code, kind, value.
    """
    clauses = ["r.deleted_at IS NULL"]
    params: list[Any] = []
    if survey_id is not None:
        clauses.append("r.survey_id = ?")
        params.append(survey_id)
    if code is not None and kind is not None:
        clauses.append("(q.code = ? OR q.kind = ?)")
        params += [code, kind]
    elif code is not None:
        clauses.append("q.code = ?")
        params.append(code)
    elif kind is not None:
        clauses.append("q.kind = ?")
        params.append(kind)
    if date_from is not None:
        clauses.append("r.collected_on >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        clauses.append("r.collected_on <= ?")
        params.append(date_to.isoformat())
    if practice_ids:
        clauses.append(f"r.practice_id IN ({', '.join('?' for _ in practice_ids)})")
        params += list(practice_ids)
    cursor = db.execute(
        "SELECT r.id AS response_id, r.survey_id, r.collected_on, r.practice_id,"
        " coalesce(p.name, 'No practice') AS practice, r.mode, q.id AS question_id, q.code,"
        " q.kind, a.value FROM survey_answers a"
        " JOIN survey_responses r ON r.id = a.response_id"
        " JOIN survey_questions q ON q.id = a.question_id"
        " LEFT JOIN practices p ON p.id = r.practice_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY r.collected_on, r.id",
        params,
    )
    columns = [c[0] for c in cursor.description]
    frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    frame["month"] = frame["collected_on"].astype(str).str[:7]
    return frame


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers: a table of counts and percentages, and a warning if few."""

    question: Question
    answered: int
    table: pd.DataFrame  # columns: answer, count, percent (of those who answered the question)
    summary: str  # one line in words, e.g. "Average 12 (lowest 0, highest 40)"
    warning: str | None


def question_results(
    db: sqlite_utils.Database,
    survey_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    practice_ids: Sequence[int] | None = None,
) -> list[QuestionResult]:
    """Counts and percentages for every question of one survey version, in question order.

    Choice questions list every option (also those nobody chose); multiple choice percentages
    can add up to more than 100 because people may pick several. Numbers and dates get a
    one-line summary; free text is counted (the comments themselves are in Feedback).
    """
    survey = SurveyResponseStore(db).get(survey_id)
    frame = answers_frame(
        db, survey_id=survey_id, date_from=date_from, date_to=date_to, practice_ids=practice_ids
    )
    results = []
    for question in survey.questions:
        values = frame.loc[frame["question_id"] == question.id, "value"].astype(str).tolist()
        results.append(_one_question(question, values))
    return results


def _one_question(question: Question, values: list[str]) -> QuestionResult:
    """Counts and percentages (or a summary in words) for one question."""
    answered = len(values)
    choices = question.choices()
    if choices:
        picked: list[str] = []
        for value in values:
            picked.extend(json.loads(value) if question.kind == "multi" else [value])
        counts = pd.Series(picked, dtype=object).value_counts()
        order = list(choices) + sorted(set(counts.index) - set(choices))
        table = pd.DataFrame(
            {"answer": order, "count": [int(counts.get(option, 0)) for option in order]}
        )
        table["percent"] = [percent(int(n), answered) for n in table["count"]]
        summary = f"{answered} answered"
    else:
        table = pd.DataFrame(
            {
                "answer": pd.Series(dtype=object),
                "count": pd.Series(dtype=int),
                "percent": pd.Series(dtype=float),
            }
        )
        summary = _summary_in_words(question, values)
    return QuestionResult(
        question, answered, table, summary, small_count_warning(answered) if choices else None
    )


def _summary_in_words(question: Question, values: list[str]) -> str:
    """One line for questions without options: numbers, dates, comments."""
    if not values:
        return "Nobody answered."
    if question.kind == "number":
        numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
        return (
            f"{len(values)} answered. Average {numbers.mean():.3g} (lowest "
            f"{numbers.min():g}, highest {numbers.max():g})."
        )
    if question.kind == "date":
        days = sorted(values)
        first = dt.date.fromisoformat(days[0]).strftime("%d/%m/%Y")
        last = dt.date.fromisoformat(days[-1]).strftime("%d/%m/%Y")
        return f"{len(values)} answered, from {first} to {last}."
    comments = "comment" if len(values) == 1 else "comments"
    return f"{len(values)} {comments}; they are in Feedback (given as: Survey)."


@dataclass(frozen=True)
class RateSummary:
    """A share of good (and of poor) answers, overall, by month and by practice.

    `by_month` has a `month` column (yyyy-mm); `by_practice` has `practice_id` and `practice`.
    Both also have: answered (the denominator), positive, negative, percent_positive,
    percent_negative (None when nobody answered) and small_count (True under 10 answers).
    """

    answered: int
    excluded: int  # answers left out of the denominator, e.g. "I haven't tried"
    counts: dict[str, int]
    percent_positive: float | None
    percent_negative: float | None
    warning: str | None
    by_month: pd.DataFrame
    by_practice: pd.DataFrame


@dataclass(frozen=True)
class FftSummary(RateSummary):
    """The Friends and Family Test: % positive and % negative of all answers."""

    @property
    def responses(self) -> int:
        """How many people answered the FFT question."""
        return self.answered


@dataclass(frozen=True)
class PhoneEaseSummary(RateSummary):
    """Getting through on the phone: % easy, leaving out people who haven't tried."""

    @property
    def percent_easy(self) -> float | None:
        """(Very easy + Fairly easy) / answers other than "I haven't tried"."""
        return self.percent_positive


def _rates(
    values: pd.DataFrame, positive: Sequence[str], negative: Sequence[str], by: list[str]
) -> pd.DataFrame:
    """Answered / positive / negative counts and percentages per group."""
    if values.empty:
        return pd.DataFrame(columns=[*by, *RATE_COLUMNS])
    grouped = values.groupby(by, sort=True)["value"]
    table = pd.DataFrame(
        {
            "answered": grouped.size(),
            "positive": grouped.apply(lambda s: int(s.isin(positive).sum())),
            "negative": grouped.apply(lambda s: int(s.isin(negative).sum())),
        }
    ).reset_index()
    table["percent_positive"] = [
        percent(int(p), int(n)) for p, n in zip(table["positive"], table["answered"], strict=True)
    ]
    table["percent_negative"] = [
        percent(int(p), int(n)) for p, n in zip(table["negative"], table["answered"], strict=True)
    ]
    table["small_count"] = table["answered"] < SMALL_COUNT
    return table


def _rate_summary(
    frame: pd.DataFrame,
    options: Sequence[str],
    positive: Sequence[str],
    negative: Sequence[str],
    excluded: Sequence[str],
) -> dict[str, Any]:
    """The fields of a RateSummary from answer rows (excluded answers left out)."""
    counted = frame[~frame["value"].isin(excluded)]
    counts = {option: int((frame["value"] == option).sum()) for option in options}
    for other in sorted(set(frame["value"]) - set(options)):
        counts[str(other)] = int((frame["value"] == other).sum())
    answered = len(counted)
    good = int(counted["value"].isin(positive).sum())
    poor = int(counted["value"].isin(negative).sum())
    by_practice = _rates(counted, positive, negative, ["practice_id", "practice"])
    if not by_practice.empty:
        by_practice = by_practice.sort_values("practice", key=lambda s: s.str.casefold())
    return {
        "answered": answered,
        "excluded": len(frame) - answered,
        "counts": counts,
        "percent_positive": percent(good, answered),
        "percent_negative": percent(poor, answered),
        "warning": small_count_warning(answered),
        "by_month": _rates(counted, positive, negative, ["month"]),
        "by_practice": by_practice.reset_index(drop=True),
    }


def fft_summary(
    db: sqlite_utils.Database,
    date_from: dt.date | None,
    date_to: dt.date | None,
    practice_ids: Sequence[int] | None = None,
) -> FftSummary:
    """The Friends and Family Test between two dates (inclusive; None = open-ended)."""
    frame = answers_frame(
        db, code="fft", kind="fft", date_from=date_from, date_to=date_to, practice_ids=practice_ids
    )
    return FftSummary(**_rate_summary(frame, FFT_OPTIONS, FFT_POSITIVE, FFT_NEGATIVE, ()))


def phone_ease_summary(
    db: sqlite_utils.Database,
    date_from: dt.date | None,
    date_to: dt.date | None,
    practice_ids: Sequence[int] | None = None,
) -> PhoneEaseSummary:
    """Ease of contacting the practice by phone; `negative` counts the difficult answers."""
    frame = answers_frame(
        db, code=PHONE_EASE_CODE, date_from=date_from, date_to=date_to, practice_ids=practice_ids
    )
    difficult = ("Fairly difficult", "Very difficult", "Not very easy", "Not at all easy")
    return PhoneEaseSummary(
        **_rate_summary(frame, PHONE_EASE_OPTIONS, PHONE_EASY, difficult, PHONE_NOT_TRIED)
    )


def contact_experience_summary(
    db: sqlite_utils.Database,
    date_from: dt.date | None,
    date_to: dt.date | None,
    practice_ids: Sequence[int] | None = None,
) -> RateSummary:
    """Experience of contacting the practice: % good (Very good + Fairly good) of answers."""
    frame = answers_frame(
        db,
        code=CONTACT_EXPERIENCE_CODE,
        date_from=date_from,
        date_to=date_to,
        practice_ids=practice_ids,
    )
    return RateSummary(
        **_rate_summary(frame, GOOD_POOR_OPTIONS, GOOD_ANSWERS, ("Fairly poor", "Very poor"), ())
    )


def format_percent(value: float | None, answered: int) -> str:
    """'75%' or '75% (only 8 answers)' or '–' for none: how every screen and pack shows it."""
    if value is None:
        return "–"
    text = f"{value:.0f}%"
    if answered < SMALL_COUNT:
        text += f" (only {answered} answer{'s' if answered != 1 else ''})"
    return text


def responses_frame(
    db: sqlite_utils.Database, survey_id: int, *, full_text: bool = False
) -> pd.DataFrame:
    """One row per live response, one column per question ("Q1 …"), oldest first, for export.

    Free-text answers have personal details removed (core.redaction) unless `full_text`.
    """
    from ppg_desktop.core.redaction import redact
    from ppg_desktop.core.survey_models import MODE_LABELS, display_answer

    store = SurveyResponseStore(db)
    survey = store.get(survey_id)
    practices = dict(db.execute("SELECT id, name FROM practices").fetchall())
    keep = list(practices.values())
    rows = []
    for response in reversed(store.list_responses(survey_id)):
        row: dict[str, Any] = {
            "Response": response.uuid,
            "Date collected": response.collected_on.strftime("%d/%m/%Y"),
            "Practice": practices.get(response.practice_id, ""),
            "How collected": MODE_LABELS.get(response.mode, response.mode),
        }
        for question in survey.questions:
            text = display_answer(question, response.answers.get(question.id))
            if question.kind == "text" and text and not full_text:
                text = redact(text, keep=keep).text
            row[question.label] = text
        rows.append(row)
    columns = ["Response", "Date collected", "Practice", "How collected"]
    return pd.DataFrame(rows, columns=columns + [q.label for q in survey.questions])
