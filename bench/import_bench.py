"""How long importing 50,000 spreadsheet rows takes (target: under 10 seconds), beside the bare
`sqlite-utils insert --csv` of the same file for reference, and what reading one comment costs
(sentiment, theme suggestions). The machine's load average is printed too: on a shared laptop
every figure grows with it, the sqlite-utils one included. Run by hand:

    .venv/bin/python bench/import_bench.py [ROWS]
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ppg_desktop.core.db import open_database
from ppg_desktop.core.importing import ImportOptions, plan_import, run_import
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.sentiment import classify_sentiment
from ppg_desktop.core.tagging import load_taxonomy

PRACTICES = ["Riverside Surgery", "Hillview Medical Centre", "Castle Street Practice"]
PHRASES = [
    "Waited 40 minutes on the phone to get an appointment",
    "The receptionist was rude and unhelpful",
    "Lovely nurse, explained everything clearly",
    "Could not book online, the app keeps crashing",
    "Prescription was not ready when I went to collect it",
    "Parking is impossible on a Monday morning",
    "The doctor listened and I felt cared for",
    "Please open earlier for working people",
]


def write_sample(path: Path, rows: int) -> None:
    """A Google-Forms-like CSV with varied comments and UK dates."""
    rng = random.Random(8)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", "Which surgery?", "Comments"])
        for n in range(rows):
            day, month = rng.randint(13, 28), rng.randint(1, 12)
            text = f"{rng.choice(PHRASES)}. {rng.choice(PHRASES)} (visit {n})"
            writer.writerow(
                [f"{day:02d}/{month:02d}/2025 10:{n % 60:02d}:00", rng.choice(PRACTICES), text]
            )


def per_comment_costs(db_path: Path, count: int = 3000) -> str:
    """Milliseconds of CPU per comment for sentiment and for theme suggestions, in-process."""
    rng = random.Random(3)
    texts = [f"{rng.choice(PHRASES)}. {rng.choice(PHRASES)} (note {n})" for n in range(count)]
    db = open_database(db_path)
    taxonomy = load_taxonomy(db)
    db.close()
    classify_sentiment(texts[0])
    started = time.process_time()
    for text in texts:
        classify_sentiment(text)
    sentiment = (time.process_time() - started) / count * 1000
    started = time.process_time()
    for text in texts:
        taxonomy.suggest(text)
    tagging = (time.process_time() - started) / count * 1000
    return f"per comment: sentiment {sentiment:.3f} ms, theme suggestions {tagging:.3f} ms (CPU)"


def main() -> int:
    """Print the import time, the bare sqlite-utils time and the per-comment costs."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print(f"Load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sample.csv"
        write_sample(source, rows)
        db = open_database(Path(folder) / "bench.db")
        for name in PRACTICES:
            PracticeStore(db).create(name)
        started = time.perf_counter()
        plan = plan_import(db, source, ImportOptions())
        planned = time.perf_counter()
        result = run_import(db, plan)
        finished = time.perf_counter()
        print(
            f"PPG Desk import of {rows:,} rows: {finished - started:.2f} s "
            f"(read and check {planned - started:.2f} s, store and tag "
            f"{finished - planned:.2f} s); added {result.added:,}, "
            f"{result.themes_suggested:,} theme suggestions"
        )
        started = time.perf_counter()
        again = run_import(db, plan_import(db, source, ImportOptions()))
        print(
            f"Second import of the same file: {time.perf_counter() - started:.2f} s, "
            f"added {again.added}, skipped {again.skipped_existing:,}"
        )
        db.close()
        print(per_comment_costs(Path(folder) / "bench.db"))
        tool = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
        started = time.perf_counter()
        subprocess.run(
            [tool, "insert", str(Path(folder) / "raw.db"), "raw", str(source), "--csv"], check=True
        )
        print(
            f"Bare 'sqlite-utils insert --csv' for reference: {time.perf_counter() - started:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
