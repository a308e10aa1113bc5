"""Keeping the built-in themes in step with the keywords and rules the app ships.

The SQL for `themes.shipped_fingerprint` and the list of built-in slugs a database has been
given; the rules themselves are in ppg_desktop/core/builtin_themes.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ppg_desktop.core import builtin_themes
from ppg_desktop.core.builtin_themes import (
    KNOWN_SLUGS_SETTING,
    ORIGINAL_SLUGS,
    BuiltinSync,
    NewerKeywords,
    ShippedTheme,
    Step,
    decide,
    fingerprint,
    newer_keywords,
)
from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.models import Theme
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.store_base import Store
from ppg_desktop.core.theme_store import ThemeStore


def _content_fingerprint(row: dict[str, Any]) -> str:
    """The fingerprint of a themes row's keywords and rules as stored now."""
    return fingerprint(json.loads(row["keywords"] or "[]"), json.loads(row["rules"] or "{}"))


def _step(row: dict[str, Any], shipped: ShippedTheme) -> Step:
    return decide(
        _content_fingerprint(row),
        row["shipped_fingerprint"],
        shipped.fingerprint,
        retired=bool(row["archived"]) or row["merged_into_id"] is not None,
    )


class BuiltinThemeStore(Store):
    """Built-in themes against the shipped file: automatic updates, and the chair's choices.

    Each method takes the shipped themes to compare with; by default, the app's own file.
    """

    def sync(self, shipped: Sequence[ShippedTheme] | None = None) -> BuiltinSync:
        """Bring unedited built-in themes up to the shipped keywords and rules; add new ones.

        Run each time a database is opened, after its migrations. A built-in theme (matched by
        slug) still holding what the app last wrote into it takes the shipped keywords and rules
        if they have changed; one the chair changed is left as it is and listed by
        `newer_keywords`. Archived and merged themes are not touched, and a built-in theme
        removed from this database is not made again. A theme added to the shipped file later
        is added, unless this database has a theme with its slug or (in use) its name.

        Everything is written in one transaction, with an audit entry for each theme changed or
        added. When nothing needs writing nothing is written, so opening again changes nothing.
        """
        themes = builtin_themes.shipped_themes() if shipped is None else shipped
        planned = self._sync(themes, write=False)
        if not planned.wrote:  # the usual case: read only, so no write lock is taken
            return planned
        with self.db.atomic():
            return self._sync(themes, write=True)

    def _sync(self, shipped: Sequence[ShippedTheme], *, write: bool) -> BuiltinSync:
        """Decide (and, when `write`, apply) `sync` for every shipped theme."""
        result = BuiltinSync()
        rows = self._by_slug()
        names_in_use = {r["name"].casefold() for r in rows.values() if not r["archived"]}
        settings = SettingsStore(self.db, self.actor)
        known = set(settings.get(KNOWN_SLUGS_SETTING) or ORIGINAL_SLUGS)
        stamp = now_iso()
        for theme in shipped:
            row = rows.get(theme.slug)
            if row is None:
                if theme.slug not in known and theme.name.casefold() not in names_in_use:
                    result.added.append(theme.slug)
                    if write:
                        self._insert(theme, stamp)
                continue
            step = _step(row, theme)
            if step is Step.RECORD:
                result.recorded.append(theme.slug)
                if write:
                    self._record(row["id"], theme)
            elif step is Step.UPDATE:
                result.updated.append(theme.slug)
                if write:
                    self._write(row, theme, "newer built-in keywords came with the app")
            elif step is Step.OFFER:
                result.offered.append(theme.slug)
        learned = {t.slug for t in shipped} - known
        if learned:
            result.learned = sorted(learned)
            if write:
                settings.set(KNOWN_SLUGS_SETTING, sorted(known | learned))
        return result

    def newer_keywords(self, shipped: Sequence[ShippedTheme] | None = None) -> list[NewerKeywords]:
        """Built-in themes in use that the chair changed, for which the app ships newer keywords.

        The Themes screen offers each: take them (`use_shipped_keywords`) or keep their own
        (`keep_own_keywords`). Ordered by theme name.
        """
        themes = builtin_themes.shipped_themes() if shipped is None else shipped
        rows = self._by_slug()
        found = [
            newer_keywords(
                row["id"],
                row["name"],
                json.loads(row["keywords"] or "[]"),
                json.loads(row["rules"] or "{}"),
                theme,
                surely_edited=row["shipped_fingerprint"] is not None,
            )
            for theme in themes
            if (row := rows.get(theme.slug)) is not None and _step(row, theme) is Step.OFFER
        ]
        return sorted(found, key=lambda n: n.name.casefold())

    def use_shipped_keywords(
        self, theme_id: int, shipped: Sequence[ShippedTheme] | None = None
    ) -> Theme:
        """Replace a built-in theme's keywords and rules with the ones the app ships now.

        The chair's own keywords for it are replaced (the audit entry keeps them). From then on
        the theme follows newer shipped keywords by itself, until the chair edits it again.
        """
        row, theme = self._pair(theme_id, shipped)
        with self.db.atomic():
            if _content_fingerprint(row) == theme.fingerprint:
                self._record(theme_id, theme)
            else:
                self._write(row, theme, "the chair chose the app's newer suggested keywords")
        return ThemeStore(self.db).get(theme_id)

    def keep_own_keywords(
        self, theme_id: int, shipped: Sequence[ShippedTheme] | None = None
    ) -> None:
        """Keep a built-in theme's keywords as they are and stop offering the shipped ones.

        They are offered again only when a later version of the app ships different ones.
        """
        row, theme = self._pair(theme_id, shipped)
        with self.db.atomic():
            self._record(theme_id, theme)
            self._audit(
                "keep_own_keywords",
                "themes",
                row["slug"],
                {"why": "the chair kept their own keywords instead of the app's newer ones"},
            )

    # --- helpers ---------------------------------------------------------------------------------
    def _by_slug(self) -> dict[str, dict[str, Any]]:
        return {r["slug"]: r for r in self._rows("SELECT * FROM themes")}

    def _pair(
        self, theme_id: int, shipped: Sequence[ShippedTheme] | None
    ) -> tuple[dict[str, Any], ShippedTheme]:
        """The themes row and its shipped version; ValidationError if it is not built in."""
        row = self._one("SELECT * FROM themes WHERE id = ?", [theme_id])
        if row is None:
            raise NotFoundError(f"There is no theme number {theme_id}.")
        themes = builtin_themes.shipped_themes() if shipped is None else shipped
        for theme in themes:
            if theme.slug == row["slug"]:
                return row, theme
        raise ValidationError(
            "Keywords",
            f"“{row['name']}” is not one of the app's built-in themes, so the app has no "
            "suggested keywords for it.",
        )

    def _record(self, theme_id: int, theme: ShippedTheme) -> None:
        """Remember which shipped keywords this theme was reconciled with (content unchanged)."""
        self.db.execute(
            "UPDATE themes SET shipped_fingerprint = ? WHERE id = ?",
            [theme.fingerprint, theme_id],
        )

    def _write(self, row: dict[str, Any], theme: ShippedTheme, why: str) -> None:
        """Copy the shipped keywords and rules into a theme, with an audit entry saying why."""
        before = {
            "keywords": json.loads(row["keywords"] or "[]"),
            "rules": json.loads(row["rules"] or "{}"),
        }
        after = {"keywords": theme.keywords, "rules": theme.rules}
        self.db.execute(
            "UPDATE themes SET keywords = ?, rules = ?, shipped_fingerprint = ?, updated_at = ?"
            " WHERE id = ?",
            [
                json.dumps(theme.keywords),
                json.dumps(theme.rules),
                theme.fingerprint,
                now_iso(),
                row["id"],
            ],
        )
        self._audit("update", "themes", row["slug"], {**self._diff(before, after), "why": why})

    def _insert(self, theme: ShippedTheme, stamp: str) -> None:
        """Add a built-in theme that a later version of the app ships."""
        self.db.execute(
            "INSERT INTO themes (slug, name, description, cqc_key_question, keywords, rules,"
            " shipped_fingerprint, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                theme.slug,
                theme.name,
                theme.description,
                theme.cqc_key_question,
                json.dumps(theme.keywords),
                json.dumps(theme.rules),
                theme.fingerprint,
                stamp,
                stamp,
            ],
        )
        self._audit(
            "create",
            "themes",
            theme.slug,
            {"name": theme.name, "why": "a new built-in theme came with the app"},
        )
