"""What the chair picked for a pack, as the Reports screen shows it and Settings remembers it.

Plain Python, so the screen, the tests and any script read and check choices the same way.
"Full text" is never remembered: the chair must ask for it every time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from ppg_desktop.core.periods import PRESETS, Period, preset_period

SETTINGS_KEY = "reports.last_choices"
CUSTOM = "custom"


@dataclass
class ReportChoices:
    """What the chair picked on the screen (also what Settings remembers)."""

    preset: str = "since_last_meeting"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    practice_ids: list[int] = field(default_factory=list)
    large_print: bool = False
    xlsx: bool = False
    full_text: bool = False

    def period(self, db: sqlite_utils.Database) -> Period:
        """The period meant: a preset worked out today, or the custom dates (checked)."""
        if self.preset != CUSTOM:
            return preset_period(self.preset, db)
        if self.date_from is None or self.date_to is None:
            raise ValueError("Enter both dates as dd/mm/yyyy.")
        if self.date_from > self.date_to:
            raise ValueError(
                f"The period starts ({self.date_from:%d/%m/%Y}) after it ends "
                f"({self.date_to:%d/%m/%Y}). Swap the dates."
            )
        return Period(self.date_from, self.date_to, "Custom dates")

    def remembered(self) -> dict[str, Any]:
        """The choices as stored in Settings; full text is left out on purpose."""
        return {
            "preset": self.preset,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "practice_ids": self.practice_ids,
            "large_print": self.large_print,
            "xlsx": self.xlsx,
        }

    @classmethod
    def from_settings(cls, value: Any) -> ReportChoices:
        """Choices from Settings, ignoring anything missing or malformed."""
        choices = cls()
        if not isinstance(value, dict):
            return choices
        if value.get("preset") in (*PRESETS, CUSTOM):
            choices.preset = value["preset"]
        for name in ("date_from", "date_to"):
            with contextlib.suppress(TypeError, ValueError):  # a bad stored date is just ignored
                setattr(choices, name, dt.date.fromisoformat(value.get(name) or ""))
        choices.practice_ids = [int(i) for i in value.get("practice_ids") or [] if str(i).isdigit()]
        choices.large_print = bool(value.get("large_print"))
        choices.xlsx = bool(value.get("xlsx"))
        return choices
