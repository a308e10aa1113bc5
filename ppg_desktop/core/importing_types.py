"""The vocabulary of an import: options, plans, results and the problems an import reports.

Kept apart from `importing` (which does the work) so the wizard, the CLI and the survey import
share one set of names.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.errors import PPGError
from ppg_desktop.core.importing_detect import DateProblem, SourceTable, parse_date_value
from ppg_desktop.core.models import CHANNEL_LABELS, KIND_LABELS, SENTIMENT_LABELS
from ppg_desktop.core.wording import counted

# Row UUIDs are uuid5 in this namespace, so the same row always gets the same UUID.
IMPORT_NAMESPACE = uuid_lib.UUID("7d1b7a3e-4f0c-5b8e-9a61-2c9e0f1d7a10")
PREVIEW_ROWS = 20
CHUNK = 500
WHOLE_ROW = "(whole row)"  # the column of a problem that is about a row, not one cell
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

ProgressCallback = Callable[[str, int, int], None]  # (stage, done, total)
CancelCheck = Callable[[], bool]


class ImportProblem(PPGError):
    """The import cannot start: a mapping, date-order or practice problem the user must settle."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message)


class AmbiguousDates(ImportProblem):
    """A date column reads equally well as day/month or month/day: the user must choose."""

    def __init__(self, column: str, example: str) -> None:
        self.column = column
        self.example = example
        super().__init__(
            f"The dates in column '{column}' could be day/month or month/day: "
            f"{_both_readings(example)}. Choose the date order: day first (dd/mm/yyyy, as in "
            "the UK) or month first (mm/dd/yyyy, as in the US)."
        )


def _long_date(value: dt.date) -> str:
    return f"{value.day} {_MONTH_NAMES[value.month - 1]} {value.year}"


def _both_readings(example: str) -> str:
    """'03/04/2026 could be 3 April 2026 or 4 March 2026' (just the value if it cannot be read)."""
    try:
        uk, us = parse_date_value(example, "dmy"), parse_date_value(example, "mdy")
    except DateProblem:
        return f"for example {example}"
    return f"for example, {example} could be {_long_date(uk)} or {_long_date(us)}"


class InvalidRows(PPGError):
    """Some rows cannot be stored; nothing was imported (the default, all-or-nothing)."""

    def __init__(self, invalid: list[InvalidRow]) -> None:
        self.invalid = invalid
        rows = len({r.row_number for r in invalid})
        shown = " ".join(_sentence(str(r)) for r in invalid[:5])
        more = f" And {counted(len(invalid) - 5, 'more problem')}." if len(invalid) > 5 else ""
        verb = "has a problem" if rows == 1 else "have problems"
        super().__init__(
            f"Nothing was imported, because {counted(rows, 'row')} {verb}. {shown}{more} "
            "Correct the file and import it again, or choose to skip the rows with problems."
        )


def _sentence(text: str) -> str:
    """'row 5, column ...: not a date' -> 'Row 5, column ...: not a date.'"""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


class ImportCancelled(PPGError):
    """The user cancelled; nothing was imported."""


@dataclass(frozen=True)
class InvalidRow:
    """One problem with one row, numbered as the user sees it in the spreadsheet."""

    row_number: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.column == WHOLE_ROW:
            return f"row {self.row_number}: {self.reason}"
        return f"row {self.row_number}, column '{self.column}': {self.reason}"


@dataclass
class ImportOptions:
    """The user's choices: mapping overrides, date order, and what to do about problems."""

    mapping: dict[str, str] = field(default_factory=dict)  # column -> field, over suggestions
    date_order: str | None = None  # 'dmy' or 'mdy'; needed only for an ambiguous column
    skip_invalid: bool = False
    rejected_csv: Path | None = None  # where skipped rows go (default: beside the file)
    create_practices: bool = False
    practice: str | None = None  # for every row when the file has no practice column
    default_channel: str | None = None  # when there is no channel column
    sheet: str | None = None
    header_row: int | None = None
    tag_themes: bool = True
    actor: str = ""


