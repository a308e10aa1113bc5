"""Practices, users, settings and the audit trail."""

from __future__ import annotations

import pytest
import sqlite_utils

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.user_store import UserStore


def test_practices_create_rename_deactivate(db: sqlite_utils.Database) -> None:
    store = PracticeStore(db, "Chair")
    elm = store.create("  Elm   Surgery ", "y12345")
    assert elm.name == "Elm Surgery"
    assert elm.ods_code == "Y12345"
    store.create("Oak Medical Centre")
    renamed = store.update(elm.id, name="Elm Street Surgery")
    assert renamed.name == "Elm Street Surgery"
    store.update(elm.id, active=False)
    assert [p.name for p in store.list(active_only=True)] == ["Oak Medical Centre"]
    assert len(store.list()) == 2
    assert store.find_by_name("elm street surgery") is not None
    actions = [e.action for e in AuditStore(db).list(table="practices")]
    assert actions.count("update") == 2


@pytest.mark.parametrize(
    ("name", "code", "field"),
    [
        ("", None, "Practice name"),
        ("Elm Surgery", None, "Practice name"),
        ("New", "12", "ODS code"),
    ],
)
def test_practice_validation(
    db: sqlite_utils.Database, name: str, code: str | None, field: str
) -> None:
    store = PracticeStore(db)
    store.create("Elm Surgery")
    with pytest.raises(ValidationError) as info:
        store.create(name, code)
    assert info.value.field == field
    assert len(store.list()) == 1


def test_practice_not_found(db: sqlite_utils.Database) -> None:
    with pytest.raises(NotFoundError):
        PracticeStore(db).get(42)


def test_users(db: sqlite_utils.Database) -> None:
    store = UserStore(db, "Chair")
    jean = store.create("Jean Smith", "chair", pin_hash="hash")
    assert jean.has_pin
    bob = store.create("Bob", "volunteer")
    assert not bob.has_pin
    with pytest.raises(ValidationError):
        store.create("jean smith")
    with pytest.raises(ValidationError) as info:
        store.create("Ann", role="boss")
    assert info.value.field == "Role"
    store.update(bob.id, active=False, pin_hash="new")
    assert store.get(bob.id).has_pin
    assert [u.name for u in store.list(active_only=True)] == ["Jean Smith"]
    assert store.pin_hash(bob.id) == "new"


def test_settings_roundtrip_and_audit(db: sqlite_utils.Database) -> None:
    settings = SettingsStore(db, "Chair")
    assert settings.get("ppg_name", "none") == "none"
    settings.set("ppg_name", "Riverside PPG")
    settings.set("retention", {"contacts_months": 12})
    assert settings.ppg_name() == "Riverside PPG"
    assert settings.all()["retention"] == {"contacts_months": 12}
    entries = AuditStore(db).list(table="settings")
    assert {e.row_key for e in entries} == {"ppg_name", "retention"}


def test_audit_record_and_filter(db: sqlite_utils.Database) -> None:
    audit = AuditStore(db, "Jean")
    audit.record("export", "feedback", "out.csv", {"rows": 3})
    audit.record("sign_in")
    assert audit.count() == 2
    assert [e.action for e in audit.list(action="export")] == ["export"]
    assert audit.list(actor="Jean")[0].action == "sign_in"  # newest first
    assert audit.list(actor="Nobody") == []
