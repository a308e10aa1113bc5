"""`ppg-desktop retag`: suggest themes afresh for all feedback after the keywords change."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ppg_desktop.commands._common import add_db_argument, open_db
from ppg_desktop.core.retag import ProgressCallback, retag_all

NAME = "retag"
HELP = (
    "Re-tag all feedback with the current themes and keywords (a person's accepted or "
    "rejected themes are never changed)."
)
BAR_WIDTH = 30
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop retag --db ppg.db\n"
    "  ppg-desktop retag --db ppg.db --sentiment --quiet\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, and whether to fill in missing sentiments too."""
    add_db_argument(parser)
    parser.add_argument(
        "--sentiment",
        action="store_true",
        help="also fill in positive/neutral/negative where no sentiment is recorded",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def progress_bar(stream: TextIO) -> ProgressCallback:
    """A callback drawing `Re-tagging [#####-----]  50%  500/1,000` on one terminal line."""

    def draw(done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        stream.write(f"\rRe-tagging [{bar}] {share:4.0%}  {done:,}/{total:,}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return draw


def run(args: argparse.Namespace) -> int:
    """Re-tag everything and say what changed."""
    db = open_db(args)
    draw = None if args.quiet else progress_bar(sys.stderr)
    result = retag_all(db, draw, fill_sentiment=args.sentiment, actor="ppg-desktop retag")
    line = (
        f"Re-tagged {result.items:,} feedback items: {result.suggestions:,} theme suggestions "
        "(themes people accepted or rejected are unchanged)."
    )
    if args.sentiment:
        line += f" Sentiment filled in for {result.sentiments_filled:,}."
    print(line)
    return 0
