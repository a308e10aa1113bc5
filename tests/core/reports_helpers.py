"""Shared set-up for the meeting-pack tests: small hand-made databases and PDF text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import sqlite_utils
from pypdf import PdfReader

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore


def add_items(
    db: sqlite_utils.Database,
    practice_id: int,
    theme_slug: str | None,
    day: dt.date,
    texts: list[str],
    *,
    kind: str = "complaint",
    sentiment: str | None = "negative",
) -> list[int]:
    """Add feedback items on one day, each tagged (confirmed) with one theme."""
    store, themes = FeedbackStore(db, "test"), ThemeStore(db, "test")
    theme_id = themes.get_by_slug(theme_slug).id if theme_slug else None
    ids = []
    for text in texts:
        item = store.create(
            practice_id=practice_id,
            received_on=day,
            channel="in_person",
            kind=kind,
            text=text,
            sentiment=sentiment,
        )
        if theme_id is not None:
            themes.set_link(item.id, theme_id, state="confirmed")
        ids.append(item.id)
    return ids


def practice(db: sqlite_utils.Database, name: str = "Mill Lane Surgery") -> int:
    return PracticeStore(db, "test").create(name).id


def pdf_pages(path: Path) -> list[str]:
    """Each page's text with runs of whitespace (including line breaks) made single spaces."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(path).pages]
