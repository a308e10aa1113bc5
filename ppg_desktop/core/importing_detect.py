"""Reading a spreadsheet the way a volunteer's file really is: odd encodings, semicolons, a title
row above the header, and dates written in half a dozen UK (and a few US) styles.

Everything here is pure reading and guessing; nothing touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppg_desktop.core.errors import PPGError
from ppg_desktop.core.importing_filekind import (
    ZIP_SIGNATURES,
    damaged_workbook,
    format_problem,
    not_text,
    zip_problem,
)
from ppg_desktop.core.wording import counted

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
DATE_ORDERS = ("dmy", "mdy")
HEADER_SEARCH_ROWS = 15
SNIFF_BYTES = 8192  # enough of the start of a file to tell what kind of file it is

Cell = Any  # str, or a date/datetime/number from a spreadsheet cell


class UnreadableFile(PPGError):
    """The file cannot be read as a spreadsheet or CSV."""


@dataclass
class SourceTable:
    """A file's rows after decoding: the header and the data rows with their spreadsheet numbers.

    `rows` holds (row_number, cells) where row_number is what the user sees in Excel or a text
    editor (1-based, counting the header and any title rows), so error messages point at the
    right line. Blank rows are left out but never renumber the others.
    """

    path: Path
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 1
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    overlong: dict[int, int] = field(default_factory=dict)  # row number -> values found

    def describe(self) -> str:
        """What was found, to follow 'Found ' (the wizard) or 'Read ' (the CLI).

        Only what a volunteer can act on: where the headings are, how many rows, which sheet,
        and a warning when the text had to be guessed. Encodings are not named: Excel's own
        CSV and UTF-8 both read correctly, and the names mean nothing to most people.
        """
        rows = counted(len(self.rows), "row") + " of data" if self.rows else "no rows of data"
        text = f"{rows} below the column headings on row {self.header_row}"
        if self.sheet:
            text += f" of the sheet '{self.sheet}'"
        if self.delimiter and self.delimiter != ",":
            text += f" (values separated by {DELIMITER_NAMES.get(self.delimiter, self.delimiter)})"
        if self.encoding == "Latin-1":
            text += (
                "; some letters may not have been read correctly, so check any £ signs and "
                "accented letters in the preview"
            )
        return text


# --- encoding and delimiter ---------------------------------------------------------------------
def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV file's bytes; return (text, encoding name).

    UTF-8 (with or without the BOM Excel adds) is tried first because it almost never decodes
    text that is not UTF-8; Windows-1252 (Excel's "CSV" on UK Windows, with £ and curly quotes)
    comes next; Latin-1 accepts anything as a last resort.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (with BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 with no byte-order mark (some exports do this): every other byte of
    plain text is then zero. Without this the file would look like binary rubbish."""
    sample = data[:1000]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.1 * len(other):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _looks_binary(text: str) -> bool:
    """True for text decoded from a file that is not text at all (a program, a picture, a
    damaged file): real CSV files have no NUL characters and hardly any other control ones."""
    sample = text[:SNIFF_BYTES]
    if "\x00" in sample:
        return True
    controls = sum(
        1 for ch in sample if (ch < " " and ch not in "\t\n\r") or "\x7f" <= ch <= "\x9f"
    )
    return controls > max(2, 0.02 * len(sample))  # a stray one in a short file is no sign


def detect_delimiter(text: str) -> str:
    """Comma, semicolon or tab: ask csv.Sniffer, then fall back to counting in the first lines.

    Excel in much of Europe (and some UK set-ups) saves "CSV" with semicolons.
    """
    lines = [line for line in text.splitlines() if line.strip()][:30]
    sample = "\n".join(lines)
    if not sample:
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines[:10]]
        # a delimiter that splits every line into the same (>1) number of fields wins
        score = min(counts) if counts and min(counts) > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- reading ------------------------------------------------------------------------------------
