"""The import wizard: pick a spreadsheet, check the columns, preview, import.

Pages: 1) choose the file; 2) what was detected, and which column holds what (suggested, with
saved mappings offered); 3) a preview of rows as they will be stored and every invalid row;
4) the import itself, in the background with progress and Cancel. All reading, checking and
storing is done by `ppg_desktop.core.importing`; this module only shows and asks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ppg_desktop.core.errors import PPGError
from ppg_desktop.core.importing import (
    ImportOptions,
    ImportPlan,
    ImportResult,
    plan_import,
    run_import,
)
from ppg_desktop.core.importing_detect import SourceTable, read_source
from ppg_desktop.core.importing_mapping import (
    FEEDBACK_FIELDS,
    IGNORE,
    matching_saved_mapping,
    save_mapping,
    saved_mappings,
    suggest_mapping,
)
from ppg_desktop.core.importing_survey import (
    QUESTION_PREFIX,
    SurveyImportOptions,
    SurveyImportPlan,
    SurveyImportResult,
    plan_survey_import,
    run_survey_import,
    suggest_survey_mapping,
)
from ppg_desktop.core.models import CHANNEL_LABELS
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_models import Survey
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.messages import show_problem
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db

_Index = QModelIndex | QPersistentModelIndex
FEEDBACK_PREVIEW_COLUMNS = [
    "Row",
    "Date received",
    "Practice",
    "Kind",
    "How it was given",
    "Sentiment",
    "Comment",
]
FILE_FILTER = "Spreadsheets (*.csv *.xlsx *.xlsm *.txt);;All files (*)"
DATE_ORDER_CHOICES = (
    ("Work it out from the dates", None),
    ("Day first: dd/mm/yyyy (UK)", "dmy"),
    ("Month first: mm/dd/yyyy (US)", "mdy"),
)


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of dicts (the preview, or the invalid rows)."""

    def __init__(self, columns: list[str]) -> None:
        super().__init__()
        self.columns = columns
        self.rows: list[dict[str, str]] = []

    def set_rows(self, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
        """Show new rows (and, when given, new columns)."""
        self.beginResetModel()
        self.rows = rows
        if columns is not None:
            self.columns = columns
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and index.isValid():
            return self.rows[index.row()].get(self.columns[index.column()], "")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None


def make_table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    return view


class FilePage(QWizardPage):
    """Step 1: which file."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Choose the spreadsheet")
        self.setSubTitle(
            "A CSV or Excel (.xlsx) file, such as a Google Forms or Microsoft Forms "
            "export, or the PPG's own feedback log."
        )
        self.path = QLineEdit()
        self.path.setAccessibleName("Spreadsheet file")
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.target = QComboBox()
        self.target.setAccessibleName("Import as")
        self.target.addItem("Feedback (comments, complaints and compliments)", None)
        for survey in SurveyStore(wizard.ctx.db).list():
            self.target.addItem(
                f"Responses to the survey '{survey.title}' (version {survey.version})", survey.id
            )
        target_row = QHBoxLayout()
        target_row.addWidget(QLabel("Import as:"))
        target_row.addWidget(self.target, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(target_row)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def browse(self) -> None:
        """Pick a file with the system's file dialog."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Choose the spreadsheet", str(Path.home()), FILE_FILTER
        )
        if chosen:
            self.path.setText(chosen)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        """Read the file now, so a file that cannot be read is reported on this page."""
        try:
            self.owner.table = read_source(Path(self.path.text().strip()))
        except PPGError as exc:
            self.problem.setText(str(exc))
            return False
        except OSError as exc:
            self.problem.setText(f"The file cannot be opened: {exc.strerror}.")
            return False
        self.problem.clear()
        return True


