"""Actions screen: raise from feedback, move through statuses, see it overdue, make the poster."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils
from pypdf import PdfReader
from PySide6.QtCore import Qt

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import today, uk_date
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui import action_detail, actions_screen, raise_action
from ppg_desktop.ui.actions_screen import FILTERS, ActionsScreen
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.models.actions_table import DUE_COLUMN
from ppg_desktop.ui.raise_action import RaiseActionDialog


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    return AppContext(db, db_path)


@pytest.fixture
def feedback_ids(db: sqlite_utils.Database) -> list[int]:
    practice = PracticeStore(db).create("Riverside Surgery")
    store = FeedbackStore(db, "test")
    theme = ThemeStore(db).list()[0]
    ids = [
        store.create(
            practice_id=practice.id,
            received_on=today(),
            channel="phone",
            kind="complaint",
            text=f"Could not get through on the phone ({n})",
        ).id
        for n in range(3)
    ]
    ThemeStore(db).set_link(ids[0], theme.id, state="confirmed")
    return ids


def _filter_index(label: str) -> int:
    return next(i for i, (name, _s, _o) in enumerate(FILTERS) if name == label)


def test_raise_action_from_selected_feedback(
    qtbot,
    ctx: AppContext,  # type: ignore[no-untyped-def]
    feedback_ids: list[int],
) -> None:
    dialog = RaiseActionDialog(ctx, feedback_ids[:2])
    qtbot.addWidget(dialog)
    assert dialog.title.text() == ThemeStore(ctx.db).list()[0].name  # suggested from the theme
    dialog.title.clear()
    dialog.accept()
    assert dialog.errors["Title"].isVisibleTo(dialog)
    assert dialog.action_id is None
    qtbot.keyClicks(dialog.title, "Phone access at 8am")
    dialog.due_on.setText("31/02/2026")
    dialog.accept()
    assert dialog.errors["Due date"].isVisibleTo(dialog)
    assert "dd/mm/yyyy" in dialog.errors["Due date"].text()
    dialog.due_on.setText(uk_date(today() + dt.timedelta(days=30)))
    seen: list[str] = []
    ctx.data_changed.connect(seen.append)
    dialog.accept()
    assert dialog.action_id is not None
    action = ActionStore(ctx.db).get(dialog.action_id)
    assert action.title == "Phone access at 8am"
    assert action.feedback_ids == tuple(feedback_ids[:2])
    statuses = [f.status for f in FeedbackStore(ctx.db).get_many(feedback_ids)]
    assert statuses == ["raised", "raised", "new"]
    assert {"actions", "feedback"} <= set(seen)


def test_cancel_with_typed_text_asks_first(
    qtbot,
    ctx: AppContext,  # type: ignore[no-untyped-def]
    feedback_ids: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def answer(_parent: object, title: str, _question: str, **_kw: object) -> bool:
        asked.append(title)
        return False

    monkeypatch.setattr(raise_action, "ask_yes_no", answer)
    dialog = RaiseActionDialog(ctx, feedback_ids)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.description, "Lots of detail typed here")
    dialog.reject()
    assert asked == ["Discard this action?"] and dialog.isVisible()
    assert raise_action.raise_action_dialog(ctx, []) is None


def test_statuses_overdue_and_poster(
    qtbot,
    ctx: AppContext,  # type: ignore[no-untyped-def]
    feedback_ids: list[int],
    tmp_path: Path,
) -> None:
    action = ActionStore(ctx.db, "Jo").create_from_feedback(feedback_ids, "Phone access")
    screen = ActionsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1400, 800)
    screen.show()
    assert screen.select_action(action.id)
    detail = screen.detail
    assert detail.action is not None and detail.action.id == action.id
    assert "Raised from 3 feedback items" in detail.links.text()
    themes = ThemeStore(ctx.db).list()
    assert detail.set_themes({themes[1].id, themes[2].id})
    assert set(ActionStore(ctx.db).get(action.id).theme_ids) == {themes[1].id, themes[2].id}
    assert themes[1].name in detail.links.text()
    picker = action_detail.ThemePicker(themes, {themes[1].id})
    qtbot.addWidget(picker)
    picker.list.item(3).setCheckState(Qt.CheckState.Checked)
    assert picker.chosen() == {themes[1].id, themes[3].id}

    # An impossible date is refused next to the field; nothing is stored.
    detail.due_on.setText("40/13/2026")
    assert not detail.save()
    assert detail.errors["Due date"].isVisibleTo(detail)
    # Raised two months ago, due ten days ago: overdue.
    detail.raised_on.setText(uk_date(today() - dt.timedelta(days=60)))
    detail.due_on.setText(uk_date(today() - dt.timedelta(days=10)))
    assert detail.has_unsaved_changes()
    assert detail.save()
    assert not detail.errors["Due date"].isVisible()
    row = screen.model.row_of(action.id)
    due_index = screen.model.index(row, DUE_COLUMN)
    assert screen.model.data(due_index).startswith("Overdue:")
    assert screen.model.data(due_index, Qt.ItemDataRole.ToolTipRole).startswith(
        "Overdue: 10 days past its due date"
    )
    assert screen.model.data(due_index, Qt.ItemDataRole.DecorationRole) is not None
    assert "Overdue: 1" in screen.summary.text()
    assert "Overdue" in detail.status_now.text()
    screen.status_filter.setCurrentIndex(_filter_index("Overdue only"))
    assert [a.id for a in screen.model.actions] == [action.id]

    # Open -> In progress -> (declined needs a reason) -> Done with the outcome.
    screen.select_action(action.id)
    detail.new_status.setCurrentIndex(detail.new_status.findData("in_progress"))
    detail.status_note.setText("Practice manager is looking at it")
    assert detail.change_status()
    detail.new_status.setCurrentIndex(detail.new_status.findData("declined"))
    assert not detail.change_status()
    assert detail.errors["Reason for declining"].isVisibleTo(detail)
    detail.new_status.setCurrentIndex(detail.new_status.findData("done"))
    detail.outcome.setPlainText("Two more phone lines were added at 8am.")
    assert detail.change_status()
    stored = ActionStore(ctx.db).get(action.id)
    assert stored.status == "done" and stored.outcome.startswith("Two more phone lines")
    assert not stored.is_overdue()
    assert detail.history.count() == 3
    assert "In progress → Done" in detail.history.item(2).text()
    assert "Practice manager is looking at it" in detail.history.item(1).text()
    assert screen.model.actions == []  # no longer overdue
    assert "None overdue" in screen.summary.text()

    # The poster is built in the background and holds the done action.
    screen.status_filter.setCurrentIndex(_filter_index("Done"))
    screen.select_action(action.id)
    job = screen.make_poster_to(tmp_path / "poster")
    qtbot.waitUntil(lambda: job.finished, timeout=20_000)
    assert job.error is None
    assert screen.last_poster is not None
    reader = PdfReader(str(tmp_path / "poster.pdf"))
    assert len(reader.pages) == 1
    text = " ".join((reader.pages[0].extract_text() or "").split())
    assert "Phone access" in text and "Two more phone lines were added at 8am." in text
    assert "Poster saved to" in screen.message.text()
    assert screen.poster_button.isEnabled()


def test_new_action_validation_and_nothing_lost(
    qtbot,
    ctx: AppContext,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = ActionsScreen(ctx)
    qtbot.addWidget(screen)
    screen.new_action()
    assert screen.detail.is_new
    screen.detail.owner.setText("Sam")
    assert not screen.detail.save()
    assert screen.detail.errors["Title"].isVisibleTo(screen.detail)
    assert "Title" in screen.detail.state_label.text()
    screen.detail.title.setText("Newsletter article")
    monkeypatch.setattr(actions_screen, "ask_yes_no", lambda *_a, **_k: True)
    assert screen.confirm_leave()  # offered to save, and saved
    assert [a.title for a in ActionStore(ctx.db).list()] == ["Newsletter article"]
    assert screen.model.rowCount() == 1
    screen.select_action(screen.model.actions[0].id)
    screen.delete_current()
    assert ActionStore(ctx.db).list() == []


def test_poster_problem_is_reported(
    qtbot,
    ctx: AppContext,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(actions_screen, "show_problem", lambda _p, _t, m: shown.append(m))
    screen = ActionsScreen(ctx)
    qtbot.addWidget(screen)
    job = screen.make_poster_to(tmp_path / "empty.pdf")
    qtbot.waitUntil(lambda: job.finished, timeout=20_000)
    assert shown and "Mark an action done" in shown[0]
    assert screen.message.text().startswith("⚠ No poster made")
    assert not (tmp_path / "empty.pdf").exists()
