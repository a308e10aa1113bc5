"""The Reports screen: choose a period and practices, build the meeting pack, preview, print, save.

The pack is built in the background (`operations.run_job`) with a progress bar and Cancel. Pages
are previewed as images rendered by pypdfium2, because the PySide6 wheels we ship have no QtPdf;
the same renderer paints the pages for printing. The last choices are remembered in Settings
(but never "full text", which must be asked for each time).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QDate, QEvent, QMarginsF, QRectF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.periods import PRESETS, preset_period
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.reports import PackCancelled, PackOptions, build_pack, export_xlsx
from ppg_desktop.core.reports.choices import CUSTOM, SETTINGS_KEY, ReportChoices
from ppg_desktop.core.reports.preview import render_pages
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.messages import ask_yes_no, show_problem
from ppg_desktop.ui.operations import Job, JobCancelled, JobControl, run_job, with_worker_db
from ppg_desktop.ui.widgets import DateField, error_label, heading, show_error

PREVIEW_WIDTH = 620  # pixels across one previewed page
PRINT_DPI = 300


@dataclass
class BuiltPack:
    """What a finished build hands back to the screen."""

    pdf: Path
    xlsx: Path | None
    pages: int
    images: list[tuple[int, int, int, bytes]]  # width, height, bytes per line, RGB bytes


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def to_image(page: tuple[int, int, int, bytes]) -> QImage:
    """A rendered page as a QImage that owns its pixels."""
    width, height, stride, pixels = page
    return QImage(pixels, width, height, stride, QImage.Format.Format_RGB888).copy()


class ReportsScreen(QWidget):
    """Options on the left, the pages of the pack on the right."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.job: Job | None = None
        self.built: BuiltPack | None = None
        self._ratio = 1.0
        self._folder = Path(tempfile.mkdtemp(prefix="ppg-pack-"))
        self._build_ui()
        self._load_choices()
        ctx.data_changed.connect(self._on_data_changed)

    # --- layout -------------------------------------------------------------------------
    def _build_ui(self) -> None:
        options = QWidget()
        form = QFormLayout()
        self.preset = QComboBox()
        self.preset.setAccessibleName("Period")
        for key, label in PRESETS.items():
            self.preset.addItem(label, key)
        self.preset.addItem("Custom dates", CUSTOM)
        # DateField: Tab moves on rather than into the year, as in the feedback form
        self.date_from, self.date_to = DateField(), DateField()
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setAccessibleName(f"{name} date")
            edit.setDate(QDate.currentDate())
            edit.dateChanged.connect(self._show_period)
        self.preset.currentIndexChanged.connect(self._on_preset_changed)
        self.period_text = QLabel()
        self.period_text.setWordWrap(True)
        self.period_error = error_label("Period")
        form.addRow("Period", self.preset)
        form.addRow("From", self.date_from)
        form.addRow("To", self.date_to)
        form.addRow("", self.period_text)
        form.addRow("", self.period_error)
        self.practices = QListWidget()
        self.practices.setAccessibleName("Practices (none ticked means all)")
        self.practices.setMaximumHeight(150)
        self.practices.setMinimumHeight(self.fontMetrics().height() * 5)
        form.addRow("Practices", self.practices)
        form.addRow("", QLabel("Tick none for all practices."))
        self.large_print = QCheckBox("Large print (bigger type, one column)")
        self.xlsx = QCheckBox("Also make a spreadsheet (.xlsx)")
        self.full_text = QCheckBox("Full text in the spreadsheet")
        self.full_text.setToolTip("Includes names, phone numbers and other personal details.")
        self.full_text.setEnabled(False)
        self.full_text_warning = QLabel(
            "⚠ Full text keeps names, phone numbers and other personal details. Only share the "
            "spreadsheet with people allowed to see them."
        )
        self.full_text_warning.setWordWrap(True)
        self.full_text_warning.hide()
        self.xlsx.toggled.connect(self.full_text.setEnabled)
        self.xlsx.toggled.connect(self._on_xlsx_toggled)
        self.full_text.toggled.connect(self.full_text_warning.setVisible)
        for box in (self.large_print, self.xlsx, self.full_text):
            form.addRow(box)  # the whole width, so the words are not cut off
        form.addRow("", self.full_text_warning)

        self.build_button = QPushButton("Build the meeting pack")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.build)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Building progress")
        self.progress.setTextVisible(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("Choose a period and press Build.")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Build status")

        self.open_button = QPushButton("Open in PDF viewer")
        self.print_button = QPushButton("Print…")
        self.save_button = QPushButton("Save as…")
        self.save_xlsx_button = QPushButton("Save spreadsheet as…")
        self.open_button.clicked.connect(self.open_externally)
        self.print_button.clicked.connect(self.print_pack)
        self.save_button.clicked.connect(self.save_as)
        self.save_xlsx_button.clicked.connect(self.save_xlsx_as)
        self._set_result_buttons()

        left = QVBoxLayout(options)
        left.addWidget(heading("Meeting pack"))
        left.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.build_button)
        row.addWidget(self.cancel_button)
        left.addLayout(row)
        left.addWidget(self.progress)
        left.addWidget(self.status)
        for button in (
            self.open_button,
            self.print_button,
            self.save_button,
            self.save_xlsx_button,
        ):
            left.addWidget(button)
        left.addStretch(1)

        self.pages_holder = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_holder)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.preview = QScrollArea()
        self.preview.setAccessibleName("Preview of the pack's pages")
        self.preview.setWidgetResizable(True)
        self.preview.setWidget(self.pages_holder)
        self._show_placeholder("The pack's pages appear here after it is built.")

        # With large text the options are taller than a laptop screen: they scroll, never squash.
        self.options_scroll = QScrollArea()
        self.options_scroll.setWidget(options)
        self.options_scroll.setWidgetResizable(True)
        self.options_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.options_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_options_width()

        outer = QHBoxLayout(self)
        outer.addWidget(self.options_scroll)
        outer.addWidget(self.preview, 1)

    def _fit_options_width(self) -> None:
        """Options panel about 48 characters wide, so it grows with the text size."""
        width = max(420, self.fontMetrics().averageCharWidth() * 48)
        bar = self.options_scroll.verticalScrollBar().sizeHint().width()
        self.options_scroll.setFixedWidth(width + bar)

    def changeEvent(self, event: QEvent) -> None:
        """Text size changed in Settings: widen the options panel to match."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and hasattr(
            self, "options_scroll"
        ):
            self._fit_options_width()

    def _on_xlsx_toggled(self, on: bool) -> None:
        if not on:
            self.full_text.setChecked(False)

    # --- choices ------------------------------------------------------------------------
    def _load_choices(self) -> None:
        choices = ReportChoices.from_settings(self.ctx.settings.get(SETTINGS_KEY))
        self._fill_practices(choices.practice_ids)
        index = self.preset.findData(choices.preset)
        self.preset.setCurrentIndex(max(index, 0))
        if choices.date_from:
            self.date_from.setDate(QDate(choices.date_from))
        if choices.date_to:
            self.date_to.setDate(QDate(choices.date_to))
        self.large_print.setChecked(choices.large_print)
        self.xlsx.setChecked(choices.xlsx)
        self._on_preset_changed()

    def _fill_practices(self, ticked: list[int]) -> None:
        self.practices.clear()
        for practice in PracticeStore(self.ctx.db).list():
            item = QListWidgetItem(practice.name)
            item.setData(Qt.ItemDataRole.UserRole, practice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if practice.id in ticked else Qt.CheckState.Unchecked
            )
            self.practices.addItem(item)

    def choices(self) -> ReportChoices:
        """The options as they stand on screen."""
        ticked = [
            int(self.practices.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.practices.count())
            if self.practices.item(i).checkState() == Qt.CheckState.Checked
        ]
        return ReportChoices(
            preset=str(self.preset.currentData()),
            date_from=_to_date(self.date_from.date()),
            date_to=_to_date(self.date_to.date()),
            practice_ids=ticked,
            large_print=self.large_print.isChecked(),
            xlsx=self.xlsx.isChecked(),
            full_text=self.xlsx.isChecked() and self.full_text.isChecked(),
        )

    def _on_preset_changed(self) -> None:
        custom = self.preset.currentData() == CUSTOM
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if not custom:
            period = preset_period(str(self.preset.currentData()), self.ctx.db)
            for edit, day in ((self.date_from, period.start), (self.date_to, period.end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)
        self._show_period()

    def _show_period(self) -> None:
        try:
            period = self.choices().period(self.ctx.db)
        except ValueError as exc:
            self.period_text.setText("")
            show_error(self.period_error, str(exc))
            return
        show_error(self.period_error, "")
        self.period_text.setText(f"{period.describe()} ({period.days} days)")

    def _on_data_changed(self, topic: str) -> None:
        if topic == "practices":
            self._fill_practices(self.choices().practice_ids)
        elif topic == "meetings":
            self._on_preset_changed()

    # --- building -----------------------------------------------------------------------
    def build(self) -> None:
        """Check the options, remember them, and build the pack in the background."""
        choices = self.choices()
        try:
            period = choices.period(self.ctx.db)
        except ValueError as exc:
            show_error(self.period_error, str(exc))
            return
        if choices.full_text and not ask_yes_no(
            self,
            "Full text spreadsheet",
            "The spreadsheet will include comments exactly as written, with any names, phone "
            "numbers and other personal details. Make it anyway?",
            yes="Include full text",
            no="Keep it redacted",
        ):
            choices.full_text = False
            self.full_text.setChecked(False)
        self.ctx.settings.set(SETTINGS_KEY, choices.remembered())
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        pdf = self._folder / f"meeting-pack-{period.start:%Y%m%d}-{period.end:%Y%m%d}-{stamp}.pdf"
        xlsx = pdf.with_suffix(".xlsx") if choices.xlsx else None
        actor = self.ctx.actor
        ratio = max(self.devicePixelRatioF(), 1.0)  # sharp previews on high-density screens
        self._ratio = ratio

        def work(db: sqlite_utils.Database, control: JobControl) -> BuiltPack:
            options = PackOptions(period, choices.practice_ids, large_print=choices.large_print)
            try:
                result = build_pack(
                    db,
                    options,
                    pdf,
                    progress=control.report,
                    should_cancel=lambda: control.cancelled,
                )
                if xlsx is not None:

                    def rows_done(done: int, total: int) -> None:
                        control.check()  # redacting a big period takes a while: allow Cancel
                        control.report(done, total, "Writing the spreadsheet")

                    export_xlsx(
                        db,
                        period,
                        xlsx,
                        choices.practice_ids,
                        full_text=choices.full_text,
                        figures=result.figures,
                        progress=rows_done,
                    )
            except PackCancelled as exc:
                raise JobCancelled() from exc
            control.check()
            AuditStore(db, actor).record(
                "report",
                "feedback",
                pdf.name,
                {
                    "from": period.start.isoformat(),
                    "to": period.end.isoformat(),
                    "practice_ids": choices.practice_ids,
                    "large_print": choices.large_print,
                    "pages": result.pages,
                    "xlsx": xlsx is not None,
                    "full_text": choices.full_text,
                },
            )
            control.report(0, 0, "Drawing the preview")
            return BuiltPack(pdf, xlsx, result.pages, render_pages(pdf, int(PREVIEW_WIDTH * ratio)))

        self._set_building(True)
        self.status.setText("Building…")
        self.job = run_job(
            with_worker_db(self.ctx, work),
            self._on_built,
            on_error=self._on_failed,
            on_cancel=self._on_cancelled,
        )
        self.job.signals.progress.connect(self._on_progress)

    def cancel(self) -> None:
        """Stop the build at the next step."""
        if self.job is not None:
            self.job.cancel()
            self.status.setText("Cancelling…")

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 0))
        if total:
            self.progress.setValue(min(done, total))
        if label:
            self.status.setText(label + "…")

    def _on_built(self, built: BuiltPack) -> None:
        self._set_building(False)
        self.built = built
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        extra = " and the spreadsheet" if built.xlsx else ""
        self.status.setText(f"The pack is ready: {built.pages} pages{extra}.")
        self._show_pages(built.images)
        self._set_result_buttons()

    def _on_failed(self, message: str) -> None:
        self._set_building(False)
        self.status.setText("The pack was not made.")
        show_problem(self, "The meeting pack was not made", message)

    def _on_cancelled(self) -> None:
        self._set_building(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText("Cancelled: no pack was made.")

    def _set_building(self, building: bool) -> None:
        self.build_button.setEnabled(not building)
        self.cancel_button.setEnabled(building)
        if not building:
            self.job = None

    def _set_result_buttons(self) -> None:
        ready = self.built is not None
        for button in (self.open_button, self.print_button, self.save_button):
            button.setEnabled(ready)
        self.save_xlsx_button.setEnabled(ready and self.built is not None and bool(self.built.xlsx))

    # --- preview ------------------------------------------------------------------------
    def _clear_pages(self) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _show_placeholder(self, text: str) -> None:
        self._clear_pages()
        label = QLabel(text)
        label.setWordWrap(True)
        self.pages_layout.addWidget(label)

    def _show_pages(self, images: list[tuple[int, int, int, bytes]]) -> None:
        self._clear_pages()
        for number, page in enumerate(images, start=1):
            label = QLabel()
            pixmap = QPixmap.fromImage(to_image(page))
            pixmap.setDevicePixelRatio(self._ratio)
            label.setPixmap(pixmap)
            label.setAccessibleName(f"Page {number} of {len(images)}")
            label.setFrameShape(QLabel.Shape.Box)
            self.pages_layout.addWidget(label)

    @property
    def preview_pages(self) -> list[QLabel]:
        """The page images shown in the preview (for tests and the screenshot script)."""
        labels = []
        for index in range(self.pages_layout.count()):
            item = self.pages_layout.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel) and not widget.pixmap().isNull():
                labels.append(widget)
        return labels

    # --- results ------------------------------------------------------------------------
    def open_externally(self) -> None:
        """Open the pack in the computer's own PDF viewer."""
        if self.built is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.built.pdf)))

    def print_pack(self) -> None:
        """Print through the system print dialog."""
        if self.built is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.built.pdf.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the meeting pack")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Paint every page (or the chosen range) onto the printer; returns pages printed."""
        if self.built is None:
            return 0
        printer.setFullPage(True)
        printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        first, last = printer.fromPage(), printer.toPage()
        numbers = range(1, self.built.pages + 1)
        if first > 0:
            numbers = range(first, min(last or self.built.pages, self.built.pages) + 1)
        dpi = min(printer.resolution(), PRINT_DPI)
        width_px = int(8.27 * dpi)  # A4 is 8.27 inches across
        painter = QPainter()
        if not painter.begin(printer):
            show_problem(
                self,
                "Printing did not start",
                "The printer could not be used. Check "
                "it is switched on and chosen in the print dialog.",
            )
            return 0
        printed = 0
        try:
            pages = render_pages(self.built.pdf, width_px)
            for number in numbers:
                if printed:
                    printer.newPage()
                target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
                image = to_image(pages[number - 1])
                size = image.size().scaled(
                    target.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio
                )
                painter.drawImage(QRectF(target.topLeft(), size.toSizeF()), image)
                printed += 1
        finally:
            painter.end()
        return printed

    def save_as(self) -> None:
        """Copy the pack wherever the chair wants it."""
        if self.built is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            "Save the meeting pack",
            str(Path.home() / self.built.pdf.name),
            "PDF files (*.pdf)",
        )
        if target:
            self._copy(self.built.pdf, Path(target), ".pdf")

    def save_xlsx_as(self) -> None:
        """Copy the spreadsheet wherever the chair wants it."""
        if self.built is None or self.built.xlsx is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            "Save the spreadsheet",
            str(Path.home() / self.built.xlsx.name),
            "Excel workbooks (*.xlsx)",
        )
        if target:
            self._copy(self.built.xlsx, Path(target), ".xlsx")

    def _copy(self, source: Path, target: Path, suffix: str) -> None:
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            show_problem(
                self,
                "Not saved",
                f"The file could not be saved to {target}: "
                f"{exc.strerror or exc}. Choose another folder.",
            )
            return
        self.status.setText(f"Saved to {target}")