class MappingPage(QWizardPage):
    """Step 2: what was detected, and which column holds what."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Check the columns")
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.saved = QComboBox()
        self.saved.setAccessibleName("Saved column mappings")
        self.saved.activated.connect(self.use_saved)
        save = QPushButton("Save this mapping…")
        save.clicked.connect(self.save)
        saved_row = QHBoxLayout()
        saved_row.addWidget(QLabel("Saved mappings:"))
        saved_row.addWidget(self.saved, 1)
        saved_row.addWidget(save)
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Worksheet")
        self.header_row = QSpinBox()
        self.header_row.setAccessibleName("Row with the column headings")
        self.header_row.setRange(1, 1000)
        reread = QPushButton("Read again")
        reread.clicked.connect(self.read_again)
        source_row = QHBoxLayout()
        self.sheet_label = QLabel("Sheet:")
        source_row.addWidget(self.sheet_label)
        source_row.addWidget(self.sheet, 1)
        source_row.addWidget(QLabel("Headings on row:"))
        source_row.addWidget(self.header_row)
        source_row.addWidget(reread)
        self.form_holder = QWidget()
        self.form = QFormLayout(self.form_holder)
        self.date_order = QComboBox()
        self.date_order.setAccessibleName("Date order")
        for label, value in DATE_ORDER_CHOICES:
            self.date_order.addItem(label, value)
        self.practice = QComboBox()
        self.practice.setAccessibleName("Practice for every row")
        self.channel = QComboBox()
        self.channel.setAccessibleName("How the feedback was given, when the file does not say")
        self.channel.addItem("Survey if the file has FFT answers, otherwise Other", None)
        for code, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, code)
        self.create_practices = QCheckBox(
            "Add practices named in the file that are not in the list yet"
        )
        options = QFormLayout()
        options.addRow("Dates:", self.date_order)
        options.addRow("If there is no practice column:", self.practice)
        options.addRow("If the file does not say how it was given:", self.channel)
        options.addRow("", self.create_practices)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addLayout(source_row)
        layout.addLayout(saved_row)
        columns_caption = QLabel(
            "Each column heading in the file, and what it holds (choose '(not imported)' to skip it):"
        )
        columns_caption.setWordWrap(True)
        layout.addWidget(columns_caption)
        layout.addWidget(self.form_holder)
        layout.addLayout(options)
        layout.addStretch(1)
        self.combos: dict[str, QComboBox] = {}

    def initializePage(self) -> None:
        """Build one chooser per column, set to the suggestion (or a matching saved mapping)."""
        table = self.owner.table
        assert table is not None
        self.detected.setText(f"Found {table.describe()}.")
        self.sheet.clear()
        self.sheet.addItems(table.sheets)
        self.sheet.setCurrentText(table.sheet)
        self.sheet.setEnabled(len(table.sheets) > 1)
        # A CSV file has no sheets: an empty 'Sheet' box only raised questions.
        self.sheet_label.setVisible(bool(table.sheets))
        self.sheet.setVisible(bool(table.sheets))
        self.header_row.setValue(table.header_row)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = {}
        survey = self.owner.survey()
        if survey is None:
            choices = list(FEEDBACK_FIELDS.items())
        else:
            choices = [
                (IGNORE, FEEDBACK_FIELDS[IGNORE]),
                ("received_on", "Date collected"),
                ("practice", "Practice"),
            ]
            choices += [(f"{QUESTION_PREFIX}{q.id}", q.label[:80]) for q in survey.questions]
        for heading in table.headers:
            combo = QComboBox()
            combo.setAccessibleName(f"Column {heading}")
            for code, label in choices:
                combo.addItem(label, code)
            self.form.addRow(f"{heading}:", combo)
            self.combos[heading] = combo
        self.saved.clear()
        self.saved.addItem("(choose a saved mapping)", None)
        self.saved.setEnabled(survey is None)
        self.channel.setEnabled(survey is None)
        self.create_practices.setEnabled(survey is None)
        if survey is not None:
            self.apply(suggest_survey_mapping(table.headers, survey))
        else:
            for name in saved_mappings(self.owner.ctx.db):
                self.saved.addItem(name, name)
            match = matching_saved_mapping(self.owner.ctx.db, table.headers)
            self.apply(match[1] if match else suggest_mapping(table.headers))
            if match:
                self.saved.setCurrentIndex(self.saved.findData(match[0]))
        self.practice.clear()
        self.practice.addItem("(the file says)", None)
        for practice in PracticeStore(self.owner.ctx.db).list(active_only=True):
            self.practice.addItem(practice.name, practice.name)

    def read_again(self) -> None:
        """Re-read the file with the sheet and heading row the user chose."""
        table = self.owner.table
        assert table is not None
        try:
            self.owner.table = read_source(
                table.path,
                sheet=self.sheet.currentText() or None,
                header_row=self.header_row.value(),
            )
        except PPGError as exc:
            show_problem(self, "The file cannot be read that way", str(exc))
            return
        self.initializePage()

    def apply(self, mapping: dict[str, str]) -> None:
        """Set every chooser from a mapping (columns it does not mention are not imported)."""
        for heading, combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(heading, "ignore"))))

    def mapping(self) -> dict[str, str]:
        return {heading: str(combo.currentData()) for heading, combo in self.combos.items()}

    def use_saved(self) -> None:
        name = self.saved.currentData()
        if name:
            self.apply(saved_mappings(self.owner.ctx.db).get(name, {}))

    def save(self) -> None:
        """Save the current choices under a name, to reuse with the next export of this form."""
        name, ok = QInputDialog.getText(
            self, "Save mapping", "Name for this mapping (e.g. 'Google form 2026'):"
        )
        if ok and name.strip():
            try:
                save_mapping(self.owner.ctx.db, name, self.mapping(), self.owner.ctx.actor)
            except PPGError as exc:
                show_problem(self, "Mapping not saved", str(exc))
                return
            self.saved.addItem(name.strip(), name.strip())
            self.saved.setCurrentIndex(self.saved.count() - 1)

    def options(self) -> ImportOptions | SurveyImportOptions:
        """The user's choices on this page (for feedback, or for the chosen survey)."""
        if self.owner.survey() is not None:
            return SurveyImportOptions(
                mapping=self.mapping(),
                date_order=self.date_order.currentData(),
                practice=self.practice.currentData(),
                actor=self.owner.ctx.actor,
            )
        return ImportOptions(
            mapping=self.mapping(),
            date_order=self.date_order.currentData(),
            create_practices=self.create_practices.isChecked(),
            practice=self.practice.currentData(),
            default_channel=self.channel.currentData(),
            actor=self.owner.ctx.actor,
        )


