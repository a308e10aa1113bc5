"""`ppg-desktop demo`: write a realistic demo PPG into a new database."""

from __future__ import annotations

import argparse
import sys
import time

from ppg_desktop.commands._common import add_db_argument, iso_date, open_db
from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.demo import MAX_SIZE, generate_demo

NAME = "demo"
HELP = (
    "Fill a new, empty database with a demo PPG: practices, 18 months of feedback, surveys, "
    "actions and meetings (the same seed gives the same data)."
)
BAR_WIDTH = 30
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop demo --db demo.db --size 3000\n"
    "  ppg-desktop demo --db demo.db --size 100000 --seed 7 --today 2026-03-31\n"
)


def _size(text: str) -> int:
    """argparse type for --size: a whole number from 1 to MAX_SIZE."""
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from exc
    if not 1 <= value <= MAX_SIZE:
        raise argparse.ArgumentTypeError(f"the size must be from 1 to {MAX_SIZE:,}, not {value:,}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, --size, --seed and --today."""
    add_db_argument(parser, must_exist=False)
    parser.add_argument(
        "--size",
        type=_size,
        default=5000,
        metavar="N",
        help=f"number of feedback items, 1 to {MAX_SIZE:,} (default 5,000)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="random seed: the same seed gives the same data (default 1)",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the day the 18 months end on (default: today)",
    )


class _ProgressBar:
    """A one-line bar on stderr, redrawn only when the percentage changes."""

    def __init__(self) -> None:
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent == self.last:
            return
        self.last = percent
        filled = BAR_WIDTH * percent // 100
        sys.stderr.write(
            f"\rWriting demo data [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}%"
        )
        if percent >= 100:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    """Generate, then print a short summary; a database with data is refused (exit 1)."""
    db = open_db(args)
    started = time.perf_counter()
    summary = generate_demo(db, args.size, args.seed, today=args.today, progress=_ProgressBar())
    seconds = time.perf_counter() - started
    print(f"{summary.ppg_name}: {summary.practices} practices, {summary.users} users")
    print(
        f"Feedback: {summary.feedback:,} items from {uk_date(summary.date_from)} to "
        f"{uk_date(summary.date_to)}, {summary.theme_links:,} theme links "
        f"({summary.confirmed_links:,} confirmed)"
    )
    print(
        f"Surveys: {summary.fft_responses:,} Friends and Family Test responses (survey 1), "
        f"{summary.contact_responses:,} 'Contacting the practice' responses (survey 2)"
    )
    print(
        f"Actions: {summary.actions}, meetings: {summary.meetings}, "
        f"contacts with consent: {summary.contacts}"
    )
    print(f"Done in {seconds:.1f} s.")
    return 0
