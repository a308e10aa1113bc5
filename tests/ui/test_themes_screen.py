"""Themes screen: new themes and "Try it", keyword checks, rename, merge, archive, re-tag, and
the notice offering the app's newer keywords for built-in themes the chair changed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core.builtin_themes import shipped_themes
from ppg_desktop.core.clock import today
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import User
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui import themes_screen
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.models.themes_table import NAME_COLUMN, STATUS_COLUMN
from ppg_desktop.ui.screens import visible_screens
from ppg_desktop.ui.theme_editor import EDITING_SLUG
from ppg_desktop.ui.themes_screen import ThemesScreen


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path) -> AppContext:
    return AppContext(db, db_path)


@pytest.fixture
def screen(qtbot: Any, ctx: AppContext) -> ThemesScreen:
    widget = ThemesScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    return widget


def _add_feedback(db: sqlite_utils.Database, *texts: str) -> list[int]:
    practice = PracticeStore(db).create("Riverside Surgery")
    store = FeedbackStore(db, "test")
    return [
        store.create(
            practice_id=practice.id,
            received_on=today(),
            channel="phone",
            kind="complaint",
            text=text,
        ).id
        for text in texts
    ]


def _answer(monkeypatch: pytest.MonkeyPatch, yes: bool) -> list[str]:
    """Answer every yes/no question on the screen; returns the questions asked."""
    asked: list[str] = []

    def answer(_parent: object, _title: str, question: str, **_words: str) -> bool:
        asked.append(question)
        return yes

    monkeypatch.setattr(themes_screen, "ask_yes_no", answer)
    return asked


def _names_listed(screen: ThemesScreen) -> list[str]:
    model = screen.model
    return [model.index(row, NAME_COLUMN).data() for row in range(model.rowCount())]


def test_new_theme_keywords_are_tried_before_and_after_saving(
    screen: ThemesScreen, db: sqlite_utils.Database
) -> None:
    screen.new_theme()
    editor = screen.editor
    editor.name.setText("Car parking")
    editor.cqc.setCurrentIndex(editor.cqc.findData("responsive"))
    editor.keywords.new_keyword.setText("bollard")
    assert editor.keywords.add_typed()
    editor.sample.setPlainText("They put new bollards by the door and I could not get in.")

    matches = editor.try_sample()  # before saving: the form's keywords count

    this = next(m for m in matches if m.slug == EDITING_SLUG)
    assert [e.text for e in this.evidence] == ["bollards"]
    shown = editor.try_html
    assert "✓ Yes: “Car parking” would be suggested" in shown
    assert "<u>bollards</u>" in shown

    assert editor.save()
    saved = ThemeStore(db).find_by_name("Car parking")
    assert saved is not None and saved.keywords == ["bollard"]
    assert saved.cqc_key_question == "responsive"
    assert "Car parking" in _names_listed(screen)

    editor.sample.setPlainText("The car was fine, thank you.")
    editor.try_sample()
    assert "✗ No: “Car parking” would not be suggested" in editor.try_html


def test_try_it_names_the_other_themes_suggested(
    screen: ThemesScreen, db: sqlite_utils.Database
) -> None:
    phone = ThemeStore(db).get_by_slug("phone_access")
    assert screen.select_theme(phone.id)
    screen.editor.sample.setPlainText("I was on hold for 50 minutes and my prescription was lost.")
    matches = screen.editor.try_sample()
    assert EDITING_SLUG in [m.slug for m in matches]
    assert "prescriptions" in [m.slug for m in matches]
    assert "Other themes suggested: Prescriptions" in screen.editor.try_html


def test_a_bad_keyword_shows_its_problem_and_is_not_saved(
    screen: ThemesScreen, db: sqlite_utils.Database
) -> None:
    theme = ThemeStore(db).get_by_slug("referrals")
    assert screen.select_theme(theme.id)
    keywords = screen.editor.keywords
    keywords.new_keyword.setText('"on hold')
    assert not keywords.new_problem.isHidden()
    assert "Close the quotation marks" in keywords.new_problem.text()
    keywords.add_typed()
    row = keywords.table.rowCount() - 1
    assert keywords.problem_at(row).startswith("⚠ Close the quotation marks")
    assert keywords.problem_at(0) == "✓ Fine"

    assert not screen.editor.save()
    error = screen.editor.errors["Keywords"]
    assert not error.isHidden()
    assert '"on hold' in error.text()
    assert ThemeStore(db).get(theme.id).keywords == theme.keywords


def test_rename_keeps_links_and_a_taken_name_is_refused(
    screen: ThemesScreen, db: sqlite_utils.Database
) -> None:
    store = ThemeStore(db)
    theme = store.get_by_slug("phone_access")
    (item,) = _add_feedback(db, "Could not get through")
    store.set_link(item, theme.id, state="confirmed")
    assert screen.select_theme(theme.id)

    screen.editor.name.setText("Prescriptions")
    assert not screen.editor.save()
    assert "already a theme called Prescriptions" in screen.editor.errors["Theme name"].text()

    screen.editor.name.setText("Telephone access")
    assert screen.editor.save()
    assert store.get(theme.id).name == "Telephone access"
    assert [link.name for link in store.links_for(item)] == ["Telephone access"]
    assert "Telephone access" in _names_listed(screen)
    assert "Phone access" not in _names_listed(screen)


def test_merge_says_how_many_items_move_and_moves_the_links(
    screen: ThemesScreen, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ThemeStore(db)
    source, target = store.get_by_slug("continuity"), store.get_by_slug("clinical_care")
    items = _add_feedback(db, "Never the same doctor", "Saw a locum again")
    for item in items:
        store.set_link(item, source.id, state="confirmed")
    asked = _answer(monkeypatch, yes=True)
    assert screen.select_theme(source.id)

    moved = screen.merge_current_into(target.id)

    assert moved == 2
    assert "2 feedback items tagged “Continuity" in asked[0]
    for item in items:
        assert [link.theme_id for link in store.links_for(item)] == [target.id]
    assert store.get(source.id).archived
    assert source.name not in _names_listed(screen)
    assert screen.editor.theme is not None and screen.editor.theme.id == target.id


def test_merge_is_not_done_when_the_chair_says_no(
    screen: ThemesScreen, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ThemeStore(db)
    source, target = store.get_by_slug("continuity"), store.get_by_slug("clinical_care")
    _answer(monkeypatch, yes=False)
    assert screen.select_theme(source.id)
    assert screen.merge_current_into(target.id) is None
    assert not store.get(source.id).archived


def test_archive_hides_the_theme_until_show_archived(
    screen: ThemesScreen, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme = ThemeStore(db).get_by_slug("waiting_room")
    _answer(monkeypatch, yes=True)
    assert screen.select_theme(theme.id)

    assert screen.toggle_archive()
    assert ThemeStore(db).get(theme.id).archived
    assert theme.name not in _names_listed(screen)

    screen.show_archived.setChecked(True)
    row = screen.model.row_of(theme.id)
    assert row >= 0
    assert screen.model.index(row, STATUS_COLUMN).data() == "Archived"

    assert screen.select_theme(theme.id)
    assert screen.editor.archive_button.text().replace("&", "") == "Unarchive"
    assert screen.toggle_archive()
    assert not ThemeStore(db).get(theme.id).archived


def test_retag_uses_saved_keywords_and_keeps_a_rejection(
    qtbot: Any, screen: ThemesScreen, db: sqlite_utils.Database
) -> None:
    store = ThemeStore(db)
    phone = store.get_by_slug("phone_access")
    rejected, fresh, custom = _add_feedback(
        db,
        "I was on hold for 50 minutes",
        "Held on the line for ages, then cut off",
        "New bollards block the ramp",
    )
    store.set_link(rejected, phone.id, state="rejected")
    bollards = store.create("Bollards", "safe", keywords=["bollard"])

    job = screen.start_retag()
    qtbot.waitUntil(lambda: job.finished, timeout=20_000)

    assert job.error is None
    assert screen.last_retag is not None and screen.last_retag.items == 3
    by_item = {
        item: {link.slug: link.state for link in store.links_for(item)}
        for item in (rejected, fresh, custom)
    }
    assert by_item[rejected]["phone_access"] == "rejected"
    assert by_item[fresh]["phone_access"] == "suggested"
    assert by_item[custom][bollards.slug] == "suggested"
    message = screen.message.text()
    assert "Re-tagged 3 feedback items" in message
    assert "Bollards 0 → 1" in message
    assert screen.retag_button.isEnabled()


def test_switching_theme_asks_before_dropping_edits(
    screen: ThemesScreen, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ThemeStore(db)
    first, second = store.get_by_slug("referrals"), store.get_by_slug("test_results")
    assert screen.select_theme(first.id)
    screen.editor.description.setPlainText("Being sent to hospital")
    asked = _answer(monkeypatch, yes=True)

    assert screen.select_theme(second.id)

    assert len(asked) == 1
    assert store.get(first.id).description == "Being sent to hospital"
    assert screen.editor.theme is not None and screen.editor.theme.id == second.id


def test_leaving_with_an_unsaveable_edit_is_stopped(
    screen: ThemesScreen, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme = ThemeStore(db).get_by_slug("referrals")
    assert screen.select_theme(theme.id)
    screen.editor.name.setText("")
    _answer(monkeypatch, yes=True)

    assert not screen.confirm_leave()
    assert "Give the theme a name" in screen.editor.errors["Theme name"].text()
    assert screen.editor.has_unsaved_changes()


def test_retag_stopped_before_it_starts_changes_nothing(
    qtbot: Any, screen: ThemesScreen, db: sqlite_utils.Database
) -> None:
    store = ThemeStore(db)
    (item,) = _add_feedback(db, "I was on hold for 50 minutes")
    assert store.links_for(item) == []

    job = screen.start_retag()
    job.cancel()  # the job has not begun its first batch yet
    qtbot.waitUntil(lambda: job.finished, timeout=20_000)

    assert store.links_for(item) == []
    assert "Re-tagging stopped" in screen.message.text()
    assert screen.retag_button.isEnabled()


def test_a_new_theme_form_survives_a_list_refresh(screen: ThemesScreen, ctx: AppContext) -> None:
    screen.new_theme()
    ctx.notify("feedback")  # another screen changed feedback: the list refreshes
    assert screen.editor.is_new
    assert screen.editor.name.isEnabled()


def test_only_the_chair_sees_the_themes_screen(db: sqlite_utils.Database, db_path: Path) -> None:
    def keys(role: str) -> list[str]:
        person = User(id=1, uuid="u", name="Sam", role=role, active=True, has_pin=False)
        return [spec.key for spec in visible_screens(AppContext(db, db_path, person))]

    assert "themes" in keys("chair")
    assert "themes" not in keys("volunteer")


def _changed_before_newer_keywords_shipped(db: sqlite_utils.Database, slug: str) -> None:
    """The chair changed this theme's keywords, and this version ships newer ones since."""
    db.execute(
        "UPDATE themes SET keywords = ?, shipped_fingerprint = 'an older version' WHERE slug = ?",
        ['["my own words", "on hold"]', slug],
    )
    db.conn.commit()


