"""The dashboard's two charts (QtCharts): themes month by month, and themes ranked.

Lines differ by dash pattern and marker shape as well as colour, and bars carry their numbers,
so nothing is told by colour alone. Clicking a bar or a line asks for the filtered list.
Charts take their colours from the palette: dark ink on white, or light on black in high contrast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QPoint, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

SERIES_DASHES = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
    Qt.PenStyle.DashDotDotLine,
)
BAR_COLOUR = "#1d4f91"
# Chart words in near-black, not QtCharts' mid grey: readable for tired eyes.
INK = "#1b1f24"


@dataclass(frozen=True)
class ChartColours:
    """Every colour a chart uses, for one background."""

    background: str
    ink: str  # title, axis labels and titles, the numbers on the bars
    grid: str
    axis_line: str
    bar: str
    bar_border: str
    series: tuple[str, ...]  # one per line, each also with its own dash pattern


# Colour-blind-safe (Okabe-Ito) colours; QtCharts' own light greys for the grid.
LIGHT_CHART = ChartColours(
    background="#ffffff",
    ink=INK,
    grid="#e2e2e2",
    axis_line="#d6d6d6",
    bar=BAR_COLOUR,
    bar_border="#ffffff",
    series=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"),
)
# High contrast: the app's black, white and yellow; the Okabe-Ito colours that stand out on
# black (each at least 5:1 against it), with white in place of black.
DARK_CHART = ChartColours(
    background="#000000",
    ink="#ffffff",
    grid="#707070",
    axis_line="#ffffff",
    bar="#ffff00",
    bar_border="#000000",
    series=("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#FFFFFF"),
)


def chart_colours(palette: QPalette) -> ChartColours:
    """The chart colours that suit a palette: light ones unless its background is dark."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return DARK_CHART if dark else LIGHT_CHART


