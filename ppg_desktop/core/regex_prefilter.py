"""Skipping regular expressions that cannot match, by the plain text every match must contain.

Running a hundred-odd phrase patterns one by one over every sentence of every comment is most
of the cost of reading sentiment. Almost every pattern needs some plain text to match at all:
`\\bon hold\\b` needs "on hold", `\\bno (?:reply|answer)\\b` needs "reply" or "answer"
(and "no ", but the longer text rules out more). `PatternFilter` works that text out once
from each pattern's parsed form, and for a given sentence it lists only the patterns whose
needed text is in it. A pattern is skipped only when it provably cannot match, so what the
remaining patterns find is exactly what running every pattern would find. A pattern whose needs cannot be worked out is always run.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any


def _load_parser() -> tuple[Any, Any]:
    """re's own parser: private, so a Python without it means "always run every pattern"."""
    try:
        return importlib.import_module("re._constants"), importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - a Python without these modules
        return None, None


_sre, _sre_parse = _load_parser()
_TRIGRAM = 3
_MAX_CLASS_CHARS = 12  # a character class of more letters than this is no use as a filter
Needs = frozenset[str] | None  # one of these strings is in every match; None: unknown


def _better(first: Needs, second: Needs) -> Needs:
    """The more selective of two needs: longer shortest string, then fewer strings."""
    if first is None:
        return second
    if second is None:
        return first
    rank_first = (min(map(len, first)), -len(first))
    rank_second = (min(map(len, second)), -len(second))
    return first if rank_first >= rank_second else second


def _class_chars(items: list[tuple[Any, Any]]) -> Needs:
    """A character class as the single characters it can be, when it is small and plain."""
    chars: set[str] = set()
    for op, value in items:
        if op is _sre.LITERAL:
            chars.add(chr(value))
        elif op is _sre.RANGE and value[1] - value[0] < _MAX_CLASS_CHARS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        elif op is _sre.CATEGORY and value is _sre.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:
            return None  # negated, a wide range, \w, \s ...
    return frozenset(chars) if 0 < len(chars) <= _MAX_CLASS_CHARS else None


def _node_needs(op: Any, value: Any) -> Needs:
    """What one parsed element needs (a literal run is handled by the sequence)."""
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = value
        return None if add_flags & re.IGNORECASE else _sequence_needs(inner)
    if op is _sre.ATOMIC_GROUP:
        return _sequence_needs(value)
    if op is _sre.BRANCH:
        union: set[str] = set()
        for alternative in value[1]:
            needs = _sequence_needs(alternative)
            if needs is None:
                return None  # this alternative could match without any known text
            union |= needs
        return frozenset(union)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        least, _most, inner = value
        return _sequence_needs(inner) if least >= 1 else None
    if op is _sre.IN:
        return _class_chars(value)
    return None


def _sequence_needs(items: Any) -> Needs:
    """What a sequence needs: its longest run of plain characters, or its pickiest element."""
    best: Needs = None
    run: list[str] = []
    for op, value in items:
        if op is _sre.LITERAL:
            run.append(chr(value))
            continue
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # consumes nothing, so the plain characters either side stay adjacent
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []
        best = _better(best, _node_needs(op, value))
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


def pattern_needs(pattern: re.Pattern[str]) -> Needs:
    """Strings one of which every match of this pattern contains; None when not known."""
    if _sre_parse is None or pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        needs = _sequence_needs(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:
        return None
    if needs is not None and (not needs or "" in needs):
        return None
    return needs


class PatternFilter:
    """For a text, the indexes (in order) of the patterns that could match somewhere in it."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        """Work out each pattern's needed text once."""
        self.count = len(patterns)
        self.always: list[int] = []
        self.by_text: dict[str, list[int]] = {}
        for index, pattern in enumerate(patterns):
            needs = pattern_needs(pattern)
            if needs is None:
                self.always.append(index)
            else:
                for needed in needs:
                    self.by_text.setdefault(needed, []).append(index)
        # filed by their first three characters, so a text is looked up by the trigrams it has
        self._by_trigram: dict[str, list[tuple[str, list[int]]]] = {}
        self._short: list[tuple[str, list[int]]] = []
        for needed, indexes in self.by_text.items():
            if len(needed) < _TRIGRAM:
                self._short.append((needed, indexes))
            else:
                self._by_trigram.setdefault(needed[:_TRIGRAM], []).append((needed, indexes))
        self._trigrams = frozenset(self._by_trigram)

    def candidates(self, text: str) -> list[int]:
        """Indexes of the patterns worth running on this text, in their original order."""
        chosen = set(self.always)
        by_trigram = self._by_trigram
        # the text's runs of _TRIGRAM (three) characters that some needed text starts with
        runs = zip(text, text[1:], text[2:], strict=False)  # the shorter ones end it
        starts = self._trigrams.intersection(map("".join, runs))
        for trigram in starts:
            for needed, indexes in by_trigram[trigram]:
                if needed in text:
                    chosen.update(indexes)
        for needed, indexes in self._short:
            if needed in text:
                chosen.update(indexes)
        return sorted(chosen)
