"""The Dashboard: key figures for a period against the one before, and two theme charts.

The figures come from `ppg_desktop.core.analysis` (pandas), computed in the background so the
window never freezes; every tile, bar and line opens the Feedback screen filtered to match.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.dashboard_charts import (
    chart_colours,
    chart_view,
    legend_sample,
    themes_chart,
    trend_chart,
)
from ppg_desktop.ui.operations import JobControl, run_job, with_worker_db
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.widgets import heading

TOP_THEMES_IN_BARS = 10
TREND_MONTHS = 12
DEFAULT_PERIOD = "last_12_months"
LEGEND_COLUMNS = 2
SIDE_BY_SIDE_CHARS = 120  # page width, in average characters, needed for two charts abreast
CHART_LINES = 18  # chart height in lines of text, so charts grow with the text size
TILE_ORDER = ("received", "complaints", "compliments", "negative", "fft_positive", "rising_theme")


@dataclass
class DashboardFigures:
    """Everything the dashboard shows, as plain values (made in the background)."""

    period: Any  # periods.Period
    kpis: list[Any]  # analysis.Kpi
    theme_names: list[str] = field(default_factory=list)
    theme_counts: list[int] = field(default_factory=list)
    slugs: dict[str, str] = field(default_factory=dict)  # theme name -> slug
    months: list[str] = field(default_factory=list)
    trend: dict[str, list[int]] = field(default_factory=dict)


def compute_figures(
    db: sqlite_utils.Database, preset: str, practice_ids: list[int]
) -> DashboardFigures:
    """All the dashboard's numbers for a preset period (runs off the GUI thread)."""
    from ppg_desktop.core import analysis
    from ppg_desktop.core.periods import preset_period

    period = preset_period(preset, db)
    figures = DashboardFigures(period, analysis.kpis(db, period, practice_ids or None))
    ranked = analysis.theme_counts(db, analysis.period_filter(period, practice_ids))
    figures.slugs = dict(zip(ranked["name"], ranked["slug"], strict=True))
    shown = ranked[ranked["count"] > 0].head(TOP_THEMES_IN_BARS)
    figures.theme_names = [str(name) for name in shown["name"]]
    figures.theme_counts = [int(count) for count in shown["count"]]
    end = period.end
    index = end.year * 12 + end.month - 1 - (TREND_MONTHS - 1)
    trend_filter = FeedbackFilter(
        date_from=dt.date(index // 12, index % 12 + 1, 1),
        date_to=end,
        practice_ids=list(practice_ids),
    )
    monthly = analysis.monthly_theme_counts(db, trend_filter, top_n=5)
    figures.months = [str(month) for month in monthly.index]
    figures.trend = {str(name): [int(v) for v in monthly[name]] for name in monthly.columns}
    return figures


def arrow_for(kpi: Any) -> str:
    """An arrow plus words for the change (the words carry the meaning; colour is not used)."""
    if kpi.current is None or kpi.previous is None:
        return "–"
    if kpi.current > kpi.previous:
        return "▲"
    if kpi.current < kpi.previous:
        return "▼"
    return "="


# What a percentage is out of, in words (not the statistician's "n=").
PERCENT_BASIS = {"negative": "comments with a known sentiment", "fft_positive": "answers"}


def tile_value(kpi: Any) -> tuple[str, str]:
    """A tile's big figure and, for a percentage, what it is out of: ('77%', 'of 3,688 answers')."""
    if kpi.unit != "percent":
        return kpi.value_text(), ""
    if kpi.current is None:
        return "No data", ""
    basis = f"of {kpi.current_n:,} {PERCENT_BASIS.get(kpi.key, 'items')}"
    if kpi.small_sample:
        basis += " (fewer than 10: treat with care)"
    return f"{kpi.current:.0f}%", basis


class KpiTile(QFrame):
    """One key figure: what it is, its value, and how it changed, in words. Click or Enter opens
    the matching feedback."""

    activated = Signal(str)

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        set_role(self, "tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title = QLabel()
        set_role(self.title, "kpi-label")
        self.title.setWordWrap(True)
        self.value = QLabel("…")
        set_role(self.value, "kpi-value")
        self.value.setWordWrap(True)
        self.basis = QLabel()
        self.basis.setWordWrap(True)
        set_role(self.basis, "muted")
        self.basis.hide()
        self.change = QLabel()
        self.change.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.basis)
        layout.addWidget(self.change)
        layout.addStretch(1)

    def show_kpi(self, kpi: Any) -> None:
        self.title.setText(kpi.label)
        if kpi.key == "rising_theme":
            self.value.setText(kpi.detail or "No theme rose")
            self.change.setText(
                f"{arrow_for(kpi)} {kpi.change_text}"
                if kpi.current is not None
                else "No theme has more items than in the period before."
            )
        else:
            value, basis = tile_value(kpi)
            self.value.setText(value)
            self.basis.setText(basis)
            self.basis.setVisible(bool(basis))
            self.change.setText(f"{arrow_for(kpi)} {kpi.change_text} on the period before")
        basis = f" {self.basis.text()}" if self.basis.text() else ""
        self.setAccessibleName(f"{kpi.label}: {self.value.text()}{basis}. {self.change.text()}")
        self.setToolTip("Click (or press Enter) to see these items in the Feedback list.")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit(self.key)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.key)
        else:
            super().keyPressEvent(event)


