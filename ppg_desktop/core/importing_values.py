"""Turning what people type in spreadsheets into the app's codes: kinds, channels, statuses,
sentiments and Friends and Family Test answers, with messages that say what would be accepted."""

from __future__ import annotations

import re

from ppg_desktop.core.models import CHANNEL_LABELS, KIND_LABELS, SENTIMENT_LABELS, STATUS_LABELS

KIND_WORDS: dict[str, str] = {
    "complaint": "complaint",
    "complain": "complaint",
    "negative": "complaint",
    "concern": "concern",
    "worry": "concern",
    "query": "concern",
    "question": "concern",
    "compliment": "compliment",
    "praise": "compliment",
    "thanks": "compliment",
    "thank you": "compliment",
    "positive": "compliment",
    "suggestion": "suggestion",
    "idea": "suggestion",
    "comment": "suggestion",
}
CHANNEL_WORDS: dict[str, str] = {
    "in person": "in_person",
    "face to face": "in_person",
    "f2f": "in_person",
    "verbal": "in_person",
    "in_person": "in_person",
    "phone": "phone",
    "telephone": "phone",
    "tel": "phone",
    "call": "phone",
    "email": "email",
    "e mail": "email",
    "letter": "letter",
    "post": "letter",
    "written": "letter",
    "survey": "survey",
    "form": "survey",
    "online form": "survey",
    "google form": "survey",
    "microsoft form": "survey",
    "questionnaire": "survey",
    "online": "survey",
    "kiosk": "kiosk",
    "tablet": "kiosk",
    "social media": "social_media",
    "facebook": "social_media",
    "twitter": "social_media",
    "social_media": "social_media",
    "x": "social_media",
    "instagram": "social_media",
    "other": "other",
}
STATUS_WORDS: dict[str, str] = {
    "new": "new",
    "open": "new",
    "raised": "raised",
    "raised with practice": "raised",
    "answered": "answered",
    "replied": "answered",
    "responded": "answered",
    "closed": "closed",
    "done": "closed",
    "resolved": "closed",
}
SENTIMENT_WORDS: dict[str, str] = {
    "positive": "positive",
    "good": "positive",
    "pos": "positive",
    "neutral": "neutral",
    "mixed": "neutral",
    "negative": "negative",
    "bad": "negative",
    "neg": "negative",
}
# NHS Friends and Family Test answers (and the 1-5 scale some forms use, 5 = very good).
FFT_ANSWERS: dict[str, str] = {
    "very good": "very_good",
    "good": "good",
    "neither good nor poor": "neither",
    "neither good or poor": "neither",
    "poor": "poor",
    "very poor": "very_poor",
    "don t know": "dont_know",
    "dont know": "dont_know",
    "do not know": "dont_know",
    "extremely likely": "very_good",
    "likely": "good",
    "neither likely nor unlikely": "neither",
    "unlikely": "poor",
    "extremely unlikely": "very_poor",
    "5": "very_good",
    "4": "good",
    "3": "neither",
    "2": "poor",
    "1": "very_poor",
}
FFT_SENTIMENT: dict[str, str | None] = {
    "very_good": "positive",
    "good": "positive",
    "neither": "neutral",
    "poor": "negative",
    "very_poor": "negative",
    "dont_know": None,
}


class ValueProblem(ValueError):
    """A cell whose value is not one of the accepted words (message for people)."""


def _key(value: object) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", str(value).lower()).split())


def _lookup(value: object, words: dict[str, str], labels: dict[str, str], what: str) -> str:
    key = _key(value)
    if key in words:
        return words[key]
    for code, label in labels.items():
        if key in (_key(code), _key(label)):
            return code
    names = list(labels.values())
    raise ValueProblem(
        f"'{value}' is not a {what} PPG Desk knows. Use one of: "
        + ", ".join(names[:-1])
        + f" or {names[-1]}."
    )


def kind_code(value: object) -> str:
    """'Praise' -> 'compliment'; raises ValueProblem for a word we do not know."""
    return _lookup(value, KIND_WORDS, KIND_LABELS, "kind of feedback")


def channel_code(value: object) -> str:
    """'Telephone' -> 'phone'."""
    return _lookup(value, CHANNEL_WORDS, CHANNEL_LABELS, "way of giving feedback")


def status_code(value: object) -> str:
    """'Resolved' -> 'closed'."""
    return _lookup(value, STATUS_WORDS, STATUS_LABELS, "status")


def sentiment_code(value: object) -> str:
    """'Good' -> 'positive'."""
    return _lookup(value, SENTIMENT_WORDS, SENTIMENT_LABELS, "sentiment")


def fft_code(value: object) -> str:
    """A Friends and Family Test answer as a code ('Very good' -> 'very_good')."""
    key = _key(value)
    if key.endswith(".0"):
        key = key[:-2]
    if key in FFT_ANSWERS:
        return FFT_ANSWERS[key]
    raise ValueProblem(
        f"'{value}' is not a Friends and Family Test answer. Use Very good, Good, Neither good "
        "nor poor, Poor, Very poor or Don't know."
    )


def kind_from_sentiment(sentiment: str | None) -> str:
    """When the file has no kind column: a negative comment is a complaint, a positive one a
    compliment, and anything else is filed as a suggestion for the chair to review."""
    return {"negative": "complaint", "positive": "compliment"}.get(sentiment or "", "suggestion")
