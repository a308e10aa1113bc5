"""Importing feedback from spreadsheets (CSV, XLSX): plan, preview, then store in one go.

`plan_import` reads the file, applies the column mapping and checks every row without writing
anything: the wizard's preview and invalid-row list, and the CLI's `--dry-run`, come from it.
`run_import` then stores the valid rows in ONE transaction (all or nothing; killing the process
half way leaves the database as it was), tags their themes on the way in, and skips rows already
imported: each row's UUID is derived from its content, so the same file twice adds nothing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import json
import uuid as uuid_lib
from collections.abc import Iterator, Mapping
from pathlib import Path

import sqlite_utils

from ppg_desktop.core.clock import now_iso, today, uk_date
from ppg_desktop.core.feedback_store import EARLIEST_DATE, MAX_TEXT
from ppg_desktop.core.importing_analysis import (
    AnalysisCancelled,
    CommentReader,
    Item,
    worker_count,
)
from ppg_desktop.core.importing_detect import (
    DATE_ORDERS,
    Cell,
    DateProblem,
    SourceTable,
    guess_date_order,
    parse_date_value,
    read_source,
)
from ppg_desktop.core.importing_mapping import (
    FEEDBACK_FIELDS,
    IGNORE,
    apply_overrides,
    check_mapping,
    suggest_mapping,
)
from ppg_desktop.core.importing_types import (
    CHUNK,
    IMPORT_NAMESPACE,
    PREVIEW_ROWS,
    WHOLE_ROW,
    AmbiguousDates,
    CancelCheck,
    ImportCancelled,
    ImportOptions,
    ImportPlan,
    ImportProblem,
    ImportResult,
    InvalidRow,
    InvalidRows,
    ProgressCallback,
    ReadyRow,
)
from ppg_desktop.core.importing_values import (
    FFT_SENTIMENT,
    ValueProblem,
    channel_code,
    fft_code,
    kind_code,
    kind_from_sentiment,
    sentiment_code,
    status_code,
)
from ppg_desktop.core.models import CHANNEL_LABELS
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


def row_uuid(practice: str, received_on: str, text: str, extra: str, occurrence: int) -> str:
    """A stable UUID for one imported row: the same content gives the same UUID, so importing a
    file again (or a longer export of the same form) skips what is already there. `occurrence`
    keeps two identical rows in one file apart."""
    return _uuid_for(_content_key(practice, received_on, text, extra), occurrence)


def _content_key(practice: str, received_on: str, text: str, extra: str) -> str:
    """What makes two rows the same row (before counting repeats within one file)."""
    return json.dumps([practice.lower(), received_on, " ".join(text.split()).lower(), extra])


def _uuid_for(content_key: str, occurrence: int) -> str:
    """The UUID of the `occurrence`-th row with this content: the UUID5 of the JSON list
    [practice, date, text, extra, occurrence], built from the content key without encoding the
    row twice."""
    return str(uuid_lib.uuid5(IMPORT_NAMESPACE, f"{content_key[:-1]}, {occurrence}]"))


def resolve_mapping(table: SourceTable, overrides: Mapping[str, str]) -> dict[str, str]:
    """The suggested mapping with the user's overrides; raises ImportProblem if unusable."""
    mapping = apply_overrides(suggest_mapping(table.headers), overrides)
    problems = check_mapping(mapping, table.headers)
    if problems:
        raise ImportProblem(" ".join(problems), problems)
    return mapping


