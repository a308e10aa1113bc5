"""Signing in, PINs, roles and permissions, and the idle-lock setting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core import auth
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.user_store import UserStore


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_database(tmp_path / "t.db")


def test_pins_are_hashed_with_argon2_not_stored(db: sqlite_utils.Database) -> None:
    user = auth.create_user(db, "Pat Chair", "chair", "4826", "setup")
    stored = UserStore(db).pin_hash(user.id)
    assert stored and stored.startswith("$argon2id$") and "4826" not in stored
    assert auth.pin_matches(stored, "4826")
    assert not auth.pin_matches(stored, "4827")
    assert not auth.pin_matches(None, "4826")
    assert not auth.pin_matches("not a hash", "4826")


def test_sign_in_returns_the_user_and_is_audited(db: sqlite_utils.Database) -> None:
    auth.create_user(db, "Pat Chair", "chair", "4826", "setup")
    user = auth.sign_in(db, "  pat   chair ", "4826")
    assert user.name == "Pat Chair" and user.role == "chair"
    entry = AuditStore(db).list(action="sign_in")[0]
    assert entry.actor == "Pat Chair" and entry.table_name == "users"


def test_wrong_pin_and_unknown_name_fail_the_same_way_and_are_audited(
    db: sqlite_utils.Database,
) -> None:
    auth.create_user(db, "Pat Chair", "chair", "4826", "setup")
    with pytest.raises(auth.SignInFailed) as wrong:
        auth.sign_in(db, "Pat Chair", "0000")
    with pytest.raises(auth.SignInFailed) as unknown:
        auth.sign_in(db, "Nobody Here", "4826")
    assert str(wrong.value) == str(unknown.value)
    failures = AuditStore(db).list(action="sign_in_failed")
    assert {e.actor for e in failures} == {"Pat Chair", "Nobody Here"}
    assert not AuditStore(db).list(action="sign_in")


def test_inactive_user_cannot_sign_in(db: sqlite_utils.Database) -> None:
    user = auth.create_user(db, "Sam Volunteer", "volunteer", "7391", "chair")
    UserStore(db, "chair").update(user.id, active=False)
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(db, "Sam Volunteer", "7391")


def test_too_many_wrong_pins_lock_the_name_for_a_while(db: sqlite_utils.Database) -> None:
    auth.create_user(db, "Sam Volunteer", "volunteer", "7391", "chair")
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(db, "Sam Volunteer", "1111")
    with pytest.raises(auth.SignInFailed) as refused:
        auth.sign_in(db, "Sam Volunteer", "7391")
    assert "Too many" in str(refused.value)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert auth.sign_in(db, "Sam Volunteer", "7391", now=later).name == "Sam Volunteer"


def test_set_pin_replaces_the_old_one(db: sqlite_utils.Database) -> None:
    user = auth.create_user(db, "Sam Volunteer", "volunteer", "7391", "chair")
    auth.set_pin(db, user.id, "5820", "Pat Chair")
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(db, "Sam Volunteer", "7391")
    assert auth.sign_in(db, "Sam Volunteer", "5820").id == user.id
    change = AuditStore(db).list(action="update", table="users")[0]
    assert change.actor == "Pat Chair" and change.changes == {"pin": "changed"}
    assert "5820" not in str(change.changes)


@pytest.mark.parametrize("pin", ["", "12", "1111", "1234", "9876", " 4826"])
def test_weak_pins_are_refused(db: sqlite_utils.Database, pin: str) -> None:
    with pytest.raises(ValidationError) as problem:
        auth.create_user(db, "Sam", "volunteer", pin, "chair")
    assert problem.value.field == "PIN"
    assert UserStore(db).find_by_name("Sam") is None


def test_roles_and_permissions(db: sqlite_utils.Database) -> None:
    chair = auth.create_user(db, "Pat Chair", "chair", "4826", "setup")
    volunteer = auth.create_user(db, "Sam Volunteer", "volunteer", "7391", "chair")
    for permission in auth.PERMISSIONS:
        assert auth.can(chair, permission)
    assert auth.can(volunteer, "enter_feedback") and auth.can(volunteer, "enter_survey")
    for permission in (
        "reports",
        "export",
        "settings",
        "audit",
        "manage_users",
        "purge",
        "view_all_feedback",
        "subject_access",
    ):
        assert not auth.can(volunteer, permission)
        with pytest.raises(auth.AccessDenied) as denied:
            auth.require(volunteer, permission)
        assert "chair" in str(denied.value)
    assert not auth.can(None, "enter_feedback")
    retired = UserStore(db, "chair").update(chair.id, active=False)
    assert not auth.can(retired, "reports")
    with pytest.raises(ValueError):
        auth.can(chair, "fly")


def test_volunteer_sees_only_what_they_entered_today(db: sqlite_utils.Database) -> None:
    chair = auth.create_user(db, "Pat Chair", "chair", "4826", "setup")
    volunteer = auth.create_user(db, "Sam Volunteer", "volunteer", "7391", "chair")
    practice = PracticeStore(db, "chair").create("Elm Road Surgery")
    store = FeedbackStore(db, "x")
    base = {
        "practice_id": practice.id,
        "received_on": dt.date(2026, 1, 5),
        "channel": "in_person",
        "kind": "concern",
    }
    mine = store.create(**base, text="Mine", entered_by=volunteer.id)
    store.create(**base, text="Chair's", entered_by=chair.id)
    old = store.create(**base, text="Mine, last week", entered_by=volunteer.id)
    db.execute(
        "UPDATE feedback SET created_at = ? WHERE id = ?",
        [(dt.datetime.now(dt.UTC) - dt.timedelta(days=7)).isoformat(), old.id],
    )
    seen = store.list(auth.visible_feedback(volunteer))
    assert [f.id for f in seen] == [mine.id]
    assert store.count(auth.visible_feedback(chair)) == 3


def test_needs_first_user(db: sqlite_utils.Database) -> None:
    assert auth.needs_first_user(db)
    auth.create_user(db, "Sam Volunteer", "volunteer", "7391", "setup")
    assert auth.needs_first_user(db)
    auth.create_user(db, "Pat Chair", "chair", "4826", "setup")
    assert not auth.needs_first_user(db)


def test_lock_after_minutes_setting(db: sqlite_utils.Database) -> None:
    assert auth.lock_after_minutes(db) == 10
    auth.set_lock_after_minutes(db, 3, "Pat Chair")
    assert auth.lock_after_minutes(db) == 3
    for bad in (0, 500, "5"):
        with pytest.raises(ValidationError):
            auth.set_lock_after_minutes(db, bad, "Pat Chair")  # type: ignore[arg-type]
    assert AuditStore(db).list(table="settings")[0].actor == "Pat Chair"


def test_sign_out_is_audited(db: sqlite_utils.Database) -> None:
    user = auth.create_user(db, "Pat Chair", "chair", "4826", "setup")
    auth.sign_out(db, user, "locked after 10 minutes idle")
    entry = AuditStore(db).list(action="sign_out")[0]
    assert entry.changes == {"reason": "locked after 10 minutes idle"}
