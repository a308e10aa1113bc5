"""How long exporting and merging a big bundle takes (50,000 feedback items with theme links).

.venv/bin/python bench/bundle_bench.py [ROWS]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from ppg_desktop.core.bundles import export_bundle, merge_bundle
from ppg_desktop.core.db import open_database
from ppg_desktop.core.practice_store import PracticeStore

PHRASES = [
    "Waited an hour on the phone",
    "Rude receptionist",
    "Lovely nurse",
    "Could not book online",
    "Prescription not ready",
]


def main() -> int:
    """Print export, first merge and repeated merge times."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        laptop = open_database(Path(folder) / "laptop.db")
        practice = PracticeStore(laptop).create("Riverside Surgery").id
        theme_ids = [r[0] for r in laptop.execute("SELECT id FROM themes LIMIT 3")]
        stamp = dt.datetime.now(dt.UTC).isoformat()
        with laptop.atomic():
            laptop.conn.executemany(
                "INSERT INTO feedback (uuid, practice_id, received_on, channel, kind, text,"
                " status, created_at, updated_at) VALUES (lower(hex(randomblob(16))), ?,"
                " '2026-01-05', 'email', 'complaint', ?, 'new', ?, ?)",
                [(practice, f"{PHRASES[n % 5]} ({n})", stamp, stamp) for n in range(rows)],
            )
            laptop.execute(
                "INSERT INTO feedback_themes (feedback_id, theme_id, source, state, score,"
                " evidence, created_at, updated_at) SELECT f.id, ?, 'auto', 'suggested', 0.5,"
                " '[]', f.created_at, f.updated_at FROM feedback f",
                [theme_ids[0]],
            )
        started = time.perf_counter()
        export_bundle(laptop, Path(folder) / "b.ppgbundle")
        print(f"Export of {rows:,} items: {time.perf_counter() - started:.2f} s")
        laptop.close()
        chair = open_database(Path(folder) / "chair.db")
        started = time.perf_counter()
        report = merge_bundle(chair, Path(folder) / "b.ppgbundle")
        print(f"First merge: {time.perf_counter() - started:.2f} s ({report.added:,} added)")
        started = time.perf_counter()
        report = merge_bundle(chair, Path(folder) / "b.ppgbundle")
        print(
            f"Same bundle again: {time.perf_counter() - started:.2f} s ({report.skipped:,} skipped)"
        )
        chair.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
