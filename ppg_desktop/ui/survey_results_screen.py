"""Survey results: the Friends and Family Test and phone access as the NHS reports them, and
each question of one survey as counts, percentages and bars. Figures come from
core.survey_results, so the meeting pack shows the same numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.clock import today
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_results import (
    QuestionResult,
    RateSummary,
    fft_summary,
    format_percent,
    phone_ease_summary,
    question_results,
)
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.dashboard_charts import LIGHT_CHART, chart_colours
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import heading

_Index = QModelIndex | QPersistentModelIndex
PERIODS = (("All dates", None), ("Last 3 months", 3), ("Last 12 months", 12))
BAR_COLOUR = QColor("#005eb8")  # NHS blue; too dim on black (3:1), see bar_colour


def bar_colour(palette: QPalette) -> QColor:
    """NHS blue on the light theme; in high contrast, the colour the dashboard's bars take."""
    colours = chart_colours(palette)
    return BAR_COLOUR if colours is LIGHT_CHART else QColor(colours.bar)


def _month_label(month: str) -> str:
    """'2026-01' as 'Jan 2026'."""
    return dt.date.fromisoformat(month + "-01").strftime("%b %Y")


class FrameModel(QAbstractTableModel):
    """A read-only table over a pandas DataFrame, with headings and one formatter per column."""

    def __init__(self, columns: list[tuple[str, str, Callable[[Any], str]]]) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.columns = columns  # (frame column, heading, how to show a cell)
        self.frame = pd.DataFrame()

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show new figures."""
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        """One row per frame row."""
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        """The chosen columns."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column headings in words."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A formatted cell; numbers aligned right."""
        if not index.isValid():
            return None
        column, _, show = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return show(self.frame.iloc[index.row()][column])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _rate_columns(
    first: tuple[str, str, Callable[[Any], str]], good: str, bad: str
) -> list[tuple[str, str, Callable[[Any], str]]]:
    """Table columns for a rate summary: the group, answers, the two percentages, note."""

    def pct(value: Any) -> str:
        """A percentage cell ('–' when nobody answered)."""
        return "–" if value is None or pd.isna(value) else f"{float(value):.0f}%"

    return [
        first,
        ("answered", "Answers", lambda v: f"{int(v):,}"),
        ("percent_positive", good, pct),
        ("percent_negative", bad, pct),
        ("small_count", "Note", lambda v: "fewer than 10 answers" if v else ""),
    ]


def _table(model: FrameModel) -> QTableView:
    """A read-only table view over a model, sized to its contents."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The figures keep their width and the name column gives way (with '…'), so a half-width
    # table never scrolls sideways and hides '% negative' and the note.
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return view


def _fit_height(view: QTableView, rows: int) -> None:
    """Tall enough for every row (up to 12) so the page, not the table, scrolls."""
    row_height = view.verticalHeader().defaultSectionSize()
    shown = max(1, min(rows, 12))
    view.setFixedHeight(view.horizontalHeader().sizeHint().height() + row_height * shown + 4)


