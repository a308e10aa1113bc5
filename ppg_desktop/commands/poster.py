"""`ppg-desktop poster`: the one-page "You said, we did" PDF for the waiting-room noticeboard."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppg_desktop.commands._common import (
    add_db_argument,
    check_output_file,
    open_db,
    written_atomically,
)
from ppg_desktop.core.poster import make_poster
from ppg_desktop.core.wording import counted

NAME = "poster"
HELP = 'Make the one-page A4 "You said, we did" poster (PDF) from done actions.'
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop poster --db ppg.db --out poster.pdf\n"
    "  ppg-desktop poster --db ppg.db --out poster.pdf --action 2 --action 12\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, --out and the optional chosen actions."""
    add_db_argument(parser)
    parser.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        type=Path,
        help="where to write the PDF, e.g. poster.pdf",
    )
    parser.add_argument(
        "--action",
        dest="actions",
        action="append",
        type=int,
        metavar="ID",
        help="a done action to show (repeat for several; default: the most "
        "recent done actions that fit on the page)",
    )


def run(args: argparse.Namespace) -> int:
    """Build the poster and say what is on it (and what did not fit)."""
    out: Path = args.out
    check_output_file(out)  # like every command: no folder named 'posters' becoming a file
    if out.suffix.lower() != ".pdf":
        out = out.with_suffix(".pdf")
    db = open_db(args)
    try:
        with written_atomically(out) as partial:
            result = make_poster(db, partial, args.actions)
    finally:
        db.close()
    print(
        f"Poster written to {out} with {counted(len(result.shown), 'action')} at {result.body_size} pt."
    )
    if result.left_out:
        print(
            f"Left off for want of space: {'action' if len(result.left_out) == 1 else 'actions'} {', '.join(map(str, result.left_out))}."
        )
    return 0
