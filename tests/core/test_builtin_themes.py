"""Built-in themes follow the keywords the app ships, unless the chair changed them: then the
chair is asked. Archived, merged and removed themes are left alone; new built-in themes arrive."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.builtin_theme_store import BuiltinThemeStore
from ppg_desktop.core.builtin_themes import (
    KNOWN_SLUGS_SETTING,
    ORIGINAL_SLUGS,
    UPDATE_ACTOR,
    ShippedTheme,
    Step,
    decide,
    fingerprint,
    shipped_themes,
)
from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.tagging import load_taxonomy, suggest_themes
from ppg_desktop.core.theme_store import ThemeStore

OLD_KEYWORDS = ["on hold", "engaged"]
OLD_RULES: dict[str, Any] = {"weak": ["phone"]}


@pytest.fixture
def builtin(db: sqlite_utils.Database) -> BuiltinThemeStore:
    return BuiltinThemeStore(db, actor="Chair")


def _newer(slug: str, *extra: str, **changes: Any) -> list[ShippedTheme]:
    """The shipped themes as a later version of the app might ship them: one theme changed."""
    return [
        dataclasses.replace(t, keywords=[*t.keywords, *extra], **changes) if t.slug == slug else t
        for t in shipped_themes()
    ]


def _as_if_seeded_by_an_older_app(
    db: sqlite_utils.Database, slug: str, *, recorded: bool = True
) -> None:
    """Give a theme the keywords an older version shipped, as that version wrote them."""
    db.execute(
        "UPDATE themes SET keywords = ?, rules = ?, shipped_fingerprint = ? WHERE slug = ?",
        [
            json.dumps(OLD_KEYWORDS),
            json.dumps(OLD_RULES),
            fingerprint(OLD_KEYWORDS, OLD_RULES) if recorded else None,
            slug,
        ],
    )
    db.conn.commit()


def _recorded(db: sqlite_utils.Database, slug: str) -> str | None:
    row = db.execute("SELECT shipped_fingerprint FROM themes WHERE slug = ?", [slug]).fetchone()
    return row[0] if row else None


def _shipped(slug: str, themes: list[ShippedTheme] | None = None) -> ShippedTheme:
    return next(t for t in (themes or shipped_themes()) if t.slug == slug)


# --- the rule -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "recorded", "shipped", "retired", "step"),
    [
        ("S", "S", "S", False, Step.IN_STEP),
        ("S", None, "S", False, Step.RECORD),  # made before fingerprints, never changed
        ("S", "OLD", "S", False, Step.RECORD),  # e.g. a bundle brought the shipped keywords
        ("OLD", "OLD", "S", False, Step.UPDATE),  # unedited since the older app wrote it
        ("MINE", None, "S", False, Step.OFFER),  # made before fingerprints: perhaps edited
        ("MINE", "OLD", "S", False, Step.OFFER),  # edited, and newer ones shipped since
        ("MINE", "S", "S", False, Step.KEEP),  # edited, nothing newer shipped
        ("OLD", "OLD", "S", True, Step.LEAVE),  # archived or merged
        ("MINE", None, "S", True, Step.LEAVE),
    ],
)
def test_decide(
    current: str, recorded: str | None, shipped: str, retired: bool, step: Step
) -> None:
    assert decide(current, recorded, shipped, retired=retired) is step


def test_fingerprint_follows_content_not_layout() -> None:
    assert fingerprint(["a", "b"], {"weak": ["x"], "strong": ["y"]}) == fingerprint(
        ["a", "b"], {"strong": ["y"], "weak": ["x"]}
    )
    assert fingerprint(["a", "b"], {}) != fingerprint(["b", "a"], {})
    assert fingerprint(["a"], {"weak": ["x"]}) != fingerprint(["a"], {"weak": ["y"]})


# --- a new database -------------------------------------------------------------------------------
def test_new_database_is_in_step_without_audit_noise(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    for theme in shipped_themes():
        assert _recorded(db, theme.slug) == theme.fingerprint
    assert builtin.newer_keywords() == []
    assert AuditStore(db).count() == 0
    assert SettingsStore(db).get(KNOWN_SLUGS_SETTING) is None  # the original slugs, implied
    assert {t.slug for t in shipped_themes()} == ORIGINAL_SLUGS


# --- unedited themes follow the app ---------------------------------------------------------------
def test_unedited_theme_takes_newer_shipped_keywords_on_opening(db_path: Path) -> None:
    db = open_database(db_path)
    _as_if_seeded_by_an_older_app(db, "phone_access")
    before = db.execute("SELECT updated_at FROM themes WHERE slug = 'phone_access'").fetchone()
    db.close()

    db = open_database(db_path)
    phone = ThemeStore(db).get_by_slug("phone_access")
    shipped = _shipped("phone_access")
    assert (phone.keywords, phone.rules) == (shipped.keywords, shipped.rules)
    assert _recorded(db, "phone_access") == shipped.fingerprint
    assert db.execute("SELECT updated_at FROM themes WHERE slug = 'phone_access'").fetchone() != (
        before
    )
    (entry,) = AuditStore(db).list(table="themes")
    assert (entry.actor, entry.action, entry.row_key) == (UPDATE_ACTOR, "update", "phone_access")
    assert entry.changes["keywords"][0] == OLD_KEYWORDS
    assert "came with the app" in entry.changes["why"]
    assert BuiltinThemeStore(db).newer_keywords() == []


def test_opening_again_changes_nothing(db_path: Path) -> None:
    db = open_database(db_path)
    _as_if_seeded_by_an_older_app(db, "phone_access")
    db.close()
    open_database(db_path).close()
    db = open_database(db_path)
    themes = db.execute("SELECT * FROM themes ORDER BY id").fetchall()
    audit = AuditStore(db).count()
    db.close()

    db = open_database(db_path)
    assert db.execute("SELECT * FROM themes ORDER BY id").fetchall() == themes
    assert AuditStore(db).count() == audit == 1
    assert not BuiltinThemeStore(db).sync().wrote


def test_newer_rules_take_effect_in_suggestions(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    text = "The zebra crossing outside the surgery is dangerous"
    assert "premises_access" not in {m.slug for m in suggest_themes(text, load_taxonomy(db))}
    result = builtin.sync(_newer("premises_access", "zebra crossing"))
    assert result.updated == ["premises_access"]
    assert "premises_access" in {m.slug for m in suggest_themes(text, load_taxonomy(db))}


def test_renamed_theme_still_follows_the_app(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    """A new name (or description) is not a change of keywords: the chair kept the app's."""
    store = ThemeStore(db, "Chair")
    phone = store.get_by_slug("phone_access")
    store.update(phone.id, name="Telephones", keywords=phone.keywords, description="Ours")
    assert builtin.sync(_newer("phone_access", "switchboard queue")).updated == ["phone_access"]
    renamed = store.get(phone.id)
    assert renamed.name == "Telephones" and "switchboard queue" in renamed.keywords