class AnswerBars(QWidget):
    """Horizontal bars: one row per answer with its count and percentage."""

    ROW = 26

    def __init__(self, result: QuestionResult) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.rows: list[tuple[str, int, float | None]] = [
            (str(answer), int(count), None if share is None or pd.isna(share) else float(share))
            for answer, count, share in zip(
                result.table["answer"], result.table["count"], result.table["percent"], strict=True
            )
        ]
        self.setMinimumHeight(self.ROW * len(self.rows) + 4)
        self.setAccessibleName("; ".join(f"{a}: {n}" for a, n, _ in self.rows))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Label on the left, bar in the middle, 'count (percent)' on the right."""
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        label_width = min(
            max((metrics.horizontalAdvance(a) for a, _, _ in self.rows), default=0) + 12,
            self.width() // 3,
        )
        figure_width = metrics.horizontalAdvance("9,999 (100%)") + 12
        bar_space = max(self.width() - label_width - figure_width, 10)
        colour = bar_colour(self.palette())
        for row, (answer, count, share) in enumerate(self.rows):
            top = row * self.ROW
            text_rect = QRect(0, top, label_width - 8, self.ROW)
            painter.setPen(self.palette().text().color())
            painter.drawText(
                text_rect,
                int(Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(answer, Qt.TextElideMode.ElideRight, label_width - 8),
            )
            width = int(bar_space * (share or 0) / 100)
            painter.fillRect(QRect(label_width, top + 5, width, self.ROW - 10), colour)
            figure = f"{count:,}" + ("" if share is None else f" ({share:.0f}%)")
            painter.drawText(
                QRect(label_width + width + 6, top, figure_width, self.ROW),
                int(Qt.AlignmentFlag.AlignVCenter),
                figure,
            )
        painter.end()


class SurveyResultsScreen(QWidget):
    """Results for the chosen survey and period, with the FFT and phone figures on top."""

    def __init__(self, ctx: AppContext, survey_id: int | None = None) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Survey results", "title"))
        filters = QHBoxLayout()
        self.survey_combo = QComboBox()
        self.survey_combo.setAccessibleName("Survey")
        self.practice_combo = QComboBox()
        self.practice_combo.setAccessibleName("Practice")
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName("Period")
        for label, months in PERIODS:
            self.period_combo.addItem(label, months)
        for label, combo in (
            ("Survey", self.survey_combo),
            ("Practice", self.practice_combo),
            ("Period", self.period_combo),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo, 2 if combo is self.survey_combo else 1)
        layout.addLayout(filters)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout.addWidget(scroll, 1)
        self.fft_month = FrameModel(
            _rate_columns(("month", "Month", _month_label), "% positive", "% negative")
        )
        self.fft_practice = FrameModel(
            _rate_columns(("practice", "Practice", str), "% positive", "% negative")
        )
        self._fill_filters(survey_id)
        for combo in (self.survey_combo, self.practice_combo, self.period_combo):
            combo.currentIndexChanged.connect(self.refresh)
        ctx.data_changed.connect(self._on_data_changed)
        self.refresh()

    def _fill_filters(self, survey_id: int | None) -> None:
        """Fill the survey and practice choices (keeping a chosen survey)."""
        self.survey_combo.clear()
        for survey in SurveyStore(self.ctx.db).list(include_old_versions=True):
            self.survey_combo.addItem(
                f"{survey.title} (version {survey.version}, {survey.response_count:,} responses)",
                survey.id,
            )
        if survey_id is not None:
            self.survey_combo.setCurrentIndex(max(self.survey_combo.findData(survey_id), 0))
        self.practice_combo.clear()
        self.practice_combo.addItem("All practices", None)
        for practice in PracticeStore(self.ctx.db).list():
            self.practice_combo.addItem(practice.name, practice.id)

    def _on_data_changed(self, topic: str) -> None:
        """Recount when surveys or practices change elsewhere."""
        if topic in ("surveys", "practices"):
            chosen = self.survey_combo.currentData()
            for combo in (self.survey_combo, self.practice_combo):
                combo.blockSignals(True)
            self._fill_filters(chosen)
            for combo in (self.survey_combo, self.practice_combo):
                combo.blockSignals(False)
            self.refresh()

    def select_survey(self, survey_id: int) -> None:
        """Show this survey's results."""
        self.survey_combo.setCurrentIndex(max(self.survey_combo.findData(survey_id), 0))

    def _period(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last dates of the chosen period (None = open)."""
        months = self.period_combo.currentData()
        if months is None:
            return None, None
        end = today()
        return end - dt.timedelta(days=round(months * 30.44)), end

    def refresh(self) -> None:
        """Work out the figures again for the chosen survey, practice and period."""
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        date_from, date_to = self._period()
        practice = self.practice_combo.currentData()
        practices = [practice] if practice is not None else None
        self.fft = fft_summary(self.ctx.db, date_from, date_to, practices)
        self.phone = phone_ease_summary(self.ctx.db, date_from, date_to, practices)
        self.body_layout.addWidget(self._fft_box(self.fft))
        if self.phone.answered or self.phone.excluded:
            self.body_layout.addWidget(self._phone_box(self.phone))
        survey_id = self.survey_combo.currentData()
        self.results: list[QuestionResult] = []
        if survey_id is not None:
            self.results = question_results(self.ctx.db, survey_id, date_from, date_to, practices)
            self.body_layout.addWidget(heading("Question by question"))
            for result in self.results:
                self.body_layout.addWidget(self._question_box(result))
        else:
            self.body_layout.addWidget(QLabel("There are no surveys yet."))
        self.body_layout.addStretch(1)

    def _box(self, title: str) -> tuple[QFrame, QVBoxLayout]:
        """A framed section with a heading."""
        frame = QFrame()
        set_role(frame, "tile")
        layout = QVBoxLayout(frame)
        layout.addWidget(heading(title))
        return frame, layout

    def _figures(
        self,
        layout: QVBoxLayout,
        summary: RateSummary,
        figures: list[tuple[str, float | None]],
        note: str,
    ) -> None:
        """Big percentages with their captions, the count, the rule and any warning."""
        grid = QGridLayout()
        for column, (label, value) in enumerate(figures):
            number = QLabel(
                format_percent(value, summary.answered)
                if value is not None or summary.answered
                else "–"
            )
            set_role(number, "kpi-value")
            number.setAccessibleName(f"{label}: {number.text()}")
            caption = QLabel(label)
            set_role(caption, "kpi-label")
            grid.addWidget(number, 0, column)
            grid.addWidget(caption, 1, column)
        answered = QLabel(f"{summary.answered:,}")
        set_role(answered, "kpi-value")
        grid.addWidget(answered, 0, len(figures))
        grid.addWidget(QLabel("answers counted"), 1, len(figures))
        layout.addLayout(grid)
        explain = QLabel(note)
        explain.setWordWrap(True)
        set_role(explain, "muted")
        layout.addWidget(explain)
        if summary.warning:
            warning = QLabel("⚠ " + summary.warning)
            warning.setWordWrap(True)
            set_role(warning, "error")
            layout.addWidget(warning)

    def _fft_box(self, summary: RateSummary) -> QFrame:
        """The Friends and Family Test section."""
        frame, layout = self._box("Friends and Family Test")
        self._figures(
            layout,
            summary,
            [("positive", summary.percent_positive), ("negative", summary.percent_negative)],
            '% positive = (Very good + Good) ÷ all answers, including "Don\'t know"; '
            "% negative = (Poor + Very poor) ÷ all answers, as NHS England publishes "
            "it. Every FFT question in every survey counts.",
        )
        tables = QHBoxLayout()
        self.fft_month.set_frame(summary.by_month)
        self.fft_practice.set_frame(summary.by_practice)
        rows = max(self.fft_month.rowCount(), self.fft_practice.rowCount())
        for caption, model in (("By month", self.fft_month), ("By practice", self.fft_practice)):
            column = QVBoxLayout()
            column.addWidget(QLabel(caption))
            view = _table(model)
            _fit_height(view, rows)
            column.addWidget(view)
            column.addStretch(1)
            tables.addLayout(column)
        layout.addLayout(tables)
        return frame

    def _phone_box(self, summary: RateSummary) -> QFrame:
        """The 'contacting the practice by phone' section."""
        frame, layout = self._box("Contacting the practice by phone")
        self._figures(
            layout,
            summary,
            [
                ("find it easy", summary.percent_positive),
                ("find it difficult", summary.percent_negative),
            ],
            f"% easy = (Very easy + Fairly easy) ÷ answers, leaving out the "
            f"{summary.excluded:,} who haven't tried, as the GP Patient Survey does.",
        )
        self.phone_month = FrameModel(
            _rate_columns(("month", "Month", _month_label), "% easy", "% difficult")
        )
        self.phone_month.set_frame(summary.by_month)
        view = _table(self.phone_month)
        _fit_height(view, self.phone_month.rowCount())
        layout.addWidget(view)
        return frame

    def _question_box(self, result: QuestionResult) -> QFrame:
        """One question's bars, summary and any small-count warning."""
        frame, layout = self._box(result.question.label)
        summary = QLabel(result.summary)
        set_role(summary, "muted")
        layout.addWidget(summary)
        if not result.table.empty:
            layout.addWidget(AnswerBars(result))
        if result.warning:
            warning = QLabel("⚠ " + result.warning)
            warning.setWordWrap(True)
            set_role(warning, "error")
            layout.addWidget(warning)
        return frame
