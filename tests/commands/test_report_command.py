"""`ppg-desktop report`: one clear line for bad input, a pack and an audit entry otherwise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils
from pypdf import PdfReader

from ppg_desktop.cli import main
from ppg_desktop.core.audit_store import AuditStore
from tests.core.reports_helpers import add_items, practice


@pytest.fixture
def filled(db: sqlite_utils.Database) -> sqlite_utils.Database:
    site = practice(db)
    practice(db, "Castle View Health Centre")
    add_items(db, site, "phone_access", dt.date(2025, 3, 3), ["Forty minutes on hold."] * 3)
    return db


def _run(db_path: Path, *args: str) -> int:
    return main(["report", "--db", str(db_path), *args])


def test_builds_pack_and_workbook_and_audits(
    filled: sqlite_utils.Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, book = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    code = _run(
        db_path,
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--practice",
        "mill lane surgery",
        "--large-print",
        "--xlsx",
        str(book),
        "--out",
        str(out),
    )
    assert code == 0
    assert len(PdfReader(out).pages) > 5 and book.exists()
    assert "Wrote the meeting pack" in capsys.readouterr().out
    entry = AuditStore(filled).list(action="report")[0]
    assert entry.changes["practices"] == ["mill lane surgery"]
    assert entry.changes["large_print"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-03-31", "--to", "2025-03-01"], "starts (31/03/2025) after it ends"),
        (["--from", "2025-02-30", "--to", "2025-03-01"], "is not a date in the form YYYY-MM-DD"),
        (
            ["--from", "2025-03-01", "--to", "2025-03-31", "--practice", "Nowhere"],
            "no practice called 'Nowhere'",
        ),
        (["--from", "2025-03-01", "--to", "2025-03-31", "--full-text"], "add --xlsx"),
    ],
)
def test_bad_input_gives_one_clear_line(
    filled: sqlite_utils.Database,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "pack.pdf"
    try:
        code = _run(db_path, *args, "--out", str(out))
    except SystemExit as exc:  # argparse rejects a malformed date itself
        code = int(exc.code or 0)
    assert code != 0
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_empty_period_still_builds_and_says_so(
    filled: sqlite_utils.Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "empty.pdf"
    assert _run(db_path, "--from", "2024-01-01", "--to", "2024-01-31", "--out", str(out)) == 0
    assert "no feedback was recorded" in capsys.readouterr().err
    assert "No feedback was recorded" in " ".join(p.extract_text() for p in PdfReader(out).pages)