class DashboardScreen(QWidget):
    """Period and practice pickers, six tiles, the trend chart and the themes chart."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.figures: DashboardFigures | None = None
        self.loading = False
        self._generation = 0
        self._stale = False
        from ppg_desktop.core.periods import PRESETS

        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for key, label in PRESETS.items():
            self.period.addItem(label, key)
        self.period.setCurrentIndex(self.period.findData(DEFAULT_PERIOD))
        self.practice = QComboBox()
        self.practice.setAccessibleName("Practice")
        self._fill_practices()
        self.period_label = QLabel()
        self.period_label.setWordWrap(True)
        set_role(self.period_label, "muted")
        self.tiles = {key: KpiTile(key) for key in TILE_ORDER}
        for tile in self.tiles.values():
            tile.activated.connect(self.open_tile)
        self.trend_view = chart_view("Top themes, month by month")
        self.themes_view = chart_view("Themes in this period")

        top = QHBoxLayout()
        top.addWidget(heading("Dashboard", role="title"))
        top.addStretch(1)
        for caption, combo in (("&Period", self.period), ("P&ractice", self.practice)):
            caption_label = QLabel(caption)
            caption_label.setBuddy(combo)  # Alt+P / Alt+R reach the pickers from the keyboard
            top.addWidget(caption_label)
            top.addWidget(combo)
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, key in enumerate(TILE_ORDER):
            grid.addWidget(self.tiles[key], index // 3, index % 3)
        self.legend_area = QWidget()
        self.legend_area.setObjectName("chartLegend")
        self._colour_legend_area()
        # A grid, not a flow: a height-for-width layout here would make the page over-tall.
        self.legend = QGridLayout(self.legend_area)
        self.legend.setContentsMargins(40, 0, 0, 4)
        self.legend.setHorizontalSpacing(16)
        self.legend.setVerticalSpacing(2)
        trend_box = QVBoxLayout()
        trend_box.setSpacing(0)  # the legend reads as part of the chart above it
        trend_box.addWidget(self.trend_view, 1)
        trend_box.addWidget(self.legend_area)
        charts = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.charts = charts
        charts.addLayout(trend_box, 1)
        charts.addWidget(self.themes_view, 1)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(self.period_label)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)
        # With large text the page grows taller than a small screen: it scrolls, never squashes.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.period.currentIndexChanged.connect(self.reload)
        self.practice.currentIndexChanged.connect(self.reload)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    def _fill_practices(self) -> None:
        chosen = self.practice.currentData()
        self.practice.blockSignals(True)
        self.practice.clear()
        self.practice.addItem("All practices", None)
        for practice in PracticeStore(self.ctx.db).list():
            self.practice.addItem(practice.name, practice.id)
        self.practice.setCurrentIndex(max(self.practice.findData(chosen), 0))
        self.practice.blockSignals(False)

    def practice_ids(self) -> list[int]:
        chosen = self.practice.currentData()
        return [] if chosen is None else [int(chosen)]

    # --- loading ---------------------------------------------------------------------------------
    def reload(self, *_: object) -> None:
        """Recompute the figures in the background."""
        self._generation += 1
        generation = self._generation
        self.loading = True
        self._stale = False
        preset, practice_ids = str(self.period.currentData()), self.practice_ids()
        self.period_label.setText("Working out the figures…")

        def work(db: sqlite_utils.Database, control: JobControl) -> DashboardFigures:
            return compute_figures(db, preset, practice_ids)

        def done(figures: Any) -> None:
            if generation == self._generation:
                self.show_figures(figures)

        def failed(message: str) -> None:
            if generation == self._generation:
                self.loading = False
                self.period_label.setText(f"⚠ The figures could not be worked out: {message}")

        run_job(with_worker_db(self.ctx, work), done, on_error=failed, owner=self)

    def show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        period = figures.period
        previous = period.previous()
        self.period_label.setText(
            f"{period.label}: {period.describe()}, compared with the same length of time "
            f"before ({previous.describe()})."
        )
        by_key = {kpi.key: kpi for kpi in figures.kpis}
        for key, tile in self.tiles.items():
            tile.setVisible(key in by_key)
            if key in by_key:
                tile.show_kpi(by_key[key])
        chart_height = CHART_LINES * self.fontMetrics().lineSpacing()
        self.trend_view.setMinimumHeight(chart_height)
        self.themes_view.setMinimumHeight(chart_height)
        self.trend_view.show_chart(trend_chart(figures.months, figures.trend, self.open_theme))
        self._arrange_charts()
        self._fill_legend(list(figures.trend))
        self.themes_view.show_chart(
            themes_chart(figures.theme_names, figures.theme_counts, self.open_theme)
        )
        self.loading = False

    def _fill_legend(self, names: list[str]) -> None:
        """One entry per line: a sample of its dash pattern and marker, then the theme's name."""
        while self.legend.count():
            entry = self.legend.takeAt(0)
            old = entry.widget() if entry is not None else None
            if old is not None:
                old.deleteLater()
        height = self.fontMetrics().height()
        colours = chart_colours(self.palette())
        for number, name in enumerate(names):
            sample = QLabel()
            sample.setPixmap(legend_sample(number, height, colours))
            sample.setAccessibleName(f"Line style of {name}")
            label = QLabel(name)
            entry_widget = QWidget()
            row = QHBoxLayout(entry_widget)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            row.addWidget(sample)
            row.addWidget(label)
            row.addStretch(1)
            self.legend.addWidget(entry_widget, number // LEGEND_COLUMNS, number % LEGEND_COLUMNS)
        self.legend_area.updateGeometry()

    def _colour_legend_area(self) -> None:
        """The legend matches the chart it explains: its background, its ink."""
        colours = chart_colours(self.palette())
        self.legend_area.setStyleSheet(
            f"QWidget#chartLegend {{ background: {colours.background}; }} "
            f"QLabel {{ color: {colours.ink}; }}"
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # high contrast turned on or off
            self._colour_legend_area()
            if self.figures is not None:
                self._fill_legend(list(self.figures.trend))

    def _arrange_charts(self) -> None:
        """Charts side by side when there is room for their labels, else one above the other."""
        room = self.width() >= SIDE_BY_SIDE_CHARS * self.fontMetrics().averageCharWidth()
        self.charts.setDirection(
            QBoxLayout.Direction.LeftToRight if room else QBoxLayout.Direction.TopToBottom
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_charts()

    def on_shown(self) -> None:
        if self._stale:
            self.reload()

    def _on_data_changed(self, topic: str) -> None:
        if topic == "practices":
            self._fill_practices()
        # "settings": the text size may have changed, and the charts carry their own fonts.
        if topic in ("feedback", "themes", "practices", "surveys", "meetings", "settings"):
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    # --- click-through ---------------------------------------------------------------------------
    def base_filter(self) -> FeedbackFilter:
        """The feedback behind the figures: the chosen period and practice."""
        assert self.figures is not None
        period = self.figures.period
        return FeedbackFilter(
            date_from=period.start, date_to=period.end, practice_ids=self.practice_ids()
        )

    def filter_for_tile(self, key: str) -> FeedbackFilter:
        flt = self.base_filter()
        if key == "complaints":
            flt.kinds = ["complaint"]
        elif key == "compliments":
            flt.kinds = ["compliment"]
        elif key == "negative":
            flt.sentiments = ["negative"]
        elif key == "fft_positive":
            flt.channels = ["survey", "kiosk"]
        elif key == "rising_theme" and self.figures is not None:
            rising = next((k for k in self.figures.kpis if k.key == key), None)
            slug = self.figures.slugs.get(rising.detail) if rising is not None else None
            if slug:
                flt.theme_slugs = [slug]
        return flt

    def open_tile(self, key: str) -> None:
        if self.figures is not None:
            self.ctx.show_feedback(self.filter_for_tile(key))

    def open_theme(self, name: str) -> None:
        if self.figures is None:
            return
        slug = self.figures.slugs.get(name)
        if slug:
            self.ctx.show_feedback(dataclasses.replace(self.base_filter(), theme_slugs=[slug]))