def test_a_failed_sync_leaves_no_trace(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    broken = ShippedTheme("parking", "Parking", cqc_key_question="not a key question")
    newer = [*_newer("phone_access", "switchboard queue"), broken]
    with pytest.raises(sqlite3.IntegrityError):
        builtin.sync(newer)
    assert "switchboard queue" not in ThemeStore(db).get_by_slug("phone_access").keywords
    assert AuditStore(db).count() == 0


# --- edited themes are kept, and offered ----------------------------------------------------------
def test_edited_theme_is_kept_and_listed(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    store = ThemeStore(db, "Chair")
    phone = store.get_by_slug("phone_access")
    mine = [*phone.keywords[2:], "answerphone message"]
    store.update(phone.id, keywords=mine)
    assert builtin.newer_keywords() == [], "nothing newer shipped yet: nothing to ask"

    newer = _newer("phone_access", "switchboard queue")
    result = builtin.sync(newer)
    assert result.updated == [] and result.offered == ["phone_access"]
    assert store.get(phone.id).keywords == mine
    (offer,) = builtin.newer_keywords(newer)
    assert (offer.theme_id, offer.slug, offer.name) == (phone.id, "phone_access", "Phone access")
    assert offer.added == [*phone.keywords[:2], "switchboard queue"]
    assert offer.removed == ["answerphone message"]
    assert offer.surely_edited and not offer.rules_changed


def test_using_the_new_suggested_keywords(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    store = ThemeStore(db, "Chair")
    phone = store.get_by_slug("phone_access")
    store.update(phone.id, keywords=["my own keyword"])
    newer = _newer("phone_access", "switchboard queue", rules={"weak": ["phone"]})
    builtin.sync(newer)

    taken = builtin.use_shipped_keywords(phone.id, newer)
    shipped = _shipped("phone_access", newer)
    assert (taken.keywords, taken.rules) == (shipped.keywords, shipped.rules)
    assert builtin.newer_keywords(newer) == []
    entry = AuditStore(db).list(table="themes")[0]
    assert (entry.actor, entry.action) == ("Chair", "update")
    assert entry.changes["keywords"][0] == ["my own keyword"]
    assert "chose" in entry.changes["why"]

    later = _newer("phone_access", "switchboard queue", "hold music loop", rules={"weak": []})
    assert builtin.sync(later).updated == ["phone_access"], "it follows the app again"


def test_keeping_own_keywords_stops_the_offer_until_a_later_version(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    store = ThemeStore(db, "Chair")
    phone = store.get_by_slug("phone_access")
    store.update(phone.id, keywords=["my own keyword"])
    newer = _newer("phone_access", "switchboard queue")
    builtin.keep_own_keywords(phone.id, newer)
    assert builtin.newer_keywords(newer) == []
    assert builtin.sync(newer).updated == []
    assert store.get(phone.id).keywords == ["my own keyword"]
    assert AuditStore(db).list(table="themes")[0].action == "keep_own_keywords"

    later = _newer("phone_access", "switchboard queue", "hold music loop")
    assert builtin.sync(later).offered == ["phone_access"]
    assert store.get(phone.id).keywords == ["my own keyword"]
    assert [n.slug for n in builtin.newer_keywords(later)] == ["phone_access"]


def test_only_built_in_themes_have_suggested_keywords(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    mine = ThemeStore(db, "Chair").create("Car parking", "responsive", keywords=["parking"])
    with pytest.raises(ValidationError, match="not one of the app's built-in themes"):
        builtin.use_shipped_keywords(mine.id)
    with pytest.raises(ValidationError):
        builtin.keep_own_keywords(mine.id)


# --- databases made before fingerprints -----------------------------------------------------------
def test_theme_from_before_fingerprints_is_offered_not_overwritten(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    """Old keywords with no fingerprint: an older app's, or the chair's? Ask, never overwrite."""
    _as_if_seeded_by_an_older_app(db, "phone_access", recorded=False)
    result = builtin.sync()
    assert result.updated == [] and result.offered == ["phone_access"]
    assert ThemeStore(db).get_by_slug("phone_access").keywords == OLD_KEYWORDS
    assert _recorded(db, "phone_access") is None
    (offer,) = builtin.newer_keywords()
    assert not offer.surely_edited and offer.rules_changed
    assert offer.removed == [] and len(offer.added) == len(_shipped("phone_access").keywords) - 2


# --- archived, merged, removed and new themes -----------------------------------------------------
def test_archived_and_merged_themes_are_left_alone(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    store = ThemeStore(db, "Chair")
    cancellations = store.get_by_slug("cancellations")
    continuity = store.get_by_slug("continuity")
    store.archive(cancellations.id)
    store.merge(continuity.id, store.get_by_slug("clinical_care").id)
    continuity = store.get(continuity.id)
    newer = _newer("cancellations", "cancelled again")
    newer = [
        dataclasses.replace(t, keywords=[*t.keywords, "same doctor again"])
        if t.slug == "continuity"
        else t
        for t in newer
    ]
    result = builtin.sync(newer)
    assert result.updated == [] and result.offered == []
    assert store.get(cancellations.id).keywords == cancellations.keywords
    assert store.get(continuity.id).keywords == continuity.keywords
    assert builtin.newer_keywords(newer) == []

    store.archive(cancellations.id, archived=False)  # back in use: it follows the app again
    assert builtin.sync(newer).updated == ["cancellations"]


def test_removed_built_in_theme_is_not_made_again(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    db.execute("DELETE FROM themes WHERE slug = 'waiting_room'")
    db.conn.commit()
    result = builtin.sync()
    assert result.added == [] and not result.wrote
    assert ThemeStore(db).find_by_name("Waiting room") is None


def test_new_built_in_theme_is_added_once(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    parking = ShippedTheme(
        "car_parking", "Car parking", "responsive", "Parking at the surgery.", ["car park"]
    )
    newer = [*shipped_themes(), parking]
    result = builtin.sync(newer)
    assert result.added == ["car_parking"] and result.learned == ["car_parking"]
    added = ThemeStore(db).get_by_slug("car_parking")
    assert (added.name, added.keywords, added.archived) == ("Car parking", ["car park"], False)
    assert _recorded(db, "car_parking") == parking.fingerprint
    assert ("create", "car_parking") in {(e.action, e.row_key) for e in AuditStore(db).list()}
    assert "car_parking" in SettingsStore(db).get(KNOWN_SLUGS_SETTING)
    assert not builtin.sync(newer).wrote

    db.execute("DELETE FROM themes WHERE slug = 'car_parking'")
    db.conn.commit()
    assert builtin.sync(newer).added == [], "removed here: not made again"


def test_new_built_in_theme_never_replaces_the_chairs_own(
    db: sqlite_utils.Database, builtin: BuiltinThemeStore
) -> None:
    store = ThemeStore(db, "Chair")
    same_slug = store.create("Parking", "safe", slug="car_parking", keywords=["parking"])
    same_name = store.create("Flu clinic", "effective", keywords=["flu"])
    newer = [
        *shipped_themes(),
        ShippedTheme("car_parking", "Car parking", "responsive", keywords=["car park"]),
        ShippedTheme("flu_clinics", "Flu clinic", "responsive", keywords=["flu jab"]),
    ]
    result = builtin.sync(newer)
    assert result.added == [] and sorted(result.learned) == ["car_parking", "flu_clinics"]
    assert store.get(same_slug.id) == same_slug
    assert store.get(same_name.id) == same_name
    assert [t.name for t in store.list()].count("Flu clinic") == 1
    assert [n.slug for n in builtin.newer_keywords(newer)] == ["car_parking"], (
        "a theme with a built-in slug may take the app's keywords, if the chair wants them"
    )


def test_opening_without_migrating_touches_no_theme(db_path: Path) -> None:
    db = open_database(db_path)
    _as_if_seeded_by_an_older_app(db, "phone_access")
    db.close()
    db = open_database(db_path, migrate=False)
    assert ThemeStore(db).get_by_slug("phone_access").keywords == OLD_KEYWORDS
