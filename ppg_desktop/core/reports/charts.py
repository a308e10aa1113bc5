"""Vector charts for the pack, drawn with reportlab's own graphics so they print sharply.

Both charts must read in black-and-white print: bars carry their numbers, and each trend line has
its own dash pattern and marker shape and is named at its end, not only in a colour key.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

# Dark, well-separated shades that stay distinct when printed in grey; dashes and markers do the
# real work in black-and-white.
LINE_COLOURS = ("#000000", "#1f4e9a", "#b03a2e", "#1e7b4a", "#7a4f9a", "#8a6d00")
DASHES: tuple[tuple[float, ...] | None, ...] = (None, (6, 3), (2, 2), (8, 3, 2, 3), (1, 3), (4, 4))
MARKERS = ("FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond", "Cross", "Circle")
BAR_FILL = colors.HexColor("#4d4d4d")


def short_label(text: str, limit: int) -> str:
    """A label cut to `limit` characters with an ellipsis, so it never runs into the chart."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap_label(text: str, width: int) -> list[str]:
    """A name on at most two lines of about `width` characters (the second cut if need be)."""
    if len(text) <= width:
        return [text]
    words, first = text.split(), ""
    while words and len(f"{first} {words[0]}".strip()) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:
        return [short_label(text, width)]
    return [first, short_label(" ".join(words), width)]


def nice_max(value: float) -> tuple[float, float]:
    """A round axis maximum at or above `value`, and a step giving four or five gridlines."""
    if value <= 0:
        return 5.0, 1.0
    raw_step = value / 4
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    return step * math.ceil(value / step), step


def theme_bar_chart(
    names: Sequence[str], counts: Sequence[int], width: float, *, font_size: float = 9
) -> Drawing:
    """Themes as horizontal bars, largest at the top, each bar labelled with its count."""
    names = [short_label(str(n), 40) for n in names]
    rows = max(len(names), 1)
    bar_space = font_size * 2.1
    label_width = min(
        width * 0.42,
        max((stringWidth(n, "Helvetica", font_size) for n in names), default=font_size * 4),
    )
    height = rows * bar_space + font_size * 3
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x = label_width + font_size
    chart.y = font_size * 2
    chart.width = width - chart.x - font_size * 4
    chart.height = rows * bar_space
    # The chart draws the first category at the bottom; reverse so the largest is on top.
    chart.data = [list(reversed([int(c) for c in counts])) or [0]]
    chart.categoryAxis.categoryNames = list(reversed(list(names))) or [""]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = font_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.tickLeft = 0
    top, step = nice_max(max(counts, default=0))
    chart.valueAxis.valueMin = 0  # without it the smallest bar is drawn with no length
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = font_size - 1
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#cccccc")
    chart.valueAxis.gridStrokeDashArray = (1, 2)
    chart.bars[0].fillColor = BAR_FILL
    chart.bars[0].strokeColor = colors.black
    chart.barWidth = bar_space * 0.65
    chart.groupSpacing = bar_space * 0.35
    chart.barLabelFormat = lambda v: f"{v:,.0f}"
    chart.barLabels.fontName = "Helvetica-Bold"
    chart.barLabels.fontSize = font_size
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def month_label(month: str) -> str:
    """'2026-03' as 'Mar 26'."""
    return dt.date(int(month[:4]), int(month[5:7]), 1).strftime("%b %y")


