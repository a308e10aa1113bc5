"""Storing a checked import: every new row, its theme suggestions and its search entry in ONE
transaction, so a cancelled, failed or killed import leaves the database as it was.

`importing.plan_import` makes the plan; `run_import` stores it. Rows already imported (same
content, same UUID) are skipped, and the rows with problems are written to a CSV for fixing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.importing_detect import (
    Cell,
)
from ppg_desktop.core.importing_types import (
    CHUNK,
    WHOLE_ROW,
    CancelCheck,
    ImportCancelled,
    ImportPlan,
    ImportResult,
    InvalidRow,
    InvalidRows,
    ProgressCallback,
)
from ppg_desktop.core.store_base import Store

SEARCH_TRIGGER = "feedback_fts_insert"  # migrations.py: indexes each new feedback row for search
# migrations.py: dates a row inserted as answered or closed. Any AFTER INSERT trigger doubles the
# cost of inserting a row into an indexed table (50,000 rows: 2.0 s, 1.0 s without), so a big
# import pauses it and writes closed_at itself, as the trigger would.
CLOSED_TRIGGER = "feedback_closed_on_insert"
CLOSED_STATUSES = ("answered", "closed")
BULK_SEARCH_FROM = 2000  # from this many new rows, index them for search in one pass
BULK_CACHE_SIZE = -65_536  # page cache for a big import: 64 MiB (negative means KiB)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a big import makes its rows: tens of thousands of
    new objects set it off again and again (0.6-0.8 s of a 50,000-row import), and they hold
    no cycles for it to find. It is put back as it was (the app keeps it off in job threads
    and runs it from the GUI thread)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell).strip()


def practices_by_name(db: sqlite_utils.Database) -> dict[str, tuple[int, str]]:
    """Practices by lower-case name and by ODS code -> (id, name)."""
    found: dict[str, tuple[int, str]] = {}
    for practice_id, name, ods in db.execute("SELECT id, name, ods_code FROM practices"):
        found[name.lower()] = (practice_id, name)
        if ods:
            found[ods.lower()] = (practice_id, name)
    return found


IMPORTED_TABLES = ("feedback", "survey_responses")


def existing_uuids(
    db: sqlite_utils.Database, uuids: list[str], table: str = "feedback"
) -> set[str]:
    """Which of these rows (by UUID) are already in the table: imported before."""
    if table not in IMPORTED_TABLES:
        raise ValueError(f"Not a table rows are imported into: {table}")
    found: set[str] = set()
    for start in range(0, len(uuids), CHUNK):
        chunk = uuids[start : start + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            row[0] for row in db.execute(f"SELECT uuid FROM {table} WHERE uuid IN ({marks})", chunk)
        )
    return found


def write_rejected_csv(plan: ImportPlan, path: Path) -> Path:
    """The rejected rows, with the reasons first and the original columns after, for fixing."""
    reasons: dict[int, list[InvalidRow]] = {}
    for problem in plan.invalid:
        reasons.setdefault(problem.row_number, []).append(problem)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Row", "Problem", *plan.table.headers])
        for row_number, cells in plan.table.rows:
            if row_number in reasons:
                why = "; ".join(
                    p.reason if p.column == WHOLE_ROW else f"{p.column}: {p.reason}"
                    for p in reasons[row_number]
                )
                writer.writerow([row_number, why, *(cell_text(c) for c in cells)])
    return path


class _Importer(Store):
    """The SQL of an import (kept in core, like every store's)."""

    @cyclic_gc_paused()
    def store(
        self, plan: ImportPlan, progress: ProgressCallback | None, cancelled: CancelCheck | None
    ) -> ImportResult:
        """Store the plan in one transaction; a big import gets a bigger page cache meanwhile,
        so the feedback table's indexes are not written out and read back half way."""
        if len(plan.ready) < BULK_SEARCH_FROM:
            return self._store(plan, progress, cancelled)
        previous = int(self.db.execute("PRAGMA cache_size").fetchone()[0])
        self.db.execute(f"PRAGMA cache_size = {BULK_CACHE_SIZE}")
        try:
            return self._store(plan, progress, cancelled)
        finally:
            self.db.execute(f"PRAGMA cache_size = {previous}")

    def _store(
        self, plan: ImportPlan, progress: ProgressCallback | None, cancelled: CancelCheck | None
    ) -> ImportResult:
        stamp = now_iso()
        rows = plan.ready
        total = len(rows)
        feedback_ids: list[int] = []
        skipped = 0
        suggested = 0
        created: list[str] = []
        with self.db.atomic():
            for name in plan.new_practices:
                if not self.db.execute(
                    "SELECT 1 FROM practices WHERE name = ? COLLATE NOCASE", [name]
                ).fetchone():
                    self.db.execute(
                        "INSERT INTO practices (uuid, name, active, created_at, updated_at)"
                        " VALUES (?, ?, 1, ?, ?)",
                        [self.new_uuid(), name, stamp, stamp],
                    )
                    self._audit("create", "practices", name, {"name": name, "via": "import"})
                    created.append(name)
            practices = practices_by_name(self.db)
            existing = existing_uuids(self.db, [r.uuid for r in rows])
            fresh = [r for r in rows if r.uuid not in existing]
            skipped = total - len(fresh)
            # new rows get ids above the last one (ids are never reused below the maximum)
            last_before = self.db.execute("SELECT coalesce(max(id), 0) FROM feedback").fetchone()[0]
            paused = (
                self._pause_triggers(SEARCH_TRIGGER, CLOSED_TRIGGER)
                if len(fresh) >= BULK_SEARCH_FROM
                else {}
            )
            for start in range(0, len(fresh), CHUNK):
                if cancelled and cancelled():
                    raise ImportCancelled("The import was cancelled; nothing was imported.")
                chunk = fresh[start : start + CHUNK]
                self.db.conn.executemany(
                    "INSERT INTO feedback (uuid, practice_id, received_on, channel, kind, text,"
                    " sentiment, status, created_at, updated_at, closed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            r.uuid,
                            practices[r.practice_name.lower()][0],
                            r.received_on,
                            r.channel,
                            r.kind,
                            r.text,
                            r.sentiment,
                            r.status,
                            stamp,
                            stamp,
                            stamp if r.status in CLOSED_STATUSES else None,
                        )
                        for r in chunk
                    ],
                )
                if progress:
                    progress("Storing rows", start + len(chunk), len(fresh))
            if SEARCH_TRIGGER in paused:
                # one pass over the new rows fills the search index faster than a trigger per row
                self.db.execute(
                    "INSERT INTO feedback_fts (rowid, text) SELECT id, text FROM feedback"
                    " WHERE id > ? ORDER BY id",
                    [last_before],
                )
            for trigger_sql in paused.values():
                self.db.execute(trigger_sql)
            new_ids = {
                uuid: feedback_id
                for feedback_id, uuid in self.db.execute(
                    "SELECT id, uuid FROM feedback WHERE id > ?", [last_before]
                )
            }
            feedback_ids = [new_ids[r.uuid] for r in fresh]
            links = [
                (feedback_id, theme_id, score, evidence, stamp, stamp)
                for feedback_id, row in zip(feedback_ids, fresh, strict=True)
                for theme_id, score, evidence in row.themes
            ]
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO feedback_themes (feedback_id, theme_id, source, state,"
                " score, evidence, created_at, updated_at)"
                " VALUES (?, ?, 'auto', 'suggested', ?, ?, ?, ?)",
                links,
            )
            suggested = len(links)
            if cancelled and cancelled():
                raise ImportCancelled("The import was cancelled; nothing was imported.")
            if fresh or created:
                self._audit(
                    "import",
                    "feedback",
                    plan.table.path.name,
                    {
                        "added": len(fresh),
                        "skipped_existing": skipped,
                        "rejected": len(plan.invalid_row_numbers),
                        "file": str(plan.table.path),
                    },
                )
        return ImportResult(len(fresh), skipped, 0, feedback_ids, None, suggested, created)

    def _pause_triggers(self, *names: str) -> dict[str, str]:
        """Drop these insert triggers for a bulk insert, returning the SQL of those that existed
        (by name) to put them back once the rows are in. Inside the import's transaction, so a
        cancelled or killed import rolls this back too."""
        paused: dict[str, str] = {}
        for name in names:
            found = self.db.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]
            ).fetchone()
            if found is not None:
                self.db.execute(f"DROP TRIGGER {name}")
                paused[name] = str(found[0])
        return paused


def run_import(
    db: sqlite_utils.Database,
    plan: ImportPlan,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ImportResult:
    """Store a checked plan in one transaction.

    With invalid rows and without `skip_invalid`, raises InvalidRows and stores nothing. With
    `skip_invalid`, the valid rows are stored and the rejected ones written to a CSV (beside the
    source file unless `rejected_csv` says where).
    """
    if plan.invalid and not plan.options.skip_invalid:
        raise InvalidRows(plan.invalid)
    result = _Importer(db, plan.options.actor).store(plan, progress, cancelled)
    if plan.invalid:
        target = plan.options.rejected_csv or plan.table.path.with_name(
            plan.table.path.stem + "-rejected.csv"
        )
        result.rejected_csv = write_rejected_csv(plan, target)
        result.rejected = len(plan.invalid_row_numbers)
    return result
