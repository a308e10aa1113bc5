"""The Reports screen: build in the background with progress, preview the pages, print, remember."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.reports.choices import CUSTOM, SETTINGS_KEY
from ppg_desktop.core.reports.pack import TOTAL_STEPS
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import wait_for_jobs
from ppg_desktop.ui.reports_screen import ReportsScreen
from tests.core.reports_helpers import add_items, practice

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    site = practice(db)
    practice(db, "Castle View Health Centre")
    add_items(db, site, "phone_access", dt.date(2025, 3, 3), ["Forty minutes on hold."] * 6)
    add_items(db, site, "prescriptions", dt.date(2025, 3, 9), ["The repeat was late again."] * 4)
    return AppContext(db, db_path)


def _choose_march(screen: ReportsScreen) -> None:
    screen.preset.setCurrentIndex(screen.preset.findData(CUSTOM))
    screen.date_from.setDate(QDate(2025, 3, 1))
    screen.date_to.setDate(QDate(2025, 3, 31))


def test_build_shows_progress_and_previews_every_page(ctx: AppContext, qtbot: QtBot) -> None:
    screen = ReportsScreen(ctx)
    qtbot.addWidget(screen)
    _choose_march(screen)
    screen.practices.item(1).setCheckState(screen.practices.item(1).checkState().Checked)
    screen.large_print.setChecked(True)
    values: list[int] = []
    screen.progress.valueChanged.connect(values.append)
    assert not screen.print_button.isEnabled()
    screen.build()
    assert not screen.build_button.isEnabled() and screen.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: screen.built is not None, timeout=30_000)
    assert screen.built is not None
    assert len(screen.preview_pages) == screen.built.pages == len(PdfReader(screen.built.pdf).pages)
    assert screen.preview_pages[0].pixmap().width() > 300
    climb = values[: values.index(max(values)) + 1]  # then it resets to "done"
    assert len(set(climb)) >= 4 and climb == sorted(climb)
    assert max(values) == TOTAL_STEPS
    assert "ready" in screen.status.text()
    assert screen.print_button.isEnabled() and screen.save_button.isEnabled()
    assert not screen.save_xlsx_button.isEnabled()
    entry = AuditStore(ctx.db).list(action="report")[0]
    assert entry.changes["large_print"] is True
    assert entry.changes["from"] == "2025-03-01"


def test_choices_are_remembered_but_not_full_text(ctx: AppContext, qtbot: QtBot) -> None:
    screen = ReportsScreen(ctx)
    qtbot.addWidget(screen)
    _choose_march(screen)
    screen.large_print.setChecked(True)
    screen.xlsx.setChecked(True)
    screen.full_text.setChecked(True)
    assert screen.full_text_warning.isVisibleTo(screen)
    import ppg_desktop.ui.messages as messages

    messages.problem_sink = lambda title, text: None  # the full-text question answers "no"
    try:
        screen.build()
        qtbot.waitUntil(lambda: screen.built is not None, timeout=30_000)
    finally:
        messages.problem_sink = None
    assert screen.built is not None and screen.built.xlsx is not None
    assert screen.save_xlsx_button.isEnabled()
    assert ctx.settings.get(SETTINGS_KEY)["large_print"] is True
    again = ReportsScreen(ctx)
    qtbot.addWidget(again)
    choices = again.choices()
    assert choices.preset == CUSTOM
    assert (choices.date_from, choices.date_to) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert choices.large_print and choices.xlsx and not choices.full_text


def test_cancel_leaves_no_pack(ctx: AppContext, qtbot: QtBot) -> None:
    screen = ReportsScreen(ctx)
    qtbot.addWidget(screen)
    _choose_march(screen)
    screen.build()
    screen.cancel()
    assert wait_for_jobs(30_000)
    assert screen.built is None
    assert "Cancelled" in screen.status.text()
    assert screen.build_button.isEnabled() and not screen.cancel_button.isEnabled()
    assert AuditStore(ctx.db).list(action="report") == []


def test_dates_the_wrong_way_round_are_explained(ctx: AppContext, qtbot: QtBot) -> None:
    screen = ReportsScreen(ctx)
    qtbot.addWidget(screen)
    screen.preset.setCurrentIndex(screen.preset.findData(CUSTOM))
    screen.date_from.setDate(QDate(2025, 3, 31))
    screen.date_to.setDate(QDate(2025, 3, 1))
    screen.build()
    assert screen.job is None
    assert "31/03/2025" in screen.period_error.text()
    assert screen.period_error.isVisibleTo(screen)


def test_printing_paints_every_page(ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    screen = ReportsScreen(ctx)
    qtbot.addWidget(screen)
    _choose_march(screen)
    screen.build()
    qtbot.waitUntil(lambda: screen.built is not None, timeout=30_000)
    assert screen.built is not None
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(72)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert screen.print_to(printer) == screen.built.pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == screen.built.pages
