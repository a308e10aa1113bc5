"""The period's workbook: redacted by default, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import sqlite_utils

from ppg_desktop.core.periods import Period
from ppg_desktop.core.reports import export_xlsx
from tests.core.reports_helpers import add_items, practice

PERIOD = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
DANGEROUS = (
    '=HYPERLINK("http://evil.example","click")',
    "+44 1 2 3 sum",
    "-2+3 cmd",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
)


def _cells(path: Path) -> dict[str, list[openpyxl.cell.cell.Cell]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [c for row in sheet.iter_rows() for c in row] for sheet in book}


def test_formula_injection_is_neutralised(db: sqlite_utils.Database, tmp_path: Path) -> None:
    site = practice(db, "=Evil Practice")
    add_items(db, site, "phone_access", dt.date(2025, 3, 3), list(DANGEROUS))
    path = export_xlsx(db, PERIOD, tmp_path / "period.xlsx")
    sheets = _cells(path)
    assert {"Summary", "Themes by month", "By practice", "Feedback"} <= set(sheets)
    comments = [c.value for c in sheets["Feedback"] if c.column_letter == "I"][1:]
    assert len(comments) == len(DANGEROUS)
    for sheet, cells in sheets.items():
        for cell in cells:
            assert cell.data_type != "f", (sheet, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    assert "'=Evil Practice" in [c.value for c in sheets["By practice"]]


def test_comments_are_redacted_unless_full_text(db: sqlite_utils.Database, tmp_path: Path) -> None:
    site = practice(db)
    add_items(
        db,
        site,
        "phone_access",
        dt.date(2025, 3, 3),
        ["Call me on 07700 900123 or email jane.doe@example.com about the queue."],
    )
    redacted = _cells(export_xlsx(db, PERIOD, tmp_path / "r.xlsx"))
    text = " ".join(str(c.value) for c in redacted["Feedback"])
    assert "07700 900123" not in text and "jane.doe@example.com" not in text
    assert "[PHONE]" in text and "[EMAIL]" in text
    about = " ".join(str(c.value) for c in redacted["About"])
    assert "redacted" in about
    full = _cells(export_xlsx(db, PERIOD, tmp_path / "f.xlsx", full_text=True))
    text = " ".join(str(c.value) for c in full["Feedback"])
    assert "07700 900123" in text and "jane.doe@example.com" in text
    assert "FULL TEXT" in " ".join(str(c.value) for c in full["About"])


def test_summary_sheet_matches_the_period(db: sqlite_utils.Database, tmp_path: Path) -> None:
    site = practice(db)
    add_items(db, site, "phone_access", dt.date(2025, 2, 20), ["Engaged tone all day."] * 2)
    add_items(db, site, "phone_access", dt.date(2025, 3, 20), ["Engaged tone all day."] * 5)
    sheets = _cells(export_xlsx(db, PERIOD, tmp_path / "s.xlsx"))
    rows = {}
    for cell in sheets["Summary"]:
        rows.setdefault(cell.row, []).append(cell.value)
    received = next(r for r in rows.values() if r[0] == "Feedback received")
    assert received[1:3] == ["5", "2"]
    months = [c.value for c in sheets["Themes by month"] if c.column_letter == "A"]
    assert months == ["Month", "2025-03"]
