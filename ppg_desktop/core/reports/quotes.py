"""A few short, representative, redacted quotes per theme for "What patients said".

Candidates are the newest comments tagged with the theme in the period. Each is scored for how
typical it is (how many of its words the other comments on that theme share), and quotes are
ordered by recency and typicality together. Every quote is redacted, then checked once more: a
quote in which an email, phone number, NHS number or postcode can still be seen is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from ppg_desktop.core.feedback_store import feedback_where
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.redaction import PLACEHOLDER_RE, redact

CANDIDATES_PER_THEME = 200
MIN_CHARS = 25
MAX_CHARS = 240
NEAR_DUPLICATE = 0.7  # a quote repeating more of another's words than this reads as the same
_WORD = re.compile(r"[a-z']{3,}")
_STOP = frozenset(
    [
        "the",
        "and",
        "was",
        "were",
        "for",
        "that",
        "this",
        "with",
        "have",
        "had",
        "has",
        "not",
        "but",
        "are",
        "you",
        "they",
        "them",
        "their",
        "there",
        "she",
        "her",
        "his",
        "him",
        "our",
        "out",
        "all",
        "can",
        "could",
        "would",
        "should",
        "about",
        "when",
        "what",
        "which",
        "who",
        "from",
        "just",
        "very",
        "been",
        "being",
        "get",
        "got",
        "its",
        "it's",
        "i'm",
        "i've",
        "don't",
        "didn't",
        "then",
        "than",
        "into",
        "one",
        "two",
        "also",
        "only",
        "too",
        "some",
        "any",
        "more",
        "most",
        "much",
        "over",
        "again",
        "still",
        "even",
        "because",
        "after",
        "before",
        "here",
    ]
)
# A last line of defence after redaction: any of these still visible means the quote is dropped.
_LEFTOVER_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # email
    re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)"),  # UK phone
    re.compile(r"(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)"),  # NHS number
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),  # postcode
)


@dataclass(frozen=True)
class Quote:
    """One redacted comment as printed in the pack."""

    feedback_id: int
    text: str
    received_on: dt.date
    practice: str
    kind: str


def shows_personal_details(text: str) -> bool:
    """Whether an email, phone number, NHS number or postcode can still be read in the text."""
    visible = PLACEHOLDER_RE.sub(" ", text)
    return any(pattern.search(visible) for pattern in _LEFTOVER_PATTERNS)


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    """Trim a long comment at a sentence or word boundary, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    sentence_end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if sentence_end >= limit // 2:
        return cut[: sentence_end + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:") + "…"


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _overlap(a: set[str], b: set[str]) -> float:
    """How much of the shorter comment's wording the other repeats: near 1 means a near-copy."""
    return len(a & b) / min(len(a), len(b)) if a and b else float(a == b)


def rank_candidates(texts: Sequence[str]) -> list[int]:
    """Indexes of `texts` (given newest first), best first: recency rank plus typicality rank."""
    word_sets = [_words(t) for t in texts]
    shared = Counter(w for words in word_sets for w in words)
    typicality = [sum(shared[w] - 1 for w in words) / (len(words) + 3) for words in word_sets]
    by_typical = sorted(range(len(texts)), key=lambda i: (-typicality[i], i))
    typical_rank = {index: rank for rank, index in enumerate(by_typical)}
    return sorted(range(len(texts)), key=lambda i: (i + typical_rank[i], i))


def _candidates(
    db: sqlite_utils.Database, flt: FeedbackFilter, slug: str
) -> list[tuple[int, str, str, str, str]]:
    """The newest comments on a theme in the filter. Walking the date index backwards and
    checking the theme per item stops after a few hundred rows, instead of sorting every
    comment ever tagged with the theme (100 times faster on a big database)."""
    found = db.execute("SELECT id FROM themes WHERE slug = ?", [slug]).fetchone()
    if found is None:
        return []
    where, params = feedback_where(flt)
    return db.execute(
        "SELECT f.id, f.text, f.received_on, p.name, f.kind FROM feedback f"
        " JOIN practices p ON p.id = f.practice_id"
        f" WHERE {where} AND length(f.text) >= ? AND EXISTS (SELECT 1 FROM feedback_themes ft"
        " WHERE ft.feedback_id = f.id AND ft.theme_id = ? AND ft.state != 'rejected')"
        " ORDER BY f.received_on DESC, f.id DESC LIMIT ?",
        [*params, MIN_CHARS, found[0], CANDIDATES_PER_THEME],
    ).fetchall()


def choose_quotes(
    db: sqlite_utils.Database,
    flt: FeedbackFilter,
    theme_slugs: Iterable[str],
    *,
    per_theme: int = 3,
    keep: Sequence[str] = (),
) -> dict[str, list[Quote]]:
    """Up to `per_theme` quotes for each theme slug, redacted, never repeating a comment."""
    used_ids: set[int] = set()
    used_words: list[set[str]] = []
    chosen: dict[str, list[Quote]] = {}
    for slug in theme_slugs:
        rows = _candidates(db, flt, slug)
        picked: list[Quote] = []
        for index in rank_candidates([row[1] for row in rows]):
            if len(picked) >= per_theme:
                break
            feedback_id, text, received_on, practice, kind = rows[index]
            if feedback_id in used_ids:
                continue
            clean = shorten(redact(text, keep=keep).text)
            words = _words(clean)
            if shows_personal_details(clean) or any(
                _overlap(words, seen) > NEAR_DUPLICATE for seen in used_words
            ):
                continue
            used_ids.add(feedback_id)
            used_words.append(words)
            picked.append(
                Quote(feedback_id, clean, dt.date.fromisoformat(received_on[:10]), practice, kind)
            )
        chosen[slug] = picked
    return chosen
