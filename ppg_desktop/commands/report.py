"""`ppg-desktop report`: build the meeting pack (PDF) for a period, and optionally a workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ppg_desktop.commands._common import add_db_argument, iso_date, open_db
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.periods import Period
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.reports import PackOptions, build_pack, export_xlsx

NAME = "report"
HELP = "Build the meeting pack (PDF) for a period, optionally with a spreadsheet of the figures."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop report --db ppg.db --from 2026-01-01 --to 2026-03-31 --out pack.pdf\n"
    '  ppg-desktop report --db ppg.db --from 2026-01-01 --to 2026-03-31 --practice "Mill Lane Surgery" --large-print --xlsx figures.xlsx --out pack.pdf\n'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--from",
        dest="date_from",
        type=iso_date,
        required=True,
        metavar="YYYY-MM-DD",
        help="first day of the period",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        type=iso_date,
        required=True,
        metavar="YYYY-MM-DD",
        help="last day of the period",
    )
    parser.add_argument(
        "--practice",
        action="append",
        default=[],
        metavar="NAME",
        help="only this practice (repeat for several; default: all)",
    )
    parser.add_argument(
        "--large-print",
        action="store_true",
        help="bigger type in one column, for members with poor sight",
    )
    parser.add_argument(
        "--ppg-name", metavar="NAME", help="the name on every page (default: from Settings)"
    )
    parser.add_argument(
        "--xlsx",
        type=Path,
        metavar="FILE",
        help="also write the period's figures and feedback to this workbook",
    )
    parser.add_argument(
        "--full-text",
        action="store_true",
        help="in the workbook, comments as written, without removing personal "
        "details (take care where the file goes)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the PDF file to write"
    )


def _check_paths(args: argparse.Namespace) -> None:
    if args.date_from > args.date_to:
        raise ValidationError(
            "--from",
            f"The period starts ({args.date_from:%d/%m/%Y}) after it ends "
            f"({args.date_to:%d/%m/%Y}). Swap the dates.",
        )
    if args.out.suffix.lower() != ".pdf":
        raise ValidationError("--out", "The pack is a PDF: end the file name with .pdf.")
    for option, path in (("--out", args.out), ("--xlsx", args.xlsx)):
        if path is not None and not path.parent.exists():
            raise ValidationError(option, f"The folder {path.parent} does not exist.")
    if args.xlsx is not None and args.xlsx.suffix.lower() != ".xlsx":
        raise ValidationError("--xlsx", "End the workbook's file name with .xlsx.")
    if args.full_text and args.xlsx is None:
        raise ValidationError("--full-text", "Full text only applies to the workbook: add --xlsx.")


def run(args: argparse.Namespace) -> int:
    """Build the pack (and workbook), audit it, and say where they are."""
    _check_paths(args)
    db = open_db(args)
    practice_ids = [_practice_id(PracticeStore(db), name) for name in args.practice]
    period = Period(args.date_from, args.date_to, "Custom")
    result = build_pack(
        db,
        PackOptions(period, practice_ids, large_print=args.large_print, ppg_name=args.ppg_name),
        args.out,
    )
    written = [str(result.path)]
    if args.xlsx is not None:
        export_xlsx(
            db, period, args.xlsx, practice_ids, full_text=args.full_text, figures=result.figures
        )
        written.append(str(args.xlsx))
    AuditStore(db, "cli").record(
        "report",
        "feedback",
        str(args.out),
        {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "practices": args.practice,
            "large_print": args.large_print,
            "pages": result.pages,
            "xlsx": str(args.xlsx) if args.xlsx else None,
            "full_text": args.full_text,
        },
    )
    if result.figures is not None and result.figures.received == 0:
        print(
            f"Note: no feedback was recorded in the period {period.describe()}; the pack says so.",
            file=sys.stderr,
        )
    print(f"Wrote the meeting pack ({result.pages} pages) to {' and '.join(written)}")
    return 0


def _practice_id(practices: PracticeStore, name: str) -> int:
    """The practice named exactly (any case), else the one practice whose name contains the
    words typed ('mill lane' for Mill Lane Surgery); otherwise say which practices there are."""
    found = practices.find_by_name(name)
    if found is not None:
        return found.id
    everyone = practices.list()
    wanted = name.casefold().split()
    close = [p for p in everyone if wanted and all(w in p.name.casefold() for w in wanted)]
    if len(close) == 1:
        return close[0].id
    if close:
        names = ", ".join(p.name for p in close)
        raise ValidationError(
            "--practice", f"'{name}' could be any of: {names}. Give the full name."
        )
    known = ", ".join(p.name for p in everyone) or "none set up yet"
    raise ValidationError(
        "--practice", f"There is no practice called '{name}'. Practices: {known}."
    )
