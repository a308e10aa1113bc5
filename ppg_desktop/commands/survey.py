"""`ppg-desktop survey list|export`: see the surveys, and export one survey's responses."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppg_desktop.commands._common import (
    add_db_argument,
    check_output_file,
    open_db,
    written_atomically,
)
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.exporting import FORMATS, write_frame
from ppg_desktop.core.survey_results import responses_frame
from ppg_desktop.core.survey_store import SurveyStore

NAME = "survey"
HELP = "List surveys, or export one survey's responses to CSV or XLSX (one row per response)."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop survey list --db ppg.db\n"
    "  ppg-desktop survey export --db ppg.db --survey 1 --out fft.xlsx\n"
    '  ppg-desktop survey export --db ppg.db --survey "Friends and Family Test" --out fft.csv\n'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Two actions: `list` and `export`."""
    actions = parser.add_subparsers(dest="survey_action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="list the surveys with their response counts",
        description="List the surveys with their response counts.",
    )
    add_db_argument(listing)
    listing.add_argument(
        "--all-versions", action="store_true", help="also list older versions of edited surveys"
    )
    export = actions.add_parser(
        "export",
        help="write one survey's responses to a spreadsheet",
        description="Write one survey's responses to CSV or XLSX: one row per response, one "
        "column per question. Free-text answers have personal details removed unless "
        "--full-text.",
    )
    add_db_argument(export)
    export.add_argument(
        "--survey",
        required=True,
        metavar="ID|TITLE",
        help="the survey's number (see 'survey list') or its title",
    )
    export.add_argument("--format", choices=FORMATS, help="csv or xlsx (default: from --out)")
    export.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="file to write (.csv or .xlsx)"
    )
    export.add_argument(
        "--full-text",
        action="store_true",
        help="include free-text answers as written, without removing personal details",
    )


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; errors are raised as PPGError and printed on one line."""
    if args.survey_action == "list":
        return _list(args)
    return _export(args)


def _list(args: argparse.Namespace) -> int:
    """Print each survey's number, title, version and response count."""
    surveys = SurveyStore(open_db(args)).list(include_old_versions=args.all_versions)
    if not surveys:
        print("There are no surveys yet.")
        return 0
    for survey in surveys:
        print(
            f"{survey.id:>4}  {survey.title} (version {survey.version}): "
            f"{survey.response_count:,} responses"
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    """Write the chosen survey's responses to the --out file."""
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValidationError("--format", "Choose csv or xlsx (or end --out with .csv or .xlsx).")
    check_output_file(args.out)
    db = open_db(args)
    survey = SurveyStore(db).find(args.survey)
    frame = responses_frame(db, survey.id, full_text=args.full_text)
    with written_atomically(args.out) as partial:
        write_frame(frame, partial, fmt, sheet_name="Responses")
    AuditStore(db, "cli").record(
        "export",
        "survey_responses",
        str(args.out),
        {"survey_id": survey.id, "rows": len(frame), "format": fmt, "full_text": args.full_text},
    )
    print(
        f"Wrote {len(frame):,} responses to '{survey.title}' (version {survey.version}) to "
        f"{args.out}"
    )
    return 0
