"""What the feedback form does with the database, kept free of widgets so tests can drive it.

Saving is one transaction: the item, the themes a person accepted or rejected (and the
suggestions left undecided), its sentiment and the patient's contact details (stored apart from
the comment, in the contacts table) are all stored, or none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import KIND_LABELS, Evidence, Feedback
from ppg_desktop.core.theme_store import ThemeStore

CONTACT_PURPOSE = "To contact the patient about this feedback"


@dataclass
class ThemeChoice:
    """One theme on the form: suggested by the app or added by hand, and the person's decision."""

    slug: str
    name: str
    state: str  # suggested | accepted | rejected
    manual: bool = False
    score: float | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ContactDetails:
    name: str = ""
    phone: str = ""
    email: str = ""
    consent: bool = False

    def is_empty(self) -> bool:
        return not (self.name.strip() or self.phone.strip() or self.email.strip())


@dataclass
class CaptureData:
    """Everything typed into the form."""

    practice_id: int | None
    received_on: dt.date
    channel: str
    kind: str
    text: str
    themes: list[ThemeChoice] = field(default_factory=list)
    contact: ContactDetails = field(default_factory=ContactDetails)
    entered_by: int | None = None


# How a chip's state on the form is stored: (link state, who decided)
CHIP_LINKS: dict[str, tuple[str, str]] = {
    "accepted": ("confirmed", "manual"),
    "rejected": ("rejected", "manual"),
    "suggested": ("suggested", "auto"),
}


def suggest(text: str, taxonomy: Any) -> list[Any]:
    """Theme suggestions for the text (ThemeMatch list), or none while tagging is unavailable."""
    if not text.strip() or taxonomy is None:
        return []
    from ppg_desktop.core.tagging import suggest_themes

    return list(suggest_themes(text, taxonomy))


def load_taxonomy(db: sqlite_utils.Database) -> Any:
    """The compiled themes used for suggestions (loaded once per form)."""
    from ppg_desktop.core.tagging import load_taxonomy as core_load_taxonomy

    return core_load_taxonomy(db)


def sentiment_of(text: str) -> str | None:
    """positive / neutral / negative from the core classifier, or None if it is not available."""
    try:
        from ppg_desktop.core.sentiment import classify_sentiment
    except ImportError:
        return None
    result: Any = classify_sentiment(text)
    label = getattr(result, "label", result)
    return str(label) if label in ("positive", "neutral", "negative") else None


def check_contact(contact: ContactDetails) -> None:
    """Contact details need the patient's consent and a way to reach them."""
    if contact.is_empty():
        if contact.consent:
            raise ValidationError(
                "Contact", "Enter the patient's phone number or email, or untick the consent box."
            )
        return
    if not contact.consent:
        raise ValidationError(
            "Consent",
            "Tick the box to confirm the patient agreed that we keep "
            "their contact details, or clear the details.",
        )
    if not (contact.phone.strip() or contact.email.strip()):
        raise ValidationError(
            "Contact", "Enter a phone number or an email address so the PPG can reach the patient."
        )
    # The shape of the phone number and the email address is checked by ContactStore.


def missing_answers(data: CaptureData) -> list[ValidationError]:
    """Every required answer not yet given, in reading order, so the form can mark them all at
    once instead of one per Save (the stores still check everything when saving)."""
    problems: list[ValidationError] = []
    if data.practice_id is None:
        problems.append(ValidationError("Practice", "Choose the practice this feedback is about."))
    if data.kind not in KIND_LABELS:
        options = ", ".join(KIND_LABELS.values())
        problems.append(ValidationError("Kind", f"Choose one of: {options}."))
    if not data.text.strip():
        problems.append(ValidationError("Comment", "Write down what the patient said."))
    try:
        check_contact(data.contact)
    except ValidationError as exc:
        problems.append(exc)
    return problems


def _store_contact(
    db: sqlite_utils.Database, actor: str, feedback_id: int, contact: ContactDetails
) -> None:
    from ppg_desktop.core.contact_store import ContactStore

    ContactStore(db, actor).create(
        feedback_id=feedback_id,
        name=contact.name.strip(),
        phone=contact.phone.strip(),
        email=contact.email.strip(),
        consent_given=True,
        consent_on=dt.date.today(),
        consent_purpose=CONTACT_PURPOSE,
        recorded_by=actor,
    )


def save_capture(db: sqlite_utils.Database, actor: str, data: CaptureData) -> Feedback:
    """Store the form in one transaction; raises ValidationError naming the field to fix."""
    check_contact(data.contact)
    themes = ThemeStore(db, actor)
    with db.atomic():
        item = FeedbackStore(db, actor).create(
            practice_id=data.practice_id,
            received_on=data.received_on,
            channel=data.channel,
            kind=data.kind,
            text=data.text,
            sentiment=sentiment_of(data.text),
            entered_by=data.entered_by,
        )
        for choice in data.themes:
            if choice.state == "rejected" and choice.manual:
                continue  # a theme the volunteer added and then took back: nothing to remember
            link_state, source = CHIP_LINKS[choice.state]
            themes.set_link(
                item.id,
                themes.get_by_slug(choice.slug).id,
                state=link_state,
                source=source,
                score=choice.score,
                evidence=choice.evidence,
            )
        if not data.contact.is_empty():
            _store_contact(db, actor, item.id, data.contact)
    return FeedbackStore(db, actor).get(item.id)
