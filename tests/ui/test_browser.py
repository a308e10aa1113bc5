"""The Feedback screen: search, filters, the detail panel, bulk actions and undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.feedback_screen import FeedbackScreen, plan_columns
from ppg_desktop.ui.highlight import FULL_TEXT_ROLE, fit_snippet, match_spans
from ppg_desktop.ui.models.feedback_table import FIELDS, STATUS_COLUMN, TEXT_COLUMN
from ppg_desktop.ui.operations import wait_for_jobs

TODAY = dt.date.today()


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    riverside = PracticeStore(db).create("Riverside Surgery")
    hill = PracticeStore(db).create("Hill Practice")
    store = FeedbackStore(db)
    texts = [
        (riverside.id, "complaint", "Waited three weeks for an appointment", 3),
        (riverside.id, "compliment", "Lovely receptionist, very patient", 10),
        (hill.id, "complaint", "Phone engaged all morning, no appointment left", 40),
        (hill.id, "concern", "Car park is too small", 200),
        (riverside.id, "suggestion", "Please open on Saturdays", 400),
    ]
    for practice_id, kind, text, days_ago in texts:
        store.create(
            practice_id=practice_id,
            kind=kind,
            text=text,
            channel="phone",
            received_on=TODAY - dt.timedelta(days=days_ago),
        )
    return AppContext(db, db_path)


def _settle(qtbot: QtBot, screen: FeedbackScreen) -> None:
    qtbot.waitUntil(lambda: not screen.loading, timeout=5000)


@pytest.fixture
def screen(ctx: AppContext, qtbot: QtBot) -> Iterator[FeedbackScreen]:
    widget = FeedbackScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    _settle(qtbot, widget)
    yield widget
    assert wait_for_jobs()  # no list still loading when the test database closes


def _texts(screen: FeedbackScreen) -> list[str]:
    model = screen.model
    return [str(model.data(model.index(row, TEXT_COLUMN))) for row in range(model.rowCount())]


def test_lists_everything_newest_first_with_a_count(screen: FeedbackScreen) -> None:
    assert _texts(screen)[0] == "Waited three weeks for an appointment"
    assert len(_texts(screen)) == 5
    assert screen.count_label.text() == "5 items"
    assert screen.summary_label.text() == "Showing: All feedback"


def test_search_narrows_the_list_and_highlights_matches(
    screen: FeedbackScreen, qtbot: QtBot
) -> None:
    screen.focus_search()
    qtbot.keyClicks(screen.filters.search, "appointment")
    qtbot.waitUntil(lambda: screen.count_label.text().startswith("2 items"), timeout=5000)
    assert sorted(_texts(screen)) == [
        "Phone engaged all morning, no appointment left",
        "Waited three weeks for an appointment",
    ]
    assert screen.delegate.query == "appointment"
    assert screen.detail.text.extraSelections(), "the match is marked in the detail panel"
    assert match_spans("Waited three weeks for an appointment", "appoint") == [(26, 37)]


def test_filters_by_kind_practice_and_period(screen: FeedbackScreen, qtbot: QtBot) -> None:
    filters = screen.filters
    filters.kind.setCurrentIndex(filters.kind.findData("complaint"))
    _settle(qtbot, screen)
    assert len(_texts(screen)) == 2
    filters.practice.setCurrentIndex(filters.practice.findText("Hill Practice"))
    _settle(qtbot, screen)
    assert _texts(screen) == ["Phone engaged all morning, no appointment left"]
    assert screen.summary_label.text() == "Showing: Complaint · Hill Practice"
    filters.clear()
    _settle(qtbot, screen)
    filters.period.setCurrentIndex(filters.period.findData("last_30_days"))
    _settle(qtbot, screen)
    assert len(_texts(screen)) == 2
    assert screen.count_label.text().startswith("2 items")


def test_apply_filter_from_elsewhere_shows_it_in_the_bar(
    screen: FeedbackScreen, qtbot: QtBot
) -> None:
    screen.apply_filter(FeedbackFilter(kinds=["concern"]))
    _settle(qtbot, screen)
    assert _texts(screen) == ["Car park is too small"]
    assert screen.filters.kind.currentData() == "concern"


def test_sorting_by_a_column_uses_the_whole_list(screen: FeedbackScreen, qtbot: QtBot) -> None:
    screen.table.sortByColumn(TEXT_COLUMN, Qt.SortOrder.AscendingOrder)
    _settle(qtbot, screen)
    texts = _texts(screen)
    assert texts == sorted(texts, key=str.casefold)


def test_edit_an_item_in_the_detail_panel(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    item_id = screen.detail.item.id if screen.detail.item else 0
    detail = screen.detail
    detail.status.setCurrentIndex(detail.status.findData("raised"))
    detail.text.selectAll()
    qtbot.keyClicks(detail.text, "Waited three weeks for a GP appointment")
    assert detail.has_unsaved_changes()
    theme = ThemeStore(ctx.db).list()[0]
    qtbot.keyClicks(detail.add_theme, theme.name)
    qtbot.keyClick(detail.add_theme, Qt.Key.Key_Return)
    screen.save()
    stored = FeedbackStore(ctx.db).get(item_id)
    assert stored.status == "raised"
    assert stored.text == "Waited three weeks for a GP appointment"
    assert theme.slug in stored.themes
    assert detail.state_label.text() == "Saved."


def test_reject_a_theme_in_the_detail_panel(screen: FeedbackScreen, ctx: AppContext) -> None:
    item_id = screen.detail.item.id if screen.detail.item else 0
    theme = ThemeStore(ctx.db).list()[0]
    ThemeStore(ctx.db).set_link(item_id, theme.id, state="suggested", source="auto")
    screen.detail.show_item(item_id)
    screen.detail.themes.setCurrentRow(0)
    screen.detail.reject_button.click()
    assert "rejected" in screen.detail.themes.item(0).text()
    assert screen.detail.save()
    assert [link.state for link in ThemeStore(ctx.db).links_for(item_id)] == ["rejected"]


def test_delete_then_undo_with_ctrl_z(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    selection = screen.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(screen.model.index(0, 0), flags)
    selection.select(screen.model.index(1, 0), flags)
    chosen = screen.selected_ids()
    assert len(chosen) == 2
    screen.delete_button.click()
    _settle(qtbot, screen)
    assert FeedbackStore(ctx.db).count() == 3
    assert len(_texts(screen)) == 3
    assert screen.undo_bar.isVisible()
    assert "Deleted 2 items" in screen.undo_label.text()

    screen.undo()
    _settle(qtbot, screen)
    assert FeedbackStore(ctx.db).count() == 5
    assert len(_texts(screen)) == 5
    assert not screen.undo_bar.isVisible()


def test_bulk_tag_and_status(screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot) -> None:
    screen.table.selectAll()
    ids = screen.selected_ids()
    assert len(ids) == 5
    theme = ThemeStore(ctx.db).list()[1]
    screen.tag_selected(theme.id)
    screen.set_status_selected("closed")
    assert FeedbackStore(ctx.db).count(FeedbackFilter(theme_slugs=[theme.slug])) == 5
    assert FeedbackStore(ctx.db).counts_by("status") == {"closed": 5}
    _settle(qtbot, screen)
    assert screen.model.data(screen.model.index(0, STATUS_COLUMN)) == "Closed"


def test_delete_key_in_the_list_deletes_the_selection(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    screen.table.setFocus()
    screen.table.selectRow(0)
    screen.window().activateWindow()
    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    _settle(qtbot, screen)
    assert FeedbackStore(ctx.db).count() == 4
    assert screen.undo_bar.isVisible()


def test_a_new_practice_and_theme_appear_in_the_filters(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    screen.filters.kind.setCurrentIndex(1)
    _settle(qtbot, screen)
    PracticeStore(ctx.db).create("New Road Surgery")
    ctx.notify("practices")
    theme = ThemeStore(ctx.db).create("Car parking", "responsive")
    ctx.notify("themes")
    assert screen.filters.practice.findText("New Road Surgery") > 0
    assert screen.filters.theme.findData(theme.slug) > 0
    assert "Car parking" in [a.text() for a in screen.tag_menu.actions()]
    assert screen.filters.kind.currentIndex() == 1  # other choices are kept


def test_enter_on_a_row_goes_to_its_comment_and_contact_is_mentioned(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    from ppg_desktop.core.contact_store import ContactStore

    item_id = screen.model.ids[0]
    ContactStore(ctx.db).create(
        item_id, "Ann", "01632 960123", "", True, TODAY, "To reply about this feedback", "chair"
    )
    screen.detail.show_item(item_id)
    assert "asked for a reply" in screen.detail.meta.text()
    assert "01632" not in screen.detail.meta.text()  # never the details themselves
    screen.window().activateWindow()
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.detail.text.hasFocus(), timeout=3000)


def test_raise_selected_items_with_the_practice(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ppg_desktop.core.action_store import ActionStore
    from ppg_desktop.ui import raise_action

    assert screen.raise_button.isVisibleTo(screen)
    screen.table.selectRow(0)
    screen.table.selectionModel().select(
        screen.model.index(1, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    chosen = screen.selected_ids()
    assert len(chosen) == 2 and screen.raise_button.isEnabled()

    def fill_and_accept(dialog: raise_action.RaiseActionDialog) -> int:
        dialog.title.setText("Phones at 8am")
        dialog.accept()
        return 1

    monkeypatch.setattr(raise_action.RaiseActionDialog, "exec", fill_and_accept)
    action_id = screen.raise_selected()
    assert action_id is not None
    action = ActionStore(ctx.db).get(action_id)
    assert action.title == "Phones at 8am"
    assert sorted(action.feedback_ids) == sorted(chosen)
    assert "Raised 2 items" in screen.selection_label.text()


def test_volunteers_do_not_see_raise(ctx: AppContext, qtbot: QtBot) -> None:
    from ppg_desktop.core.user_store import UserStore

    volunteer = UserStore(ctx.db).create("Val", "volunteer")
    other = FeedbackScreen(AppContext(ctx.db, ctx.db_path, volunteer))
    qtbot.addWidget(other)
    assert not other.raise_button.isVisibleTo(other)
    _settle(qtbot, other)  # its list loads in the background: let it finish before the db closes


def _visible_width(screen: FeedbackScreen) -> int:
    return sum(
        screen.table.columnWidth(column)
        for column in range(screen.model.columnCount())
        if not screen.table.isColumnHidden(column)
    )


def test_plan_columns_drops_sentiment_first_and_keeps_what_was_asked_for() -> None:
    wanted = {"date": 80, "kind": 80, "practice": 100, "status": 60, "sentiment": 60, "themes": 90}
    assert plan_columns(2000, wanted, char=7) == set()
    assert plan_columns(700, wanted, char=7) == {"sentiment"}  # 230 left: too few for 36 chars
    assert plan_columns(450, wanted, char=7) == {"sentiment", "status", "practice"}
    # Themes go last, but never leave the comment fewer than 28 characters (196 pixels).
    assert plan_columns(440, wanted, char=7) == {"sentiment", "status", "practice", "themes"}
    assert plan_columns(650, wanted, char=7, keep=frozenset({"sentiment"})) == {"status"}
    assert plan_columns(400, wanted, char=7, keep=frozenset({"sentiment"})) == {
        "status",
        "practice",
        "themes",
    }


def test_the_list_fits_its_width_with_themes_and_never_scrolls_sideways(
    screen: FeedbackScreen, qtbot: QtBot
) -> None:
    screen.resize(1150, 700)  # the Feedback screen beside the sidebar on a 1366x768 laptop
    qtbot.waitUntil(lambda: "themes" in screen.visible_columns(), timeout=3000)
    assert _visible_width(screen) <= screen.table.viewport().width()
    assert not screen.table.horizontalScrollBar().isVisible()
    char = screen.table.fontMetrics().averageCharWidth()
    assert screen.table.columnWidth(TEXT_COLUMN) >= 30 * char  # a readable piece of comment
    screen.resize(700, 700)  # much narrower: less needed columns go, the comment stays
    qtbot.waitUntil(lambda: "sentiment" not in screen.visible_columns(), timeout=3000)
    assert "text" in screen.visible_columns() and "date" in screen.visible_columns()


def test_the_comment_takes_the_spare_width_and_stays_readable_at_large_text(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QApplication, QHeaderView

    from ppg_desktop.ui.style import FONT_SCALE_KEY, apply_style

    header = screen.table.horizontalHeader()
    for column in range(screen.model.columnCount()):
        stretch = header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch
        assert stretch == (column == TEXT_COLUMN)  # the others keep the widths of their words
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctx.settings.set(FONT_SCALE_KEY, 150)
    try:
        apply_style(app, ctx.settings)
        screen.resize(1060, 700)  # beside the sidebar on a 1366x768 laptop, at 150% text
        qtbot.wait(50)
        char = screen.table.fontMetrics().averageCharWidth()
        qtbot.waitUntil(lambda: _visible_width(screen) == screen.table.viewport().width())
        assert screen.table.columnWidth(TEXT_COLUMN) >= 28 * char  # not a 20-letter sliver
        assert {"date", "kind", "text"} <= set(screen.visible_columns())
        for field in ("date", "kind"):  # sized to their words, not stretched
            assert screen.table.columnWidth(FIELDS.index(field)) == screen._widths[field]
    finally:
        ctx.settings.set(FONT_SCALE_KEY, 100)
        apply_style(app, ctx.settings)


def test_a_person_can_choose_a_column_back_and_read_full_words_in_tooltips(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    screen.resize(800, 700)
    qtbot.waitUntil(lambda: "sentiment" not in screen.visible_columns(), timeout=3000)
    screen.choose_column("sentiment", True)
    assert "sentiment" in screen.visible_columns()
    screen.choose_column("kind", False)
    assert "kind" not in screen.visible_columns()
    again = FeedbackScreen(ctx)  # the choice is remembered next time
    qtbot.addWidget(again)
    again.resize(800, 700)
    again.show()
    _settle(qtbot, again)
    assert "kind" not in again.visible_columns() and "sentiment" in again.visible_columns()
    FeedbackStore(ctx.db).set_status([screen.model.ids[0]], "raised")
    screen.model.invalidate()
    status = screen.model.index(0, STATUS_COLUMN)
    assert status.data() == "Raised"
    assert status.data(Qt.ItemDataRole.ToolTipRole) == "Raised with practice"


def test_a_suggested_theme_says_so_in_plain_words_and_offers_the_right_button(
    screen: FeedbackScreen, ctx: AppContext
) -> None:
    detail = screen.detail
    item_id = detail.item.id if detail.item else 0
    theme = ThemeStore(ctx.db).list()[0]
    ThemeStore(ctx.db).set_link(item_id, theme.id, state="suggested", source="auto")
    detail.show_item(item_id)
    assert detail.themes.item(0).text() == f"{theme.name} (suggested — not yet checked)"
    assert "Confirm or reject it" in detail.theme_hint.text()
    assert detail.confirm_button.isEnabled() and detail.reject_button.isEnabled()
    detail.confirm_button.click()
    assert detail.themes.item(0).text() == f"✓ {theme.name} (confirmed)"
    assert not detail.confirm_button.isEnabled() and detail.reject_button.isEnabled()
    assert "Sentiment:" in detail.meta.text()  # shown here even when the list hides it


def test_since_the_last_meeting_says_which_meeting_and_follows_a_new_one(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    from ppg_desktop.core.meeting_store import MeetingStore

    filters = screen.filters
    filters.period.setCurrentIndex(filters.period.findData("since_last_meeting"))
    _settle(qtbot, screen)
    assert filters.period_note.text() == "Last quarter (no earlier meeting)"
    MeetingStore(ctx.db).create(held_on=TODAY - dt.timedelta(days=20), title="Autumn")
    ctx.notify("meetings")
    _settle(qtbot, screen)
    met = (TODAY - dt.timedelta(days=20)).strftime("%d/%m/%Y")
    assert filters.period_note.text() == f"Since the meeting on {met}"
    assert len(_texts(screen)) == 2  # 3 and 10 days ago; not the one 40 days ago
    assert f"Since the meeting on {met} (" in screen.summary_label.text()


def test_last_month_is_the_whole_previous_calendar_month(
    screen: FeedbackScreen, qtbot: QtBot
) -> None:
    filters = screen.filters
    filters.period.setCurrentIndex(filters.period.findData("last_month"))
    _settle(qtbot, screen)
    flt = filters.current_filter()
    first_of_this_month = TODAY.replace(day=1)
    assert flt.date_to == first_of_this_month - dt.timedelta(days=1)
    assert flt.date_to is not None
    assert flt.date_from == flt.date_to.replace(day=1)
    assert not filters.period_note.isVisible()  # the label says it all


def test_a_match_beyond_the_cell_width_is_brought_into_view() -> None:
    text = (
        "Dear PPG members, the lady on reception told me the phone lines open at 8 "
        "but nobody answers until half past"
    )
    assert fit_snippet(text, "phone", 200, len) == text  # fits: shown whole
    assert fit_snippet(text, "phone", 30, len) == "…told me the phone lines open…"
    assert fit_snippet(text, "phone", 8, len) == "…phone…"
    assert fit_snippet(text, "nothing", 30, len) == "Dear PPG members, the lady on…"


def test_snippets_start_on_a_whole_word_and_a_late_match_is_found(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    text = "I complained twice. Tried to phone her"
    assert fit_snippet(text, "phone", 20, len) == "…Tried to phone her"  # no "…omplained"
    assert fit_snippet(text, "phone", 14, len) == "…to phone her"
    long_text = "Waited. " * 40 + "Then the phone rang."
    FeedbackStore(ctx.db).create(
        practice_id=PracticeStore(ctx.db).list()[0].id,
        kind="concern",
        text=long_text,
        channel="phone",
        received_on=TODAY,
    )
    screen.filters.search.setText("phone")
    qtbot.waitUntil(lambda: screen.count_label.text().startswith("2 items"), timeout=5000)
    row = screen.model.row_of(max(screen.model.ids))
    index = screen.model.index(row, TEXT_COLUMN)
    assert "phone" not in str(index.data())  # the cell's own text is cut short...
    assert index.data(FULL_TEXT_ROLE) == long_text  # ...but the highlight gets the whole


def test_the_theme_buttons_are_in_view_without_scrolling_the_detail_panel(
    screen: FeedbackScreen, ctx: AppContext, qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QScrollArea

    screen.resize(1148, 700)  # the Feedback screen beside the sidebar on a 1366x768 laptop
    item_id = screen.detail.item.id if screen.detail.item else 0
    ThemeStore(ctx.db).set_link(item_id, ThemeStore(ctx.db).list()[0].id, state="suggested")
    screen.detail.show_item(item_id)
    scroll = screen.detail.findChild(QScrollArea)
    assert scroll is not None
    qtbot.waitUntil(lambda: scroll.viewport().height() > 300, timeout=3000)
    button = screen.detail.reject_button
    bottom = button.mapTo(scroll.viewport(), button.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height()
    assert not scroll.verticalScrollBar().isVisible()


def test_after_a_delete_the_next_item_is_chosen_not_the_top_of_the_list(
    screen: FeedbackScreen, qtbot: QtBot
) -> None:
    screen.table.selectRow(2)
    following = screen.model.ids[3]
    screen.delete_selected()
    _settle(qtbot, screen)
    assert screen.table.currentIndex().row() == 2
    assert screen.detail.item is not None and screen.detail.item.id == following


def test_a_text_size_change_never_reads_the_database(tmp_path: Path, qtbot: QtBot) -> None:
    """A style change reaches every screen, even one whose database is already closed (it
    crashed the app's test run): sizing the columns must use names read earlier."""
    from PySide6.QtGui import QFont

    from ppg_desktop.core.db import open_database

    own_db = open_database(tmp_path / "own.db")
    PracticeStore(own_db).create("A Rather Long Practice Name Surgery")
    own = FeedbackScreen(AppContext(own_db, tmp_path / "own.db"))
    qtbot.addWidget(own)
    _settle(qtbot, own)
    own_db.close()
    larger = QFont(own.font())
    larger.setPointSizeF(larger.pointSizeF() * 1.5)
    own.setFont(larger)  # a FontChange: columns are sized again, from the names read before
    # (pytest-qt fails the test if the change raised inside Qt.) The width still fits the name:
    assert own._widths["practice"] > own.table.fontMetrics().horizontalAdvance("A Rather Long")