def _spread(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Move label heights apart (keeping their order) so no two are closer than `gap`."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:
        placed = [max(low, p - overflow) for p in placed]
        for k in range(1, len(placed)):
            placed[k] = max(placed[k], placed[k - 1] + gap)
    out = [0.0] * len(positions)
    for rank, index in enumerate(order):
        out[index] = placed[rank]
    return out


def trend_line_chart(
    months: Sequence[str],
    series: Mapping[str, Sequence[int]],
    width: float,
    *,
    font_size: float = 9,
    height: float | None = None,
) -> Drawing:
    """One line per theme over the months, each with its own dash and marker, named at its end."""
    label_chars = 26 if font_size < 12 else 15
    label_width = max(
        (
            stringWidth(line, "Helvetica", font_size)
            for n in series
            for line in wrap_label(n, label_chars)
        ),
        default=font_size * 3,
    )
    height = height or width * 0.55
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x = font_size * 3.5
    plot.y = font_size * 3.2
    plot.width = width - plot.x - label_width - font_size * 2.5
    plot.height = height - plot.y - font_size
    count = max(len(months), 1)
    plot.data = [[(i, int(v)) for i, v in enumerate(values)] for values in series.values()] or [
        [(0, 0)]
    ]
    top, step = nice_max(max((max(v, default=0) for v in series.values()), default=0))
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.valueMax = top
    plot.yValueAxis.valueStep = step
    plot.yValueAxis.labels.fontName = "Helvetica"
    plot.yValueAxis.labels.fontSize = font_size - 1
    plot.yValueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#cccccc")
    plot.yValueAxis.gridStrokeDashArray = (1, 2)
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = max(count - 1, 1)
    # Month labels lie flat when there is room, slant when there is not, and only every second
    # (or third) month is named when even slanted labels would collide.
    step_width = plot.width / max(count - 1, 1)
    flat_width = stringWidth("May 26", "Helvetica", font_size - 1) + font_size
    slanted = step_width < flat_width
    every = max(1, math.ceil(font_size * 1.5 / step_width)) if slanted else 1
    plot.xValueAxis.valueSteps = list(range(0, count, every))
    plot.xValueAxis.labels.fontName = "Helvetica"
    plot.xValueAxis.labels.fontSize = font_size - 1
    plot.xValueAxis.labels.angle = 45 if slanted else 0
    plot.xValueAxis.labels.boxAnchor = "ne" if slanted else "n"
    plot.xValueAxis.labelTextFormat = lambda v: (
        month_label(months[int(v)]) if 0 <= int(v) < len(months) else ""
    )
    for index in range(len(series)):
        line = plot.lines[index]
        line.strokeColor = colors.HexColor(LINE_COLOURS[index % len(LINE_COLOURS)])
        line.strokeWidth = 1.6
        dash = DASHES[index % len(DASHES)]
        if dash:
            line.strokeDashArray = dash
        marker = makeMarker(MARKERS[index % len(MARKERS)])
        marker.size = font_size * 0.55
        marker.fillColor = line.strokeColor
        marker.strokeColor = line.strokeColor
        line.symbol = marker
    drawing.add(plot)
    _label_line_ends(drawing, plot, series, top, font_size, label_chars)
    return drawing


def _label_line_ends(
    drawing: Drawing,
    plot: LinePlot,
    series: Mapping[str, Sequence[int]],
    top: float,
    font_size: float,
    label_chars: int,
) -> None:
    """Name each line just right of its last point, nudging names apart so none overlap."""
    if not series:
        return
    ends = [plot.y + (list(v)[-1] if len(v) else 0) / top * plot.height for v in series.values()]
    wrapped = [wrap_label(name, label_chars) for name in series]
    gap = font_size * 1.15 * max(len(lines) for lines in wrapped)
    spread = _spread(ends, gap, plot.y, plot.y + plot.height)
    x_end = plot.x + plot.width
    for index, (lines, y_line, y_label) in enumerate(zip(wrapped, ends, spread, strict=True)):
        colour = colors.HexColor(LINE_COLOURS[index % len(LINE_COLOURS)])
        drawing.add(
            Line(
                x_end + 2,
                y_line,
                x_end + font_size * 1.2,
                y_label,
                strokeColor=colour,
                strokeWidth=0.6,
            )
        )
        marker = makeMarker(MARKERS[index % len(MARKERS)])
        marker.x, marker.y = x_end + font_size * 1.7, y_label
        marker.size = font_size * 0.55
        marker.fillColor = colour
        marker.strokeColor = colour
        drawing.add(marker)
        for row, line in enumerate(lines):
            drawing.add(
                String(
                    x_end + font_size * 2.3,
                    y_label - font_size * 0.35 - row * font_size * 1.1,
                    line,
                    fontName="Helvetica",
                    fontSize=font_size,
                    fillColor=colors.black,
                )
            )
