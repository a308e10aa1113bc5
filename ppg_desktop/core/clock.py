"""Timestamps and dates in one place, so every store records time the same way."""

from __future__ import annotations

import datetime as dt


def now_iso() -> str:
    """The current UTC time as ISO 8601 with microseconds (sortable as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def today() -> dt.date:
    """Today's local date (what a volunteer means by 'today')."""
    return dt.date.today()


def uk_date(value: dt.date | str | None) -> str:
    """A date as the app shows it to people: dd/mm/yyyy ('' for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def parse_uk_date(text: str) -> dt.date:
    """Parse dd/mm/yyyy (also d/m/yyyy and ISO yyyy-mm-dd); raise ValueError otherwise."""
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date in the form dd/mm/yyyy")
