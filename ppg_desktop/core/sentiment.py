"""Positive, neutral or negative: a transparent word-list reading of a patient's comment.

How it reads a comment (word lists in resources/sentiment_lexicon.json):
- set phrases first ("no problem", "couldn't fault", "nothing was too much trouble" are praise;
  "no appointments", "still waiting", "on hold" are complaints);
- then single words, each flipped by a negation up to three words before it ("not helpful",
  "never friendly", "wasn't rude"), unless "and"/"but" comes between;
- in a mixed comment, what comes after "but", "however" or "although" counts double,
  because that is usually the point the patient is making;
- an FFT answer on the same response ("Very good" ... "Very poor") takes precedence over the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from ppg_desktop.paths import resources_dir

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLAUSE = re.compile(r"[.!?;\n]+")
NEGATION_REACH = 3
THRESHOLD = 0.6


@dataclass(frozen=True)
class Lexicon:
    """The compiled word lists."""

    phrases: tuple[tuple[re.Pattern[str], float], ...]
    words: dict[str, float]
    negators: frozenset[str]
    contrast: frozenset[str]
    breakers: frozenset[str]
    fft_answers: dict[str, str]


@cache
def lexicon() -> Lexicon:
    """The shipped word lists, read and compiled once."""
    data = json.loads((resources_dir() / "sentiment_lexicon.json").read_text(encoding="utf-8"))
    return Lexicon(
        phrases=tuple((re.compile(p), float(w)) for p, w in data["phrases"]),
        words={str(k): float(v) for k, v in data["words"].items()},
        negators=frozenset(data["negators"]),
        contrast=frozenset(data["contrast"]),
        breakers=frozenset(data["negation_breakers"]),
        fft_answers={str(k): str(v) for k, v in data["fft_answers"].items()},
    )


def sentiment_from_fft(answer: str | None) -> str | None:
    """The FFT answer ('Very good' ... 'Very poor', or the old 'likely' scale) as a sentiment.

    "Don't know" and anything unrecognised give None, so the text decides.
    """
    if not answer:
        return None
    key = " ".join(answer.lower().replace("_", " ").replace("-", " ").split())
    return lexicon().fft_answers.get(key)


def sentiment_score(text: str) -> float:
    """A signed score: above zero is praise, below is complaint (for sorting and tests)."""
    lowered = text.lower().replace("’", "'")
    return sum(_clause_score(clause) for clause in _CLAUSE.split(lowered) if clause.strip())


def _clause_score(clause: str) -> float:
    """Score one sentence; the part after a contrast word ('but', 'however') weighs double."""
    lex = lexicon()
    covered: list[tuple[int, int]] = []
    scored: list[tuple[int, float]] = []
    for pattern, weight in lex.phrases:
        for found in pattern.finditer(clause):
            scored.append((found.start(), weight))
            covered.append((found.start(), found.end()))
    words = list(_WORD.finditer(clause))
    negate_until = -1
    pivot: int | None = None
    for index, found in enumerate(words):
        word = found.group(0)
        if word in lex.contrast:
            pivot = found.start()
        if word in lex.breakers:
            negate_until = -1
        if word in lex.negators:
            negate_until = index + NEGATION_REACH
            continue
        listed = lex.words.get(word)
        if listed is None or any(s <= found.start() < e for s, e in covered):
            continue
        weight = listed
        if index <= negate_until:
            # "not rude" is milder praise than "rude" is a complaint
            weight = -weight * (0.6 if weight < 0 else 1.0)
        scored.append((found.start(), weight))
    return sum(w * (2.0 if pivot is not None and at >= pivot else 1.0) for at, w in scored)


def classify_sentiment(text: str, fft_answer: str | None = None) -> str:
    """'positive', 'neutral' or 'negative' for a comment; an FFT answer, when given, decides."""
    from_fft = sentiment_from_fft(fft_answer)
    if from_fft is not None:
        return from_fft
    score = sentiment_score(text or "")
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"
