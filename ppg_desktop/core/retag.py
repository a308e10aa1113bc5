"""Re-tagging all feedback after the chair changes the themes or their keywords.

A long job, so it reports progress and can be stopped between batches: each batch is its own
transaction, so stopping part-way leaves every item either fully re-tagged or untouched. People's
accepted and rejected themes are never changed (see `tag_feedback`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.sentiment import classify_sentiment
from ppg_desktop.core.tagging import load_taxonomy, tag_feedback

BATCH_SIZE = 250

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class RetagResult:
    """What a re-tag did: items read, automatic suggestions stored, sentiments filled in."""

    items: int
    total: int
    suggestions: int
    sentiments_filled: int
    cancelled: bool


def retag_all(
    db: sqlite_utils.Database,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    *,
    fill_sentiment: bool = False,
    actor: str = "",
    batch_size: int = BATCH_SIZE,
) -> RetagResult:
    """Suggest themes afresh for every live feedback item with the database's current themes.

    `progress(done, total)` is called after each batch (and once at the start); when
    `should_cancel()` returns True the job stops before the next batch. With `fill_sentiment`,
    items with no sentiment recorded get one read from their text (recorded ones are kept).
    """
    feedback = FeedbackStore(db, actor)
    ids = feedback.list_ids(FeedbackFilter(), order_by="id", descending=False)
    total = len(ids)
    taxonomy = load_taxonomy(db)
    done = suggestions = filled = 0
    cancelled = False
    if progress:
        progress(0, total)
    for start in range(0, total, max(1, batch_size)):
        if should_cancel and should_cancel():
            cancelled = True
            break
        batch = ids[start : start + batch_size]
        suggestions += tag_feedback(db, batch, taxonomy)
        if fill_sentiment:
            filled += _fill_sentiment(feedback, batch)
        done += len(batch)
        if progress:
            progress(done, total)
    AuditStore(db, actor).record(
        "retag",
        "feedback_themes",
        "",
        {"items": done, "suggestions": suggestions, "sentiments": filled, "stopped": cancelled},
    )
    return RetagResult(done, total, suggestions, filled, cancelled)


def _fill_sentiment(feedback: FeedbackStore, ids: list[int]) -> int:
    """Give items without a sentiment the one read from their text; returns how many."""
    filled = 0
    for item in feedback.get_many(ids):
        if item.sentiment is None and item.text.strip():
            feedback.update(item.id, sentiment=classify_sentiment(item.text))
            filled += 1
    return filled
