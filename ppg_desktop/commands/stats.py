"""`ppg-desktop stats`: counts by month and theme, and by practice, as plain tables."""

from __future__ import annotations

import argparse
import sys

from ppg_desktop.commands._common import add_db_argument, open_db
from ppg_desktop.core import analysis
from ppg_desktop.core.clock import today
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.periods import add_months

NAME = "stats"
HELP = "Print feedback counts by month and theme, and by practice."
EXAMPLES = (
    "examples:\n  ppg-desktop stats --db ppg.db\n  ppg-desktop stats --db ppg.db --months 6\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--months",
        type=int,
        default=12,
        metavar="N",
        help="how many recent months to show (default 12)",
    )


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    if not 1 <= args.months <= 120:
        print("ppg-desktop stats: --months must be between 1 and 120.", file=sys.stderr)
        return 2
    db = open_db(args)
    end = today()
    start_month = add_months(end, -(args.months - 1))
    flt = FeedbackFilter(date_from=start_month, date_to=end)
    total = FeedbackFilter()
    print(
        f"{FeedbackStore(db).count(total):,} feedback items in all; "
        f"{FeedbackStore(db).count(flt):,} from {start_month:%d/%m/%Y} to {end:%d/%m/%Y}."
    )
    table = analysis.monthly_theme_counts(db, flt, top_n=None)
    volume = analysis.monthly_counts(db, flt)
    with pd.option_context(
        "display.width", 250, "display.max_columns", 100, "display.max_rows", 500
    ):
        print("\nItems per month and theme (an item can have several themes):")
        if table.empty:
            print("  (no tagged feedback in these months)")
        else:
            by_theme = table.T
            by_theme["Total"] = by_theme.sum(axis=1)
            by_theme = by_theme.sort_values("Total", ascending=False)
            by_theme.columns = [_short_month(c) for c in by_theme.columns]
            by_theme.loc["All feedback"] = [
                *volume["received"].tolist(),
                int(volume["received"].sum()),
            ]
            print(by_theme.to_string())
        print("\nBy practice:")
        practices = analysis.counts_by_practice(db, flt)
        practices["percent_negative"] = practices["percent_negative"].map(
            lambda v: "" if v is None or v != v else f"{v:.0f}%"
        )
        practices.columns = ["Practice", "Received", "Complaints", "Compliments", "% negative"]
        if practices.empty:
            print("  (no feedback in these months)")
        else:
            print(practices.to_string(index=False))
    return 0


def _short_month(label: str) -> str:
    """'2026-03' -> 'Mar 26'; other labels unchanged."""
    import datetime as dt

    if len(label) == 7 and label[4] == "-":
        return dt.date(int(label[:4]), int(label[5:]), 1).strftime("%b %y")
    return label
