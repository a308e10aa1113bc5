"""Patients' contact details, kept only with their recorded consent (who, when, what for).

The audit log records that contact details were added or removed, never the details
themselves: the log cannot be edited, so personal data written there could never be erased.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from ppg_desktop.core.clock import now_iso, parse_uk_date, today
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.models import Contact
from ppg_desktop.core.store_base import Store

_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
_PHONE_CHARACTERS = re.compile(r"^[\d\s\-()+]+$")
MAX_NAME = 200
MAX_PURPOSE = 500


def normalise_phone(phone: str) -> str:
    """Digits only, with +44 / 0044 turned into a leading 0 (so numbers compare equal)."""
    text = phone.strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+44") or text.startswith("0044"):
        digits = digits[4:] if text.startswith("0044") else digits[2:]
        digits = digits.removeprefix("0")  # "+44 (0)20..."
        digits = "0" + digits
    return digits


def check_phone(phone: str) -> str:
    """A UK phone number, tidied; raises ValidationError naming the Phone field."""
    phone = " ".join(phone.split())
    digits = normalise_phone(phone)
    if not _PHONE_CHARACTERS.match(phone) or not (
        digits.startswith(("01", "02", "03", "07", "08"))
        and (len(digits) == 11 or (len(digits) == 10 and digits.startswith("01")))
    ):
        raise ValidationError(
            "Phone", "Enter a UK phone number, such as 07700 900123 or 0113 496 0000."
        )
    return phone


def check_email(email: str) -> str:
    """An email address, tidied; raises ValidationError naming the Email field."""
    email = email.strip()
    if len(email) > 254 or not _EMAIL.match(email) or ".." in email:
        raise ValidationError("Email", "Enter an email address such as name@example.com.")
    return email


def _date(value: dt.date | str | None) -> dt.date:
    if value is None or value == "":
        return today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_uk_date(str(value))
    except ValueError as exc:
        raise ValidationError("Consent given on", "Enter the date as dd/mm/yyyy.") from exc


def _contact(row: dict[str, Any]) -> Contact:
    return Contact(
        id=row["id"],
        uuid=row["uuid"],
        feedback_id=row["feedback_id"],
        name=row["name"],
        phone=row["phone"],
        email=row["email"],
        consent_on=dt.date.fromisoformat(row["consent_on"][:10]),
        consent_purpose=row["consent_purpose"],
        consent_recorded_by=row["consent_recorded_by"],
        created_at=row["created_at"],
    )


class ContactStore(Store):
    """Add, list, find and delete contact details; every change is audited without the details."""

    def create(
        self,
        feedback_id: int | None,
        name: str,
        phone: str,
        email: str,
        consent_given: bool,
        consent_on: dt.date | str | None,
        consent_purpose: str,
        recorded_by: str,
    ) -> Contact:
        """Store a person's contact details; refused unless they agreed (`consent_given`)."""
        if consent_given is not True:
            raise ValidationError(
                "Consent",
                "Contact details can only be kept if the patient agrees. Ask them, tick the "
                "consent box when they say yes, or leave the details out.",
            )
        name = " ".join((name or "").split())
        if len(name) > MAX_NAME:
            raise ValidationError("Name", f"Keep the name under {MAX_NAME} characters.")
        phone = check_phone(phone) if (phone or "").strip() else ""
        email = check_email(email) if (email or "").strip() else ""
        if not phone and not email:
            raise ValidationError("Phone", "Enter a phone number or an email address.")
        consent_date = _date(consent_on)
        if consent_date > today():
            raise ValidationError("Consent given on", "The date cannot be in the future.")
        purpose = " ".join((consent_purpose or "").split())
        if not purpose:
            raise ValidationError(
                "Consent for",
                "Say what the patient agreed to, such as 'a reply to this complaint'.",
            )
        if len(purpose) > MAX_PURPOSE:
            raise ValidationError("Consent for", f"Keep this under {MAX_PURPOSE} characters.")
        recorded_by = " ".join((recorded_by or "").split())
        if not recorded_by:
            raise ValidationError("Recorded by", "Enter who took the patient's consent.")
        if (
            feedback_id is not None
            and not self.db.execute("SELECT 1 FROM feedback WHERE id = ?", [feedback_id]).fetchone()
        ):
            raise ValidationError("Feedback", f"There is no feedback number {feedback_id}.")
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO contacts (uuid, feedback_id, name, phone, email, consent_given,"
                " consent_on, consent_purpose, consent_recorded_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
                [
                    self.new_uuid(),
                    feedback_id,
                    name,
                    phone,
                    email,
                    consent_date.isoformat(),
                    purpose,
                    recorded_by,
                    stamp,
                    stamp,
                ],
            )
            contact_id = int(cursor.lastrowid or 0)
            self._audit(
                "create",
                "contacts",
                contact_id,
                {
                    "feedback_id": feedback_id,
                    "consent_on": consent_date.isoformat(),
                    "consent_purpose": purpose,
                    "consent_recorded_by": recorded_by,
                    "has_name": bool(name),
                    "has_phone": bool(phone),
                    "has_email": bool(email),
                },
            )
        return self.get(contact_id)

    def get(self, contact_id: int) -> Contact:
        row = self._one("SELECT * FROM contacts WHERE id = ?", [contact_id])
        if row is None:
            raise NotFoundError(f"There are no contact details number {contact_id}.")
        return _contact(row)

    def list_for_feedback(self, feedback_id: int) -> list[Contact]:
        """The contact details recorded with one item of feedback."""
        return [
            _contact(r)
            for r in self._rows(
                "SELECT * FROM contacts WHERE feedback_id = ? ORDER BY id", [feedback_id]
            )
        ]

    def list_all(self) -> list[Contact]:
        """Every contact held (for the retention screen and subject-access search)."""
        return [_contact(r) for r in self._rows("SELECT * FROM contacts ORDER BY id")]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM contacts").fetchone()[0])

    def find(
        self, *, name: str | None = None, phone: str | None = None, email: str | None = None
    ) -> list[Contact]:
        """Contacts matching any of: every word of `name`, the same phone digits, the same
        email (any case). Empty criteria match nothing."""
        found: dict[int, Contact] = {}
        words = (name or "").split()
        if words:
            where = " AND ".join("name LIKE ? ESCAPE '\\'" for _ in words)
            params = [
                "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for w in words
            ]
            for row in self._rows(f"SELECT * FROM contacts WHERE {where}", params):
                found[row["id"]] = _contact(row)
        wanted_phone = normalise_phone(phone or "")
        if len(wanted_phone) >= 6:
            for row in self._rows("SELECT * FROM contacts WHERE phone != ''"):
                if normalise_phone(row["phone"]) == wanted_phone:
                    found[row["id"]] = _contact(row)
        if email and email.strip():
            for row in self._rows(
                "SELECT * FROM contacts WHERE email = ? COLLATE NOCASE", [email.strip()]
            ):
                found[row["id"]] = _contact(row)
        return [found[k] for k in sorted(found)]

    def delete(self, contact_id: int, reason: str = "deleted") -> None:
        """Remove one contact for good (audited, without the details)."""
        if self.delete_many([contact_id], reason) == 0:
            raise NotFoundError(f"There are no contact details number {contact_id}.")

    def delete_many(self, ids: Sequence[int], reason: str) -> int:
        """Remove several contacts in one transaction; returns how many went."""
        total = 0
        with self.db.atomic():
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ", ".join("?" for _ in chunk)
                total += self.db.execute(
                    f"DELETE FROM contacts WHERE id IN ({marks})", chunk
                ).rowcount
            if total:
                self._audit(
                    "delete",
                    "contacts",
                    ",".join(map(str, ids[:50])),
                    {"count": total, "reason": reason},
                )
        return total
