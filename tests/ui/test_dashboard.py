"""The Dashboard shows the same figures as the core analysis, and clicks through to the list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCharts import QChart, QChartView, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from ppg_desktop.core import analysis
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.periods import preset_period
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.dashboard_screen import DashboardScreen
from ppg_desktop.ui.operations import wait_for_jobs
from ppg_desktop.ui.style import HIGH_CONTRAST_KEY, apply_style

TODAY = dt.date.today()


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    practice = PracticeStore(db).create("Riverside Surgery")
    store, themes = FeedbackStore(db), ThemeStore(db)
    phone = themes.list()[0]
    # Recent: 3 complaints (2 negative) and 1 compliment; older: 1 complaint.
    rows = [
        ("complaint", "negative", 2),
        ("complaint", "negative", 5),
        ("complaint", "neutral", 9),
        ("compliment", "positive", 12),
        ("complaint", "negative", 45),
    ]
    for kind, sentiment, days_ago in rows:
        item = store.create(
            practice_id=practice.id,
            kind=kind,
            sentiment=sentiment,
            text=f"{kind} {days_ago}",
            channel="phone",
            received_on=TODAY - dt.timedelta(days=days_ago),
        )
        if kind == "complaint":
            themes.set_link(item.id, phone.id, state="confirmed")
    return AppContext(db, db_path)


@pytest.fixture
def dashboard(ctx: AppContext, qtbot: QtBot) -> Iterator[DashboardScreen]:
    screen = DashboardScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 740)
    screen.show()
    screen.period.setCurrentIndex(screen.period.findData("last_30_days"))
    qtbot.waitUntil(lambda: not screen.loading and screen.figures is not None, timeout=10_000)
    yield screen
    assert wait_for_jobs()  # no figures still being worked out when the database closes


def test_tiles_match_the_core_figures_for_the_same_period(
    dashboard: DashboardScreen, ctx: AppContext
) -> None:
    period = preset_period("last_30_days", ctx.db)
    expected = {kpi.key: kpi for kpi in analysis.kpis(ctx.db, period)}
    assert dashboard.tiles["received"].value.text() == "4"
    assert (
        FeedbackStore(ctx.db).count(FeedbackFilter(date_from=period.start, date_to=period.end)) == 4
    )
    for key, tile in dashboard.tiles.items():
        kpi = expected[key]
        if key == "rising_theme":
            assert tile.value.text() == (kpi.detail or "No theme rose")
        elif kpi.unit == "percent" and kpi.current is not None:
            assert tile.value.text() == f"{round(kpi.current)}%", key
            assert tile.basis.text().startswith(f"of {kpi.current_n:,} "), key
            assert "n=" not in tile.accessibleName()
        elif kpi.unit == "percent":
            assert tile.value.text() == "No data", key
        else:
            assert tile.value.text() == kpi.value_text(), key
    assert dashboard.tiles["complaints"].value.text() == "3"
    # The change is told in words with an arrow, never by colour alone.
    assert dashboard.tiles["complaints"].change.text().startswith("▲ up 2")


def test_charts_have_the_themes_of_the_period(dashboard: DashboardScreen, ctx: AppContext) -> None:
    figures = dashboard.figures
    assert figures is not None
    phone = ThemeStore(ctx.db).list()[0]
    assert figures.theme_names[0] == phone.name
    assert figures.theme_counts[0] == 3
    assert len(figures.months) == 12
    assert sum(figures.trend[phone.name]) == 4  # the older complaint is inside the 12 months
    chart = dashboard.themes_view.chart()
    assert chart is not None and chart.series()
    assert dashboard.legend.count() == len(figures.trend)
    for axis in chart.axes():  # near-black words, not QtCharts' pale grey
        assert axis.labelsColor().name() == "#1b1f24"
    assert chart.titleBrush().color().name() == "#1b1f24"


def test_clicking_a_tile_asks_for_the_matching_feedback(
    dashboard: DashboardScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    asked: list[FeedbackFilter] = []
    ctx.feedback_requested.connect(asked.append)
    qtbot.mouseClick(dashboard.tiles["complaints"], Qt.MouseButton.LeftButton)
    dashboard.tiles["negative"].setFocus()
    qtbot.keyClick(dashboard.tiles["negative"], Qt.Key.Key_Return)
    assert [flt.kinds for flt in asked] == [["complaint"], []]
    assert asked[1].sentiments == ["negative"]
    assert FeedbackStore(ctx.db).count(asked[0]) == 3
    assert FeedbackStore(ctx.db).count(asked[1]) == 2


def test_clicking_a_theme_bar_filters_by_that_theme(
    dashboard: DashboardScreen, ctx: AppContext
) -> None:
    asked: list[FeedbackFilter] = []
    ctx.feedback_requested.connect(asked.append)
    phone = ThemeStore(ctx.db).list()[0]
    dashboard.open_theme(phone.name)
    assert asked[0].theme_slugs == [phone.slug]
    assert FeedbackStore(ctx.db).count(asked[0]) == 3


def test_practice_choice_narrows_the_figures(
    dashboard: DashboardScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    PracticeStore(ctx.db).create("Empty Practice")
    ctx.notify("practices")
    qtbot.waitUntil(lambda: not dashboard.loading, timeout=10_000)
    dashboard.practice.setCurrentIndex(dashboard.practice.findText("Empty Practice"))
    qtbot.waitUntil(lambda: not dashboard.loading, timeout=10_000)
    assert dashboard.tiles["received"].value.text() == "0"


def _luminance(colour: QColor) -> float:
    """WCAG relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def _contrast(one: QColor, other: QColor) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _drawn_background(view: QChartView) -> QColor:
    """The colour actually painted near a chart's corner (outside the plot, away from words)."""
    return view.grab().toImage().pixelColor(12, 12)


