"""PPG Desk benchmarks in one run: `python -m bench` or `python bench/run.py [--sizes 10000 100000]`.

For each demo database size it prints: start-up time to an interactive main window, full-text
search latency (median, p95), filter+count latency, import of 50,000 CSV rows, meeting pack time,
tagging throughput and peak memory while browsing, each beside the same operation done the bare
way (raw FTS5 query, raw SQL, `sqlite-utils insert --csv`, ...) and the ratio, so our overhead is
visible. Demo databases are made once and cached in the temp folder. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ppg_desktop.core.db import open_database  # noqa: E402
from ppg_desktop.core.demo import generate_demo  # noqa: E402
from ppg_desktop.core.feedback_store import FeedbackStore, fts_query  # noqa: E402
from ppg_desktop.core.models import FeedbackFilter  # noqa: E402

TODAY = dt.date(2026, 6, 15)
CACHE = Path(tempfile.gettempdir()) / "ppg-bench"
SEARCH_TERMS = [
    "phone",
    "cancelled appointment",
    "prescription",
    "rude receptionist",
    "nhs app",
    "parking",
    "blood test results",
    "locum",
]
TARGETS = {
    "startup_s": 1.5,
    "search_p95_ms": 100.0,
    "import_50k_s": 10.0,
    "pack_s": 5.0,
    "tagging_per_s": 5000.0,
    "rss_mb": 400.0,
}


def demo_db(size: int) -> Path:
    """A cached demo database of this size (made the first time)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{size}.db"
    if not path.exists():
        partial = path.with_suffix(".part")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        db = open_database(partial)
        generate_demo(db, size=size, seed=1, today=TODAY)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        partial.rename(path)
        print(f"  (made the {size:,}-item demo database in {time.perf_counter() - started:.1f} s)")
    return path


def timings(work: Callable[[], object], repeats: int) -> list[float]:
    """Milliseconds for each of `repeats` runs."""
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(
    label: str,
    ours: float,
    unit: str,
    bare: float | None = None,
    bare_label: str = "",
    target: float | None = None,
    higher_is_better: bool = False,
) -> bool:
    """Print one figure with its bare reference, ratio and target; return whether it is met."""
    text = f"  {label:<34} {ours:>10,.1f} {unit:<5}"
    if bare is not None and bare > 0:
        text += f" | bare {bare_label}: {bare:,.1f} {unit} (x{ours / bare:.1f})"
    met = True
    if target is not None:
        met = ours >= target if higher_is_better else ours <= target
        text += f" | target {'>=' if higher_is_better else '<='} {target:,g}: {'met' if met else 'NOT MET'}"
    print(text)
    return met


