"""What kind of file an import was really given, when it is not a spreadsheet we can read.

Volunteers pick the wrong file, rename files, and are sent PDFs and photos of spreadsheets:
each function here says, for people, what the file is and what to do, rather than reading
rubbish or quoting a library's error. `importing_detect.read_source` asks them.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
_RESAVE = "save it as an Excel Workbook (.xlsx) or as CSV, and import that file"
_PICTURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_ARCHIVES = (b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x1f\x8b")  # 7-Zip, RAR, gzip
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files, Outlook emails, locked workbooks


def damaged_workbook(path: Path) -> str:
    renamed = (
        f", or it may be another kind of file with a name ending in {path.suffix}"
        if path.suffix.lower() in SPREADSHEET_SUFFIXES
        else ""
    )
    return (
        f"{path.name} cannot be opened as an Excel workbook: it may be damaged{renamed}. Open it "
        f"in Excel (which can often repair a damaged workbook), {_RESAVE}."
    )


def _old_excel(path: Path) -> str:
    return (
        f"{path.name} is an old-style Excel workbook (.xls), which PPG Desk cannot read "
        f"directly. Open it in Excel or LibreOffice, {_RESAVE}."
    )


def not_text(path: Path) -> str:
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return damaged_workbook(path)
    if path.suffix.lower() == ".xls":
        return _old_excel(path)
    return (
        f"{path.name} is not a spreadsheet: it does not hold text that PPG Desk can read. Check "
        f"that you chose the right file. If the feedback is in a spreadsheet, open it in Excel, "
        f"{_RESAVE}."
    )


def _document(path: Path, what: str) -> str:
    return (
        f"{path.name} is {what}, not a spreadsheet. If the feedback is in a table, copy the table "
        f"into a new Excel sheet, {_RESAVE}."
    )


def _other_file(path: Path, what: str) -> str:
    return (
        f"{path.name} is {what}, not a spreadsheet. Check that you chose the right file: the "
        "feedback needs to be in a spreadsheet saved from Excel as an Excel Workbook (.xlsx) or "
        "as CSV."
    )


def _office_file_problem(path: Path) -> str:
    """An old-format (OLE) Office file: say which kind, from the names of the parts inside."""
    data = path.read_bytes()

    def holds(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if holds("EncryptedPackage"):
        return (
            f"{path.name} is protected with a password, so PPG Desk cannot open it. Open it in "
            "Excel, remove the password, save it, and import it again."
        )
    if holds("__substg1.0_"):
        return (
            f"{path.name} is an Outlook email, not a spreadsheet. Open the email, save the "
            "attached spreadsheet to your computer, and import that file."
        )
    if holds("WordDocument"):
        return _document(path, "a Word document")
    if holds("PowerPoint Document"):
        return _other_file(path, "a PowerPoint presentation")
    if holds("Workbook") or holds("Book") or path.suffix.lower() == ".xls":
        return _old_excel(path)
    return (
        f"{path.name} is an older Microsoft Office file, not a spreadsheet PPG Desk can read. If "
        f"it is a spreadsheet, open it in Excel, {_RESAVE}."
    )


def zip_problem(path: Path) -> str | None:
    """None for an Excel workbook (whatever its name); otherwise what the zip file really is."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = (
                archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
            )
    except (zipfile.BadZipFile, OSError, NotImplementedError, zlib.error):
        if path.suffix.lower() in SPREADSHEET_SUFFIXES:
            return damaged_workbook(path)
        return (
            f"{path.name} is a damaged compressed (zip) file, not a spreadsheet. Check that "
            "you chose the right file."
        )
    if any(name.startswith("xl/") for name in names):
        return None
    if any(name.startswith("word/") for name in names):
        return _document(path, "a Word document")
    if any(name.startswith("ppt/") for name in names):
        return _other_file(path, "a PowerPoint presentation")
    if mimetype.endswith("opendocument.spreadsheet"):
        return (
            f"{path.name} is a LibreOffice or OpenOffice spreadsheet (.ods), which PPG Desk "
            f"cannot read directly. Open it in LibreOffice Calc, {_RESAVE}."
        )
    if mimetype.endswith("opendocument.text"):
        return _document(path, "a word-processor document (OpenDocument text)")
    if any(name.startswith("Index/") and name.endswith(".iwa") for name in names):
        return (
            f"{path.name} is an Apple Numbers spreadsheet, which PPG Desk cannot read directly. "
            "In Numbers, choose File, then Export To, then CSV or Excel, and import that file."
        )
    inside = [
        Path(name).name
        for name in names
        if Path(name).suffix.lower() in (".csv", ".xls", *SPREADSHEET_SUFFIXES)
    ]
    holding = (
        f" It holds {', '.join(inside[:3])}{' and more' if len(inside) > 3 else ''}."
        if inside
        else ""
    )
    return (
        f"{path.name} is a compressed (zip) folder, not a spreadsheet.{holding} Open the folder, "
        "copy the spreadsheet out of it (for example onto the Desktop), and import that file."
    )


def format_problem(path: Path, head: bytes) -> str | None:
    """What a file that is clearly not CSV text is (from its first bytes), or None."""
    for magic, what in _PICTURES:
        if head.startswith(magic):
            return (
                f"{path.name} is a picture ({what}), not a spreadsheet: PPG Desk cannot read "
                "the writing in a picture. Choose the spreadsheet file instead. For a photo of "
                "a paper form, type the answers in."
            )
    if head.startswith(b"%PDF"):
        return (
            f"{path.name} is a PDF document, not a spreadsheet, and PPG Desk cannot read the "
            "feedback out of it. Ask whoever sent it for the spreadsheet it was made from (Excel "
            "or CSV), and import that instead."
        )
    if head.startswith(b"{\\rtf"):
        return _document(path, "a document (Rich Text Format)")
    if head.startswith(_ARCHIVES):
        return (
            f"{path.name} is a compressed file, not a spreadsheet. Take the spreadsheet out of "
            "it first, and import that file."
        )
    if head.startswith(_OLE):
        return _office_file_problem(path)
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return (
            f"{path.name} is a web page (HTML), not a spreadsheet. If it shows a table of "
            f"feedback, open it in Excel, {_RESAVE}."
        )
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return (
            f"{path.name} is in an older Excel format (XML Spreadsheet 2003), which PPG Desk "
            f"cannot read directly. Open it in Excel, {_RESAVE}."
        )
    return None
