"""Importing spreadsheets: detection, mapping, validation, idempotence, skipping and cancelling."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.importing import (
    AmbiguousDates,
    ImportCancelled,
    ImportOptions,
    ImportProblem,
    InvalidRow,
    InvalidRows,
    import_file,
    plan_import,
    run_import,
)
from ppg_desktop.core.importing_detect import (
    DateProblem,
    decode_bytes,
    detect_delimiter,
    guess_date_order,
    parse_date_value,
    read_source,
)
from ppg_desktop.core.importing_mapping import (
    apply_overrides,
    matching_saved_mapping,
    save_mapping,
    suggest_mapping,
)
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.tagging import load_taxonomy, suggest_themes

DATA = Path(__file__).resolve().parent.parent / "data" / "import"


@pytest.fixture
def practices(db: sqlite_utils.Database) -> PracticeStore:
    store = PracticeStore(db)
    store.create("Riverside Surgery")
    store.create("Hillview Medical Centre", "M85001")
    return store


def _texts(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT text FROM feedback ORDER BY id")]


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(DATA / name, target)
    return target


# --- detection ----------------------------------------------------------------------------------
def test_decode_tries_utf8_then_windows_1252() -> None:
    assert decode_bytes("£5 “ok”".encode()) == ("£5 “ok”", "UTF-8")
    assert decode_bytes(b"\xef\xbb\xbfDate") == ("Date", "UTF-8 (with BOM)")
    assert decode_bytes(b"\xa35 \x93ok\x94") == ("£5 “ok”", "Windows-1252")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("Date;Comment\n01/02/2026;Good, very good\n", ";"),
    ],
)
def test_detect_delimiter(text: str, expected: str) -> None:
    assert detect_delimiter(text) == expected


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("25/12/2025", "dmy", dt.date(2025, 12, 25)),
        ("3/1/26", "dmy", dt.date(2026, 1, 3)),
        ("3/1/26", "mdy", dt.date(2026, 3, 1)),
        ("3 March 2026", "dmy", dt.date(2026, 3, 3)),
        ("Tuesday 10th Mar 2026", "dmy", dt.date(2026, 3, 10)),
        ("March 3, 2026", "dmy", dt.date(2026, 3, 3)),
        ("2026-03-04", "mdy", dt.date(2026, 3, 4)),
        ("2026-03-05T10:30:00Z", "dmy", dt.date(2026, 3, 5)),
        ("13/03/2026 14:05", "dmy", dt.date(2026, 3, 13)),
        ("03/03/2026 09:15:02", "dmy", dt.date(2026, 3, 3)),
        ("3/14/26 10:03:12 PM", "mdy", dt.date(2026, 3, 14)),
        ("2026/03/03 9:15:02 am GMT", "dmy", dt.date(2026, 3, 3)),
        ("3-Mar-2026", "dmy", dt.date(2026, 3, 3)),
        (dt.datetime(2026, 1, 2, 9, 0), "dmy", dt.date(2026, 1, 2)),
    ],
)
def test_parse_uk_and_other_dates(value: object, order: str, expected: dt.date) -> None:
    assert parse_date_value(value, order) == expected


@pytest.mark.parametrize("value", ["31/02/2026", "next Tuesday", "", "32 March 2026"])
def test_unreadable_dates_are_refused(value: str) -> None:
    with pytest.raises(DateProblem):
        parse_date_value(value, "dmy")


def test_date_order_is_settled_only_by_evidence() -> None:
    assert guess_date_order(["01/02/2026", "25/02/2026"]).order == "dmy"
    assert guess_date_order(["01/02/2026", "02/25/2026"]).order == "mdy"
    ambiguous = guess_date_order(["01/02/2026", "03/04/2026"])
    assert ambiguous.ambiguous and ambiguous.order is None and ambiguous.example == "01/02/2026"
    # the same both ways is not ambiguous
    assert guess_date_order(["01/01/2026", "2026-05-09"]).ambiguous is False


def test_mapping_suggestions_for_google_and_microsoft_forms() -> None:
    google = suggest_mapping(
        [
            "Timestamp",
            "Which surgery?",
            "Overall, how was your experience of our service?",
            "Comments",
            "Email address",
        ]
    )
    assert google == {
        "Timestamp": "received_on",
        "Which surgery?": "practice",
        "Overall, how was your experience of our service?": "fft",
        "Comments": "text",
        "Email address": "ignore",
    }
    microsoft = suggest_mapping(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Practice",
            "What could we do better?",
        ]
    )
    assert microsoft["Completion time"] == "received_on"
    assert microsoft["Start time"] == "ignore"
    assert microsoft["Practice"] == "practice"
    assert microsoft["What could we do better?"] == "text"
    # a question mentioning the GP is a comment, not the practice column
    assert (
        suggest_mapping(["What could your GP do better?"])["What could your GP do better?"]
        == "text"
    )


def test_saved_mapping_is_found_for_the_same_headings(db: sqlite_utils.Database) -> None:
    mapping = {"When": "received_on", "Where": "practice", "Said": "text"}
    save_mapping(db, "Paper forms", mapping)
    assert matching_saved_mapping(db, ["Said", "When", "Where"]) == ("Paper forms", mapping)
    assert matching_saved_mapping(db, ["Said", "When"]) is None


# --- fixture files ------------------------------------------------------------------------------
def test_google_forms_csv(db: sqlite_utils.Database, practices: PracticeStore) -> None:
    result = import_file(db, DATA / "google_forms.csv")
    assert result.added == 3 and result.skipped_existing == 0
    items = FeedbackStore(db).get_many(result.feedback_ids)
    assert [(i.received_on, i.practice_name, i.kind, i.channel, i.sentiment) for i in items] == [
        (dt.date(2026, 3, 3), "Riverside Surgery", "compliment", "survey", "positive"),
        (dt.date(2026, 3, 14), "Hillview Medical Centre", "complaint", "survey", "negative"),
        (dt.date(2026, 3, 15), "Riverside Surgery", "compliment", "survey", "positive"),
    ]
    assert items[2].text == 'Nurse was kind, explained everything "clearly".'
    # themes are tagged on the way in
    taxonomy = load_taxonomy(db)
    for item in items:
        assert item.themes == tuple(sorted(m.slug for m in suggest_themes(item.text, taxonomy)))
    assert any(item.themes for item in items)
    assert result.themes_suggested > 0


def test_windows_1252_semicolon_csv_keeps_pound_sign_and_quotes(
    db: sqlite_utils.Database, practices: PracticeStore
) -> None:
    plan = plan_import(db, DATA / "excel_semicolon_1252.csv")
    assert plan.table.encoding == "Windows-1252" and plan.table.delimiter == ";"
    # Excel's own CSV reads correctly, so the encoding is not worth a mention
    assert plan.table.describe() == (
        "2 rows of data below the column headings on row 1 (values separated by semicolons)"
    )
    run_import(db, plan)
    assert _texts(db) == ["Charged £10 for a letter – “not fair”", "Dr Patel’s care was excellent"]
    kinds = [row[0] for row in db.execute("SELECT kind FROM feedback ORDER BY id")]
    assert kinds == ["complaint", "compliment"]


def test_xlsx_with_title_row_above_header(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Log"
    sheet.append(["Riverside PPG feedback log 2025-26"])
    sheet.append([])
    sheet.append(["Date", "Surgery", "Feedback", "Type"])
    sheet.append([dt.datetime(2026, 2, 3, 10, 0), "Riverside Surgery", "Lovely nurse", "Praise"])
    sheet.append(["14/02/2026", "M85001", "Rude on the phone", "Complaint"])
    path = tmp_path / "log.xlsx"
    workbook.save(path)

    plan = plan_import(db, path)
    assert plan.table.header_row == 3 and plan.table.sheet == "Log"
    assert plan.table.describe() == (
        "2 rows of data below the column headings on row 3 of the sheet 'Log'"
    )
    assert [r["Row"] for r in plan.preview] == ["4", "5"]
    result = run_import(db, plan)
    items = FeedbackStore(db).get_many(result.feedback_ids)
    assert [(i.received_on, i.practice_name, i.kind, i.text) for i in items] == [
        (dt.date(2026, 2, 3), "Riverside Surgery", "compliment", "Lovely nurse"),
        (dt.date(2026, 2, 14), "Hillview Medical Centre", "complaint", "Rude on the phone"),
    ]


def test_blank_lines_and_broken_rows_are_listed_precisely(
    db: sqlite_utils.Database, practices: PracticeStore
) -> None:
    plan = plan_import(db, DATA / "blank_lines_broken_row.csv")
    assert plan.invalid == [
        InvalidRow(5, "Date", "'31/02/2026' is not a real date."),
        InvalidRow(
            6,
            "Practice",
            "'Nowhere Practice' is not one of your practices. Add it under "
            "Practices first, or choose to create missing practices.",
        ),
        InvalidRow(
            7,
            "Kind",
            "'Grumble' is not a kind of feedback PPG Desk knows. Use one of: "
            "Complaint, Concern, Compliment or Suggestion.",
        ),
        InvalidRow(
            9,
            "(whole row)",
            "This row has 5 values but the file has 4 columns: a comment probably contains a "
            "comma. Put quotation marks around that comment, or save the file from Excel again.",
        ),
    ]
    assert [r.row_number for r in plan.ready] == [3, 8]
    with pytest.raises(InvalidRows) as caught:
        run_import(db, plan)
    assert str(caught.value) == (
        "Nothing was imported, because 4 rows have problems. "
        "Row 5, column 'Date': '31/02/2026' is not a real date. "
        "Row 6, column 'Practice': 'Nowhere Practice' is not one of your practices. Add it under "
        "Practices first, or choose to create missing practices. "
        "Row 7, column 'Kind': 'Grumble' is not a kind of feedback PPG Desk knows. Use one of: "
        "Complaint, Concern, Compliment or Suggestion. "
        "Row 9: This row has 5 values but the file has 4 columns: a comment probably contains a "
        "comma. Put quotation marks around that comment, or save the file from Excel again. "
        "Correct the file and import it again, or choose to skip the rows with problems."
    )
    assert FeedbackStore(db).count() == 0  # all or nothing


def test_skip_invalid_stores_the_rest_and_writes_rejected_csv(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = _copy("blank_lines_broken_row.csv", tmp_path)
    result = import_file(db, source, ImportOptions(skip_invalid=True))
    assert result.added == 2 and result.rejected == 4
    assert result.rejected_csv == tmp_path / "blank_lines_broken_row-rejected.csv"
    with result.rejected_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Row", "Problem", "Date", "Practice", "Comment", "Kind"]
    assert [r[0] for r in rows[1:]] == ["5", "6", "7", "9"]
    assert rows[1][1] == "Date: '31/02/2026' is not a real date."
    assert rows[4][1].startswith("This row has 5 values but the file has 4 columns: ")


def test_unknown_practice_can_be_created(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = _copy("blank_lines_broken_row.csv", tmp_path)
    plan = plan_import(db, source, ImportOptions(create_practices=True, skip_invalid=True))
    assert plan.new_practices == ["Nowhere Practice"]
    result = run_import(db, plan)
    assert result.practices_created == ["Nowhere Practice"]
    assert practices.find_by_name("nowhere practice") is not None
    assert result.added == 3


def test_uk_date_formats(db: sqlite_utils.Database, practices: PracticeStore) -> None:
    import_file(db, DATA / "uk_dates.csv")
    dates = [row[0] for row in db.execute("SELECT received_on FROM feedback ORDER BY id")]
    assert dates == [
        "2025-12-25",
        "2026-01-03",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-10",
        "2026-03-13",
    ]


def test_ambiguous_dates_need_an_explicit_order(
    db: sqlite_utils.Database, practices: PracticeStore
) -> None:
    with pytest.raises(AmbiguousDates) as caught:
        plan_import(db, DATA / "ambiguous_dates.csv")
    assert caught.value.column == "Date"
    assert str(caught.value) == (
        "The dates in column 'Date' could be day/month or month/day: for example, 03/04/2026 "
        "could be 3 April 2026 or 4 March 2026. Choose the date order: day first (dd/mm/yyyy, "
        "as in the UK) or month first (mm/dd/yyyy, as in the US)."
    )
    assert FeedbackStore(db).count() == 0
    uk = plan_import(db, DATA / "ambiguous_dates.csv", ImportOptions(date_order="dmy"))
    us = plan_import(db, DATA / "ambiguous_dates.csv", ImportOptions(date_order="mdy"))
    assert [r.received_on for r in uk.ready] == ["2026-04-03", "2026-06-05"]
    assert [r.received_on for r in us.ready] == ["2026-03-04", "2026-05-06"]


def test_microsoft_forms_us_dates_are_recognised(
    db: sqlite_utils.Database, practices: PracticeStore
) -> None:
    plan = plan_import(db, DATA / "microsoft_forms.csv")
    assert plan.date_order == "mdy"
    assert [(r.received_on, r.kind, r.sentiment) for r in plan.ready] == [
        ("2026-03-14", "suggestion", "neutral"),
        ("2026-03-15", "complaint", "negative"),
    ]


def test_same_file_twice_adds_nothing(db: sqlite_utils.Database, practices: PracticeStore) -> None:
    first = import_file(db, DATA / "google_forms.csv")
    second_plan = plan_import(db, DATA / "google_forms.csv")
    assert second_plan.already_present == 3
    second = run_import(db, second_plan)
    assert (first.added, second.added, second.skipped_existing) == (3, 0, 3)
    assert FeedbackStore(db).count() == 3


def test_identical_rows_in_one_file_are_both_kept(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = tmp_path / "twins.csv"
    source.write_text(
        "Date,Practice,Comment\n21/02/2026,Riverside Surgery,Good\n"
        "21/02/2026,Riverside Surgery,Good\n",
        encoding="utf-8",
    )
    assert import_file(db, source).added == 2
    assert import_file(db, source).added == 0


def test_mapping_overrides_and_problems(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = tmp_path / "odd.csv"
    source.write_text(
        "When,Where,Said,Also said\n21/02/2026,Riverside Surgery,Slow,Very slow\n", encoding="utf-8"
    )
    with pytest.raises(ImportProblem) as caught:
        plan_import(db, source)
    assert "Choose the column that holds the patients' comments." in caught.value.problems
    options = ImportOptions(
        mapping={"When": "received_on", "Where": "practice", "Said": "text", "Also said": "text"}
    )
    plan = plan_import(db, source, options)
    assert plan.ready[0].text == "Slow\n\nVery slow"
    with pytest.raises(ImportProblem) as caught:
        plan_import(db, source, ImportOptions(mapping={"Nope": "text"}))
    assert caught.value.problems == [
        "This column is not in the file: 'Nope'. The file's columns are: 'When', 'Where', "
        "'Said', 'Also said'."
    ]
    # a field the user gives two columns is queried, not quietly given to the last one
    with pytest.raises(ImportProblem) as caught:
        plan_import(db, source, ImportOptions(mapping={**options.mapping, "Also said": "practice"}))
    assert caught.value.problems == [
        "2 columns are set to 'Practice': 'Where' and 'Also said'. Choose one of them, and set "
        "the others to '(not imported)'."
    ]
    # ...but a column the user chooses still takes the field from the suggested one
    suggested = {"Practice": "practice", "Site": "ignore", "Comment": "text"}
    assert apply_overrides(suggested, {"Site": "practice"}) == {
        "Practice": "ignore",
        "Site": "practice",
        "Comment": "text",
    }
    with pytest.raises(ImportProblem) as caught:
        plan_import(db, source, ImportOptions(mapping={**options.mapping, "Also said": "mood"}))
    assert caught.value.problems == [
        "Column 'Also said' is set to 'mood', which is not something a column can hold. Choose "
        "one of: received_on (Date received), practice (Practice), text (Comment), kind (Kind), "
        "channel (How it was given), sentiment (Sentiment), status (Status), fft (Friends and "
        "Family Test answer), ignore (not imported)."
    ]


def test_future_dates_are_invalid(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = tmp_path / "future.csv"
    source.write_text(
        f"Date,Practice,Comment\n{dt.date.today().year + 1}-01-01,Riverside Surgery,Later\n",
        encoding="utf-8",
    )
    plan = plan_import(db, source)
    assert plan.invalid[0].column == "Date" and "in the future" in plan.invalid[0].reason


def test_cancel_leaves_nothing_behind(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = tmp_path / "many.csv"
    lines = ["Date,Practice,Comment"] + [
        f"21/02/2026,Riverside Surgery,Comment {n}" for n in range(1200)
    ]
    source.write_text("\n".join(lines), encoding="utf-8")
    seen: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))

    with pytest.raises(ImportCancelled):
        import_file(
            db,
            source,
            progress=progress,
            cancelled=lambda: any(s == "Storing rows" for s, _, _ in seen),
        )
    assert FeedbackStore(db).count() == 0
    assert db.execute("SELECT count(*) FROM feedback_themes").fetchone()[0] == 0
    assert ("Storing rows", 500, 1200) in seen


def test_no_practice_column_uses_the_chosen_practice(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = tmp_path / "one.csv"
    source.write_text("Date,Comment\n21/02/2026,Fine\n", encoding="utf-8")
    with pytest.raises(ImportProblem, match="no practice column"):
        plan_import(db, source)
    plan = plan_import(db, source, ImportOptions(practice="Hillview Medical Centre"))
    assert plan.ready[0].practice_name == "Hillview Medical Centre"


def test_read_source_reports_missing_and_old_excel_files(tmp_path: Path) -> None:
    from ppg_desktop.core.importing_detect import UnreadableFile

    with pytest.raises(UnreadableFile) as caught:
        read_source(tmp_path / "missing.csv")
    assert str(caught.value) == (
        f"There is no file at {tmp_path / 'missing.csv'}. Check the name and the folder."
    )
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE file's opening
    with pytest.raises(UnreadableFile) as caught:
        read_source(old)
    assert str(caught.value) == (
        "old.xls is an old-style Excel workbook (.xls), which PPG Desk cannot read directly. "
        "Open it in Excel or LibreOffice, save it as an Excel Workbook (.xlsx) or as CSV, and "
        "import that file."
    )


def test_big_imports_read_comments_in_worker_processes(
    db: sqlite_utils.Database,
    practices: PracticeStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ppg_desktop.core import importing_analysis

    monkeypatch.setattr(importing_analysis, "PARALLEL_FROM", 10)
    monkeypatch.setattr(importing_analysis, "BATCH", 7)
    monkeypatch.setattr(importing_analysis.os, "cpu_count", lambda: 2)
    source = tmp_path / "parallel.csv"
    comments = [
        "The receptionist was rude",
        "Lovely nurse and very kind",
        "Waited an hour on the phone",
    ]
    lines = ["Date,Practice,Comment"] + [
        f"21/02/2026,Riverside Surgery,{comments[n % 3]} (visit {n})" for n in range(40)
    ]
    source.write_text("\n".join(lines), encoding="utf-8")
    assert importing_analysis.worker_count(40) == 2
    result = import_file(db, source)
    items = FeedbackStore(db).get_many(result.feedback_ids)
    taxonomy = load_taxonomy(db)
    from ppg_desktop.core.sentiment import classify_sentiment

    assert [i.sentiment for i in items] == [classify_sentiment(i.text) for i in items]
    assert [i.themes for i in items] == [
        tuple(sorted(m.slug for m in suggest_themes(i.text, taxonomy))) for i in items
    ]


def test_reading_falls_back_in_process_when_workers_cannot_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from ppg_desktop.core import importing_analysis

    class BrokenPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def submit(self, *args: object) -> None:
            raise BrokenProcessPool("worker died")

        def shutdown(self, *args: object, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(importing_analysis, "PARALLEL_FROM", 1)
    monkeypatch.setattr(importing_analysis, "ProcessPoolExecutor", BrokenPool)
    monkeypatch.setattr(importing_analysis.os, "cpu_count", lambda: 4)
    readings = importing_analysis.read_comments(
        [("Rude receptionist", None, True), ("Lovely nurse", None, True)], None, {}
    )
    from ppg_desktop.core.sentiment import classify_sentiment

    assert [r.sentiment for r in readings] == [
        classify_sentiment("Rude receptionist"),
        classify_sentiment("Lovely nurse"),
    ]
    monkeypatch.setattr(importing_analysis.sys, "frozen", True, raising=False)
    monkeypatch.setattr(importing_analysis, "_frozen_app_ready", False)
    assert importing_analysis.worker_count(10_000) == 1
    importing_analysis.allow_workers_in_frozen_app()
    assert importing_analysis.worker_count(10_000) == 4


def test_row_numbers_count_lines_inside_quoted_comments(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    source = tmp_path / "multiline.csv"
    source.write_text(
        'Date,Practice,Comment\n21/02/2026,Riverside Surgery,"First line\n'
        'second line"\n\n30/02/2026,Riverside Surgery,Bad date\n',
        encoding="utf-8",
    )
    plan = plan_import(db, source)
    assert plan.ready[0].text == "First line\nsecond line"
    assert plan.invalid == [InvalidRow(5, "Date", "'30/02/2026' is not a real date.")]


def test_an_unclosed_quotation_mark_is_reported_with_its_line(tmp_path: Path) -> None:
    from ppg_desktop.core.importing_detect import UnreadableFile

    source = tmp_path / "quote.csv"
    source.write_text(
        "Date,Practice,Comment\n21/02/2026,Riverside Surgery,Fine\n"
        '22/02/2026,Riverside Surgery,"Oops\n23/02/2026,Riverside Surgery,Lost\n',
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFile, match="Line 3 opens a quotation mark"):
        read_source(source)
    # a quote in the middle of a field is read as it stands
    source.write_text(
        'Date,Practice,Comment\n21/02/2026,Riverside Surgery,"Good" service\n', encoding="utf-8"
    )
    assert read_source(source).rows[0][1][2] == "Good service"


def _search_trigger(db: sqlite_utils.Database) -> str | None:
    found = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'feedback_fts_insert'"
    ).fetchone()
    return None if found is None else str(found[0])


def test_big_imports_index_new_rows_for_search_in_one_pass(
    db: sqlite_utils.Database,
    practices: PracticeStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ppg_desktop.core import importing_store

    monkeypatch.setattr(importing_store, "BULK_SEARCH_FROM", 10)
    FeedbackStore(db).create(
        practice_id=practices.list()[0].id,
        received_on=dt.date(2026, 2, 20),
        channel="phone",
        kind="complaint",
        text="Already here: dispensary queue",
    )
    trigger = _search_trigger(db)
    source = tmp_path / "search.csv"
    lines = ["Date,Practice,Comment"] + [
        f"21/02/2026,Riverside Surgery,Dispensary queue again visit {n}" for n in range(30)
    ]
    source.write_text("\n".join(lines), encoding="utf-8")
    result = import_file(db, source)
    found = {
        row[0]
        for row in db.execute(
            "SELECT rowid FROM feedback_fts WHERE feedback_fts MATCH 'dispensary'"
        )
    }
    assert found == {*result.feedback_ids, 1} and len(found) == 31
    assert _search_trigger(db) == trigger is not None  # put back for rows added one at a time
    more = tmp_path / "more.csv"
    more.write_text(
        "\n".join(
            ["Date,Practice,Comment"]
            + [f"22/02/2026,Riverside Surgery,Parking again visit {n}" for n in range(600)]
        ),
        encoding="utf-8",
    )
    stages: list[str] = []
    with pytest.raises(ImportCancelled):
        import_file(
            db,
            more,
            progress=lambda stage, done, total: stages.append(stage),
            cancelled=lambda: "Storing rows" in stages,
        )
    assert _search_trigger(db) == trigger
    assert FeedbackStore(db).count() == 31


def _closed_at_by_text(db: sqlite_utils.Database) -> dict[str, tuple[str, bool]]:
    """Each row's status, and whether its closed_at is the moment it was stored."""
    return {
        text: (status, closed_at is not None and closed_at == created_at)
        for text, status, closed_at, created_at in db.execute(
            "SELECT text, status, closed_at, created_at FROM feedback"
        )
    }


