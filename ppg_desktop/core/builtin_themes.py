"""The built-in themes that ship in resources/default_themes.json, and how a database keeps up.

A new version of the app may ship better keywords and rules for its built-in themes. A database
made earlier should get them, unless the chair has changed that theme's keywords: their work is
never overwritten without asking. To tell the two apart, every built-in theme (matched by slug)
keeps in `themes.shipped_fingerprint` the fingerprint of the shipped keywords and rules it was
last reconciled with: the ones copied into it, or the ones the chair chose not to take.

This module holds no SQL: it reads the shipped file and decides, theme by theme, what should
happen (`decide`). `BuiltinThemeStore.sync` applies the decisions each time a database is opened
(ppg_desktop/core/db.py); `BuiltinThemeStore.newer_keywords` lists the themes the chair is asked
about, and `use_shipped_keywords` / `keep_own_keywords` record the chair's answer.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppg_desktop.paths import resources_dir

# Who the audit log says changed a theme when it was brought up to the shipped keywords on opening.
UPDATE_ACTOR = "PPG Desk (app update)"

# Every database made before fingerprints existed was seeded with exactly these built-in themes,
# so one of them missing from such a database was removed there (not added to the app later).
ORIGINAL_SLUGS = frozenset(
    {
        "appointment_availability",
        "cancellations",
        "clinical_care",
        "communication",
        "continuity",
        "online_services",
        "phone_access",
        "premises_access",
        "prescriptions",
        "reception_staff",
        "records_admin",
        "referrals",
        "test_results",
        "waiting_room",
    }
)

# The settings key listing the built-in slugs a database has been given (absent: ORIGINAL_SLUGS).
KNOWN_SLUGS_SETTING = "builtin_theme_slugs"


def fingerprint(keywords: Sequence[str], rules: Mapping[str, Any]) -> str:
    """A hash of a theme's keywords and rules: equal content, equal fingerprint.

    Keyword order counts (it is what the chair sees); the order of the rule kinds does not.
    """
    text = json.dumps(
        {"keywords": list(keywords), "rules": rules},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ShippedTheme:
    """One theme as the app ships it."""

    slug: str
    name: str
    cqc_key_question: str
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.keywords, self.rules)


def shipped_themes(path: Path | None = None) -> list[ShippedTheme]:
    """The built-in themes in the shipped file (or in `path`), in the file's order."""
    source = path or resources_dir() / "default_themes.json"
    return [
        ShippedTheme(
            slug=item["slug"],
            name=item["name"],
            cqc_key_question=item["cqc_key_question"],
            description=item.get("description", ""),
            keywords=list(item.get("keywords", [])),
            rules=dict(item.get("rules", {})),
        )
        for item in json.loads(source.read_text(encoding="utf-8"))
    ]


class Step(enum.Enum):
    """What to do with one built-in theme that is in the database."""

    IN_STEP = "in step"  # has the shipped keywords and rules, and remembers so
    RECORD = "record"  # has the shipped keywords and rules: only the fingerprint to write
    UPDATE = "update"  # unchanged since the app last wrote it: take the newer shipped ones
    OFFER = "offer"  # changed here (or perhaps changed) and newer ones shipped: ask the chair
    KEEP = "keep"  # the chair's own keywords, and nothing newer shipped since
    LEAVE = "leave"  # archived or merged: left exactly as it is


def decide(current: str, recorded: str | None, shipped: str, *, retired: bool) -> Step:
    """The step for one built-in theme, from three fingerprints.

    `current` is of the theme's keywords and rules now, `recorded` its `shipped_fingerprint`
    (None when empty), `shipped` of what the app ships now. `retired` means archived or merged:
    such a theme is never touched (bringing it back in use brings it into the reckoning again).

    An empty `recorded` means the theme predates fingerprints (or came from a bundle of another
    database), so nothing tells whether the chair edited it. It is compared with what ships now:
    when equal nothing can be lost, so the fingerprint is simply recorded; when different, it is
    treated as possibly edited, because overwriting could silently throw away a chair's work
    while leaving it costs only a notice. It is left as it is and offered ("newer suggested
    keywords"), and once the chair takes or keeps them the fingerprint is recorded, so later
    releases update it automatically for as long as it stays unedited.
    """
    if retired:
        return Step.LEAVE
    if current == shipped:
        return Step.IN_STEP if recorded == shipped else Step.RECORD
    if recorded is None:
        return Step.OFFER
    if recorded == current:
        return Step.UPDATE
    return Step.KEEP if recorded == shipped else Step.OFFER


@dataclass(frozen=True)
class NewerKeywords:
    """A built-in theme the chair changed, for which the app now ships other keywords or rules."""

    theme_id: int
    slug: str
    name: str
    added: list[str]  # shipped keywords the theme lacks
    removed: list[str]  # the theme's keywords the shipped ones lack (the chair's own, mostly)
    rules_changed: bool  # the built-in rules differ too
    surely_edited: bool  # False when the theme predates fingerprints: perhaps never edited


def newer_keywords(
    theme_id: int,
    name: str,
    keywords: Sequence[str],
    rules: Mapping[str, Any],
    shipped: ShippedTheme,
    *,
    surely_edited: bool,
) -> NewerKeywords:
    """What taking the shipped keywords would change for this theme, in keywords."""
    have = {k.lower() for k in keywords}
    ship = {k.lower() for k in shipped.keywords}
    return NewerKeywords(
        theme_id=theme_id,
        slug=shipped.slug,
        name=name,
        added=[k for k in shipped.keywords if k.lower() not in have],
        removed=[k for k in keywords if k.lower() not in ship],
        rules_changed=fingerprint([], rules) != fingerprint([], shipped.rules),
        surely_edited=surely_edited,
    )


@dataclass
class BuiltinSync:
    """What one pass of `BuiltinThemeStore.sync` did (or, planning, would do), by slug."""

    updated: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)  # shipped slugs now known to this database

    @property
    def wrote(self) -> bool:
        """True when the pass changes the database (offering a theme changes nothing)."""
        return bool(self.updated or self.added or self.recorded or self.learned)
