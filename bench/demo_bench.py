"""How long the demo generator takes for 100,000 feedback items (target: well under a minute).

Run by hand:

    .venv/bin/python bench/demo_bench.py [SIZE]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from ppg_desktop.core.db import open_database
from ppg_desktop.core.demo import generate_demo

TARGET_SECONDS = 60.0


def main() -> int:
    """Generate a demo of SIZE items into a temporary file and print the figures."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        db = open_database(path)
        started = time.perf_counter()
        summary = generate_demo(db, size, seed=1)
        seconds = time.perf_counter() - started
        db.close()
        megabytes = path.stat().st_size / 1e6
    print(
        f"demo of {summary.feedback:,} items: {seconds:.1f} s "
        f"({summary.feedback / seconds:,.0f} items/s), {summary.theme_links:,} theme links, "
        f"{summary.fft_responses + summary.contact_responses:,} survey responses, "
        f"{megabytes:.0f} MB"
    )
    per_100k = seconds * 100_000 / size
    print(
        f"scaled to 100,000 items: {per_100k:.1f} s (target under {TARGET_SECONDS:.0f} s): "
        + ("OK" if per_100k < TARGET_SECONDS else "TOO SLOW")
    )
    return 0 if per_100k < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