@cyclic_gc_paused()
def plan_import(
    db: sqlite_utils.Database,
    source: str | Path | SourceTable,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ImportPlan:
    """Read and check a file without writing anything (preview, dry run, invalid-row list)."""
    options = options or ImportOptions()
    table = (
        source
        if isinstance(source, SourceTable)
        else read_source(source, sheet=options.sheet, header_row=options.header_row)
    )
    mapping = resolve_mapping(table, options.mapping)
    columns = {h: i for i, h in enumerate(table.headers)}
    by_field: dict[str, list[int]] = {}
    for heading, field_name in mapping.items():
        by_field.setdefault(field_name, []).append(columns[heading])

    date_column = table.headers[by_field["received_on"][0]]
    date_index = by_field["received_on"][0]
    guess = guess_date_order(cells[date_index] for _, cells in table.rows)
    if options.date_order is not None and options.date_order not in DATE_ORDERS:
        raise ImportProblem("The date order must be 'dmy' (UK, dd/mm/yyyy) or 'mdy' (US).")
    if guess.ambiguous and options.date_order is None:
        raise AmbiguousDates(date_column, guess.example)
    date_order = options.date_order or guess.order or "dmy"

    practices = practices_by_name(db)
    fixed_practice: str | None = None
    if "practice" not in by_field:
        if options.practice:
            fixed_practice = options.practice
        elif len({pid for pid, _ in practices.values()}) == 1:
            fixed_practice = next(iter(practices.values()))[1]
        else:
            raise ImportProblem(
                "The file has no practice column. Choose the practice all these rows are about."
            )
    if options.default_channel is not None and options.default_channel not in CHANNEL_LABELS:
        raise ImportProblem(
            f"'{options.default_channel}' is not a way of giving feedback. Use "
            "one of: " + ", ".join(CHANNEL_LABELS) + "."
        )
    default_channel = options.default_channel or ("survey" if "fft" in by_field else "other")
    latest = today()
    with _comment_reader(db, options, len(table.rows), progress, cancelled) as reader:
        return _check_rows(
            db,
            table,
            options,
            mapping,
            by_field,
            date_order,
            guess.example,
            practices,
            fixed_practice,
            default_channel,
            latest,
            reader,
            progress,
        )


def _comment_reader(
    db: sqlite_utils.Database,
    options: ImportOptions,
    rows: int,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
) -> CommentReader:
    """What reads the comments' sentiment and themes while the rows are still being checked."""
    taxonomy, theme_ids = None, {}
    if options.tag_themes:
        from ppg_desktop.core.tagging import load_taxonomy

        taxonomy = load_taxonomy(db)
        theme_ids = {slug: tid for tid, slug in db.execute("SELECT id, slug FROM themes")}
    return CommentReader(
        taxonomy,
        theme_ids,
        workers=worker_count(rows),
        stage="Reading the comments",
        progress=progress,
        cancelled=cancelled,
    )


def _check_rows(
    db: sqlite_utils.Database,
    table: SourceTable,
    options: ImportOptions,
    mapping: dict[str, str],
    by_field: dict[str, list[int]],
    date_order: str,
    date_example: str,
    practices: dict[str, tuple[int, str]],
    fixed_practice: str | None,
    default_channel: str,
    latest: dt.date,
    reader: CommentReader,
    progress: ProgressCallback | None,
) -> ImportPlan:
    """Check every row, handing each checked chunk of new rows to the reader at once."""

    ready: list[ReadyRow] = []
    wanted: list[ReadyRow] = []  # rows whose comments are read: new ones, and the preview's
    existing: set[str] = set()
    invalid: list[InvalidRow] = []
    no_comment: list[int] = []
    new_practices: dict[str, str] = {}
    seen: dict[str, int] = {}
    total = len(table.rows)
    for done, (row_number, cells) in enumerate(table.rows, start=1):
        if progress and done % CHUNK == 0:
            progress("Checking rows", done, total)
        problems: list[InvalidRow] = []
        if row_number in table.overlong:
            invalid.append(
                InvalidRow(
                    row_number,
                    WHOLE_ROW,
                    f"This row has {table.overlong[row_number]} values but the file has "
                    f"{len(table.headers)} columns: a comment probably contains a comma. Put "
                    "quotation marks around that comment, or save the file from Excel again.",
                )
            )
            continue

        def problem(
            field_name: str,
            reason: str,
            *,
            index: int | None = None,
            _row: int = row_number,
            _problems: list[InvalidRow] = problems,
        ) -> None:
            column = (
                table.headers[index]
                if index is not None
                else (
                    table.headers[by_field[field_name][0]]
                    if field_name in by_field
                    else FEEDBACK_FIELDS[field_name]
                )
            )
            _problems.append(InvalidRow(_row, column, reason))

        def value(field_name: str, _cells: list[Cell] = cells) -> Cell:
            return _cells[by_field[field_name][0]] if field_name in by_field else None

        text = "\n\n".join(t for t in (cell_text(cells[i]) for i in by_field.get("text", [])) if t)
        fft_raw = cell_text(value("fft"))
        fft = None
        if fft_raw:
            try:
                fft = fft_code(fft_raw)
            except ValueProblem as exc:
                problem("fft", str(exc))
        if not text:
            # an FFT answer with no comment belongs in a survey import, not in feedback
            no_comment.append(row_number)
            continue
        if len(text) > MAX_TEXT:
            problem("text", f"The comment is too long: keep it under {MAX_TEXT:,} characters.")

        received = ""
        try:
            date = parse_date_value(value("received_on"), date_order)
            if date > latest:
                problem("received_on", f"{uk_date(date)} is in the future; check the date.")
            elif date < EARLIEST_DATE:
                problem("received_on", f"{uk_date(date)} is too far in the past; check the year.")
            received = date.isoformat()
        except DateProblem as exc:
            problem("received_on", str(exc))

        practice_text = fixed_practice or cell_text(value("practice"))
        practice_name = ""
        if not practice_text:
            problem("practice", "The practice is empty. Fill it in for this row.")
        elif practice_text.lower() in practices:
            practice_name = practices[practice_text.lower()][1]
        elif options.create_practices:
            practice_name = new_practices.setdefault(
                practice_text.lower(), " ".join(practice_text.split())
            )
        else:
            problem(
                "practice",
                f"'{practice_text}' is not one of your practices. Add it under "
                "Practices first, or choose to create missing practices.",
            )

        coded: dict[str, str | None] = {}
        for field_name, convert in (
            ("kind", kind_code),
            ("channel", channel_code),
            ("status", status_code),
            ("sentiment", sentiment_code),
        ):
            raw = cell_text(value(field_name))
            coded[field_name] = None
            if raw:
                try:
                    coded[field_name] = convert(raw)
                except ValueProblem as exc:
                    problem(field_name, str(exc))
        if problems:
            invalid.extend(problems)
            continue
        if fft is not None and FFT_SENTIMENT[fft] is not None and coded["sentiment"] is None:
            coded["sentiment"] = FFT_SENTIMENT[fft]  # also covers the 1-5 scale some forms use
        extra = "|".join(cell_text(value(f)).lower() for f in ("kind", "channel", "fft"))
        base_key = _content_key(practice_name, received, text, extra)
        occurrence = seen.get(base_key, 0)
        seen[base_key] = occurrence + 1
        ready.append(
            ReadyRow(
                row_number=row_number,
                uuid=_uuid_for(base_key, occurrence),
                practice_name=practice_name,
                received_on=received,
                channel=coded["channel"] or default_channel,
                kind=coded["kind"] or "",  # filled in below, once the sentiment is known
                text=text,
                sentiment=coded["sentiment"],
                status=coded["status"] or "new",
                fft_answer=fft_raw or None,
            )
        )
        if len(ready) % CHUNK == 0:  # a full chunk checked: its comments can be read already
            wanted += _hand_over(db, ready, len(ready) - CHUNK, existing, reader)
    wanted += _hand_over(db, ready, len(ready) - len(ready) % CHUNK, existing, reader)
    _classify(wanted, reader)
    return ImportPlan(
        table,
        mapping,
        date_order,
        date_example,
        ready,
        invalid,
        no_comment,
        len(existing),
        sorted(new_practices.values()),
        options,
    )


def _hand_over(
    db: sqlite_utils.Database,
    ready: list[ReadyRow],
    start: int,
    existing: set[str],
    reader: CommentReader,
) -> list[ReadyRow]:
    """Give the reader the comments of ready[start:] that will be stored or previewed (rows
    already imported are not read again); returns those rows, noting the others in `existing`."""
    chunk = ready[start:]
    existing |= _existing_uuids(db, [row.uuid for row in chunk])
    wanted = [
        row
        for number, row in enumerate(chunk, start=start)
        if row.uuid not in existing or number < PREVIEW_ROWS
    ]
    reader.add([_item(row) for row in wanted])
    return wanted


def _item(row: ReadyRow) -> Item:
    return (row.text, row.fft_answer, row.sentiment is None)


def _classify(rows: list[ReadyRow], reader: CommentReader) -> None:
    """Sentiment (and the kind, when the file has no kind column) and theme suggestions for the
    rows handed to the reader, once it has read them all."""
    try:
        readings = reader.finish([_item(row) for row in rows])
    except AnalysisCancelled as exc:
        raise ImportCancelled("The import was cancelled; nothing was imported.") from exc
    for row, reading in zip(rows, readings, strict=True):
        if row.sentiment is None:
            row.sentiment = reading.sentiment
        if not row.kind:
            row.kind = kind_from_sentiment(row.sentiment)
        row.themes = reading.themes


def _existing_uuids(db: sqlite_utils.Database, uuids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(uuids), CHUNK):
        chunk = uuids[start : start + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            row[0]
            for row in db.execute(f"SELECT uuid FROM feedback WHERE uuid IN ({marks})", chunk)
        )
    return found


# --- storing ----------------------------------------------------------------------------------
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
            existing = _existing_uuids(self.db, [r.uuid for r in rows])
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


def import_file(
    db: sqlite_utils.Database,
    path: str | Path,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ImportResult:
    """Plan and store in one call (the CLI and scripts); see plan_import and run_import."""
    plan = plan_import(db, path, options, progress, cancelled)
    return run_import(db, plan, progress, cancelled)


__all__ = [
    "IGNORE",
    "AmbiguousDates",
    "ImportCancelled",
    "ImportOptions",
    "ImportPlan",
    "ImportProblem",
    "ImportResult",
    "InvalidRow",
    "InvalidRows",
    "ReadyRow",
    "import_file",
    "plan_import",
    "resolve_mapping",
    "run_import",
    "write_rejected_csv",
]
