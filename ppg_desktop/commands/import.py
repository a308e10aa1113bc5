"""`ppg-desktop import`: bring feedback in from a spreadsheet (CSV or XLSX).

Checks every row first; by default nothing is stored unless every row is valid. The same file
imported twice adds nothing the second time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sqlite_utils

from ppg_desktop.commands._common import add_db_argument, check_output_file, open_db
from ppg_desktop.core.importing import (
    AmbiguousDates,
    ImportOptions,
    ImportProblem,
    InvalidRows,
    plan_import,
    run_import,
)
from ppg_desktop.core.importing_detect import DATE_ORDERS, read_source
from ppg_desktop.core.importing_mapping import (
    FEEDBACK_FIELDS,
    matching_saved_mapping,
    save_mapping,
    saved_mappings,
)
from ppg_desktop.core.importing_survey import (
    SurveyImportOptions,
    mapping_from_pairs,
    parse_into,
    plan_survey_import,
    run_survey_import,
)
from ppg_desktop.core.models import CHANNEL_LABELS

NAME = "import"
HELP = "Import feedback from a CSV or Excel (.xlsx) file, e.g. a Google or Microsoft Forms export."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop import --db ppg.db forms-export.csv --dry-run\n"
    '  ppg-desktop import --db ppg.db comments.xlsx --map "Your comments=text" --date-order dmy --skip-invalid\n'
    "  ppg-desktop import --db ppg.db fft-paper.csv --into survey:1\n"
)


def _column_mapping(text: str) -> tuple[str, str]:
    """argparse type for --map 'Column name=field'."""
    column, sep, field = text.rpartition("=")
    if not sep or not column.strip() or not field.strip():
        raise argparse.ArgumentTypeError(
            f"'{text}' should be COLUMN=FIELD, where FIELD is one of: "
            + ", ".join(FEEDBACK_FIELDS)
            + " (or, into a survey, a question number)"
        )
    return column.strip(), field.strip()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The file, where it goes, column mapping and what to do about problems."""
    parser.add_argument("file", type=Path, metavar="FILE", help="the .csv or .xlsx file")
    add_db_argument(parser)
    parser.add_argument(
        "--into",
        default="feedback",
        metavar="feedback|survey:ID",
        help="import as feedback (default) or as responses to survey ID",
    )
    parser.add_argument(
        "--map",
        dest="mapping",
        action="append",
        type=_column_mapping,
        default=[],
        metavar="COLUMN=FIELD",
        help="say which field a column holds (repeatable); fields: "
        + ", ".join(FEEDBACK_FIELDS)
        + " (for surveys: a question number)",
    )
    parser.add_argument(
        "--date-order",
        choices=DATE_ORDERS,
        help="how to read 03/04/2026: dmy (UK, 3 April) or mdy (US, 4 March)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check and preview the rows; store nothing"
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="store the valid rows and write the invalid ones to a CSV",
    )
    parser.add_argument(
        "--rejected",
        type=Path,
        metavar="CSV",
        help="where to write the skipped rows (default: FILE-rejected.csv)",
    )
    parser.add_argument(
        "--create-practices",
        action="store_true",
        help="add practices named in the file that are not in the database",
    )
    parser.add_argument(
        "--practice",
        metavar="NAME",
        help="the practice for every row, when the file has no practice column",
    )
    parser.add_argument(
        "--channel",
        choices=list(CHANNEL_LABELS),
        help="how the feedback was given, when the file does not say",
    )
    parser.add_argument("--sheet", help="the worksheet to read (default: the first)")
    parser.add_argument(
        "--header-row",
        type=int,
        metavar="N",
        help="the row number of the column headings (default: detected)",
    )
    parser.add_argument(
        "--save-mapping", metavar="NAME", help="save this column mapping under NAME for next time"
    )
    parser.add_argument(
        "--no-themes", action="store_true", help="do not suggest themes for the imported comments"
    )


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{stage}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)


