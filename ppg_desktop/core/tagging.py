"""Suggesting themes for a comment, with the words that triggered each one as evidence.

The rules are data: each theme's keywords and `rules` (from the themes table, or the shipped
resources/default_themes.json), written in the keyword syntax described in
`ppg_desktop.core.tagging_rules`. Nothing here is an opaque model: a suggestion is a sum of the
weights of the keyword entries found, and every entry found is shown as an evidence span pointing
at the exact characters of the original text.

    suggest_themes("On hold for 50 minutes again")
    -> [ThemeMatch(slug="phone_access", name="Phone access", score=0.75,
                   evidence=[Evidence(0, 7, "On hold"), ...])]
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlite_utils

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import Evidence
from ppg_desktop.core.regex_prefilter import pattern_needs
from ppg_desktop.core.tagging_rules import (
    CompiledTheme,
    Hit,
    Matcher,
    compile_theme,
    keyword_problem,
)
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.paths import resources_dir

__all__ = [
    "Taxonomy",
    "ThemeMatch",
    "default_taxonomy",
    "keyword_problem",
    "load_taxonomy",
    "suggest_themes",
    "tag_feedback",
]


@dataclass(frozen=True)
class ThemeMatch:
    """One suggested theme: how strongly (0-1), and the words in the text that suggest it."""

    slug: str
    name: str
    score: float
    evidence: list[Evidence]
    theme_id: int | None = None
    weight: float = 0.0  # the sum of entry weights behind the score
    keywords: tuple[str, ...] = field(default=())  # the keyword entries that matched


def _lower_needs(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Text (lower case) one of which every match of this case-blind pattern contains, so the
    pattern need not be run on a comment without any of it; None when that is not known.

    Worked out on the pattern as if it minded case; a lower-case comment then contains the
    text whenever the case-blind pattern matches, provided the comment is plain ASCII (some
    other letters match case-blind without lowering to the same letter, so any other comment
    runs every pattern).
    """
    try:
        needs = pattern_needs(re.compile(pattern.pattern))
    except re.error:
        return None
    if needs is None or not all(needed.isascii() for needed in needs):
        return None
    return frozenset(needed.lower() for needed in needs)


def _score(weight: float, threshold: float) -> float:
    """Map summed weights to 0-1: the threshold gives 0.5, each further threshold halves the rest."""
    return round(1.0 - 0.5 ** (weight / threshold), 3)


