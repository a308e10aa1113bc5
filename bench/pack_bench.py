"""How long the meeting pack takes over a big database: 100,000 feedback items, 20,000+ surveys.

The target is under 5 seconds on one core for a quarter's pack (issue 7). The demo database is
made once and kept in /tmp (delete it to make a fresh one). Run by hand:

    .venv/bin/python bench/pack_bench.py [--size 100000] [--large-print]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from ppg_desktop.core.db import open_database
from ppg_desktop.core.demo import generate_demo
from ppg_desktop.core.periods import Period, preset_period
from ppg_desktop.core.reports import PackOptions, build_pack

TODAY = dt.date(2026, 6, 15)
TARGET_SECONDS = 5.0


def cached_demo(size: int) -> Path:
    """The demo database for this size, made the first time and reused afterwards."""
    path = Path(tempfile.gettempdir()) / f"ppg-bench-demo-{size}.db"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".part")
        partial.unlink(missing_ok=True)
        db = open_database(partial)
        generate_demo(db, size=size, today=TODAY)
        db.close()
        partial.rename(path)
        print(f"Made the demo database ({size:,} items) in {time.perf_counter() - started:.1f} s")
    return path


def main() -> int:
    """Build packs for a quarter and for 12 months and print the times."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--large-print", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    db = open_database(cached_demo(args.size))
    feedback = db.execute("SELECT count(*) FROM feedback").fetchone()[0]
    responses = db.execute("SELECT count(*) FROM survey_responses").fetchone()[0]
    print(f"Database: {feedback:,} feedback items, {responses:,} survey responses")
    out = Path(tempfile.gettempdir()) / "ppg-bench-pack.pdf"
    worst = 0.0
    for name in ("last_quarter", "last_12_months"):
        period: Period = preset_period(name, db, today=TODAY)
        started = time.perf_counter()
        result = build_pack(db, PackOptions(period, large_print=args.large_print), out)
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        items = result.figures.received if result.figures else 0
        print(
            f"{period.label} ({period.describe()}, {items:,} items): {result.pages} pages in "
            f"{seconds:.2f} s"
        )
    verdict = "within" if worst < TARGET_SECONDS else "OVER"
    print(f"Slowest pack {worst:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
