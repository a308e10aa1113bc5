"""The pattern pre-filter skips only patterns that cannot match, so sentiment stays the same."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ppg_desktop.core.regex_prefilter import PatternFilter, pattern_needs
from ppg_desktop.core.sentiment import lexicon

LABELLED = Path(__file__).parent.parent / "data" / "labelled_comments.jsonl"


def test_needs_are_the_plain_text_of_a_pattern() -> None:
    assert pattern_needs(re.compile(r"\bon hold\b")) == frozenset({"on hold"})
    assert pattern_needs(re.compile(r"\b(?:still|kept) waiting\b")) == frozenset({" waiting"})
    assert pattern_needs(re.compile(r"\bno (?:reply|answer)\b|\bheard nothing\b")) == frozenset(
        {"reply", "answer", "heard nothing"}
    )


def test_patterns_without_known_text_are_always_run() -> None:
    assert pattern_needs(re.compile(r"\w+\s*")) is None
    assert pattern_needs(re.compile(r"\w+ing")) == frozenset({"ing"})
    assert pattern_needs(re.compile(r"(?i)on hold")) is None
    patterns = [re.compile(r"\bon hold\b"), re.compile(r"x?\d*")]
    assert PatternFilter(patterns).candidates("nothing here") == [1]
    assert PatternFilter(patterns).candidates("i was on hold") == [0, 1]


def test_short_needed_text_is_still_looked_for() -> None:
    short = PatternFilter([re.compile(r"\bab\b"), re.compile(r"\bon hold\b")])
    assert short.candidates("x ab") == [0]
    assert short.candidates("on hold") == [1]


def _matching(patterns: list[re.Pattern[str]], text: str) -> list[int]:
    return [i for i, pattern in enumerate(patterns) if pattern.search(text)]


def test_no_sentiment_phrase_that_matches_a_labelled_comment_is_skipped() -> None:
    patterns = [pattern for pattern, _ in lexicon().phrases]
    candidates = PatternFilter(patterns)
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"].lower() for line in lines if line.strip()]
    found_any = False
    for text in texts:
        matching = _matching(patterns, text)
        found_any = found_any or bool(matching)
        assert set(matching) <= set(candidates.candidates(text)), text
    assert found_any


@given(st.lists(st.sampled_from(["on hold", "no", " ", "reply", "cut off", "3 weeks", "x"])))
def test_candidates_cover_every_match_of_random_text(parts: list[str]) -> None:
    patterns = [pattern for pattern, _ in lexicon().phrases]
    text = "".join(parts)
    assert set(_matching(patterns, text)) <= set(PatternFilter(patterns).candidates(text))
