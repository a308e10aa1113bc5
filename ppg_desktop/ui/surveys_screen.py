"""The Surveys screen: the list of surveys and the way into designing, kiosk, paper entry and
results. The designer, paper entry and results open in place, with a button back to the list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_models import Survey
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.survey_templates import TEMPLATES
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.kiosk import KioskWindow, chair_pin_is_set
from ppg_desktop.ui.messages import show_problem
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import error_label, heading, show_error

_Index = QModelIndex | QPersistentModelIndex
HEADINGS = ("Survey", "Version", "Responses", "Started from", "Created")


class SurveysTableModel(QAbstractTableModel):
    """The latest version of each survey, one row each."""

    def __init__(self) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.surveys: list[Survey] = []

    def set_surveys(self, surveys: list[Survey]) -> None:
        """Show a fresh list."""
        self.beginResetModel()
        self.surveys = surveys
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        """One row per survey."""
        return 0 if parent.isValid() else len(self.surveys)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        """Title, version, responses, template, created."""
        return 0 if parent.isValid() else len(HEADINGS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column headings."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADINGS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The cell as text."""
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        survey = self.surveys[index.row()]
        template = TEMPLATES[survey.template].title if survey.template in TEMPLATES else "Blank"
        return (
            survey.title,
            str(survey.version),
            f"{survey.response_count:,}",
            template,
            uk_date(survey.created_at[:10]),
        )[index.column()]