def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, list[Cell]]]:
    """Parse CSV text keeping the line on which each record starts (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Cell]]] = []
    start_line = 1
    try:
        for record in reader:
            rows.append((start_line, list(record)))
            start_line = reader.line_num + 1
    except csv.Error as exc:
        # in practice only "field larger than field limit": a quotation mark left open runs on
        # through line after line until one value holds more text than any comment could
        raise UnreadableFile(
            f"Line {start_line} of the file cannot be read: from there on, the text runs on "
            'without a break, usually because of a stray quotation mark (") on that line. '
            "Remove it, or close it, and import the file again."
        ) from exc
    if rows and _unclosed_quote(text, delimiter):
        # a quotation mark that is never closed swallows the rest of the file into one cell
        raise UnreadableFile(
            f'Line {rows[-1][0]} opens a quotation mark (") that is never closed, so the rest '
            "of the file would be read as one comment. Remove the stray quotation mark on that "
            "line, or close it, and import again."
        )
    return rows


def _unclosed_quote(text: str, delimiter: str) -> bool:
    """True when the file ends inside a quoted field (only a strict parse notices)."""
    try:
        for _record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _xlsx_rows(
    path: Path, sheet: str | None
) -> tuple[list[tuple[int, list[Cell]]], str, list[str]]:
    from openpyxl import load_workbook  # imported only for spreadsheets

    # an open file rather than the path: openpyxl refuses a workbook whose name does not end in
    # .xlsx, and a workbook renamed to .csv is still a workbook
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors)
            raise UnreadableFile(damaged_workbook(path)) from exc
        try:
            names = list(workbook.sheetnames)
            if sheet is not None and sheet not in names:
                raise UnreadableFile(
                    f"There is no sheet called '{sheet}' in {path.name}. Its sheets are: "
                    + ", ".join(f"'{name}'" for name in names)
                    + "."
                )
            worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
            rows = [
                (number, list(values))
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
            ]
            return rows, worksheet.title, names
        finally:
            workbook.close()


def _looks_like_header_cell(cell: Cell) -> bool:
    return isinstance(cell, str) and bool(cell.strip()) and not _DATE_LIKE.match(cell.strip())


def find_header_row(rows: Sequence[tuple[int, list[Cell]]]) -> int:
    """The index (into `rows`) of the header: the first row whose cells are all text and which
    is about as wide as the data beneath it. Title rows ("Feedback log 2025-26") and notes above
    the real header are narrower, so they are passed over."""
    candidates = [r for r in rows[:HEADER_SEARCH_ROWS] if not _is_blank(r[1])]
    if not candidates:
        return 0
    widths = [sum(1 for c in cells if not _is_blank([c])) for _, cells in rows[:200]]
    typical = max(widths) if widths else 0
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [c for c in cells if not _is_blank([c])]
        if not filled:
            continue
        if len(filled) >= max(1, (typical + 1) // 2) and all(
            _looks_like_header_cell(c) for c in filled
        ):
            return index
    return next(i for i, (_, cells) in enumerate(rows) if not _is_blank(cells))


def _unique_headers(cells: Iterable[Cell]) -> list[str]:
    headers: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell).split()) if cell is not None else ""
        name = name or f"Column {position}"
        base, n = name, 2
        while name in headers:
            name, n = f"{base} ({n})", n + 1
        headers.append(name)
    return headers


def _nothing_to_import(path: Path, sheet: str, sheets: list[str]) -> str:
    """Why a file (or sheet) with no filled-in cells cannot be imported, and what to do."""
    if sheet:
        others = [f"'{name}'" for name in sheets if name != sheet]
        where = f"The sheet '{sheet}' in {path.name} is empty, so there are no rows to import."
        if others:
            return f"{where} Choose the sheet that holds the feedback: " + ", ".join(others) + "."
        return (
            f"{where} Check that you chose the right file, and that the feedback was saved in it."
        )
    return (
        f"{path.name} has only blank lines, so there are no rows to import. Check that you chose "
        "the right file, and that the feedback was saved in it."
    )


def read_source(
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SourceTable:
    """Read a CSV or XLSX file into a SourceTable, detecting what was not given.

    `header_row` is the spreadsheet row number of the header (1-based), when the user overrides
    the detected one.
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"There is no file at {path}. Check the name and the folder.")
    if path.is_dir():
        raise UnreadableFile(f"{path} is a folder. Choose the spreadsheet file inside it.")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        raise UnreadableFile(
            f"{path.name} is empty: there is nothing in it to import. Check that you chose the "
            "right file, and that the feedback was saved in it."
        )
    used_encoding = used_delimiter = ""
    sheet_name, sheets = "", list[str]()
    # what the file holds decides how it is read, whatever its name says
    if head.startswith(ZIP_SIGNATURES):
        problem = zip_problem(path)
        if problem:
            raise UnreadableFile(problem)
        raw, sheet_name, sheets = _xlsx_rows(path, sheet)
    else:
        problem = format_problem(path, head)
        if problem:
            raise UnreadableFile(problem)
        data = path.read_bytes()
        if encoding:
            try:
                text, used_encoding = data.decode(encoding), encoding
            except (UnicodeDecodeError, LookupError) as exc:
                raise UnreadableFile(
                    f"{path.name} cannot be read as {encoding} text. Leave the text format to "
                    "PPG Desk to work out, or choose another."
                ) from exc
            text = text.removeprefix("\ufeff")
        else:
            text, used_encoding = decode_bytes(data)
        if _looks_binary(text):
            raise UnreadableFile(not_text(path))
        used_delimiter = delimiter or detect_delimiter(text)
        raw = _csv_rows(text, used_delimiter)
    if header_row is not None:
        index = next((i for i, (n, _) in enumerate(raw) if n == header_row), None)
        if index is None:
            last = raw[-1][0] if raw else 0
            raise UnreadableFile(
                f"There is no row {header_row} in {path.name}: "
                + (f"it ends at row {last}. " if last else "it is empty. ")
                + "Choose the row that holds the column headings."
            )
    else:
        if all(_is_blank(cells) for _, cells in raw):
            raise UnreadableFile(_nothing_to_import(path, sheet_name, sheets))
        index = find_header_row(raw)
    header_number, header_cells = raw[index]
    headers = _unique_headers(header_cells)
    width = len(headers)
    data_rows: list[tuple[int, list[Cell]]] = []
    overlong: dict[int, int] = {}
    for number, cells in raw[index + 1 :]:
        if _is_blank(cells):
            continue
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        elif len(cells) > width and not _is_blank(cells[width:]):
            overlong[number] = len(cells)  # usually a comma inside an unquoted comment
        data_rows.append((number, cells))
    return SourceTable(
        path,
        headers,
        data_rows,
        used_encoding,
        used_delimiter,
        header_number,
        sheet_name,
        sheets,
        overlong,
    )