def small_font() -> QFont:
    """Axis and label text: a little smaller than the body text, still scaled with it."""
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * 0.9)
    return font


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(QApplication.font())
    chart.setTitleFont(QFont(font.family(), int(font.pointSizeF() * 1.1), QFont.Weight.DemiBold))
    chart.legend().setFont(small_font())
    chart.setMargins(QMargins(4, 4, 4, 4))
    # The background fills the view, level with the legend under it (no pale strip around it).
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.setBackgroundRoundness(0)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def colour_chart(chart: QChart, colours: ChartColours) -> None:
    """Paint a chart, its axes and its series in one set of colours (again when they change)."""
    chart.setBackgroundBrush(QColor(colours.background))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setTitleBrush(QColor(colours.ink))
    chart.legend().setLabelColor(QColor(colours.ink))
    for axis in chart.axes():
        axis.setLabelsColor(QColor(colours.ink))
        axis.setTitleBrush(QColor(colours.ink))
        axis.setGridLineColor(QColor(colours.grid))
        axis.setLinePenColor(QColor(colours.axis_line))
    lines = [series for series in chart.series() if isinstance(series, QLineSeries)]
    for number, line in enumerate(lines):
        line.setPen(series_pen(number, colours))
    for series in chart.series():
        if isinstance(series, QAbstractBarSeries):
            for bars in series.barSets():
                bars.setColor(QColor(colours.bar))
                bars.setBorderColor(QColor(colours.bar_border))
                bars.setLabelColor(QColor(colours.ink))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: str) -> str:
    """'2026-03' -> 'Mar 2026'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def short_month(month: str) -> str:
    """'2026-03' -> 'Mar' (twelve of these fit under a chart even with large text)."""
    return MONTHS[int(month.split("-")[1]) - 1]


def series_pen(number: int, colours: ChartColours = LIGHT_CHART) -> QPen:
    """The pen of line `number`: its own colour and its own dash pattern."""
    pen = QPen(QColor(colours.series[number % len(colours.series)]))
    pen.setWidthF(2.5)
    pen.setStyle(SERIES_DASHES[number % len(SERIES_DASHES)])
    return pen


def legend_sample(number: int, height: int, colours: ChartColours = LIGHT_CHART) -> QPixmap:
    """A short stretch of line `number` with its marker, for the legend beside its name."""
    width = height * 3
    pixmap = QPixmap(width, height)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = series_pen(number, colours)
    painter.setPen(pen)
    painter.drawLine(2, height // 2, width - 2, height // 2)
    radius = (5 + 2 * (number % 3)) // 2
    painter.setBrush(pen.color())
    painter.drawEllipse(QPoint(width // 2, height // 2), radius, radius)
    painter.end()
    return pixmap


def trend_chart(
    months: Sequence[str], series: dict[str, list[int]], on_click: Callable[[str], None]
) -> QChart:
    """One line per theme over the months; clicking a line picks its theme."""
    chart = _chart("Top themes by month")
    font = small_font()
    axis_x = QBarCategoryAxis()
    axis_x.append([short_month(m) for m in months])
    axis_x.setLabelsFont(font)
    axis_x.setLabelsAngle(0)
    if months:
        axis_x.setTitleText(f"{month_label(months[0])} to {month_label(months[-1])}")
        axis_x.setTitleFont(font)
    axis_y = QValueAxis()
    axis_y.setLabelFormat("%d")
    axis_y.setLabelsFont(font)
    axis_y.setTitleText("Items")
    peak = max((max(values) for values in series.values() if values), default=0)
    axis_y.setRange(0, max(peak * 1.15, 5))
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for number, (name, values) in enumerate(series.items()):
        line = QLineSeries()
        line.setName(name)
        for index, value in enumerate(values):
            line.append(index, value)
        line.setPointsVisible(True)
        line.setMarkerSize(5 + 2 * (number % 3))
        chart.addSeries(line)
        line.attachAxis(axis_x)
        line.attachAxis(axis_y)
        line.clicked.connect(lambda _point, theme=name: on_click(theme))
    chart.legend().setVisible(False)  # drawn as wrapping labels under the chart (no clipping)
    colour_chart(chart, chart_colours(QApplication.palette()))
    return chart


def themes_chart(
    names: Sequence[str], counts: Sequence[int], on_click: Callable[[str], None]
) -> QChart:
    """Themes ranked by items in the period, largest at the top, each bar with its number."""
    chart = _chart("Themes in this period")
    font = small_font()
    bars = QBarSet("Items")
    ordered = list(zip(names, counts, strict=True))[::-1]  # QtCharts draws the first at the bottom
    for _name, count in ordered:
        bars.append(count)
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setBarWidth(0.7)
    bars.setLabelFont(font)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([name for name, _count in ordered])
    axis_y.setLabelsFont(font)
    axis_x = QValueAxis()
    axis_x.setLabelFormat("%d")
    axis_x.setLabelsFont(font)
    axis_x.setRange(0, max(max(counts, default=0) * 1.35, 5))  # room for the numbers
    axis_x.applyNiceNumbers()
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    chart.legend().setVisible(False)
    bars.clicked.connect(lambda index: on_click(ordered[index][0]))
    colour_chart(chart, chart_colours(QApplication.palette()))
    return chart


class ChartView(QChartView):
    """A chart view that asks only for its minimum height, so a page of charts fits the window
    (the page scrolls only when large text makes it taller than the screen)."""

    def sizeHint(self) -> QSize:
        return QSize(400, self.minimumHeight())

    def show_chart(self, chart: QChart) -> None:
        """Show `chart` in the colours of this view's palette. The chart it replaces is deleted:
        the view gives it up but does not delete it, and the dashboard makes new charts each
        time its figures are reloaded."""
        old = self.chart()
        self.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()
        self._colour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # high contrast turned on or off
            self._colour()

    def _colour(self) -> None:
        colours = chart_colours(self.palette())
        self.setBackgroundBrush(QColor(colours.background))
        chart = self.chart()
        if chart is not None:
            colour_chart(chart, colours)


def chart_view(name: str) -> ChartView:
    view = ChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(name)
    view.setMinimumHeight(260)
    return view
