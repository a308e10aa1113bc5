"""The feedback form, driven through its real widgets with the keyboard and mouse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui import drafts
from ppg_desktop.ui.capture_dialog import CaptureDialog
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.main_window import MainWindow

COMMENT = (
    "I was on hold for 40 minutes trying to book an appointment and the receptionist "
    "was rude to me."
)


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    PracticeStore(db).create("Riverside Surgery")
    return AppContext(db, db_path)


def _quiet_close(dialog: CaptureDialog) -> None:
    """Let teardown close the form without the "Discard?" question blocking the test run."""
    dialog._closing_confirmed = True
    dialog.close()


@pytest.fixture
def form(ctx: AppContext, qtbot: QtBot) -> Iterator[CaptureDialog]:
    dialog = CaptureDialog(ctx)
    qtbot.addWidget(dialog, before_close_func=_quiet_close)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog


def _type_comment(qtbot: QtBot, form: CaptureDialog, text: str) -> None:
    form.text.setFocus()
    qtbot.keyClicks(form.text, text)
    qtbot.waitUntil(lambda: bool(form.chips.choices), timeout=3000)


def test_feedback_entered_with_the_keyboard_is_saved(
    form: CaptureDialog, ctx: AppContext, qtbot: QtBot
) -> None:
    qtbot.keyClicks(form.text, "The nurse was wonderful and explained everything clearly.")
    form.kind.setFocus()
    qtbot.keyClicks(form.kind, "Compli")  # type-ahead picks "Compliment"
    assert form.kind.currentData() == "compliment"
    qtbot.keyClick(form.save_button, Qt.Key.Key_Space)

    items = FeedbackStore(ctx.db).list()
    assert len(items) == 1
    assert items[0].text == "The nurse was wonderful and explained everything clearly."
    assert items[0].kind == "compliment"
    assert items[0].practice_name == "Riverside Surgery"
    assert items[0].sentiment == "positive"
    assert not form.isVisible()


def test_save_and_add_another_keeps_practice_and_clears_the_comment(
    form: CaptureDialog, ctx: AppContext, qtbot: QtBot
) -> None:
    qtbot.keyClicks(form.text, "Parking is impossible on Tuesdays.")
    form.kind.setCurrentIndex(form.kind.findData("concern"))
    qtbot.keyClick(form.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert FeedbackStore(ctx.db).count() == 1
    assert form.isVisible()
    assert form.text.toPlainText() == ""
    assert form.practice.currentText() == "Riverside Surgery"
    assert "Saved feedback number" in form.status.text()


def test_accept_one_suggestion_by_key_and_reject_another_by_click(
    form: CaptureDialog, ctx: AppContext, qtbot: QtBot
) -> None:
    assert "as you type" in form.chips.hint.text()
    _type_comment(qtbot, form, COMMENT)
    assert len(form.chips.choices) >= 2, [c.slug for c in form.chips.choices]
    # With chips on show, the hint says how to accept and reject them (it used to vanish).
    assert form.chips.hint.isVisibleTo(form) and "again to reject" in form.chips.hint.text()
    first, second = form.chips.choices[0].slug, form.chips.choices[1].slug
    assert form.text.extraSelections(), "the evidence should be highlighted"

    qtbot.keyClick(form.text, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert form.chips.choices[0].state == "accepted"
    for _ in range(2):  # suggested -> accepted -> rejected
        qtbot.mouseClick(form.chips._buttons[1], Qt.MouseButton.LeftButton)
    assert form.chips.choices[1].state == "rejected"
    assert "not this" in form.chips._buttons[1].text()  # the state is in words, not colour

    form.kind.setCurrentIndex(form.kind.findData("complaint"))
    assert form.save(add_another=False)
    item = FeedbackStore(ctx.db).list()[0]
    states = {link.slug: link.state for link in ThemeStore(ctx.db).links_for(item.id)}
    assert states[first] == "confirmed"
    assert states[second] == "rejected"
    assert second not in item.themes


def test_theme_added_by_name_is_confirmed(
    form: CaptureDialog, ctx: AppContext, qtbot: QtBot
) -> None:
    theme = ThemeStore(ctx.db).list()[0]
    qtbot.keyClicks(form.text, "Nothing much to say.")
    qtbot.keyClicks(form.chips.add_box, theme.name.upper())
    qtbot.keyClick(form.chips.add_box, Qt.Key.Key_Return)
    assert [c.slug for c in form.chips.choices if c.state == "accepted"] == [theme.slug]
    form.kind.setCurrentIndex(form.kind.findData("suggestion"))
    assert form.save(add_another=False)
    links = ThemeStore(ctx.db).links_for(FeedbackStore(ctx.db).list()[0].id)
    assert [(link.slug, link.state) for link in links] == [(theme.slug, "confirmed")]


def test_unknown_theme_name_is_explained(form: CaptureDialog, qtbot: QtBot) -> None:
    qtbot.keyClicks(form.chips.add_box, "Flying saucers")
    qtbot.keyClick(form.chips.add_box, Qt.Key.Key_Return)
    assert not form.chips.choices
    assert "no theme called" in form.chips.add_error.text()


def test_missing_kind_is_shown_next_to_the_kind_field(
    form: CaptureDialog, ctx: AppContext, qtbot: QtBot
) -> None:
    qtbot.keyClicks(form.text, "Some words.")
    assert not form.save(add_another=False)
    assert form.errors["kind"].isVisibleTo(form)
    assert "Choose one of" in form.errors["kind"].text()
    assert not form.errors["text"].isVisibleTo(form)
    assert FeedbackStore(ctx.db).count() == 0


def test_empty_comment_is_shown_next_to_the_comment(form: CaptureDialog, ctx: AppContext) -> None:
    form.kind.setCurrentIndex(0)
    assert not form.save(add_another=False)
    assert "Write down what the patient said" in form.errors["text"].text()


def test_contact_needs_consent_and_is_stored_apart(
    form: CaptureDialog, ctx: AppContext, qtbot: QtBot
) -> None:
    qtbot.keyClicks(form.text, "Please call me back about my prescription.")
    form.kind.setCurrentIndex(form.kind.findData("concern"))
    qtbot.keyClicks(form.contact_name, "Ann Patient")
    qtbot.keyClicks(form.contact_phone, "01632 960123")
    assert not form.save(add_another=False)
    assert "Tick the box" in form.errors["contact"].text()
    assert FeedbackStore(ctx.db).count() == 0

    form.consent.setChecked(True)
    assert form.save(add_another=False)
    item = FeedbackStore(ctx.db).list()[0]
    assert "01632" not in item.text
    contacts = ContactStore(ctx.db).list_for_feedback(item.id)
    assert [c.name for c in contacts] == ["Ann Patient"]


def test_draft_is_written_and_offered_back_after_a_crash(
    ctx: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CaptureDialog(ctx)
    qtbot.addWidget(first, before_close_func=_quiet_close)
    qtbot.keyClicks(first.text, "Half-typed feedback about the car park")
    first.write_draft()
    saved = json.loads(drafts.draft_path().read_text(encoding="utf-8"))
    assert saved["text"] == "Half-typed feedback about the car park"
    # The app "crashes": the dialog is never closed, the draft stays on disk.

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    monkeypatch.setattr("ppg_desktop.ui.capture_dialog.ask_yes_no", lambda *a, **k: True)
    monkeypatch.setattr("ppg_desktop.ui.messages.ask_yes_no", lambda *a, **k: True)
    assert window.offer_recovered_draft()
    reopened = window._capture
    assert isinstance(reopened, CaptureDialog)
    assert reopened.text.toPlainText() == "Half-typed feedback about the car park"
    reopened.kind.setCurrentIndex(0)
    assert reopened.save(add_another=False)
    assert not drafts.draft_path().exists()


def test_closing_with_unsaved_text_asks_first(
    form: CaptureDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def keep_editing(_parent: object, title: str, *_args: object, **_kw: object) -> bool:
        asked.append(title)
        return False

    monkeypatch.setattr("ppg_desktop.ui.capture_dialog.ask_yes_no", keep_editing)
    qtbot.keyClicks(form.text, "Do not lose me")
    form.close()
    assert asked == ["Discard this feedback?"]
    assert form.isVisible()


def test_a_badly_formed_email_is_explained_next_to_the_contact(
    form: CaptureDialog, ctx: AppContext, qtbot: QtBot
) -> None:
    qtbot.keyClicks(form.text, "Please email me.")
    form.kind.setCurrentIndex(form.kind.findData("concern"))
    qtbot.keyClicks(form.contact_email, "not-an-email")
    form.consent.setChecked(True)
    assert not form.save(add_another=False)
    assert form.errors["contact"].isVisibleTo(form)
    assert "email" in form.errors["contact"].text().lower()
    assert FeedbackStore(ctx.db).count() == 0  # the item and its contact are stored together


def test_tab_walks_the_form_in_reading_order(form: CaptureDialog, qtbot: QtBot) -> None:
    form.practice.setFocus()
    seen: list[object] = []
    for _ in range(6):  # each Tab moves on: never a stop for the date's day, month and year
        seen.append(form.focusWidget())
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert seen == [
        form.practice,
        form.date,
        form.channel,
        form.kind,
        form.text,
        form.chips.add_box,
    ]


def test_personal_details_warning_scrolls_into_view_on_a_small_window(
    ctx: AppContext, qtbot: QtBot
) -> None:
    dialog = CaptureDialog(ctx)
    qtbot.addWidget(dialog, before_close_func=_quiet_close)
    dialog.resize(640, 360)  # as little room as large text leaves on a 1366x768 laptop
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.text.setPlainText(COMMENT + " Please ring me on 07700 900123 about it.")
    assert dialog.details_warning.check()
    button = dialog.details_warning.remove_button
    viewport = dialog.form_scroll.viewport()

    def button_in_view() -> bool:
        top_left = button.mapTo(viewport, button.rect().topLeft())
        bottom_right = button.mapTo(viewport, button.rect().bottomRight())
        return viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right)

    qtbot.waitUntil(button_in_view, timeout=3000)
    assert dialog.save_button.isVisible()  # Save stays outside the scrolling part


def test_tab_then_an_arrow_never_changes_the_date(form: CaptureDialog, qtbot: QtBot) -> None:
    before = form.date.date()
    form.date.setFocus()
    qtbot.keyClick(form.date, Qt.Key.Key_Tab)
    assert form.focusWidget() is form.channel
    qtbot.keyClick(form.channel, Qt.Key.Key_Backtab)
    assert form.focusWidget() is form.date
    assert form.date.date() == before


def test_every_missing_answer_is_marked_at_once(form: CaptureDialog, ctx: AppContext) -> None:
    form.contact_name.setText("Ann Patient")  # details without the consent tick
    assert not form.save(add_another=False)
    for key in ("kind", "text", "contact"):
        assert form.errors[key].isVisibleTo(form), key
        assert form.errors[key].text().startswith("⚠ "), key  # never colour alone
    assert "3 things to put right" in form.status.text()
    assert form.focusWidget() is form.kind  # the first one, in reading order
    assert FeedbackStore(ctx.db).count() == 0


def test_the_comment_placeholder_fits_its_box_at_large_text(
    form: CaptureDialog, qtbot: QtBot
) -> None:
    from ppg_desktop.ui.style import BASE_POINT_SIZE

    large = round(BASE_POINT_SIZE * 1.5, 1)  # the app's 150% text, as its style sheet sets it
    form.setStyleSheet(f"* {{ font-size: {large}pt; }}")
    form.resize(1000, 640)
    qtbot.waitUntil(lambda: form.text.font().pointSizeF() == large, timeout=2000)
    needed = form.text.fontMetrics().horizontalAdvance(form.text.placeholderText())
    assert needed < form.text.viewport().width()  # Qt would cut it off, not wrap it


def test_a_long_practice_name_keeps_its_caption_beside_the_box_at_150_percent(
    ctx: AppContext, qtbot: QtBot
) -> None:
    """Every caption sits beside its field; a long name is shown in full in the list."""
    from PySide6.QtWidgets import QApplication, QLabel

    from ppg_desktop.ui.style import FONT_SCALE_KEY, apply_style

    PracticeStore(ctx.db).create("The Old Vicarage Medical Centre and Dispensary")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctx.settings.set(FONT_SCALE_KEY, 150)
    try:
        apply_style(app, ctx.settings)
        dialog = CaptureDialog(ctx)
        qtbot.addWidget(dialog, before_close_func=_quiet_close)
        dialog.resize(1000, 640)  # as the screenshots show it, on a 1366x768 laptop
        dialog.show()
        qtbot.waitExposed(dialog)
        for field in (dialog.practice, dialog.date, dialog.channel):
            caption = next(w for w in dialog.findChildren(QLabel) if w.buddy() is field)
            caption_y = caption.mapTo(dialog, caption.rect().center()).y()
            top = field.mapTo(dialog, field.rect().topLeft()).y()
            bottom = field.mapTo(dialog, field.rect().bottomLeft()).y()
            assert top <= caption_y <= bottom, caption.text()  # beside its box, not above it
    finally:
        ctx.settings.set(FONT_SCALE_KEY, 100)
        apply_style(app, ctx.settings)