def _check_chart_colours(view: QChartView, background: str, ink: str) -> None:
    chart = view.chart()
    assert isinstance(chart, QChart)
    assert _drawn_background(view).name() == background
    assert chart.titleBrush().color().name() == ink
    for axis in chart.axes():
        assert axis.labelsColor().name() == ink
        assert _contrast(axis.gridLineColor(), QColor(background)) > 1.2  # faint, but seen
    for series in chart.series():
        colours = (
            [series.pen().color()]
            if isinstance(series, QLineSeries)
            else [bars.color() for bars in series.barSets()]  # type: ignore[attr-defined]
        )
        for colour in colours:
            assert _contrast(colour, QColor(background)) >= 3, colour.name()


@pytest.fixture
def high_contrast(ctx: AppContext) -> Iterator[QApplication]:
    """The app switched to high contrast as Settings does it; back to normal afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctx.settings.set(HIGH_CONTRAST_KEY, True)
    apply_style(app, ctx.settings)
    yield app
    ctx.settings.set(HIGH_CONTRAST_KEY, False)
    apply_style(app, ctx.settings)


def test_charts_follow_the_high_contrast_palette_and_back(
    dashboard: DashboardScreen, ctx: AppContext, high_contrast: QApplication, qtbot: QtBot
) -> None:
    # The palette changed under charts already drawn: they re-colour without being rebuilt.
    for view in (dashboard.trend_view, dashboard.themes_view):
        _check_chart_colours(view, background="#000000", ink="#ffffff")
    lines = [s for s in dashboard.trend_view.chart().series() if isinstance(s, QLineSeries)]
    assert len({line.pen().color().name() for line in lines}) == len(lines)  # told apart
    assert "#000000" in dashboard.legend_area.styleSheet()
    for label in dashboard.legend_area.findChildren(QLabel):
        pixmap = label.pixmap()
        if not pixmap.isNull():  # a line sample: drawn in the lines' light colours
            image = pixmap.toImage()
            drawn = [
                image.pixelColor(x, image.height() // 2)
                for x in range(image.width())
                if image.pixelColor(x, image.height() // 2).alpha() == 255
            ]
            assert drawn and all(_contrast(c, QColor("#000000")) >= 3 for c in drawn)
    ctx.settings.set(HIGH_CONTRAST_KEY, False)
    apply_style(high_contrast, ctx.settings)
    for view in (dashboard.trend_view, dashboard.themes_view):
        _check_chart_colours(view, background="#ffffff", ink="#1b1f24")
    assert "#ffffff" in dashboard.legend_area.styleSheet()


def test_charts_drawn_in_high_contrast_are_dark_from_the_start(
    ctx: AppContext, high_contrast: QApplication, qtbot: QtBot
) -> None:
    screen = DashboardScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 740)
    screen.show()
    qtbot.waitUntil(lambda: not screen.loading and screen.figures is not None, timeout=10_000)
    for view in (screen.trend_view, screen.themes_view):
        _check_chart_colours(view, background="#000000", ink="#ffffff")
    assert wait_for_jobs()


def test_reloading_deletes_the_charts_it_replaces(
    dashboard: DashboardScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    """The view gives up a replaced chart without deleting it; the dashboard must, or every
    reload (each new feedback item, each period chosen) would keep two more charts alive."""
    from PySide6.QtCore import QCoreApplication, QEvent

    old_charts = [dashboard.trend_view.chart(), dashboard.themes_view.chart()]
    destroyed: list[bool] = []
    for chart in old_charts:
        chart.destroyed.connect(lambda *_: destroyed.append(True))
    ctx.notify("feedback")
    qtbot.waitUntil(lambda: not dashboard.loading, timeout=10_000)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert dashboard.themes_view.chart() is not None
    assert dashboard.themes_view.chart().series()
    assert destroyed == [True, True]
