"""Question kinds, the standard answer sets, and the two surveys a PPG can start from.

The wording and answer options follow the NHS Friends and Family Test (since April 2020) and the
GP Patient Survey (2024 questionnaire), so the PPG's results can be set beside the national ones
(see /work/shared/reference/survey-standards.md). The demo data (core/demo.py) uses the same
question codes and answer texts; results code finds questions by these codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

QUESTION_KINDS = ("fft", "single", "multi", "scale5", "scale10", "yes_no", "number", "date", "text")
KIND_LABELS: dict[str, str] = {
    "fft": "Friends and Family Test question",
    "single": "Single choice",
    "multi": "Multiple choice",
    "scale5": "Scale 1 to 5",
    "scale10": "Scale 0 to 10",
    "yes_no": "Yes / No",
    "number": "Number",
    "date": "Date",
    "text": "Free text",
}
CHOICE_KINDS = ("fft", "single", "multi")

FFT_QUESTION = "Overall, how was your experience of our service?"
FFT_OPTIONS = ("Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know")
FFT_POSITIVE = ("Very good", "Good")
FFT_NEGATIVE = ("Poor", "Very poor")
FFT_REASON_QUESTION = "Can you tell us why you gave that response?"
YES_NO_OPTIONS = ("Yes", "No")

PHONE_EASE_CODE = "phone_ease"
PHONE_EASE_OPTIONS = (
    "Very easy",
    "Fairly easy",
    "Neither easy nor difficult",
    "Fairly difficult",
    "Very difficult",
    "I haven't tried",
)
PHONE_EASY = ("Very easy", "Fairly easy")
# The national survey leaves "haven't tried" out of "% easy"; the pre-2024 wording is accepted too.
PHONE_NOT_TRIED = ("I haven't tried", "Haven't tried")
LAST_PHONED_OPTIONS = (
    "My call was answered straight away",
    "I waited in a queue before my call was answered",
    "I was asked to use an automated call-back",
    "I gave up before my call was answered",
    "My call was not answered",
)
CONTACT_EXPERIENCE_CODE = "contact_experience"
GOOD_POOR_OPTIONS = (
    "Very good",
    "Fairly good",
    "Neither good nor poor",
    "Fairly poor",
    "Very poor",
)
GOOD_ANSWERS = ("Very good", "Fairly good")


@dataclass(frozen=True)
class QuestionTemplate:
    """One question of a template; `show_if` may name an earlier question by its code."""

    code: str
    kind: str
    text: str
    options: tuple[str, ...] = ()
    required: bool = False
    help_text: str = ""
    show_if: dict[str, Any] | None = None


@dataclass(frozen=True)
class SurveyTemplate:
    """A survey to start from: a title, a description for the kiosk and its questions."""

    key: str
    title: str
    description: str
    questions: tuple[QuestionTemplate, ...] = field(default_factory=tuple)


TEMPLATES: dict[str, SurveyTemplate] = {
    "fft": SurveyTemplate(
        key="fft",
        title="Friends and Family Test",
        description="The NHS Friends and Family Test: one question about your experience and, "
        "if you like, why.",
        questions=(
            QuestionTemplate("fft", "fft", FFT_QUESTION, FFT_OPTIONS, required=True),
            QuestionTemplate(
                "fft_reason",
                "text",
                FFT_REASON_QUESTION,
                help_text="Please do not include names or other personal details.",
            ),
        ),
    ),
    "contacting": SurveyTemplate(
        key="contacting",
        title="Contacting the practice",
        description="How easy it is to get in touch with the practice, asked the way the "
        "national GP Patient Survey asks it.",
        questions=(
            QuestionTemplate(
                PHONE_EASE_CODE,
                "single",
                "Generally, how easy or difficult is it to contact your GP practice on the phone?",
                PHONE_EASE_OPTIONS,
                required=True,
            ),
            QuestionTemplate(
                "last_phoned",
                "single",
                "What happened when you last phoned?",
                LAST_PHONED_OPTIONS,
                show_if={"question": PHONE_EASE_CODE, "not_in": [PHONE_EASE_OPTIONS[-1]]},
            ),
            QuestionTemplate(
                CONTACT_EXPERIENCE_CODE,
                "single",
                "Overall, how would you describe your experience of contacting your GP practice "
                "on this occasion?",
                GOOD_POOR_OPTIONS,
            ),
        ),
    ),
}