def _import_survey(db: sqlite_utils.Database, args: argparse.Namespace, survey_id: int) -> int:
    """`--into survey:ID`: each row becomes one response to that survey."""
    options = SurveyImportOptions(
        mapping=mapping_from_pairs(dict(args.mapping)),
        date_order=args.date_order,
        skip_invalid=args.skip_invalid,
        practice=args.practice,
        sheet=args.sheet,
        header_row=args.header_row,
        actor="command line",
    )
    try:
        plan = plan_survey_import(db, args.file, survey_id, options)
    except AmbiguousDates as exc:
        print(
            f"ppg-desktop import: {exc} Run again with --date-order dmy or --date-order mdy.",
            file=sys.stderr,
        )
        return 2
    except ImportProblem as exc:
        if "question" not in str(exc):
            raise
        print(
            f'ppg-desktop import: {exc} Run again with --map "Column name=NUMBER" for each '
            "such column, NUMBER being the question's number in the survey.",
            file=sys.stderr,
        )
        return 2
    print(f"Read {plan.table.describe()}.")
    questions = {f"q:{q.id}": q.label for q in plan.survey.questions}
    print(
        "Columns: " + "; ".join(f"'{c}' -> {questions.get(t, t)}" for c, t in plan.mapping.items())
    )
    for problem in plan.invalid:
        print(f"  Invalid: {problem}")
    print(plan.summary())
    if args.dry_run:
        print("Dry run: nothing was stored.")
        return 1 if plan.invalid and not args.skip_invalid else 0
    try:
        result = run_survey_import(db, plan, _progress)
    except InvalidRows:
        print(
            "ppg-desktop import: Nothing was imported: correct the rows above, or use "
            "--skip-invalid.",
            file=sys.stderr,
        )
        return 1
    print(result.summary())
    return 0


def run(args: argparse.Namespace) -> int:
    """Plan, show what will happen, then (unless --dry-run) store."""
    if args.rejected is not None:  # found out before storing, not after
        check_output_file(Path(args.rejected), "--rejected")
    db = open_db(args)
    try:
        survey_id = parse_into(args.into)
        if survey_id is not None:
            return _import_survey(db, args, survey_id)
        table = read_source(args.file, sheet=args.sheet, header_row=args.header_row)
        mapping = dict(args.mapping)
        saved = matching_saved_mapping(db, table.headers)
        if saved and not mapping:
            print(f"Using the saved mapping '{saved[0]}'.")
            mapping = saved[1]
        options = ImportOptions(
            mapping=mapping,
            date_order=args.date_order,
            skip_invalid=args.skip_invalid,
            rejected_csv=args.rejected,
            create_practices=args.create_practices,
            practice=args.practice,
            default_channel=args.channel,
            tag_themes=not args.no_themes,
            actor="command line",
        )
        try:
            plan = plan_import(db, table, options)
        except AmbiguousDates as exc:
            print(
                f"ppg-desktop import: {exc} Run again with --date-order dmy or --date-order mdy.",
                file=sys.stderr,
            )
            return 2
        print(f"Read {table.describe()}.")
        print(
            "Columns: "
            + "; ".join(f"'{c}' -> {FEEDBACK_FIELDS[f]}" for c, f in plan.mapping.items())
        )
        for row in plan.preview[:5]:
            print("  " + " | ".join(f"{k}: {v}" for k, v in row.items()))
        for problem in plan.invalid:
            print(f"  Invalid: {problem}")
        print(plan.summary())
        if args.save_mapping:
            save_mapping(db, args.save_mapping, plan.mapping, actor="command line")
            print(f"Saved the mapping as '{args.save_mapping}' ({len(saved_mappings(db))} saved).")
        if args.dry_run:
            print("Dry run: nothing was stored.")
            return 1 if plan.invalid and not args.skip_invalid else 0
        try:
            result = run_import(db, plan, _progress)
        except InvalidRows:
            print(
                "ppg-desktop import: Nothing was imported: correct the rows above, or use "
                "--skip-invalid.",
                file=sys.stderr,
            )
            return 1
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(result.summary())
        return 0
    finally:
        db.close()
