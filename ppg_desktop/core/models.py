"""Plain records passed between the stores, the analysis, the CLI and the UI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ppg_desktop.core.migrations import (
    ACTION_STATUSES,
    CHANNELS,
    CQC_KEY_QUESTIONS,
    KINDS,
    SENTIMENTS,
    STATUSES,
)

CHANNEL_LABELS: dict[str, str] = {
    "in_person": "In person",
    "phone": "Phone",
    "email": "Email",
    "letter": "Letter",
    "survey": "Survey",
    "kiosk": "Kiosk",
    "social_media": "Social media",
    "other": "Other",
}
KIND_LABELS: dict[str, str] = {
    "complaint": "Complaint",
    "concern": "Concern",
    "compliment": "Compliment",
    "suggestion": "Suggestion",
}
STATUS_LABELS: dict[str, str] = {
    "new": "New",
    "raised": "Raised with practice",
    "answered": "Answered",
    "closed": "Closed",
}
SENTIMENT_LABELS: dict[str, str] = {
    "positive": "Positive",
    "neutral": "Neutral",
    "negative": "Negative",
}
CQC_LABELS: dict[str, str] = {
    "safe": "Safe",
    "effective": "Effective",
    "caring": "Caring",
    "responsive": "Responsive",
    "well_led": "Well-led",
}
ACTION_STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "declined": "Declined",
}

assert set(CHANNEL_LABELS) == set(CHANNELS)
assert set(KIND_LABELS) == set(KINDS)
assert set(STATUS_LABELS) == set(STATUSES)
assert set(SENTIMENT_LABELS) == set(SENTIMENTS)
assert set(CQC_LABELS) == set(CQC_KEY_QUESTIONS)
assert set(ACTION_STATUS_LABELS) == set(ACTION_STATUSES)


@dataclass(frozen=True)
class Practice:
    id: int
    uuid: str
    name: str
    ods_code: str | None
    active: bool


@dataclass(frozen=True)
class User:
    id: int
    uuid: str
    name: str
    role: str
    active: bool
    has_pin: bool


@dataclass(frozen=True)
class Feedback:
    id: int
    uuid: str
    practice_id: int
    practice_name: str
    received_on: dt.date
    channel: str
    kind: str
    text: str
    sentiment: str | None
    status: str
    entered_by: int | None
    survey_response_id: int | None
    created_at: str
    updated_at: str
    deleted_at: str | None
    themes: tuple[str, ...] = ()  # slugs of links not rejected


@dataclass
class FeedbackFilter:
    """What the feedback list, counts and reports are narrowed to. Empty means 'all'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    practice_ids: list[int] = field(default_factory=list)
    theme_slugs: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    sentiments: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    text: str = ""
    include_deleted: bool = False
    entered_by: int | None = None
    created_since: str | None = None  # ISO timestamp: what a volunteer entered today


@dataclass(frozen=True)
class Theme:
    id: int
    slug: str
    name: str
    description: str
    cqc_key_question: str
    keywords: list[str]
    rules: dict[str, Any]
    parent_id: int | None
    archived: bool
    merged_into_id: int | None


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ThemeLink:
    feedback_id: int
    theme_id: int
    slug: str
    name: str
    source: str  # auto | manual
    state: str  # suggested | confirmed | rejected
    score: float | None
    evidence: list[Evidence]


@dataclass(frozen=True)
class Contact:
    id: int
    uuid: str
    feedback_id: int | None
    name: str
    phone: str
    email: str
    consent_on: dt.date
    consent_purpose: str
    consent_recorded_by: str
    created_at: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    table_name: str
    row_key: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class Action:
    id: int
    uuid: str
    title: str
    description: str
    practice_id: int | None
    raised_with: str
    raised_on: dt.date | None
    owner: str
    due_on: dt.date | None
    status: str
    declined_reason: str
    practice_response: str
    outcome: str
    meeting_id: int | None
    created_at: str
    updated_at: str
    theme_ids: tuple[int, ...] = ()
    feedback_ids: tuple[int, ...] = ()

    def is_overdue(self, on: dt.date | None = None) -> bool:
        """Open or in progress with a due date that has passed."""
        today = on or dt.date.today()
        return (
            self.status in ("open", "in_progress")
            and self.due_on is not None
            and (self.due_on < today)
        )


@dataclass(frozen=True)
class ActionHistoryEntry:
    old_status: str | None
    new_status: str
    note: str
    changed_by: str
    changed_at: str


@dataclass(frozen=True)
class Meeting:
    id: int
    uuid: str
    held_on: dt.date
    title: str
    attendees: str
    agenda: str
    notes: str
    pack_path: str | None


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date column as a date (None stays None)."""
    return dt.date.fromisoformat(value[:10]) if value else None
