"""Reporting periods the whole app understands: last month, last quarter, since the last meeting.

A period is inclusive of both ends. `previous()` gives the period of equal length just before, which
is what key figures are compared against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from ppg_desktop.core.clock import today as local_today
from ppg_desktop.core.clock import uk_date

PRESETS: dict[str, str] = {
    "last_30_days": "Last 30 days",
    "last_month": "Last month",
    "last_quarter": "Last quarter",
    "last_12_months": "Last 12 months",
    "since_last_meeting": "Since the last meeting",
    "all_time": "All time",
}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period must end on or after its start.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end, "previous period")

    def describe(self) -> str:
        """For people: '01/03/2026 to 31/03/2026'."""
        return f"{uk_date(self.start)} to {uk_date(self.end)}"

    def months(self) -> list[str]:
        """The calendar months ('YYYY-MM') this period touches, in order."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_meeting_date(db: sqlite_utils.Database, before: dt.date) -> dt.date | None:
    """The most recent PPG meeting held before the given day, if any."""
    row = db.execute(
        "SELECT max(held_on) FROM meetings WHERE deleted_at IS NULL AND held_on < ?",
        [before.isoformat()],
    ).fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def preset_period(
    name: str, db: sqlite_utils.Database | None = None, today: dt.date | None = None
) -> Period:
    """The period a preset means today. 'since_last_meeting' needs the database; without a past
    meeting it falls back to the last quarter (the label says so)."""
    day = today or local_today()
    label = PRESETS.get(name)
    if label is None:
        raise ValueError(f"Unknown period preset {name!r}; choose one of {', '.join(PRESETS)}")
    if name == "last_30_days":
        return Period(day - dt.timedelta(days=29), day, label)
    if name == "last_month":
        start = add_months(_month_start(day), -1)
        return Period(start, _month_start(day) - dt.timedelta(days=1), label)
    if name == "last_quarter":
        quarter_start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        start = add_months(quarter_start, -3)
        return Period(start, quarter_start - dt.timedelta(days=1), label)
    if name == "last_12_months":
        return Period(add_months(_month_start(day), -11), day, label)
    if name == "since_last_meeting":
        met = last_meeting_date(db, day) if db is not None else None
        if met is None:
            fallback = preset_period("last_quarter", today=day)
            return Period(fallback.start, fallback.end, "Last quarter (no earlier meeting)")
        return Period(met + dt.timedelta(days=1), day, f"Since the meeting on {uk_date(met)}")
    # all_time
    first = None
    if db is not None:
        row = db.execute(
            "SELECT min(received_on) FROM feedback WHERE deleted_at IS NULL"
        ).fetchone()
        first = dt.date.fromisoformat(row[0]) if row and row[0] else None
    return Period(min(first or day, day), day, label)