def bench_startup(path: Path, browse: bool = False) -> dict[str, float]:
    """Run the app in a fresh process; wall time to 'ready', and peak memory when browsing."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, str(ROOT / "bench" / "startup_probe.py"), "--db", str(path)]
    if browse:
        command.append("--browse")
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    figures: dict[str, float] = {}
    assert process.stdout is not None
    for text in process.stdout:
        if text.startswith("ready"):
            figures["startup_s"] = time.perf_counter() - started
        elif text.startswith("peak_rss_mb"):
            figures["rss_mb"] = float(text.split()[1])
    process.wait(timeout=120)
    return figures


def bare_window_rss() -> float:
    """Peak memory of a bare PySide6 window: what Qt alone costs."""
    code = (
        "import resource;from PySide6.QtWidgets import QApplication,QMainWindow;"
        "a=QApplication([]);w=QMainWindow();w.show();a.processEvents();"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    return float(out.stdout.strip())


def bench_search(path: Path) -> bool:
    db = open_database(path)
    store = FeedbackStore(db)
    ours = [
        t
        for term in SEARCH_TERMS
        for t in timings(lambda term=term: store.list_ids(FeedbackFilter(text=term)), 5)
    ]
    bare = [
        t
        for term in SEARCH_TERMS
        for t in timings(
            lambda term=term: db.execute(
                "SELECT rowid FROM feedback_fts WHERE feedback_fts MATCH ?", [fts_query(term)]
            ).fetchall(),
            5,
        )
    ]
    ok = line("search, median", statistics.median(ours), "ms", statistics.median(bare), "raw FTS5")
    ok &= line("search, p95", p95(ours), "ms", p95(bare), "raw FTS5", TARGETS["search_p95_ms"])
    last_quarter = FeedbackFilter(
        date_from=TODAY - dt.timedelta(days=91),
        date_to=TODAY,
        practice_ids=[1],
        kinds=["complaint"],
        theme_slugs=["phone_access"],
    )
    ours_count = timings(lambda: store.count(last_quarter), 20)
    bare_sql = (
        "SELECT count(*) FROM feedback f WHERE f.deleted_at IS NULL AND f.received_on >= ?"
        " AND f.received_on <= ? AND f.practice_id = 1 AND f.kind = 'complaint' AND EXISTS"
        " (SELECT 1 FROM feedback_themes ft WHERE ft.feedback_id = f.id AND ft.state != 'rejected'"
        " AND ft.theme_id = (SELECT id FROM themes WHERE slug = 'phone_access'))"
    )
    params = [last_quarter.date_from.isoformat(), TODAY.isoformat()]  # type: ignore[union-attr]
    bare_count = timings(lambda: db.execute(bare_sql, params).fetchone(), 20)
    line(
        "filter + count, median",
        statistics.median(ours_count),
        "ms",
        statistics.median(bare_count),
        "hand-written SQL",
    )
    db.close()
    return ok


def bench_import() -> bool:
    sys.path.insert(0, str(ROOT / "bench"))
    from import_bench import PRACTICES, write_sample

    from ppg_desktop.core.importing import ImportOptions, plan_import, run_import
    from ppg_desktop.core.practice_store import PracticeStore

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sample.csv"
        write_sample(source, 50_000)
        db = open_database(Path(folder) / "import.db")
        for name in PRACTICES:
            PracticeStore(db).create(name)
        started = time.perf_counter()
        run_import(db, plan_import(db, source, ImportOptions()))
        ours = time.perf_counter() - started
        db.close()
        tool = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
        started = time.perf_counter()
        subprocess.run(
            [tool, "insert", str(Path(folder) / "raw.db"), "raw", str(source), "--csv"], check=True
        )
        bare = time.perf_counter() - started
    return line(
        "import 50,000 CSV rows",
        ours,
        "s",
        bare,
        "sqlite-utils insert --csv",
        TARGETS["import_50k_s"],
    )


def bench_pack(path: Path) -> bool:
    from ppg_desktop.core import analysis
    from ppg_desktop.core.periods import preset_period
    from ppg_desktop.core.reports import PackOptions, build_pack

    db = open_database(path)
    period = preset_period("last_quarter", today=TODAY)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        result = build_pack(db, PackOptions(period=period), Path(folder) / "pack.pdf")
        ours = time.perf_counter() - started
    started = time.perf_counter()
    analysis.kpis(db, period)
    analysis.theme_counts(db, analysis.period_filter(period))
    bare = time.perf_counter() - started
    db.close()
    return line(
        f"meeting pack ({result.pages} pages)",
        ours,
        "s",
        bare,
        "key figures only",
        TARGETS["pack_s"],
    )


def bench_tagging(path: Path) -> bool:
    from ppg_desktop.core.tagging import load_taxonomy, suggest_themes

    db = open_database(path)
    texts = [row[0] for row in db.execute("SELECT text FROM feedback LIMIT 5000")]
    taxonomy = load_taxonomy(db)
    texts = [f"{t} ({i})" for i, t in enumerate(texts)]  # defeat any per-text cache
    started = time.process_time()
    for text in texts:
        suggest_themes(text, taxonomy)
    ours = len(texts) / (time.process_time() - started)
    words = sorted(
        {
            k.lower()
            for row in db.execute("SELECT keywords FROM themes")
            for k in __import__("json").loads(row[0])
        },
        key=len,
        reverse=True,
    )
    naive = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    started = time.process_time()
    for text in texts:
        naive.findall(text)
    bare = len(texts) / (time.process_time() - started)
    db.close()
    return line(
        "tagging, comments per CPU second",
        ours,
        "/s",
        bare,
        "one keyword regex",
        TARGETS["tagging_per_s"],
        higher_is_better=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(
        f"PPG Desk benchmarks, {dt.datetime.now():%d/%m/%Y %H:%M}, {platform.node()}: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}"
    )
    all_met = True
    for size in args.sizes:
        print(f"\n== {size:,} feedback items")
        path = demo_db(size)
        startup = sorted(bench_startup(path)["startup_s"] for _ in range(3))
        all_met &= line(
            "start-up to main window (median of 3)", startup[1], "s", target=TARGETS["startup_s"]
        )
        all_met &= bench_search(path)
        all_met &= bench_pack(path)
        all_met &= bench_tagging(path)
        browsing = bench_startup(path, browse=True)
        all_met &= line(
            "peak memory browsing the list",
            browsing["rss_mb"],
            "MB",
            bare_window_rss(),
            "bare Qt window",
            TARGETS["rss_mb"],
        )
    print("\n== import (independent of database size)")
    all_met &= bench_import()
    print("\nEvery target met." if all_met else "\nSome targets were NOT met (see above).")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