@pytest.mark.parametrize("bulk_from", [10, 10_000])
def test_rows_imported_as_closed_are_dated_the_same_in_bulk_or_one_by_one(
    db: sqlite_utils.Database,
    practices: PracticeStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bulk_from: int,
) -> None:
    """A big import pauses the trigger that dates closed rows and dates them itself."""
    from ppg_desktop.core import importing_store

    monkeypatch.setattr(importing_store, "BULK_SEARCH_FROM", bulk_from)
    statuses = ["New", "Closed", "Answered", "Raised with practice"] * 5
    source = tmp_path / "statuses.csv"
    source.write_text(
        "\n".join(
            ["Date,Practice,Comment,Status"]
            + [f"21/02/2026,Riverside Surgery,Visit {n},{s}" for n, s in enumerate(statuses)]
        ),
        encoding="utf-8",
    )
    closed_trigger = db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'feedback_closed_on_insert'"
    ).fetchone()
    import_file(db, source)
    found = _closed_at_by_text(db)
    assert len(found) == 20
    for n, status in enumerate(statuses):
        stored, dated = found[f"Visit {n}"]
        assert dated == (stored in ("answered", "closed")), (status, stored)
    assert {status for status, _ in found.values()} == {"new", "closed", "answered", "raised"}
    assert (
        db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'feedback_closed_on_insert'"
        ).fetchone()
        == closed_trigger
        is not None
    )