@dataclass
class ReadyRow:
    """A valid row, as it will be stored."""

    row_number: int
    uuid: str
    practice_name: str
    received_on: str
    channel: str
    kind: str
    text: str
    sentiment: str | None
    status: str
    fft_answer: str | None = None
    themes: tuple[tuple[int, float, str], ...] = ()  # (theme_id, score, evidence JSON)

    def as_preview(self) -> dict[str, str]:
        """The row with the labels people see (dates as dd/mm/yyyy)."""
        return {
            "Row": str(self.row_number),
            "Date received": uk_date(self.received_on),
            "Practice": self.practice_name,
            "Kind": KIND_LABELS[self.kind],
            "How it was given": CHANNEL_LABELS[self.channel],
            "Sentiment": SENTIMENT_LABELS.get(self.sentiment or "", ""),
            "Comment": self.text,
        }


@dataclass
class ImportPlan:
    """Everything the preview shows, and everything `run_import` needs."""

    table: SourceTable
    mapping: dict[str, str]
    date_order: str
    date_evidence: str
    ready: list[ReadyRow]
    invalid: list[InvalidRow]
    no_comment: list[int]  # row numbers with nothing to import (no comment, no FFT answer)
    already_present: int
    new_practices: list[str]
    options: ImportOptions
    # row numbers of rows this database removed for good before (the retention purge, or a
    # person's erasure request): left out, so importing an old file never brings them back
    removed_before: list[int] = field(default_factory=list)

    @property
    def preview(self) -> list[dict[str, str]]:
        return [row.as_preview() for row in self.ready[:PREVIEW_ROWS]]

    @property
    def invalid_row_numbers(self) -> set[int]:
        return {r.row_number for r in self.invalid}

    def summary(self) -> str:
        """One paragraph for the CLI and the wizard's preview page."""
        new = len(self.ready) - self.already_present
        parts = [f"{counted(new, 'new row')} ready to import" if new else "No new rows to import"]
        if self.already_present:
            parts.append(_already(self.already_present))
        if self.invalid:
            parts.append(f"{counted(len(self.invalid_row_numbers), 'row')} with problems")
        if self.no_comment:
            parts.append(f"{counted(len(self.no_comment), 'row')} with no comment, left out")
        if self.removed_before:
            parts.append(
                f"{counted(len(self.removed_before), 'row')} left out because "
                f"{'it was' if len(self.removed_before) == 1 else 'they were'} removed here "
                "before, under the retention rules or at a person's request"
            )
        if self.new_practices:
            parts.append(
                f"{counted(len(self.new_practices), 'new practice')} to add: "
                + ", ".join(self.new_practices)
            )
        return "; ".join(parts) + "."


def _already(count: int) -> str:
    """'1 row was imported before and will be skipped' (for the preview)."""
    were = "was" if count == 1 else "were"
    return f"{counted(count, 'row')} {were} imported before and will be skipped"


@dataclass
class ImportResult:
    """What an import did."""

    added: int
    skipped_existing: int
    rejected: int
    feedback_ids: list[int]
    rejected_csv: Path | None = None
    themes_suggested: int = 0
    practices_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """What happened, in a sentence or three, for the CLI and the wizard's last page."""
        if self.added:
            text = f"Imported {counted(self.added, 'feedback item')}."
        else:
            text = "Nothing new was imported."
        if self.skipped_existing:
            text += f" Skipped {counted(self.skipped_existing, 'row')} imported before."
        if self.rejected:
            where = (
                f": they are listed in {self.rejected_csv}, to correct" if self.rejected_csv else ""
            )
            text += f" Left out {counted(self.rejected, 'row')} with problems{where}."
        if self.practices_created:
            text += (
                f" Added {counted(len(self.practices_created), 'new practice')}: "
                + ", ".join(self.practices_created)
                + "."
            )
        return text


# --- planning ---------------------------------------------------------------------------------