def test_no_notice_while_every_built_in_theme_is_in_step(screen: ThemesScreen) -> None:
    assert screen.newer_bar.isHidden()


def test_newer_suggested_keywords_are_offered_and_used(
    screen: ThemesScreen, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _changed_before_newer_keywords_shipped(db, "phone_access")
    screen.reload()
    assert not screen.newer_bar.isHidden()
    assert "1 built-in theme whose keywords were changed here: “Phone access”" in (
        screen.newer_label.text()
    )
    assert screen.use_newer_button.isHidden(), "nothing chosen yet: nothing to use"

    phone = ThemeStore(db).get_by_slug("phone_access")
    assert screen.select_theme(phone.id)
    words = screen.newer_label.text()
    assert words.startswith("You changed the keywords of “Phone access”")
    assert "remove 1 it has now (“my own words”)" in words
    assert not screen.use_newer_button.isHidden() and not screen.keep_own_button.isHidden()
    assert screen.select_theme(ThemeStore(db).get_by_slug("referrals").id)
    assert screen.use_newer_button.isHidden(), "another theme: nothing to offer for it"
    assert screen.select_theme(phone.id)

    asked = _answer(monkeypatch, yes=True)
    assert screen.use_newer_keywords()
    assert "(“my own words”) are removed" in asked[0]
    shipped = next(t for t in shipped_themes() if t.slug == "phone_access")
    assert ThemeStore(db).get(phone.id).keywords == shipped.keywords
    assert screen.editor.keywords.keywords() == shipped.keywords
    assert screen.newer_bar.isHidden()
    assert "now has the app's suggested keywords" in screen.message.text()


def test_the_chair_may_keep_their_keywords_or_change_nothing(
    screen: ThemesScreen, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _changed_before_newer_keywords_shipped(db, "phone_access")
    screen.reload()
    phone = ThemeStore(db).get_by_slug("phone_access")
    assert screen.select_theme(phone.id)

    _answer(monkeypatch, yes=False)
    assert not screen.use_newer_keywords()
    assert not screen.keep_own_keywords()
    assert not screen.newer_bar.isHidden()

    _answer(monkeypatch, yes=True)
    assert screen.keep_own_keywords()
    assert ThemeStore(db).get(phone.id).keywords == ["my own words", "on hold"]
    assert screen.newer_bar.isHidden()
    assert "keeps your keywords" in screen.message.text()
