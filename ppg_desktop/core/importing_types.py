"""The vocabulary of an import: options, plans, results and the problems an import reports.

Kept apart from `importing` (which does the work) so the wizard, the CLI and the survey import
share one set of names.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.errors import PPGError
from ppg_desktop.core.importing_detect import SourceTable
from ppg_desktop.core.models import CHANNEL_LABELS, KIND_LABELS, SENTIMENT_LABELS

# Row UUIDs are uuid5 in this namespace, so the same row always gets the same UUID.
IMPORT_NAMESPACE = uuid_lib.UUID("7d1b7a3e-4f0c-5b8e-9a61-2c9e0f1d7a10")
PREVIEW_ROWS = 20
CHUNK = 500

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
            f"The dates in column '{column}' could be day/month or month/day (for example "
            f"{example}). Choose the date order: dd/mm/yyyy (UK, 'dmy') or mm/dd/yyyy (US, 'mdy')."
        )


class InvalidRows(PPGError):
    """Some rows cannot be stored; nothing was imported (the default, all-or-nothing)."""

    def __init__(self, invalid: list[InvalidRow]) -> None:
        self.invalid = invalid
        shown = "; ".join(str(r) for r in invalid[:5])
        more = f" (and {len(invalid) - 5} more)" if len(invalid) > 5 else ""
        super().__init__(
            f"{len(invalid)} row(s) cannot be imported, so nothing was imported: {shown}{more}. "
            "Correct the file, or choose to skip the invalid rows."
        )


class ImportCancelled(PPGError):
    """The user cancelled; nothing was imported."""


@dataclass(frozen=True)
class InvalidRow:
    """One problem with one row, numbered as the user sees it in the spreadsheet."""

    row_number: int
    column: str
    reason: str

    def __str__(self) -> str:
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

    @property
    def preview(self) -> list[dict[str, str]]:
        return [row.as_preview() for row in self.ready[:PREVIEW_ROWS]]

    @property
    def invalid_row_numbers(self) -> set[int]:
        return {r.row_number for r in self.invalid}

    def summary(self) -> str:
        """One paragraph for the CLI and the wizard's last page."""
        parts = [f"{len(self.ready):,} row(s) ready to import"]
        if self.already_present:
            parts.append(f"{self.already_present:,} of them already imported (will be skipped)")
        if self.invalid:
            parts.append(f"{len(self.invalid_row_numbers):,} invalid row(s)")
        if self.no_comment:
            parts.append(f"{len(self.no_comment):,} row(s) with no comment (left out)")
        if self.new_practices:
            parts.append("new practice(s) to add: " + ", ".join(self.new_practices))
        return "; ".join(parts) + "."


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
        text = f"Imported {self.added:,} item(s); {self.skipped_existing:,} already present"
        if self.rejected:
            text += f"; {self.rejected:,} invalid row(s) skipped (listed in {self.rejected_csv})"
        if self.practices_created:
            text += "; added practice(s): " + ", ".join(self.practices_created)
        return text + "."


# --- planning ---------------------------------------------------------------------------------
