"""ThemeStore: the default taxonomy, custom themes, renames, keyword edits, merges that keep
links, archiving, and links where a person's decision always wins."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlite_utils

from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import Evidence, FeedbackFilter
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore, slugify
from ppg_desktop.paths import resources_dir


@pytest.fixture
def store(db: sqlite_utils.Database) -> ThemeStore:
    return ThemeStore(db, actor="Chair")


@pytest.fixture
def items(db: sqlite_utils.Database) -> list[int]:
    practice = PracticeStore(db, "Chair").create("Elm Surgery")
    return FeedbackStore(db, "Chair").create_many(
        {
            "practice_id": practice.id,
            "received_on": dt.date(2026, 1, 5),
            "channel": "letter",
            "kind": "complaint",
            "text": f"Comment number {n}",
        }
        for n in range(3)
    )


def test_default_themes_are_seeded_with_their_rules(store: ThemeStore) -> None:
    shipped = json.loads((resources_dir() / "default_themes.json").read_text(encoding="utf-8"))
    themes = {t.slug: t for t in store.list()}
    assert set(themes) == {t["slug"] for t in shipped}
    phone = themes["phone_access"]
    assert phone.name == "Phone access" and phone.cqc_key_question == "responsive"
    assert "on hold" in phone.keywords
    assert phone.rules["exclude"], "the richer rules are copied into themes.rules"


def test_create_custom_theme(store: ThemeStore) -> None:
    theme = store.create(
        "  Flu   clinic ", "responsive", keywords=["flu jab", "Flu jab", " booster "]
    )
    assert (theme.slug, theme.name) == ("flu_clinic", "Flu clinic")
    assert theme.keywords == ["flu jab", "booster"]
    assert store.get_by_slug("flu_clinic").id == theme.id
    assert store.find_by_name("FLU CLINIC") == theme


@pytest.mark.parametrize(
    ("name", "cqc", "field"),
    [
        ("", "safe", "Theme name"),
        ("Phone access", "safe", "Theme name"),
        ("x" * 81, "safe", "Theme name"),
        ("Flu clinic", "kind", "CQC key question"),
    ],
)
def test_create_refuses_bad_input(store: ThemeStore, name: str, cqc: str, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        store.create(name, cqc)
    assert raised.value.field == field


def test_slugify() -> None:
    assert slugify("Phone access!") == "phone_access"
    assert slugify("24/7 access") == "theme_24_7_access"


def test_missing_theme_is_reported_plainly(store: ThemeStore) -> None:
    with pytest.raises(NotFoundError, match="no theme number 9999"):
        store.get(9999)


def test_rename_keeps_slug_and_links(store: ThemeStore, items: list[int]) -> None:
    phone = store.get_by_slug("phone_access")
    store.set_link(items[0], phone.id, state="confirmed")
    renamed = store.update(phone.id, name="Telephone access", keywords=["on hold", "engaged"])
    assert (renamed.slug, renamed.name) == ("phone_access", "Telephone access")
    assert renamed.keywords == ["on hold", "engaged"]
    (link,) = store.links_for(items[0])
    assert (link.name, link.state) == ("Telephone access", "confirmed")


def test_merge_moves_links_and_keywords(
    db: sqlite_utils.Database, store: ThemeStore, items: list[int]
) -> None:
    source = store.create("Phones", "responsive", keywords=["switchboard", "hold music"])
    target = store.get_by_slug("phone_access")
    store.set_link(items[0], source.id, state="confirmed")
    store.set_link(items[1], source.id, state="confirmed")
    store.set_link(items[1], target.id, state="rejected")  # the stronger decision wins
    store.set_link(items[2], source.id, state="rejected")
    store.set_link(items[2], target.id, state="confirmed")
    assert store.merge(source.id, target.id) == 3
    states = {i: [(link.slug, link.state) for link in store.links_for(i)] for i in items}
    assert states[items[0]] == [("phone_access", "confirmed")]
    assert states[items[1]] == [("phone_access", "confirmed")]
    assert states[items[2]] == [("phone_access", "confirmed")]
    merged = store.get(source.id)
    assert merged.archived and merged.merged_into_id == target.id
    assert {"switchboard", "hold music"} <= set(store.get(target.id).keywords)
    assert FeedbackStore(db).count(FeedbackFilter(theme_slugs=["phone_access"])) == 3


def test_merge_combines_rules(store: ThemeStore) -> None:
    source = store.create(
        "Phones", "responsive", rules={"strong": ["phone tree"], "exclude": ["phone number"]}
    )
    target = store.get_by_slug("phone_access")
    before = target.rules
    store.merge(source.id, target.id)
    after = store.get(target.id).rules
    assert "phone tree" in after["strong"]
    assert after["strong"][: len(before["strong"])] == before["strong"]
    assert after["exclude"].count("phone number") == 1


def test_merge_into_itself_is_refused(store: ThemeStore) -> None:
    phone = store.get_by_slug("phone_access")
    with pytest.raises(ValidationError):
        store.merge(phone.id, phone.id)


def test_archive_hides_but_keeps_links(store: ThemeStore, items: list[int]) -> None:
    phone = store.get_by_slug("phone_access")
    store.set_link(items[0], phone.id, state="confirmed")
    store.archive(phone.id)
    assert "phone_access" not in {t.slug for t in store.list()}
    assert "phone_access" in {t.slug for t in store.list(include_archived=True)}
    assert [link.slug for link in store.links_for(items[0])] == ["phone_access"]
    assert not store.archive(phone.id, archived=False).archived


def test_rejected_links_are_kept_but_can_be_left_out(store: ThemeStore, items: list[int]) -> None:
    phone = store.get_by_slug("phone_access")
    store.set_link(items[0], phone.id, state="rejected")
    assert [link.state for link in store.links_for(items[0])] == ["rejected"]
    assert store.links_for(items[0], include_rejected=False) == []
    assert store.usage_counts().get(phone.id, 0) == 0


def test_replace_auto_links_never_touches_decisions(store: ThemeStore, items: list[int]) -> None:
    phone = store.get_by_slug("phone_access").id
    reception = store.get_by_slug("reception_staff").id
    parking = store.get_by_slug("premises_access").id
    store.set_link(items[0], phone, state="rejected")
    store.set_link(items[0], reception, state="confirmed")
    evidence = [Evidence(0, 7, "Comment")]
    store.replace_auto_links(
        items[0], [(phone, 0.9, evidence), (reception, 0.8, evidence), (parking, 0.6, evidence)]
    )
    links = {link.slug: link for link in store.links_for(items[0])}
    assert (links["phone_access"].source, links["phone_access"].state) == ("manual", "rejected")
    assert links["reception_staff"].state == "confirmed"
    assert links["premises_access"].state == "suggested"
    assert links["premises_access"].evidence == evidence
    store.replace_auto_links(items[0], [])
    assert "premises_access" not in {link.slug for link in store.links_for(items[0])}


def test_tag_many_and_remove_link(store: ThemeStore, items: list[int]) -> None:
    referrals = store.get_by_slug("referrals").id
    assert store.tag_many(items, referrals) == 3
    assert store.usage_counts()[referrals] == 3
    store.remove_link(items[0], referrals)
    assert store.usage_counts()[referrals] == 2
