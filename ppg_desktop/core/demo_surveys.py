"""The demo PPG's surveys and their responses (see core/demo.py for the whole run).

Survey 1 is always the NHS Friends and Family Test and survey 2 "Contacting the practice", built
from the same templates the survey designer offers, so results code finds their questions by code.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from ppg_desktop.core.demo_plan import fft_positive_share, phone_easy_share
from ppg_desktop.core.demo_wording import FFT_REASONS, TOPICS
from ppg_desktop.core.survey_templates import (
    FFT_OPTIONS,
    GOOD_POOR_OPTIONS,
    LAST_PHONED_OPTIONS,
    PHONE_EASE_OPTIONS,
    TEMPLATES,
)

if TYPE_CHECKING:
    from ppg_desktop.core.demo import DemoContext, DemoItem

CONTACT_SURVEY_MONTHS = 9
FFT_SURVEY_ID = 1
CONTACT_SURVEY_ID = 2


def _insert_survey(ctx: DemoContext, survey_id: int, template_key: str) -> dict[str, int]:
    """One survey from its template; returns its question ids by code."""
    template = TEMPLATES[template_key]
    stamp = ctx.stamp(ctx.plan.start - dt.timedelta(days=10))
    ctx.db.execute(
        "INSERT INTO surveys (id, uuid, title, description, template, version, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        [survey_id, ctx.uuid(), template.title, template.description, template.key, stamp, stamp],
    )
    ids = {}
    for position, question in enumerate(template.questions, start=1):
        cursor = ctx.db.execute(
            "INSERT INTO survey_questions (uuid, survey_id, position, code, kind, text,"
            " help_text, required, options, show_if) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ctx.uuid(),
                survey_id,
                position,
                question.code,
                question.kind,
                question.text,
                question.help_text,
                int(question.required),
                json.dumps(list(question.options)),
                json.dumps(question.show_if) if question.show_if else None,
            ],
        )
        ids[question.code] = int(cursor.lastrowid or 0)
    return ids


def _fft_answer_for(item: DemoItem, ctx: DemoContext) -> str:
    """What someone who wrote this comment would have ticked."""
    rng, polarity = ctx.rng, TOPICS[item.topic].polarity
    if polarity == "positive":
        return rng.choices(FFT_OPTIONS[:2], (7, 3))[0]
    if polarity == "suggestion":
        return rng.choices(FFT_OPTIONS[:3], (2, 4, 4))[0]
    return rng.choices(FFT_OPTIONS[2:5], (15, 45, 40))[0]


def _fft_answer(ctx: DemoContext, month: int, practice: int) -> str:
    positive = fft_positive_share(ctx.plan, month, ctx.plan.practices[practice])
    roll = ctx.rng.random()
    if roll < positive:
        return "Very good" if ctx.rng.random() < 0.64 else "Good"
    return ctx.rng.choices(FFT_OPTIONS[2:], (30, 32, 28, 10))[0]


def _cells(ctx: DemoContext, months: range) -> tuple[list[tuple[int, int]], list[float]]:
    cells = [(m, p) for m in months for p in range(len(ctx.plan.practices))]
    weights = [ctx.plan.month_volume[m] * ctx.plan.practices[p].size for m, p in cells]
    return cells, weights


def _day_in(ctx: DemoContext, month: int) -> dt.date:
    first, last = ctx.plan.month_days(month)
    return first + dt.timedelta(days=ctx.rng.randint(0, (last - first).days))


def write_surveys(
    ctx: DemoContext, items: list[DemoItem], fft_count: int, contact_count: int
) -> tuple[int, int]:
    """The FFT (survey 1) and "Contacting the practice" (survey 2) with their responses.

    Survey-channel comments each get the FFT response they came from (their text is its reason).
    Returns the number of responses to each survey.
    """
    rng = ctx.rng
    fft_ids = _insert_survey(ctx, FFT_SURVEY_ID, "fft")
    contact_ids = _insert_survey(ctx, CONTACT_SURVEY_ID, "contacting")
    # (collected_on, practice, answers by code, mode, item or None)
    responses: list[tuple[dt.date, int, dict[str, str], str, Any]] = []
    survey_items = [item for item in items if item.channel == "survey"]
    from_items = survey_items[:fft_count]
    for item in from_items:
        answer = _fft_answer_for(item, ctx)
        mode = "kiosk" if rng.random() < 0.6 else "paper"
        item.extra["fft"], item.extra["mode"] = answer, mode
        responses.append(
            (item.received_on, item.practice, {"fft": answer, "fft_reason": item.text}, mode, item)
        )
    for item in survey_items[fft_count:]:  # more survey comments than responses: re-file them
        item.channel = "kiosk"
    cells, weights = _cells(ctx, range(len(ctx.plan.months)))
    for month, practice in rng.choices(cells, weights, k=fft_count - len(from_items)):
        answer = _fft_answer(ctx, month, practice)
        answers = {"fft": answer}
        if rng.random() < 0.35:
            answers["fft_reason"] = rng.choice(FFT_REASONS[answer])
        responses.append(
            (
                _day_in(ctx, month),
                practice,
                answers,
                "kiosk" if rng.random() < 0.55 else "paper",
                None,
            )
        )
    first_month = max(0, len(ctx.plan.months) - CONTACT_SURVEY_MONTHS)
    cells, weights = _cells(ctx, range(first_month, len(ctx.plan.months)))
    contact_start = len(responses)
    for month, practice in rng.choices(cells, weights, k=contact_count):
        responses.append(
            (
                _day_in(ctx, month),
                practice,
                _contact_answers(ctx, month, practice),
                "kiosk" if rng.random() < 0.5 else "paper",
                None,
            )
        )
    ctx.step(len(responses))
    _insert_responses(ctx, responses, contact_start, fft_ids, contact_ids)
    return contact_start, len(responses) - contact_start


def _insert_responses(
    ctx: DemoContext,
    responses: list[tuple[dt.date, int, dict[str, str], str, Any]],
    contact_start: int,
    fft_ids: dict[str, int],
    contact_ids: dict[str, int],
) -> None:
    rng = ctx.rng
    order = sorted(range(len(responses)), key=lambda i: responses[i][0])
    response_rows: list[tuple[Any, ...]] = []
    answer_rows: list[tuple[int, int, str]] = []
    volunteers = ctx.data_entry_users()
    for response_id, index in enumerate(order, start=1):
        day, practice, answers, mode, item = responses[index]
        survey_id = CONTACT_SURVEY_ID if index >= contact_start else FFT_SURVEY_ID
        question_ids = contact_ids if survey_id == CONTACT_SURVEY_ID else fft_ids
        stamp = ctx.stamp(day)
        entered_by = rng.choice(volunteers) if mode == "paper" else None
        response_rows.append(
            (
                response_id,
                ctx.uuid(),
                survey_id,
                ctx.practice_ids[practice],
                day.isoformat(),
                mode,
                entered_by,
                stamp,
                stamp,
            )
        )
        answer_rows.extend(
            (response_id, question_ids[code], value) for code, value in answers.items()
        )
        if item is not None:
            item.response_id = response_id
    ctx.db.conn.executemany(
        "INSERT INTO survey_responses (id, uuid, survey_id, practice_id, collected_on, mode,"
        " entered_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        response_rows,
    )
    ctx.db.conn.executemany(
        "INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)",
        answer_rows,
    )


def _contact_answers(ctx: DemoContext, month: int, practice: int) -> dict[str, str]:
    """A GPPS-style answer set whose parts agree with each other."""
    rng = ctx.rng
    easy = phone_easy_share(ctx.plan, month, ctx.plan.practices[practice])
    if rng.random() < 0.07:
        ease = PHONE_EASE_OPTIONS[5]
    elif rng.random() < easy:
        ease = rng.choices(PHONE_EASE_OPTIONS[:2], (35, 65))[0]
    else:
        ease = rng.choices(PHONE_EASE_OPTIONS[2:5], (30, 40, 30))[0]
    answers = {"phone_ease": ease}
    level = PHONE_EASE_OPTIONS.index(ease)  # 0 very easy ... 4 very difficult, 5 not tried
    if level < 5:
        weights = (
            (45, 45, 8, 1, 1),
            (30, 50, 12, 5, 3),
            (12, 50, 16, 15, 7),
            (5, 40, 15, 28, 12),
            (2, 30, 13, 35, 20),
        )[level]
        answers["last_phoned"] = rng.choices(LAST_PHONED_OPTIONS, weights)[0]
    shift = min(level, 4)
    experience = (
        (50, 38, 8, 3, 1),
        (30, 50, 13, 5, 2),
        (10, 35, 35, 14, 6),
        (4, 16, 25, 35, 20),
        (2, 6, 14, 33, 45),
    )[shift]
    if rng.random() < 0.95:
        answers["contact_experience"] = rng.choices(GOOD_POOR_OPTIONS, experience)[0]
    return answers