class PreviewPage(QWizardPage):
    """Step 3: rows as they will be stored, and every invalid row (checked in the background)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Preview")
        self.summary = QLabel("Checking the rows…")
        self.summary.setWordWrap(True)
        self.preview = RowsModel(FEEDBACK_PREVIEW_COLUMNS)
        self.invalid = RowsModel(["Row", "Column", "Problem"])
        self.preview_view = make_table(self.preview, "Rows as they will be stored")
        self.invalid_view = make_table(self.invalid, "Rows that cannot be imported")
        self.skip_invalid = QCheckBox(
            "Import the valid rows and save the invalid ones to a CSV file to correct"
        )
        self.skip_invalid.toggled.connect(self.completeChanged)
        # Next is greyed out until this is ticked; say so, or it looks like Next does nothing.
        self.skip_hint = QLabel(
            "To go on, tick the box above, or press Back and correct the file first."
        )
        self.skip_hint.setWordWrap(True)
        self.skip_hint.setAccessibleName("Why Next is not available")
        self.skip_hint.hide()
        self.skip_invalid.toggled.connect(lambda on: self.skip_hint.setHidden(on))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview_view, 2)
        layout.addWidget(QLabel("Rows that cannot be imported:"))
        layout.addWidget(self.invalid_view, 1)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.skip_hint)
        self.job: Job | None = None

    def initializePage(self) -> None:
        """Check every row in the background (50,000 rows take a few seconds)."""
        self.owner.plan = None
        self.summary.setText("Checking the rows…")
        self.preview.set_rows([])
        self.invalid.set_rows([])
        table = self.owner.table
        assert table is not None
        options = self.owner.mapping_page.options()

        survey = self.owner.survey()

        def work(db: Any, control: JobControl) -> ImportPlan | SurveyImportPlan:
            if isinstance(options, SurveyImportOptions) and survey is not None:
                return plan_survey_import(db, table, survey.id, options)
            assert isinstance(options, ImportOptions)
            return plan_import(
                db,
                table,
                options,
                lambda stage, done, total: control.report(done, total, stage),
                lambda: control.cancelled,
            )

        self.job = run_job(
            with_worker_db(self.owner.ctx, work),
            self.show_plan,
            on_error=self.show_error,
            progress_parent=self,
            title="Checking the rows",
        )

    def show_plan(self, plan: ImportPlan | SurveyImportPlan) -> None:
        self.owner.plan = plan
        self.summary.setText(plan.summary())
        if isinstance(plan, SurveyImportPlan):
            self.preview.set_rows(plan.preview, plan.preview_columns)
        else:
            self.preview.set_rows(plan.preview, FEEDBACK_PREVIEW_COLUMNS)
        self.invalid.set_rows(
            [
                {"Row": str(r.row_number), "Column": r.column, "Problem": r.reason}
                for r in plan.invalid
            ]
        )
        self.skip_invalid.setEnabled(bool(plan.invalid))
        self.skip_hint.setVisible(bool(plan.invalid) and not self.skip_invalid.isChecked())
        for view in (self.preview_view, self.invalid_view):
            if view.model().rowCount() <= 500:  # measuring thousands of rows would stall
                view.resizeColumnsToContents()
                view.resizeRowsToContents()
        self.completeChanged.emit()

    def show_error(self, message: str) -> None:
        hint = (
            " Go Back and choose the date order."
            if "day/month or month/day" in message
            else " Go Back to change the columns."
        )
        self.summary.setText(message + hint)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        plan = self.owner.plan
        return (
            plan is not None
            and bool(plan.ready)
            and (not plan.invalid or self.skip_invalid.isChecked())
        )


class ResultPage(QWizardPage):
    """Step 4: store the rows (one transaction) and say what happened."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Import")
        self.message = QLabel("Importing…")
        self.message.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.message)
        self.result: ImportResult | SurveyImportResult | None = None
        self.job: Job | None = None

    def initializePage(self) -> None:
        plan = self.owner.plan
        assert plan is not None
        plan.options.skip_invalid = self.owner.preview_page.skip_invalid.isChecked()
        self.result = None

        def work(db: Any, control: JobControl) -> ImportResult | SurveyImportResult:
            report = lambda stage, done, total: control.report(done, total, stage)  # noqa: E731
            if isinstance(plan, SurveyImportPlan):
                return run_survey_import(db, plan, report, lambda: control.cancelled)
            return run_import(db, plan, report, lambda: control.cancelled)

        self.job = run_job(
            with_worker_db(self.owner.ctx, work),
            self.done,
            on_error=self.failed,
            on_cancel=self.cancelled,
            progress_parent=self,
            title="Importing",
        )

    def done(self, result: ImportResult | SurveyImportResult) -> None:
        self.result = result
        self.message.setText(result.summary())
        self.owner.ctx.notify("feedback")
        if isinstance(result, SurveyImportResult):
            self.owner.ctx.notify("surveys")
        elif result.practices_created:
            self.owner.ctx.notify("practices")
        self.completeChanged.emit()

    def failed(self, message: str) -> None:
        self.message.setText(f"Nothing was imported. {message}")
        self.completeChanged.emit()

    def cancelled(self) -> None:
        self.message.setText("The import was cancelled; nothing was imported.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.job is not None and self.job.finished


class ImportWizard(QWizard):
    """The four steps of an import, sharing the file read and the plan made."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import from a spreadsheet")
        self.table: SourceTable | None = None
        self.plan: ImportPlan | SurveyImportPlan | None = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        # Once stored, there is nothing to go Back to or Cancel: only Close is offered.
        self.preview_page.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(900, 640)

    def survey(self) -> Survey | None:
        """The survey chosen on the first page (None: importing feedback)."""
        survey_id = self.file_page.target.currentData()
        return SurveyStore(self.ctx.db).get(int(survey_id)) if survey_id is not None else None


def open_import_wizard(
    ctx: AppContext, parent: QWidget | None = None, path: Path | None = None
) -> ImportWizard:
    """Show the wizard (non-modal); `path` fills in the file, e.g. after a drag and drop."""
    wizard = ImportWizard(ctx, parent)
    if path is not None:
        wizard.file_page.path.setText(str(path))
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.show()
    return wizard


__all__ = ["ImportWizard", "open_import_wizard"]
