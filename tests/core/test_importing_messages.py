"""What the import tells people: files that are not spreadsheets, and counts in plain words."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from ppg_desktop.core.importing_detect import UnreadableFile, read_source
from ppg_desktop.core.importing_types import ImportResult, InvalidRow, InvalidRows

RESAVE = "save it as an Excel Workbook (.xlsx) or as CSV, and import that file."


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _problem(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFile) as caught:
        read_source(path)
    return str(caught.value)


WORD = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


# --- files that are not spreadsheets ------------------------------------------------------------
def test_a_picture_named_csv(tmp_path: Path) -> None:
    assert _problem(tmp_path, "feedback.csv", PNG) == (
        "feedback.csv is a picture (PNG), not a spreadsheet: PPG Desk cannot read the writing in "
        "a picture. Choose the spreadsheet file instead. For a photo of a paper form, type the "
        "answers in."
    )
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))
    assert _problem(tmp_path, "scan.xlsx", photo).startswith(
        "scan.xlsx is a picture (JPEG), not a spreadsheet"
    )


def test_a_zip_folder_named_csv_says_what_is_inside(tmp_path: Path) -> None:
    data = _zip({"export/feedback.csv": "Date,Comment\n", "export/readme.txt": "hello"})
    assert _problem(tmp_path, "export.csv", data) == (
        "export.csv is a compressed (zip) folder, not a spreadsheet. It holds feedback.csv. Open "
        "the folder, copy the spreadsheet out of it (for example onto the Desktop), and import "
        "that file."
    )
    assert _problem(tmp_path, "photos.zip", _zip({"a.jpg": "x"})) == (
        "photos.zip is a compressed (zip) folder, not a spreadsheet. Open the folder, copy the "
        "spreadsheet out of it (for example onto the Desktop), and import that file."
    )


@pytest.mark.parametrize("name", ["minutes.csv", "minutes.xlsx", "minutes.docx"])
def test_a_word_document_whatever_its_name(tmp_path: Path, name: str) -> None:
    assert _problem(tmp_path, name, WORD) == (
        f"{name} is a Word document, not a spreadsheet. If the feedback is in a table, copy the "
        f"table into a new Excel sheet, {RESAVE}"
    )


def test_random_bytes(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(3000)
    assert _problem(tmp_path, "feedback.csv", data) == (
        "feedback.csv is not a spreadsheet: it does not hold text that PPG Desk can read. Check "
        f"that you chose the right file. If the feedback is in a spreadsheet, open it in Excel, "
        f"{RESAVE}"
    )
    # with a workbook's name, it is most likely a damaged workbook
    assert _problem(tmp_path, "feedback.xlsx", data) == (
        "feedback.xlsx cannot be opened as an Excel workbook: it may be damaged, or it may be "
        "another kind of file with a name ending in .xlsx. Open it in Excel (which can often "
        f"repair a damaged workbook), {RESAVE}"
    )


def test_a_file_of_nul_bytes_is_not_text(tmp_path: Path) -> None:
    # what a cloud-synced file that never finished downloading looks like
    assert _problem(tmp_path, "log.csv", bytes(4096)).startswith(
        "log.csv is not a spreadsheet: it does not hold text that PPG Desk can read."
    )


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx"])
def test_an_empty_file(tmp_path: Path, name: str) -> None:
    assert _problem(tmp_path, name, b"") == (
        f"{name} is empty: there is nothing in it to import. Check that you chose the right "
        "file, and that the feedback was saved in it."
    )


def test_a_file_of_blank_lines(tmp_path: Path) -> None:
    assert _problem(tmp_path, "blank.csv", b"\r\n\r\n   \n,,,\n\t\n") == (
        "blank.csv has only blank lines, so there are no rows to import. Check that you chose "
        "the right file, and that the feedback was saved in it."
    )


def test_an_empty_sheet_names_the_other_sheets(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Cover"
    workbook.create_sheet("Log").append(["Date", "Comment"])
    workbook.create_sheet("2025")
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    with pytest.raises(UnreadableFile) as caught:
        read_source(path)
    assert str(caught.value) == (
        "The sheet 'Cover' in book.xlsx is empty, so there are no rows to import. Choose the "
        "sheet that holds the feedback: 'Log', '2025'."
    )
    with pytest.raises(UnreadableFile) as caught:
        read_source(path, sheet="Notes")
    assert str(caught.value) == (
        "There is no sheet called 'Notes' in book.xlsx. Its sheets are: 'Cover', 'Log', '2025'."
    )


def test_a_pdf(tmp_path: Path) -> None:
    assert _problem(tmp_path, "report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n") == (
        "report.csv is a PDF document, not a spreadsheet, and PPG Desk cannot read the feedback "
        "out of it. Ask whoever sent it for the spreadsheet it was made from (Excel or CSV), and "
        "import that instead."
    )


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("name", "part", "expected"),
    [
        (
            "locked.xlsx",
            "EncryptedPackage",
            "locked.xlsx is protected with a password, so PPG Desk cannot open it. Open it in "
            "Excel, remove the password, save it, and import it again.",
        ),
        (
            "Feedback from the practice.msg",
            "__substg1.0_0037001F",
            "Feedback from the practice.msg is an Outlook email, not a spreadsheet. Open the "
            "email, save the attached spreadsheet to your computer, and import that file.",
        ),
        (
            "old.csv",
            "Workbook",
            "old.csv is an old-style Excel workbook (.xls), which PPG Desk cannot read directly. "
            f"Open it in Excel or LibreOffice, {RESAVE}",
        ),
        (
            "notes.doc",
            "WordDocument",
            "notes.doc is a Word document, not a spreadsheet. If the feedback is in a table, "
            f"copy the table into a new Excel sheet, {RESAVE}",
        ),
    ],
)
def test_old_office_files_say_what_they_are(
    tmp_path: Path, name: str, part: str, expected: str
) -> None:
    assert _problem(tmp_path, name, OLE + part.encode("utf-16-le") + bytes(64)) == expected


def test_other_files_that_look_like_spreadsheets(tmp_path: Path) -> None:
    html = b"\xef\xbb\xbf\n<!DOCTYPE html><html><body><table><tr><td>Date</td></tr></table>"
    assert _problem(tmp_path, "report.xls", html) == (
        "report.xls is a web page (HTML), not a spreadsheet. If it shows a table of feedback, "
        f"open it in Excel, {RESAVE}"
    )
    ods = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": ""})
    assert _problem(tmp_path, "log.ods", ods) == (
        "log.ods is a LibreOffice or OpenOffice spreadsheet (.ods), which PPG Desk cannot read "
        f"directly. Open it in LibreOffice Calc, {RESAVE}"
    )
    numbers = _zip({"Index/Document.iwa": "", "Metadata/Properties.plist": ""})
    assert _problem(tmp_path, "log.numbers", numbers) == (
        "log.numbers is an Apple Numbers spreadsheet, which PPG Desk cannot read directly. In "
        "Numbers, choose File, then Export To, then CSV or Excel, and import that file."
    )


def test_a_damaged_workbook(tmp_path: Path) -> None:
    damaged = _zip({"[Content_Types].xml": "<Types", "xl/workbook.xml": "<not xml"})
    assert _problem(tmp_path, "log.xlsx", damaged) == (
        "log.xlsx cannot be opened as an Excel workbook: it may be damaged, or it may be another "
        "kind of file with a name ending in .xlsx. Open it in Excel (which can often repair a "
        f"damaged workbook), {RESAVE}"
    )


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_source(tmp_path)
    assert str(caught.value) == f"{tmp_path} is a folder. Choose the spreadsheet file inside it."


# --- renamed files are read for what they are --------------------------------------------------
def test_a_workbook_renamed_to_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Log"
    sheet.append(["Date", "Practice", "Comment"])
    sheet.append(["21/03/2026", "Riverside Surgery", "Slow phones"])
    path = tmp_path / "log.xlsx"
    workbook.save(path)
    renamed = path.rename(tmp_path / "log.csv")
    table = read_source(renamed)
    assert table.headers == ["Date", "Practice", "Comment"] and table.sheet == "Log"
    assert table.rows == [(2, ["21/03/2026", "Riverside Surgery", "Slow phones"])]


def test_a_csv_renamed_to_xlsx_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    path.write_text("Date;Comment\n21/03/2026;Slow phones\n", encoding="utf-8")
    table = read_source(path)
    assert table.headers == ["Date", "Comment"] and table.rows == [
        (2, ["21/03/2026", "Slow phones"])
    ]


def test_utf16_without_a_byte_order_mark_is_text(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Date,Comment\n21/03/2026,Très bien\n".encode("utf-16-le"))
    table = read_source(path)
    assert table.rows == [(2, ["21/03/2026", "Très bien"])]


# --- other problems reading a file --------------------------------------------------------------
def test_a_heading_row_past_the_end(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("Date,Comment\n21/03/2026,Fine\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as caught:
        read_source(path, header_row=9)
    assert str(caught.value) == (
        "There is no row 9 in short.csv: it ends at row 2. Choose the row that holds the column "
        "headings."
    )


def test_a_quotation_mark_that_swallows_the_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        'Date,Comment\n21/03/2026,Fine\n22/03/2026,"Oops\n' + "more text\n" * 20_000,
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFile) as caught:
        read_source(path)
    assert str(caught.value) == (
        "Line 3 of the file cannot be read: from there on, the text runs on without a break, "
        'usually because of a stray quotation mark (") on that line. Remove it, or close it, and '
        "import the file again."
    )


def test_describe_warns_only_when_letters_may_be_wrong(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("Date,Comment\n21/03/2026,£5 charge\n", encoding="utf-8")
    assert read_source(plain).describe() == "1 row of data below the column headings on row 1"
    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"Date\tComment\n21/03/2026\tCaf\xe9 \x81 ok\n")
    assert read_source(odd).describe() == (
        "1 row of data below the column headings on row 1 (values separated by tabs); some "
        "letters may not have been read correctly, so check any £ signs and accented letters in "
        "the preview"
    )
    headings_only = tmp_path / "headings.csv"
    headings_only.write_text("Date,Comment\n", encoding="utf-8")
    assert read_source(headings_only).describe() == (
        "no rows of data below the column headings on row 1"
    )


# --- counts in plain words ----------------------------------------------------------------------
def test_import_result_in_plain_words(tmp_path: Path) -> None:
    assert ImportResult(1, 0, 0, [7]).summary() == "Imported 1 feedback item."
    rejected = tmp_path / "log-rejected.csv"
    assert ImportResult(
        1_200, 1, 2, [], rejected, practices_created=["Nowhere Practice"]
    ).summary() == (
        "Imported 1,200 feedback items. Skipped 1 row imported before. Left out 2 rows with "
        f"problems: they are listed in {rejected}, to correct. Added 1 new practice: Nowhere "
        "Practice."
    )
    assert ImportResult(0, 3, 0, []).summary() == (
        "Nothing new was imported. Skipped 3 rows imported before."
    )


def test_invalid_rows_count_rows_not_problems() -> None:
    one_row = InvalidRows(
        [InvalidRow(4, "Date", "The date is empty."), InvalidRow(4, "Practice", "Empty")]
    )
    assert str(one_row) == (
        "Nothing was imported, because 1 row has a problem. Row 4, column 'Date': The date is "
        "empty. Row 4, column 'Practice': Empty. Correct the file and import it again, or "
        "choose to skip the rows with problems."
    )
    many = InvalidRows([InvalidRow(n, "Date", "The date is empty.") for n in range(2, 9)])
    assert str(many).startswith("Nothing was imported, because 7 rows have problems. Row 2,")
    assert "Row 6, column 'Date': The date is empty. And 2 more problems. Correct" in str(many)
