"""The Privacy and security screen and its dialogs: retention periods, the idle-lock time, PINs,
the first chair PIN, encrypting the open database (reopened with the passphrase), changing the
passphrase, and subject access (search, export, erase), each through the real widgets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core import auth
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.errors import DatabaseProblem
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import User
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.retention import retention_periods
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui import encryption_dialog
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.encryption_dialog import (
    ChangePassphraseDialog,
    EncryptDialog,
    recommend_encryption,
    strength_hint,
)
from ppg_desktop.ui.main_window import MainWindow
from ppg_desktop.ui.privacy_screen import PrivacyScreen
from ppg_desktop.ui.sign_in import SetPinDialog
from ppg_desktop.ui.subject_access_dialog import SubjectAccessDialog

COMMENT = "Dr Khan was lovely but the waiting room at Riverside Surgery was freezing cold"
PASSPHRASE = "purple kettle on the bus"


@pytest.fixture
def chair(db: sqlite_utils.Database) -> User:
    practice = PracticeStore(db).create("Riverside Surgery")
    item = FeedbackStore(db).create(
        practice_id=practice.id,
        received_on="2026-11-02",
        kind="complaint",
        channel="phone",
        text=COMMENT + ". Call Jo Bloggs back.",
    )
    ContactStore(db).create(
        item.id, "Jo Bloggs", "07700 900123", "", True, "2026-11-02", "a reply", "Ann"
    )
    return auth.create_user(db, "Ann Chair", "chair", "4826", "setup")


@pytest.fixture
def ctx(db: sqlite_utils.Database, db_path: Path, chair: User) -> AppContext:
    return AppContext(db, db_path, user=chair)


def test_retention_periods_are_saved_and_checked(ctx: AppContext, qtbot: QtBot) -> None:
    screen = PrivacyScreen(ctx)
    qtbot.addWidget(screen)
    screen.retention["contact_months_after_closed"].setValue(6)
    assert screen.save_retention()
    assert retention_periods(ctx.db).contact_months_after_closed == 6
    screen.retention["deleted_feedback_days"].setValue(0)
    assert not screen.save_retention()
    assert "Keep deleted feedback" in screen.retention_error.text()
    assert retention_periods(ctx.db).deleted_feedback_days == 30


def test_lock_minutes_apply_to_the_running_window(ctx: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    screen = window.show_screen("privacy")
    assert isinstance(screen, PrivacyScreen)
    screen.lock_minutes.setValue(3)
    assert screen.save_lock_minutes()
    assert auth.lock_after_minutes(ctx.db) == 3
    assert window.lock_guard.timer.interval() == 3 * 60_000


def test_chair_sets_a_volunteers_pin(ctx: AppContext, qtbot: QtBot) -> None:
    vic = UserStore(ctx.db, "setup").create("Vic Volunteer", "volunteer")
    dialog = SetPinDialog(ctx, vic)
    qtbot.addWidget(dialog)
    dialog.pin.setText("7391")
    dialog.again.setText("7319")
    assert not dialog.save()
    assert "not the same" in dialog.error.text()
    dialog.pin.setText("1234")
    dialog.again.setText("1234")
    assert not dialog.save()
    assert "too easy" in dialog.error.text()
    dialog.pin.setText("7391")
    dialog.again.setText("7391")
    assert dialog.save()
    assert auth.sign_in(ctx.db, "Vic Volunteer", "7391").id == vic.id
    changes = AuditStore(ctx.db).list(table="users", action="update")[0].changes
    assert changes == {"pin": "changed"}  # the PIN itself is never logged


def test_first_chair_pin_turns_on_sign_in(db: sqlite_utils.Database, db_path: Path) -> None:
    UserStore(db, "demo").create("Margaret Ellison", "chair")
    assert auth.needs_first_user(db)
    ctx = AppContext(db, db_path)
    dialog = SetPinDialog(ctx, None, first_chair=True)
    assert dialog.name.currentText() == "Margaret Ellison"
    dialog.pin.setText("4826")
    dialog.again.setText("4826")
    assert dialog.save()
    assert not auth.needs_first_user(db)
    assert dialog.user is not None and dialog.user.name == "Margaret Ellison"
    assert [u.name for u in UserStore(db).list()] == ["Margaret Ellison"]  # no second chair


def test_strength_hint_prefers_length() -> None:
    assert strength_hint("abc").startswith("Too short")
    assert strength_hint("aaaaaaaaaa").startswith("Weak")
    assert strength_hint("Kettle99").startswith("Fair")
    assert strength_hint(PASSPHRASE).startswith("Strong")


def test_encrypting_reopens_the_database_with_the_passphrase(
    ctx: AppContext, db_path: Path, qtbot: QtBot
) -> None:
    before = FeedbackStore(ctx.db).count()
    dialog = EncryptDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE + "x")
    dialog.written_down.setChecked(True)
    assert not dialog.encrypt()
    assert "not the same" in dialog.error.text()
    assert not is_encrypted_file(db_path)
    dialog.again.setText(PASSPHRASE)
    assert dialog.encrypt()
    assert dialog.job is not None
    job = dialog.job
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    assert job.error is None
    assert is_encrypted_file(db_path)
    assert COMMENT.encode() not in db_path.read_bytes()
    assert ctx.passphrase == PASSPHRASE
    assert FeedbackStore(ctx.db).count() == before  # the app's connection works again
    assert dialog.backup_path is not None and dialog.backup_path.exists()
    assert COMMENT.encode() not in dialog.backup_path.read_bytes()
    with pytest.raises(DatabaseProblem):
        open_database(db_path, "not the passphrase", create=False)

    change = ChangePassphraseDialog(ctx)
    qtbot.addWidget(change)
    change.old.setText("wrong passphrase")
    change.new.setText("green teapot in the rain")
    change.again.setText("green teapot in the rain")
    assert not change.change()
    assert "does not open" in change.error.text()
    change.old.setText(PASSPHRASE)
    assert change.change()
    assert ctx.passphrase == "green teapot in the rain"
    reopened = open_database(db_path, "green teapot in the rain", create=False)
    assert FeedbackStore(reopened).count() == before
    reopened.close()


def test_first_run_recommendation_can_be_put_off(
    ctx: AppContext, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def later(_parent: object, title: str, *_args: object, **_kw: object) -> bool:
        asked.append(title)
        return False

    monkeypatch.setattr(encryption_dialog, "ask_yes_no", later)
    assert not recommend_encryption(ctx)
    assert asked == ["Protect patients' comments"]
    assert not is_encrypted_file(db_path)


def test_subject_access_search_export_and_erase(
    ctx: AppContext, tmp_path: Path, qtbot: QtBot
) -> None:
    dialog = SubjectAccessDialog(ctx)
    qtbot.addWidget(dialog)
    assert not dialog.export_button.isEnabled()
    assert dialog.search() is None  # nothing typed
    assert "name, phone number or email" in dialog.error.text()
    dialog.phone.setText("07700900123")
    assert dialog.search() is not None
    assert dialog.model.rowCount() == 2  # the contact details and their feedback
    assert dialog.model.item(0, 0).text() == "Contact details"
    assert dialog.export_button.isEnabled()

    written = dialog.export_to(tmp_path / "for-jo")
    assert written == tmp_path / "for-jo.json"
    exported = json.loads(written.read_text(encoding="utf-8"))
    assert exported["contact_details"][0]["name"] == "Jo Bloggs"

    dialog.erase(delete_feedback=False)
    assert dialog.job is not None
    job = dialog.job
    qtbot.waitUntil(lambda: job.finished, timeout=10_000)
    assert dialog.erased == {
        "contacts_removed": 1,
        "feedback_deleted": 0,
        "feedback_redacted": 1,
        "survey_answers_removed": 0,
        "survey_answers_redacted": 0,
    }
    assert ContactStore(ctx.db).count() == 0
    text = FeedbackStore(ctx.db).list()[0].text
    assert "Jo Bloggs" not in text and "Riverside Surgery" in text
    actions = {e.action for e in AuditStore(ctx.db).list(actor="Ann Chair")}
    assert {"subject_access_search", "export", "erase"} <= actions


@pytest.fixture
def second_jo(ctx: AppContext) -> AppContext:
    """Another 'Jo Bloggs', at another practice, with another phone number."""
    practice = PracticeStore(ctx.db).create("Hillview Medical Centre")
    item = FeedbackStore(ctx.db).create(
        practice_id=practice.id,
        received_on="2026-11-03",
        kind="concern",
        channel="letter",
        text="Prescription lost twice",
    )
    ContactStore(ctx.db).create(
        item.id, "Jo Bloggs", "0113 496 0000", "", True, "2026-11-03", "a reply", "Ann"
    )
    return ctx


def test_a_name_that_may_be_two_people_is_flagged_and_erasing_needs_a_tick(
    second_jo: AppContext, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ppg_desktop.ui import subject_access_dialog
    from ppg_desktop.ui.subject_access_dialog import EraseChoiceDialog

    ctx = second_jo
    dialog = SubjectAccessDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("Jo Bloggs")
    result = dialog.search()
    assert result is not None and result.could_be_different_people
    assert not dialog.people_box.isHidden()
    note = dialog.people_note.text()
    assert "2 different people" in note and "(person 1 to 2)" in note
    assert "Hillview Medical Centre (1 item)" in note and "phone number or email address" in note
    assert dialog.model.item(0, 0).text() == "Contact details (person 1)"
    assert dialog.model.item(0, 3).text() == "Jo Bloggs, 07700 900123, Riverside Surgery"
    assert dialog.model.item(1, 0).text() == "Contact details (person 2)"
    assert dialog.model.item(1, 3).text() == "Jo Bloggs, 0113 496 0000, Hillview Medical Centre"

    choice = EraseChoiceDialog(result, dialog)
    qtbot.addWidget(choice)
    assert not choice.erase_button.isEnabled() and not choice.all_checked.isHidden()
    choice.all_checked.setChecked(True)
    assert choice.erase_button.isEnabled()

    asked: list[str] = []

    def say_cancel(_parent: object, _title: str, question: str, **_kw: object) -> bool:
        asked.append(question)
        return False

    monkeypatch.setattr(subject_access_dialog, "ask_yes_no", say_cancel)
    assert dialog.choose_export_file() is None
    assert "Another patient's details must never go to the person who asked" in asked[0]
    assert dialog.export_to(tmp_path / "both.json") is None  # not without all_matches
    assert "different people" in dialog.error.text()
    assert not (tmp_path / "both.json").exists()

    dialog.erase(delete_feedback=False)  # without the tick the core refuses too
    assert dialog.job is not None
    job = dialog.job
    qtbot.waitUntil(lambda: job.finished, timeout=10_000)
    assert "Nothing was erased" in dialog.error.text()
    assert ContactStore(ctx.db).count() == 2

    dialog.phone.setText("07700 900123")
    narrowed = dialog.search()
    assert narrowed is not None and not narrowed.could_be_different_people
    assert dialog.people_box.isHidden() and not dialog.left_out.isHidden()
    assert "0113 496 0000" in dialog.left_out.text()
    dialog.erase(delete_feedback=False)
    job = dialog.job
    qtbot.waitUntil(lambda: job.finished, timeout=10_000)
    assert [c.phone for c in ContactStore(ctx.db).list_all()] == ["0113 496 0000"]


def test_one_person_found_by_name_needs_no_tick(ctx: AppContext, qtbot: QtBot) -> None:
    from ppg_desktop.ui.subject_access_dialog import EraseChoiceDialog

    dialog = SubjectAccessDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("Jo Bloggs")
    result = dialog.search()
    assert result is not None and not result.could_be_different_people
    assert dialog.people_box.isHidden() and dialog.left_out.isHidden()
    choice = EraseChoiceDialog(result, dialog)
    qtbot.addWidget(choice)
    assert choice.erase_button.isEnabled() and choice.all_checked.isHidden()


def test_the_written_survey_answers_period_is_saved_and_kept(ctx: AppContext, qtbot: QtBot) -> None:
    screen = PrivacyScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.retention["survey_text_years"].value() == 6
    screen.retention["survey_text_years"].setValue(8)
    assert screen.save_retention()
    again = PrivacyScreen(ctx)  # saving another period later keeps it
    qtbot.addWidget(again)
    again.retention["contact_months_after_closed"].setValue(9)
    assert again.save_retention()
    periods = retention_periods(ctx.db)
    assert (periods.survey_text_years, periods.contact_months_after_closed) == (8, 9)


def test_subject_access_finds_and_erases_a_written_survey_answer(
    ctx: AppContext, qtbot: QtBot
) -> None:
    from ppg_desktop.core.survey_store import SurveyStore
    from ppg_desktop.ui.subject_access_dialog import EraseChoiceDialog

    store = SurveyStore(ctx.db)
    survey = store.create_from_template("fft")
    fft, why = (q.id for q in survey.questions)
    practice = PracticeStore(ctx.db).list()[0]
    response = store.add_response(
        survey.id, {fft: "Poor", why: "Jo Bloggs was left waiting"}, practice_id=practice.id
    )
    dialog = SubjectAccessDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("Jo Bloggs")
    result = dialog.search()
    assert result is not None and len(result.survey_answers) == 1
    records = [dialog.model.item(row, 0).text() for row in range(dialog.model.rowCount())]
    assert records[-1] == "Survey answer"
    assert dialog.model.item(len(records) - 1, 1).text() == str(response.id)
    assert "Also 1 written survey answer to check." in dialog.summary.text()
    choice = EraseChoiceDialog(result, dialog)
    qtbot.addWidget(choice)
    assert "and 1 written survey answer found?" in choice.findChildren(QLabel)[0].text()
    assert "survey answers (their ratings stay)" in choice.delete_feedback.text()

    dialog.erase(delete_feedback=True)
    assert dialog.job is not None
    job = dialog.job
    qtbot.waitUntil(lambda: job.finished, timeout=10_000)
    assert dialog.erased is not None and dialog.erased["survey_answers_removed"] == 1
    assert "1 written survey answer removed (their ratings stay)" in dialog.summary.text()
    assert store.get_response(response.id).answers == {fft: "Poor"}


def test_the_subject_access_table_lists_a_comments_earlier_version() -> None:
    """A version kept after merging laptops is shown under its comment: it is erased with it."""
    import datetime as dt

    from ppg_desktop.core.merge_conflict_store import KeptVersion
    from ppg_desktop.core.models import Feedback
    from ppg_desktop.core.subject_access import SubjectAccessResult
    from ppg_desktop.ui.subject_access_dialog import result_rows

    item = Feedback(
        id=7,
        uuid="u7",
        practice_id=1,
        practice_name="Riverside Surgery",
        received_on=dt.date(2026, 3, 2),
        channel="phone",
        kind="complaint",
        text="Parking is impossible",
        sentiment=None,
        status="new",
        entered_by=None,
        survey_response_id=None,
        created_at="2026-03-02T09:00:00+00:00",
        updated_at="2026-03-02T09:00:00+00:00",
        deleted_at=None,
    )
    version = KeptVersion(
        id=1,
        at="2026-03-05T10:00:00+00:00",
        table_name="feedback",
        record_uuid="u7",
        feedback_id=7,
        winner="this_database",
        fields={"text": "Parking is impossible, says Jo Bloggs"},
    )
    result = SubjectAccessResult(
        "Jo Bloggs", "", "", mentions=[item], earlier_versions={7: [version]}
    )
    assert result_rows(result) == [
        ("Mentions them", "7", "02/03/2026", "Parking is impossible"),
        ("Earlier version", "7", "05/03/2026", "Parking is impossible, says Jo Bloggs"),
    ]


def test_every_retention_caption_sits_beside_its_box(ctx: AppContext, qtbot: QtBot) -> None:
    """The periods line up in one column, so no caption drops above its box alone."""
    from PySide6.QtWidgets import QApplication, QLabel

    from ppg_desktop.ui.style import apply_style

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app, ctx.settings)  # the app's own fonts, as people see it
    screen = PrivacyScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1148, 720)  # beside the sidebar on a 1366x768 laptop
    screen.show()
    qtbot.waitExposed(screen)
    widths = {spin.width() for spin in screen.retention.values()}
    assert len(widths) == 1
    for spin in screen.retention.values():
        caption = next(w for w in screen.findChildren(QLabel) if w.buddy() is spin)
        caption_y = caption.mapTo(screen, caption.rect().center()).y()
        top = spin.mapTo(screen, spin.rect().topLeft()).y()
        bottom = spin.mapTo(screen, spin.rect().bottomLeft()).y()
        assert top <= caption_y <= bottom, caption.text()
