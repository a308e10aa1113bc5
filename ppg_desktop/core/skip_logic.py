"""Skip logic: "show this question only if an earlier answer is one of these".

A question's `show_if` is stored as JSON in survey_questions.show_if:

    {"question": "<uuid of an earlier question>", "in": ["Poor", "Very poor"]}
    {"question": "<uuid>", "not_in": ["I haven't tried"]}

Exactly one of "in" / "not_in" is given, with a list of that question's answer texts (for scales,
the numbers as text: "1", "2"). For multiple choice, "in" holds when any picked option is listed.
The store always saves the uuid (it survives reordering and new versions); when reading, a whole
number is also understood as the earlier question's position and any other text as its code, so
hand-written data (the demo, imports) may use those.

A question is shown only when the question it depends on was itself shown and answered, and the
answer matches. If it was skipped or left blank, the dependent question is hidden too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.survey_models import Question, is_blank, normalise_answer

FIELD = "Show only if"
CONDITION_KINDS = ("fft", "single", "multi", "yes_no", "scale5", "scale10")


def parse_show_if(raw: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The condition as a dict, or None for 'always shown'; ValueError if it is malformed."""
    if raw is None or raw == "" or raw == {}:
        return None
    data = json.loads(raw) if isinstance(raw, str) else dict(raw)
    if not isinstance(data, dict) or "question" not in data:
        raise ValueError("show_if needs a 'question'")
    keys = [key for key in ("in", "not_in") if key in data]
    if len(keys) != 1 or not isinstance(data[keys[0]], list):
        raise ValueError("show_if needs exactly one list: 'in' or 'not_in'")
    return {"question": data["question"], keys[0]: [str(v) for v in data[keys[0]]]}


def find_target(condition: Mapping[str, Any], questions: Sequence[Question]) -> Question | None:
    """The question a condition refers to, by uuid, position or code (None if there is none)."""
    ref = condition.get("question")
    for question in questions:
        if isinstance(ref, int) and not isinstance(ref, bool):
            if question.position == ref:
                return question
        elif ref in (question.uuid, question.code):
            return question
    return None


def _matches(condition: Mapping[str, Any], target: Question, stored: str) -> bool:
    """Whether a stored answer satisfies the condition's 'in' or 'not_in' list."""
    picked = set(json.loads(stored)) if target.kind == "multi" else {stored}
    if "in" in condition:
        return bool(picked & set(condition["in"]))
    return not picked & set(condition["not_in"])


def visible_questions(
    questions: Sequence[Question], answers: Mapping[int, str | None]
) -> list[Question]:
    """The questions shown, in order, given stored answers keyed by question id."""
    shown: list[Question] = []
    shown_ids: set[int] = set()
    ordered = sorted(questions, key=lambda q: q.position)
    for question in ordered:
        condition = question.show_if
        if condition:
            target = find_target(condition, ordered)
            stored = answers.get(target.id) if target else None
            if target is None or target.id not in shown_ids or not stored:
                continue
            if not _matches(condition, target, stored):
                continue
        shown.append(question)
        shown_ids.add(question.id)
    return shown


def check_condition(
    condition: Mapping[str, Any], question_position: int, questions: Sequence[Question]
) -> dict[str, Any]:
    """Validate a condition for the question at `question_position`; return it with the uuid.

    Raises ValidationError (field "Show only if") naming what to fix.
    """
    try:
        parsed = parse_show_if(condition)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            FIELD, "Choose an earlier question and the answers that show this one."
        ) from exc
    if parsed is None:
        return {}
    target = find_target(parsed, questions)
    if target is None:
        raise ValidationError(FIELD, "The question it depends on is not in this survey.")
    if target.position >= question_position:
        raise ValidationError(FIELD, "A question can only depend on an answer given before it.")
    if target.kind not in CONDITION_KINDS:
        raise ValidationError(
            FIELD, f"Q{target.position} has no fixed answers; choose a question with options."
        )
    values = parsed.get("in", parsed.get("not_in", []))
    if not values:
        raise ValidationError(FIELD, "Tick at least one answer that shows this question.")
    unknown = [v for v in values if v not in target.choices()]
    if unknown:
        raise ValidationError(
            FIELD, f"Q{target.position} has no answer '{unknown[0]}'. Choose from its options."
        )
    key = "in" if "in" in parsed else "not_in"
    return {"question": target.uuid, key: values}


def describe_condition(condition: Mapping[str, Any] | None, questions: Sequence[Question]) -> str:
    """The condition in words for the designer: 'Only if the answer to Q1 is “Poor” or
    “Very poor”'."""
    if not condition:
        return ""
    target = find_target(condition, questions)
    name = f"Q{target.position}" if target else "a removed question"
    if "in" in condition:
        return f"Only if the answer to {name} is " + _answers(condition["in"])
    return f"Only if the answer to {name} is not " + _answers(condition["not_in"])


def _answers(values: Sequence[str]) -> str:
    """Answers quoted so they read as answers: '“Poor” or “Very poor”'."""
    return " or ".join(f"“{value}”" for value in values)


def visible_for_collected(
    questions: Sequence[Question], collected: Mapping[int, Any]
) -> list[Question]:
    """The questions shown given answers as a screen holds them (not yet stored).

    Answers that are blank or not (yet) valid count as not given, so a half-typed answer never
    reveals a question.
    """
    by_id = {q.id: q for q in questions}
    stored: dict[int, str | None] = {}
    for question_id, value in collected.items():
        if question_id in by_id and not is_blank(value):
            try:
                stored[question_id] = normalise_answer(by_id[question_id], value)
            except ValidationError:
                continue
    return visible_questions(questions, stored)
