"""Contact details: only with consent, validated field by field, audited without the details."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.contact_store import ContactStore, check_phone, normalise_phone
from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_database(tmp_path / "t.db")


@pytest.fixture
def feedback_id(db: sqlite_utils.Database) -> int:
    practice = PracticeStore(db, "t").create("Elm Road Surgery")
    return (
        FeedbackStore(db, "t")
        .create(
            practice_id=practice.id,
            received_on=dt.date(2026, 2, 1),
            channel="phone",
            kind="complaint",
            text="Could not get through",
        )
        .id
    )


def _create(store: ContactStore, feedback_id: int | None, **changes: object):
    values: dict[str, object] = {
        "feedback_id": feedback_id,
        "name": "Jo Bloggs",
        "phone": "07700 900123",
        "email": "jo@example.com",
        "consent_given": True,
        "consent_on": dt.date(2026, 2, 1),
        "consent_purpose": "A reply to this complaint",
        "recorded_by": "Sam Volunteer",
    }
    values.update(changes)
    return store.create(**values)  # type: ignore[arg-type]


def test_create_with_consent_and_list(db: sqlite_utils.Database, feedback_id: int) -> None:
    store = ContactStore(db, "Sam Volunteer")
    contact = _create(store, feedback_id)
    assert contact.name == "Jo Bloggs" and contact.consent_on == dt.date(2026, 2, 1)
    assert contact.consent_recorded_by == "Sam Volunteer"
    assert store.list_for_feedback(feedback_id) == [contact]
    assert store.get(contact.id) == contact


def test_no_consent_no_contact(db: sqlite_utils.Database, feedback_id: int) -> None:
    store = ContactStore(db, "x")
    for refused in (False, None, "yes"):
        with pytest.raises(ValidationError) as problem:
            _create(store, feedback_id, consent_given=refused)
        assert problem.value.field == "Consent"
    assert store.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "Phone"),
        ({"phone": "07700 90012a"}, "Phone"),
        ({"email": "jo@"}, "Email"),
        ({"email": "jo at example.com"}, "Email"),
        ({"phone": "", "email": ""}, "Phone"),
        ({"consent_purpose": "  "}, "Consent for"),
        ({"recorded_by": ""}, "Recorded by"),
        ({"consent_on": "31/02/2026"}, "Consent given on"),
        ({"consent_on": dt.date.today() + dt.timedelta(days=2)}, "Consent given on"),
        ({"feedback_id": 999}, "Feedback"),
    ],
)
def test_invalid_fields_are_named(
    db: sqlite_utils.Database, feedback_id: int, changes: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as problem:
        values = dict(changes)
        _create(ContactStore(db, "x"), values.pop("feedback_id", feedback_id), **values)
    assert problem.value.field == field
    assert problem.value.message


def test_phone_formats() -> None:
    assert check_phone(" 07700  900123 ") == "07700 900123"
    assert normalise_phone("+44 (0)20 7946 0958") == "02079460958"
    assert normalise_phone("0044 7700 900123") == "07700900123"
    assert normalise_phone("+447700900123") == "07700900123"
    assert check_phone("(01632) 960123")


def test_email_only_and_uk_date_text(db: sqlite_utils.Database, feedback_id: int) -> None:
    contact = _create(ContactStore(db, "x"), feedback_id, phone="", consent_on="03/02/2026")
    assert contact.phone == "" and contact.consent_on == dt.date(2026, 2, 3)


def test_audit_never_holds_the_details(db: sqlite_utils.Database, feedback_id: int) -> None:
    store = ContactStore(db, "Sam Volunteer")
    contact = _create(store, feedback_id)
    store.delete(contact.id)
    entries = AuditStore(db).list(table="contacts")
    assert [e.action for e in entries] == ["delete", "create"]
    everything = str([(e.row_key, e.changes) for e in entries])
    for detail in ("Jo Bloggs", "07700", "jo@example.com"):
        assert detail not in everything
    with pytest.raises(NotFoundError):
        store.get(contact.id)
    with pytest.raises(NotFoundError):
        store.delete(contact.id)


def test_find_by_name_phone_or_email(db: sqlite_utils.Database, feedback_id: int) -> None:
    store = ContactStore(db, "x")
    jo = _create(store, feedback_id)
    other = _create(store, None, name="Sam Smith", phone="0113 496 0000", email="")
    assert store.find(name="bloggs") == [jo]
    assert store.find(name="jo bloggs") == [jo]
    assert store.find(name="Jo Smith") == []
    assert store.find(phone="+44 7700 900123") == [jo]
    assert store.find(email="JO@EXAMPLE.COM") == [jo]
    assert store.find(phone="01134960000", name="Bloggs") == [jo, other]
    assert store.find(name="%") == [] and store.find() == []