def test_taxonomy_goes_to_worker_processes_as_its_theme_rows(db: sqlite_utils.Database) -> None:
    import pickle

    taxonomy = load_taxonomy(db)
    sent = pickle.dumps(taxonomy)
    assert len(sent) < 64_000  # fits a pipe's buffer: a worker that dies cannot block the app
    received = pickle.loads(sent)
    text = "On hold for 50 minutes again; the receptionist was rude but the nurse was lovely"
    assert [(m.slug, m.score, m.evidence, m.theme_id) for m in received.suggest(text)] == [
        (m.slug, m.score, m.evidence, m.theme_id) for m in taxonomy.suggest(text)
    ]
    assert received.suggest(text)


def test_one_core_machines_read_comments_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from ppg_desktop.core import importing_analysis

    monkeypatch.setattr(importing_analysis.os, "cpu_count", lambda: 1)
    assert importing_analysis.worker_count(50_000) == 1
    monkeypatch.setattr(importing_analysis.os, "cpu_count", lambda: 2)
    assert importing_analysis.worker_count(50_000) == 2
    assert importing_analysis.worker_count(100) == 1


def test_rows_removed_for_good_are_not_brought_back_by_importing_the_file_again(
    db: sqlite_utils.Database, practices: PracticeStore, tmp_path: Path
) -> None:
    """An item removed by the retention purge (or at a person's request) stays removed."""
    from ppg_desktop.core.retention import purge, purge_preview

    source = tmp_path / "again.csv"
    source.write_text(
        "Date,Practice,Comment\n"
        "21/02/2026,Riverside Surgery,Phones ring out\n"
        "22/02/2026,Riverside Surgery,Mr Quill was rude to me on 01632 960 123\n"
        "23/02/2026,Riverside Surgery,Parking is hard\n",
        encoding="utf-8",
    )
    first = import_file(db, source)
    gone = next(i for i in FeedbackStore(db).get_many(first.feedback_ids) if "Quill" in i.text)
    FeedbackStore(db).soft_delete([gone.id])
    plan = purge_preview(db, today_=dt.date.today() + dt.timedelta(days=40))
    assert gone.id in plan.feedback_ids
    purge(db, plan, "Ann Chair")
    again = plan_import(db, source)
    assert again.removed_before == [3]  # the row of the removed item
    assert again.already_present == 2 and len(again.ready) == 2
    assert "1 row left out because it was removed here before" in again.summary()
    assert run_import(db, again).added == 0
    assert "Quill" not in " ".join(_texts(db))