class Taxonomy:
    """A compiled set of themes; build once, use for many comments (it is read-only)."""

    def __init__(self, themes: Sequence[CompiledTheme]) -> None:
        """Index the compiled themes' phrases for matching."""
        self.themes = list(themes)
        self.matcher = Matcher(self.themes)
        # (theme number, pattern, weight, source, the text one of which it needs, or None)
        self._patterns = [
            (number, pattern, weight, source, _lower_needs(pattern))
            for number, theme in enumerate(self.themes)
            for pattern, weight, source in theme.patterns
        ]
        self.source_rows: list[dict[str, Any]] | None = None  # set by _compile_rows

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the theme rows it was compiled from (tens of KB, not the megabytes of its
        indexes), so handing it to an import's worker process is quick; the worker compiles
        the same rows into the same taxonomy."""
        if self.source_rows is None:
            return (Taxonomy, (self.themes,))
        return (_compile_rows, (self.source_rows,))

    @property
    def slugs(self) -> list[str]:
        """The theme keys, in taxonomy order."""
        return [theme.slug for theme in self.themes]

    def suggest(self, text: str) -> list[ThemeMatch]:
        """Themes whose keywords add up to their threshold in this text, best first."""
        if not text or not text.strip():
            return []
        matcher = self.matcher
        words, places, sentences = matcher.read_words(text)
        found = matcher.phrase_hits(words, sentences)
        found_ids = found.keys()
        hits: dict[int, list[Hit]] = {}
        blocked: dict[int, list[tuple[int, int]]] = {}
        owners, rules = matcher.owners, matcher.rules
        for phrase_id, phrase_spans in found.items():
            for rule_number in owners.get(phrase_id, ()):
                rule = rules[rule_number]
                if len(rule.phrase_ids) == 1:
                    spans = phrase_spans
                elif found_ids >= rule.needs:
                    spans = matcher.rule_hits(rule, found, sentences)
                else:
                    continue  # a near rule needs all of its parts
                if rule.exclude:
                    blocked.setdefault(rule.theme, []).extend(
                        [(places[first].start(), places[last].end()) for first, last in spans]
                    )
                else:
                    source, weight = rule.source, rule.weight
                    hits.setdefault(rule.theme, []).extend(
                        [
                            (source, weight, places[first].start(), places[last].end())
                            for first, last in spans
                        ]
                    )
        if self._patterns:
            lowered = text.lower() if text.isascii() else None
            for theme_number, pattern, weight, source, needs in self._patterns:
                if (
                    needs is not None
                    and lowered is not None
                    and not any(needed in lowered for needed in needs)
                ):
                    continue  # it cannot match without one of these
                for regex_hit in pattern.finditer(text):
                    if regex_hit.end() > regex_hit.start():
                        hits.setdefault(theme_number, []).append(
                            (source, weight, regex_hit.start(), regex_hit.end())
                        )
        matches = []
        for theme_number, theme_hits in hits.items():
            match = self._match_theme(
                self.themes[theme_number], text, theme_hits, blocked.get(theme_number, [])
            )
            if match is not None:
                matches.append(match)
        matches.sort(key=lambda m: (-m.score, m.slug))
        return matches

    @staticmethod
    def _match_theme(
        theme: CompiledTheme, text: str, hits: list[Hit], blocked: list[tuple[int, int]]
    ) -> ThemeMatch | None:
        """Sum the weights of the different entries found (outside exclusions) for one theme."""
        if blocked:
            hits = [h for h in hits if not any(s < h[3] and h[2] < e for s, e in blocked)]
        # One stretch of text counts once, at its best weight, however many entries match it
        # (e.g. "ring" and "ringing" both find "ringing").
        best_at: dict[tuple[int, int], Hit] = {}
        for hit in hits:
            at = (hit[2], hit[3])
            held = best_at.get(at)
            if held is None or hit[1] > held[1]:
                best_at[at] = hit
        weights: dict[str, float] = {}
        for source, weight, _, _ in best_at.values():
            weights[source] = max(weights.get(source, 0.0), weight)
        total = sum(weights.values())
        if total < theme.threshold:
            return None
        return ThemeMatch(
            slug=theme.slug,
            name=theme.name,
            score=_score(total, theme.threshold),
            evidence=_evidence(text, hits),
            theme_id=theme.theme_id,
            weight=round(total, 3),
            keywords=tuple(weights),
        )


def _evidence(text: str, hits: list[Hit]) -> list[Evidence]:
    """The hits as character spans in reading order, overlapping spans joined into one."""
    spans = sorted([(hit[2], hit[3]) for hit in hits])
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Evidence(start, end, text[start:end]) for start, end in merged]


def _compile_rows(rows: Sequence[dict[str, Any]]) -> Taxonomy:
    """Compile theme rows (from the database or the resources file) into a taxonomy."""
    themes = [
        compile_theme(
            row["slug"],
            row["name"],
            row.get("keywords", []),
            row.get("rules", {}) or {},
            theme_id=row.get("id"),
            cqc_key_question=row.get("cqc_key_question", ""),
        )
        for row in rows
    ]
    taxonomy = Taxonomy(themes)
    taxonomy.source_rows = [dict(row) for row in rows]
    return taxonomy


@cache
def default_taxonomy() -> Taxonomy:
    """The shipped themes (resources/default_themes.json), compiled once."""
    rows = json.loads((resources_dir() / "default_themes.json").read_text(encoding="utf-8"))
    return _compile_rows(rows)


_DB_CACHE: dict[str, Taxonomy] = {}
_DB_CACHE_LOCK = threading.Lock()


def load_taxonomy(db: sqlite_utils.Database) -> Taxonomy:
    """The database's live (non-archived) themes, with their current keywords and rules.

    Compiled taxonomies are cached by the content of the themes, so an edited keyword takes
    effect on the next call while unchanged themes are not compiled again.
    """
    rows = [
        {
            "id": t.id,
            "slug": t.slug,
            "name": t.name,
            "keywords": t.keywords,
            "rules": t.rules,
            "cqc_key_question": t.cqc_key_question,
        }
        for t in ThemeStore(db).list()
    ]
    key = hashlib.sha1(json.dumps(rows, sort_keys=True).encode("utf-8")).hexdigest()
    with _DB_CACHE_LOCK:
        cached = _DB_CACHE.get(key)
    if cached is not None:
        return cached
    taxonomy = _compile_rows(rows)
    with _DB_CACHE_LOCK:
        if len(_DB_CACHE) > 16:
            _DB_CACHE.clear()
        _DB_CACHE[key] = taxonomy
    return taxonomy


def suggest_themes(text: str, taxonomy: Taxonomy | None = None) -> list[ThemeMatch]:
    """The themes this comment is about, best first, each with its evidence spans.

    Uses the given taxonomy (from `load_taxonomy(db)`, so custom themes and edited keywords
    count), or the shipped default one.
    """
    return (taxonomy or default_taxonomy()).suggest(text)


def tag_feedback(
    db: sqlite_utils.Database, feedback_ids: Sequence[int], taxonomy: Taxonomy | None = None
) -> int:
    """Store fresh automatic suggestions on these items; returns how many are now suggested.

    A person's confirmed or rejected decision is never changed (ThemeStore.replace_auto_links),
    so a rejected suggestion stays rejected however often the feedback is re-tagged.
    """
    taxonomy = taxonomy or load_taxonomy(db)
    themes = ThemeStore(db)
    slug_to_id = {t.slug: t.id for t in themes.list()}
    suggested = 0
    with db.atomic():
        for item in FeedbackStore(db).get_many(list(feedback_ids)):
            decided = {
                link.theme_id
                for link in themes.links_for(item.id)
                if link.source == "manual" or link.state != "suggested"
            }
            rows = []
            for match in taxonomy.suggest(item.text):
                theme_id = match.theme_id or slug_to_id.get(match.slug)
                if theme_id is not None and theme_id not in decided:
                    rows.append((theme_id, match.score, match.evidence))
            themes.replace_auto_links(item.id, rows)
            suggested += len(rows)
    return suggested