# --- dates --------------------------------------------------------------------------------------
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_TIME = r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|GMT|BST|UTC)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$", re.IGNORECASE)
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})" + _TIME + "$", re.IGNORECASE)
_WORDY = re.compile(
    r"^(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{2}|\d{4})"
    + _TIME
    + "$",
    re.IGNORECASE,
)
_US_WORDY = re.compile(
    r"^(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + "$",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


class DateProblem(ValueError):
    """A value that is not a date we can read (the message is for people)."""


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _make(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateProblem(f"'{original}' is not a real date.") from exc


def numeric_parts(text: str) -> tuple[int, int] | None:
    """For a d/m/y-or-m/d/y value, the first two numbers (None for any other form)."""
    match = _NUMERIC.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def parse_date_value(value: Cell, order: str = "dmy") -> dt.date:
    """One cell as a date. `order` says how to read 03/04/2026 ('dmy' = UK, 'mdy' = US).

    Accepts dates and datetimes from spreadsheets, ISO (2026-03-04, with or without a time),
    dd/mm/yyyy, d/m/yy, 3 March 2026, 3rd Mar 2026, Tuesday 3 March 2026 and March 3, 2026.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value if value is not None else "").strip()
    if not text:
        raise DateProblem("The date is empty.")
    match = _ISO.match(text)
    if match:
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    match = _NUMERIC.match(text)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        day, month = (first, second) if order == "dmy" else (second, first)
        return _make(year, month, day, text)
    match = _WORDY.match(text)
    if match and match.group(2).lower() in _MONTHS:
        return _make(
            _year(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)), text
        )
    match = _US_WORDY.match(text)
    if match and match.group(1).lower() in _MONTHS:
        return _make(
            int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)), text
        )
    raise DateProblem(f"'{text}' is not a date; write it as dd/mm/yyyy.")


@dataclass(frozen=True)
class DateOrderGuess:
    """What a column's numeric dates say about day/month order.

    `order` is 'dmy' or 'mdy' when the values settle it (a day above 12, or every value reads the
    same both ways), or None when the column is ambiguous and the user must choose. `example`
    is a value that shows the ambiguity (or the evidence).
    """

    order: str | None
    ambiguous: bool
    example: str = ""
    conflicting: bool = False


def guess_date_order(values: Iterable[Cell]) -> DateOrderGuess:
    """Decide day/month order for one column from its values, never silently guessing."""
    dmy_evidence = mdy_evidence = ambiguous_example = ""
    for value in values:
        if isinstance(value, dt.date):
            continue
        parts = numeric_parts(str(value or ""))
        if parts is None:
            continue
        first, second = parts
        text = str(value).strip()
        if first > 12 >= second:
            dmy_evidence = dmy_evidence or text
        elif second > 12 >= first:
            mdy_evidence = mdy_evidence or text
        elif first != second and first <= 12 and second <= 12:
            ambiguous_example = ambiguous_example or text
    if dmy_evidence and mdy_evidence:
        return DateOrderGuess(None, False, f"{dmy_evidence} and {mdy_evidence}", conflicting=True)
    if dmy_evidence:
        return DateOrderGuess("dmy", False, dmy_evidence)
    if mdy_evidence:
        return DateOrderGuess("mdy", False, mdy_evidence)
    if ambiguous_example:
        return DateOrderGuess(None, True, ambiguous_example)
    return DateOrderGuess("dmy", False)
