"""Sentiment: word lists with negation, mixed comments, and an FFT answer taking precedence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppg_desktop.core.sentiment import classify_sentiment, sentiment_from_fft, sentiment_score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The receptionist was very helpful.", "positive"),
        ("The receptionist was not helpful at all.", "negative"),
        ("No problem getting through this morning.", "positive"),
        ("Nothing was too much trouble for the nurse.", "positive"),
        ("I couldn't fault the care I had.", "positive"),
        ("The GP wasn't rude this time, and sorted it out.", "positive"),
        ("Didn't have to wait long at all.", "positive"),
        ("I was not impressed.", "negative"),
        ("Nobody ever answers the phone.", "negative"),
        ("On hold for 50 minutes, then cut off.", "negative"),
        ("Still waiting for my results after three weeks.", "negative"),
        ("Appalling attitude from the front desk.", "negative"),
    ],
)
def test_negation_and_plain_cases(text: str, expected: str) -> None:
    assert classify_sentiment(text) == expected


def test_mixed_comment_leans_on_what_follows_but() -> None:
    assert classify_sentiment("The doctor was lovely but I waited three weeks to be seen.") == (
        "negative"
    )
    assert classify_sentiment("The wait was long but the doctor was brilliant and kind.") == (
        "positive"
    )


def test_comparison_after_than_does_not_count() -> None:
    assert classify_sentiment(
        "Called back within 20 minutes, much better than waiting on hold."
    ) == ("positive")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No comment.",
        "Can you tell me when the next PPG meeting is?",
        "It would be helpful to have more chairs in the waiting room.",
    ],
)
def test_neutral(text: str) -> None:
    assert classify_sentiment(text) == "neutral"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Very good", "positive"),
        ("good", "positive"),
        ("Neither good nor poor", "neutral"),
        ("Poor", "negative"),
        ("VERY POOR", "negative"),
        ("very_poor", "negative"),
        ("Extremely likely", "positive"),
    ],
)
def test_fft_answer_takes_precedence(answer: str, expected: str) -> None:
    opposite = "Awful, rude and useless." if expected == "positive" else "Brilliant, thank you!"
    assert classify_sentiment(opposite, answer) == expected


@pytest.mark.parametrize("answer", [None, "", "Don't know", "something else"])
def test_unknown_fft_answer_leaves_the_text_to_decide(answer: str | None) -> None:
    assert sentiment_from_fft(answer) is None
    assert classify_sentiment("Brilliant, thank you!", answer) == "positive"


def test_score_sign() -> None:
    assert sentiment_score("excellent") > 0 > sentiment_score("terrible")


def test_labelled_comments_mostly_agree() -> None:
    """A guard against lexicon edits that quietly make the reading worse."""
    path = Path(__file__).resolve().parent.parent / "data" / "labelled_comments.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    right = sum(classify_sentiment(row["text"]) == row["sentiment"] for row in rows)
    assert right / len(rows) >= 0.8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The lift has been out of order since March.", "negative"),
        ("The chemist keeps running out of my tablets.", "negative"),
        ("Lovely to waste another morning on hold.", "negative"),
        ("Great, another four week wait.", "negative"),
        ("Cancelled again. Fourth time lucky?", "negative"),
        ("Kept waiting an hour past my time again, they must enjoy it.", "negative"),
        ("It has never been this bad here.", "negative"),
        ("Booking online is far less stressful.", "positive"),
        ("The app is so much easier than ringing.", "positive"),
        ("thank u all so much xx", "positive"),
        ("I'd recommend this surgery to my friends.", "positive"),
        ("I'd like to thank the nurses for their care.", "positive"),
        ("Nothing to add.", "neutral"),
        ("I have only been once so can't really say.", "neutral"),
    ],
)
def test_factual_complaints_sarcasm_comparisons_and_informal_thanks(
    text: str, expected: str
) -> None:
    assert classify_sentiment(text) == expected