class SurveysScreen(QWidget):
    """Surveys: make one from a template, edit it, run the kiosk, key paper forms, see results."""

    def __init__(self, ctx: AppContext) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.ctx = ctx
        self.store = SurveyStore(ctx.db, ctx.actor)
        self.kiosk: KioskWindow | None = None
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.stack.addWidget(self._list_page())
        self.detail_page = QWidget()
        self.detail_layout = QVBoxLayout(self.detail_page)
        self.stack.addWidget(self.detail_page)
        ctx.data_changed.connect(lambda topic: self.refresh() if topic == "surveys" else None)
        self.refresh()

    def _list_page(self) -> QWidget:
        """The list of surveys with the new-survey row and the action buttons."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("Surveys", "title"))
        new_row = QHBoxLayout()
        self.template_combo = QComboBox()
        self.template_combo.setAccessibleName("Start from")
        for key, template in TEMPLATES.items():
            self.template_combo.addItem(template.title, key)
        self.template_combo.addItem("Blank survey", None)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title of the new survey")
        self.title_edit.setPlaceholderText("Title (leave empty to use the template's)")
        self.new_button = QPushButton("New survey")
        self.new_button.clicked.connect(self.create_survey)
        new_row.addWidget(QLabel("Start from"))
        new_row.addWidget(self.template_combo)
        new_row.addWidget(self.title_edit, 1)
        new_row.addWidget(self.new_button)
        layout.addLayout(new_row)
        self.error = error_label("Surveys")
        layout.addWidget(self.error)
        self.model = SurveysTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Surveys")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._double_clicked)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit questions")
        self.edit_button.clicked.connect(self.open_designer)
        self.kiosk_button = QPushButton("Start kiosk")
        self.kiosk_button.clicked.connect(self.start_kiosk)
        self.paper_button = QPushButton("Enter paper forms")
        self.paper_button.clicked.connect(self.open_paper_entry)
        self.results_button = QPushButton("Results")
        self.results_button.clicked.connect(self.open_results)
        for button in (self.edit_button, self.kiosk_button, self.paper_button, self.results_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        hint = QLabel("The kiosk fills the screen for patients; only a chair's PIN leaves it.")
        set_role(hint, "muted")
        layout.addWidget(hint)
        return page

    # --- list ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list, keeping the selection."""
        chosen = self.selected()
        self.model.set_surveys(self.store.list())
        row = next(
            (
                n
                for n, s in enumerate(self.model.surveys)
                if chosen is not None and s.title == chosen.title
            ),
            0,
        )
        if self.model.surveys:
            self.table.selectRow(row)
        # Volunteers key forms and run the kiosk; designing and results are for the chair.
        allowed = {
            self.edit_button: self.ctx.can("chair"),
            self.kiosk_button: self.ctx.can("enter_survey"),
            self.paper_button: self.ctx.can("enter_survey"),
            self.results_button: self.ctx.can("view_all_feedback"),
        }
        for button, may in allowed.items():
            button.setEnabled(bool(self.model.surveys) and may)
        self.new_button.setEnabled(self.ctx.can("chair"))

    def _double_clicked(self) -> None:
        """Double-click opens what this person may do first: design, else paper entry."""
        if self.edit_button.isEnabled():
            self.open_designer()
        elif self.paper_button.isEnabled():
            self.open_paper_entry()

    def selected(self) -> Survey | None:
        """The survey chosen in the list."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.surveys[rows[0].row()]

    def create_survey(self) -> None:
        """Make a survey from the chosen template (or blank) and open it in the designer."""
        key = self.template_combo.currentData()
        title = self.title_edit.text().strip()
        try:
            if key is None:
                survey = self.store.create(title)
            else:
                survey = self.store.create_from_template(key, title or None)
        except ValidationError as exc:
            show_error(self.error, f"{exc.field}: {exc.message}")
            return
        show_error(self.error, "")
        self.title_edit.clear()
        self.ctx.notify("surveys")
        self.table.selectRow(next(n for n, s in enumerate(self.model.surveys) if s.id == survey.id))
        self.open_designer()

    # --- sub-pages ----------------------------------------------------------------------------
    def _open(self, widget: QWidget, title: str) -> QWidget:
        """Show a sub-page (designer, paper entry, results) with a way back."""
        while self.detail_layout.count():
            item = self.detail_layout.takeAt(0)
            old = item.widget() if item else None
            if old is not None:
                old.deleteLater()
        back = QPushButton("← Back to surveys")
        back.setAccessibleName(f"Back to surveys from {title}")
        back.clicked.connect(self.show_list)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        self.detail_layout.addWidget(holder)
        self.detail_layout.addWidget(widget, 1)
        self.stack.setCurrentWidget(self.detail_page)
        self.current_detail = widget
        return widget

    def show_list(self) -> None:
        """Back to the list of surveys."""
        self.refresh()
        self.stack.setCurrentIndex(0)

    def open_designer(self) -> None:
        """Edit the selected survey's questions."""
        from ppg_desktop.ui.survey_designer import SurveyDesigner

        survey = self.selected()
        if survey is not None:
            self._open(SurveyDesigner(self.ctx, survey.id), "designer")

    def open_paper_entry(self) -> None:
        """Key paper forms for the selected survey."""
        from ppg_desktop.ui.paper_entry import PaperEntryScreen

        survey = self.selected()
        if survey is None:
            return
        if not PracticeStore(self.ctx.db).list():
            show_error(self.error, "Practice: add a practice in Settings before entering forms.")
            return
        self._open(PaperEntryScreen(self.ctx, survey.id), "paper entry")

    def open_results(self) -> None:
        """See the selected survey's results."""
        from ppg_desktop.ui.survey_results_screen import SurveyResultsScreen

        survey = self.selected()
        if survey is not None:
            self._open(SurveyResultsScreen(self.ctx, survey.id), "results")

    def start_kiosk(self) -> None:
        """Hand the computer to patients: the kiosk covers the screen until a chair's PIN."""
        survey = self.selected()
        if survey is None:
            return
        if not chair_pin_is_set(self.ctx.db):
            show_problem(
                self,
                "Kiosk needs a chair's PIN",
                "Nobody could leave the kiosk without a chair's PIN. Set a PIN for a "
                "chair in Settings, then start the kiosk.",
            )
            return
        practices = PracticeStore(self.ctx.db).list()
        if not practices:
            show_problem(self, "No practice", "Add a practice in Settings first.")
            return
        practice = practices[0]
        if len(practices) > 1:
            names = [p.name for p in practices]
            name, ok = QInputDialog.getItem(
                self, "Kiosk", "Which practice is the kiosk at?", names, 0, False
            )
            if not ok:
                return
            practice = practices[names.index(name)]
        main_window = self.window()
        self.kiosk = KioskWindow(self.ctx.db, survey.id, practice.id)
        self.kiosk.response_saved.connect(lambda _id: self.ctx.notify("surveys"))
        self.kiosk.exited.connect(lambda: self._kiosk_closed(main_window))
        main_window.hide()
        self.kiosk.start()

    def _kiosk_closed(self, main_window: QWidget) -> None:
        """Bring the main window back and recount after the kiosk."""
        main_window.show()
        self.kiosk = None
        self.ctx.notify("surveys")
        self.ctx.notify("feedback")
