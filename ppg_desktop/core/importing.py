"""Importing feedback from spreadsheets (CSV, XLSX): plan, preview, then store in one go.

`plan_import` reads the file, applies the column mapping and checks every row without writing
anything: the wizard's preview and invalid-row list, and the CLI's `--dry-run`, come from it.
`run_import` then stores the valid rows in ONE transaction (all or nothing; killing the process
half way leaves the database as it was), tags their themes on the way in, and skips rows already
imported: each row's UUID is derived from its content, so the same file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuid_lib
from collections.abc import Mapping
from pathlib import Path

import sqlite_utils

from ppg_desktop.core.clock import today, uk_date
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
from ppg_desktop.core.importing_store import (
    cell_text,
    cyclic_gc_paused,
    existing_uuids,
    practices_by_name,
    run_import,
    write_rejected_csv,
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
from ppg_desktop.core.removed_record_store import RemovedRecordStore


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
    removed = RemovedRecordStore(db).uuids("feedback")  # removed for good: never brought back
    removed_before: list[int] = []
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
        uuid = _uuid_for(base_key, occurrence)
        if uuid in removed:
            removed_before.append(row_number)
            continue
        ready.append(
            ReadyRow(
                row_number=row_number,
                uuid=uuid,
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
        removed_before,
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
    existing |= existing_uuids(db, [row.uuid for row in chunk])
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
