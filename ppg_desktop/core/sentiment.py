"""Positive, neutral or negative: a transparent word-list reading of a patient's comment.

How it reads a comment (word lists in resources/sentiment_lexicon.json):
- set phrases first ("no problem", "couldn't fault", "nothing was too much trouble" are praise;
  "no appointments", "still waiting", "on hold" are complaints);
- then single words, each flipped by a negation up to three words before it ("not helpful",
  "never friendly", "wasn't rude"), unless "and"/"but" comes between;
- a negation that flips nothing still leans negative ("nobody ever answers");
- what follows "than" is a comparison and is not counted ("better than waiting on hold");
- in a mixed comment, what comes after "but" or "however" counts double, because that is
  usually the point the patient is making; a suggestion ("it would help if...") counts little;
- plain statements of a fault count as complaints ("out of order", "keeps running out",
  "taken by staff cars"), and so do sarcastic praise ("Great, another three week wait") and
  comparisons with the past ("never been this bad"); remarks with no opinion ("nothing to add",
  "can't really say") stay neutral;
- an FFT answer on the same response ("Very good" ... "Very poor") takes precedence over the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ppg_desktop.core.regex_prefilter import PatternFilter
from ppg_desktop.paths import resources_dir

_COMPARISON = re.compile(r"\b(?:than|instead of|rather than)\b[^,;:]*")
_WORD_OR_COMMA = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[,:(]")
_CLAUSE = re.compile(r"[.!?;\n]+")
NEGATION_REACH = 3
UNFLIPPED_NEGATION = -0.6
SUGGESTION_DAMPING = 0.3
POSITIVE_FROM = 0.6
NEGATIVE_FROM = -0.5


@dataclass(frozen=True)
class Lexicon:
    """The compiled word lists."""

    phrases: tuple[tuple[re.Pattern[str], float], ...]
    words: dict[str, float]
    negators: frozenset[str]
    contrast: frozenset[str]
    breakers: frozenset[str]
    ignore_after: frozenset[str]
    suggestion: tuple[re.Pattern[str], ...]
    fft_answers: dict[str, str]
    phrase_filter: PatternFilter  # which phrases could match a clause, so only those are run


@cache
def lexicon() -> Lexicon:
    """The shipped word lists, read and compiled once."""
    data = json.loads((resources_dir() / "sentiment_lexicon.json").read_text(encoding="utf-8"))
    phrases = tuple((re.compile(p), float(w)) for p, w in data["phrases"])
    return Lexicon(
        phrases=phrases,
        words={str(k): float(v) for k, v in data["words"].items()},
        negators=frozenset(data["negators"]),
        contrast=frozenset(data["contrast"]),
        breakers=frozenset(data["negation_breakers"]),
        ignore_after=frozenset(data.get("ignore_after", [])),
        suggestion=tuple(re.compile(p) for p in data.get("suggestion_patterns", [])),
        fft_answers={str(k): str(v) for k, v in data["fft_answers"].items()},
        phrase_filter=PatternFilter([pattern for pattern, _ in phrases]),
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


@lru_cache(maxsize=20_000)  # short clauses ("thank you", "very good") recur across comments
def _clause_score(clause: str) -> float:
    """Score one sentence: phrases, then words with negation; after 'but' counts double."""
    lex = lexicon()
    covered: list[tuple[int, int]] = []
    scored: list[tuple[int, float]] = []
    # "better than waiting on hold": what follows "than" is the comparison, not the verdict
    ignored = [(m.start(), m.end()) for m in _COMPARISON.finditer(clause)]
    phrases = lex.phrases
    for index in lex.phrase_filter.candidates(clause):
        pattern, weight = phrases[index]
        for found in pattern.finditer(clause):
            if any(s <= found.start() < e for s, e in ignored):
                continue
            scored.append((found.start(), weight))
            covered.append((found.start(), found.end()))
    pivot: int | None = None
    negation_left = 0
    pending: int | None = None  # where a negation that has not yet flipped a word stands
    ignoring = False

    def close_negation() -> None:
        """A negation that flipped nothing still leans negative ("nobody answers")."""
        nonlocal pending, negation_left
        if pending is not None:
            scored.append((pending, UNFLIPPED_NEGATION))
        pending, negation_left = None, 0

    for found in _WORD_OR_COMMA.finditer(clause):
        word, at = found.group(0), found.start()
        if word == ",":
            close_negation()
            ignoring = False
            continue
        if ignoring or (ignored and any(s <= at < e for s, e in ignored)):
            continue
        if covered and any(s <= at < e for s, e in covered):
            pending, negation_left = None, 0
            continue
        if word in lex.contrast:
            close_negation()
            pivot = at
            continue
        if word in lex.breakers:
            close_negation()
        if word in lex.ignore_after:
            close_negation()
            ignoring = True  # "better than waiting on hold": what follows is the comparison
            continue
        if word in lex.negators:
            close_negation()
            pending, negation_left = at, NEGATION_REACH
            continue
        listed = lex.words.get(word)
        if listed is None:
            if negation_left:
                negation_left -= 1
                if not negation_left:
                    close_negation()
            continue
        weight = listed
        if negation_left:
            # "not rude" is milder praise than "rude" is a complaint
            weight = -listed * (0.6 if listed < 0 else 1.0)
            pending, negation_left = None, 0
        scored.append((at, weight))
    close_negation()
    total = sum(w * (2.0 if pivot is not None and at >= pivot else 1.0) for at, w in scored)
    if any(pattern.search(clause) for pattern in lex.suggestion):
        total *= SUGGESTION_DAMPING  # a suggestion is not a complaint or praise in itself
    return total


def classify_sentiment(text: str, fft_answer: str | None = None) -> str:
    """'positive', 'neutral' or 'negative' for a comment; an FFT answer, when given, decides."""
    from_fft = sentiment_from_fft(fft_answer)
    if from_fft is not None:
        return from_fft
    score = sentiment_score(text or "")
    if score >= POSITIVE_FROM:
        return "positive"
    if score <= NEGATIVE_FROM:
        return "negative"
    return "neutral"
