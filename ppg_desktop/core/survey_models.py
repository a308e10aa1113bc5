"""Surveys, questions and responses as plain records, and the rules for one answer's value.

Answers are stored as text in `survey_answers.value`: the option's text for choice questions, a
JSON list of option texts for multiple choice, the number as written for scales and numbers
("4", "12.5"), an ISO date (yyyy-mm-dd) for dates, and the words themselves for free text.
`normalise_answer` turns what a screen collected into that text, or explains what is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from ppg_desktop.core.clock import parse_uk_date
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.survey_templates import FFT_OPTIONS, YES_NO_OPTIONS

MAX_ANSWER_TEXT = 5_000
MODES = ("kiosk", "paper", "online", "import", "other")
MODE_LABELS = {
    "kiosk": "Kiosk",
    "paper": "Paper form",
    "online": "Online",
    "import": "Imported",
    "other": "Other",
}


@dataclass(frozen=True)
class Question:
    """One question of one survey version."""

    id: int
    uuid: str
    survey_id: int
    position: int
    code: str | None
    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    options: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    show_if: dict[str, Any] | None = None

    def choices(self) -> tuple[str, ...]:
        """The answers a person picks from, for every kind that has a fixed list."""
        if self.kind == "fft":
            return FFT_OPTIONS
        if self.kind == "yes_no":
            return YES_NO_OPTIONS
        if self.kind == "scale5":
            return tuple(str(n) for n in range(1, 6))
        if self.kind == "scale10":
            return tuple(str(n) for n in range(0, 11))
        if self.kind in ("single", "multi"):
            return self.options
        return ()

    @property
    def label(self) -> str:
        """How the question is named in errors and column headings: 'Q2 Can you tell us…'."""
        return f"Q{self.position} {self.text}"


@dataclass(frozen=True)
class Survey:
    """One version of a survey, with its questions in order."""

    id: int
    uuid: str
    title: str
    description: str
    template: str | None
    version: int
    previous_version_id: int | None
    archived: bool
    created_at: str
    response_count: int = 0
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, question_id: int) -> Question:
        """The question with this id in this version (KeyError if it is not part of it)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


@dataclass(frozen=True)
class SurveyResponse:
    """One person's completed form; `answers` maps question id to the stored text."""

    id: int
    uuid: str
    survey_id: int
    practice_id: int | None
    collected_on: dt.date
    mode: str
    entered_by: int | None
    created_at: str
    answers: dict[int, str] = field(default_factory=dict)
    feedback_ids: tuple[int, ...] = ()


def is_blank(value: Any) -> bool:
    """True when nothing was answered: None, empty or spaces, or an empty selection."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set)):
        return len(value) == 0
    return False


def _number_text(number: float) -> str:
    """A number as stored: '12' for whole numbers, '12.5' otherwise."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def _pick(question: Question, value: Any) -> str:
    """One of the question's choices, exactly as offered."""
    text = str(value).strip()
    allowed = question.choices()
    if text not in allowed:
        raise ValidationError(question.label, "Choose one of: " + ", ".join(allowed) + ".")
    return text


def normalise_answer(question: Question, value: Any) -> str:
    """The text to store for this answer; raise ValidationError (naming the question) if invalid.

    Call only with a non-blank value (see `is_blank`).
    """
    kind = question.kind
    if kind in ("fft", "single", "yes_no"):
        return _pick(question, value)
    if kind == "multi":
        picked = json.loads(value) if isinstance(value, str) and value.startswith("[") else value
        if isinstance(picked, str):
            picked = [picked]
        chosen = [_pick(question, item) for item in picked]
        order = {option: n for n, option in enumerate(question.options)}
        return json.dumps(sorted(set(chosen), key=order.__getitem__))
    if kind in ("scale5", "scale10", "number"):
        return _number(question, value)
    if kind == "date":
        return _date(question, value)
    text = str(value).strip()
    if len(text) > MAX_ANSWER_TEXT:
        raise ValidationError(
            question.label, f"The answer is too long: keep it under {MAX_ANSWER_TEXT:,} characters."
        )
    return text


def _number(question: Question, value: Any) -> str:
    """A scale score or a number within the question's range, as stored text."""
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError as exc:
        raise ValidationError(question.label, "Enter a number, like 3.") from exc
    if question.kind != "number":
        low, high = (1, 5) if question.kind == "scale5" else (0, 10)
        if not number.is_integer() or not low <= number <= high:
            raise ValidationError(question.label, f"Choose a whole number from {low} to {high}.")
        return str(int(number))
    if question.min_value is not None and number < question.min_value:
        raise ValidationError(
            question.label, f"The number must be at least {_number_text(question.min_value)}."
        )
    if question.max_value is not None and number > question.max_value:
        raise ValidationError(
            question.label, f"The number must be no more than {_number_text(question.max_value)}."
        )
    return _number_text(number)


def _date(question: Question, value: Any) -> str:
    """A date (date object, dd/mm/yyyy or ISO) as ISO text."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = parse_uk_date(str(value))
        except ValueError as exc:
            raise ValidationError(question.label, "Enter the date as dd/mm/yyyy.") from exc
    return value.isoformat()


def display_answer(question: Question, stored: str | None) -> str:
    """A stored answer as people read it (lists joined by '; ', dates as dd/mm/yyyy)."""
    if stored is None:
        return ""
    if question.kind == "multi":
        try:
            return "; ".join(json.loads(stored))
        except (ValueError, TypeError):
            return stored
    if question.kind == "date":
        try:
            return dt.date.fromisoformat(stored).strftime("%d/%m/%Y")
        except ValueError:
            return stored
    return stored
