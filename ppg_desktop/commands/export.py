"""`ppg-desktop export`: feedback with its themes to CSV or XLSX."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppg_desktop.commands._common import (
    add_db_argument,
    check_output_file,
    iso_date,
    open_db,
    written_atomically,
)
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.exporting import FORMATS, feedback_frame, write_frame
from ppg_desktop.core.models import FeedbackFilter

NAME = "export"
HELP = "Export feedback with its themes to a CSV or XLSX spreadsheet (redacted unless --full-text)."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop export --db ppg.db --out feedback.xlsx\n"
    "  ppg-desktop export --db ppg.db --out q1.csv --from 2026-01-01 --to 2026-03-31\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--format", choices=FORMATS, help="csv or xlsx (default: from --out)")
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="file to write (.csv or .xlsx)"
    )
    parser.add_argument(
        "--from",
        dest="date_from",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="first day received (default: the earliest)",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day received (default: the latest)",
    )
    parser.add_argument(
        "--full-text",
        action="store_true",
        help="include comments as written, without removing personal details",
    )


def run(args: argparse.Namespace) -> int:
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValidationError("--format", "Choose csv or xlsx (or end --out with .csv or .xlsx).")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise ValidationError("--from", "The first date is after the last date.")
    check_output_file(args.out)
    db = open_db(args)
    flt = FeedbackFilter(date_from=args.date_from, date_to=args.date_to)
    frame = feedback_frame(db, flt, full_text=args.full_text)
    with written_atomically(args.out) as partial:
        write_frame(frame, partial, fmt)
    AuditStore(db, "cli").record(
        "export",
        "feedback",
        str(args.out),
        {"rows": len(frame), "format": fmt, "full_text": args.full_text},
    )
    print(f"Wrote {len(frame):,} feedback items to {args.out}")
    return 0
