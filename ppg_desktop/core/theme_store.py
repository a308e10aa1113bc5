"""Themes (the taxonomy) and the links between feedback and themes, with their evidence."""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Sequence
from typing import Any

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.migrations import CQC_KEY_QUESTIONS
from ppg_desktop.core.models import CQC_LABELS, Evidence, Theme, ThemeLink
from ppg_desktop.core.store_base import Store

SLUG = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
LINK_STATES = ("suggested", "confirmed", "rejected")
_STATE_RANK = {"rejected": 0, "suggested": 1, "confirmed": 2}


def slugify(name: str) -> str:
    """A stable key from a theme name: 'Phone access' -> 'phone_access'."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "theme_" + slug
    return slug[:50]


def _theme(row: dict[str, Any]) -> Theme:
    return Theme(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        description=row["description"],
        cqc_key_question=row["cqc_key_question"],
        keywords=json.loads(row["keywords"] or "[]"),
        rules=json.loads(row["rules"] or "{}"),
        parent_id=row["parent_id"],
        archived=bool(row["archived"]),
        merged_into_id=row["merged_into_id"],
    )


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    """The first list, then what the second adds (order kept, no repeats)."""
    return first + [item for item in second if item not in first]


def _evidence(raw: str | None) -> list[Evidence]:
    return [
        Evidence(int(e["start"]), int(e["end"]), str(e["text"])) for e in json.loads(raw or "[]")
    ]


class ThemeStore(Store):
    """The chair's taxonomy: add, rename, edit keywords, merge and archive themes; and links."""

    # --- themes -------------------------------------------------------------------------------
    def list(self, *, include_archived: bool = False) -> list[Theme]:
        where = "" if include_archived else "WHERE archived = 0"
        return [_theme(r) for r in self._rows(f"SELECT * FROM themes {where} ORDER BY name")]

    def get(self, theme_id: int) -> Theme:
        row = self._one("SELECT * FROM themes WHERE id = ?", [theme_id])
        if row is None:
            raise NotFoundError(f"There is no theme number {theme_id}.")
        return _theme(row)

    def get_by_slug(self, slug: str) -> Theme:
        row = self._one("SELECT * FROM themes WHERE slug = ?", [slug])
        if row is None:
            raise NotFoundError(f"There is no theme called {slug}.")
        return _theme(row)

    def find_by_name(self, name: str) -> Theme | None:
        row = self._one(
            "SELECT * FROM themes WHERE name = ? COLLATE NOCASE OR slug = ? ORDER BY archived",
            [name.strip(), name.strip()],
        )
        return _theme(row) if row else None

    def _check_fields(
        self, name: str, cqc: str, keywords: Sequence[str], exclude_id: int | None
    ) -> tuple[str, builtins.list[str]]:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Theme name", "Give the theme a name.")
        if len(name) > 80:
            raise ValidationError("Theme name", "Keep the name under 80 characters.")
        if self.db.execute(
            "SELECT 1 FROM themes WHERE name = ? COLLATE NOCASE AND archived = 0 AND id IS NOT ?",
            [name, exclude_id],
        ).fetchone():
            raise ValidationError("Theme name", f"There is already a theme called {name}.")
        if cqc not in CQC_KEY_QUESTIONS:
            raise ValidationError(
                "CQC key question", "Choose one of: " + ", ".join(CQC_LABELS.values()) + "."
            )
        cleaned: builtins.list[str] = []
        for keyword in keywords:
            keyword = " ".join(str(keyword).split())
            if keyword and keyword.lower() not in (k.lower() for k in cleaned):
                cleaned.append(keyword)
        return name, cleaned

    def create(
        self,
        name: str,
        cqc_key_question: str,
        *,
        slug: str | None = None,
        description: str = "",
        keywords: Sequence[str] = (),
        rules: dict[str, Any] | None = None,
        parent_id: int | None = None,
    ) -> Theme:
        name, cleaned = self._check_fields(name, cqc_key_question, keywords, None)
        slug = slug or slugify(name)
        if not SLUG.match(slug):
            raise ValidationError("Theme key", "Use lower-case letters, digits and underscores.")
        if self.db.execute("SELECT 1 FROM themes WHERE slug = ?", [slug]).fetchone():
            raise ValidationError("Theme name", f"A theme with the key {slug} already exists.")
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO themes (slug, name, description, cqc_key_question, keywords, rules,"
                " parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    slug,
                    name,
                    description,
                    cqc_key_question,
                    json.dumps(cleaned),
                    json.dumps(rules or {}),
                    parent_id,
                    stamp,
                    stamp,
                ],
            )
            theme_id = int(cursor.lastrowid or 0)
            self._audit("create", "themes", slug, {"name": name, "keywords": cleaned})
        return self.get(theme_id)

    def update(
        self,
        theme_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        cqc_key_question: str | None = None,
        keywords: Sequence[str] | None = None,
        rules: dict[str, Any] | None = None,
        parent_id: int | None = None,
    ) -> Theme:
        """Rename a theme or change its description, CQC question, keywords or rules."""
        current = self.get(theme_id)
        new_name, new_keywords = self._check_fields(
            name if name is not None else current.name,
            cqc_key_question or current.cqc_key_question,
            keywords if keywords is not None else current.keywords,
            theme_id,
        )
        after = {
            "name": new_name,
            "description": current.description if description is None else description,
            "cqc_key_question": cqc_key_question or current.cqc_key_question,
            "keywords": new_keywords,
            "rules": current.rules if rules is None else rules,
            "parent_id": current.parent_id if parent_id is None else parent_id,
        }
        before = {k: getattr(current, k) for k in after}
        with self.db.atomic():
            self.db.execute(
                "UPDATE themes SET name = ?, description = ?, cqc_key_question = ?, keywords = ?,"
                " rules = ?, parent_id = ?, updated_at = ? WHERE id = ?",
                [
                    after["name"],
                    after["description"],
                    after["cqc_key_question"],
                    json.dumps(after["keywords"]),
                    json.dumps(after["rules"]),
                    after["parent_id"],
                    now_iso(),
                    theme_id,
                ],
            )
            self._audit("update", "themes", current.slug, self._diff(before, after))
        return self.get(theme_id)

    def archive(self, theme_id: int, archived: bool = True) -> Theme:
        """Hide a theme from suggestions and pickers; its links and history stay."""
        theme = self.get(theme_id)
        with self.db.atomic():
            self.db.execute(
                "UPDATE themes SET archived = ?, updated_at = ? WHERE id = ?",
                [int(archived), now_iso(), theme_id],
            )
            self._audit("archive" if archived else "unarchive", "themes", theme.slug)
        return self.get(theme_id)

    def merge(self, source_id: int, target_id: int) -> int:
        """Fold one theme into another: links move over (the stronger decision wins when both
        exist), keywords are combined, and the source is archived. Returns links moved."""
        if source_id == target_id:
            raise ValidationError("Merge into", "Choose a different theme to merge into.")
        source, target = self.get(source_id), self.get(target_id)
        moved = 0
        with self.db.atomic():
            for link in self._rows("SELECT * FROM feedback_themes WHERE theme_id = ?", [source_id]):
                existing = self._one(
                    "SELECT * FROM feedback_themes WHERE feedback_id = ? AND theme_id = ?",
                    [link["feedback_id"], target_id],
                )
                if existing is None:
                    self.db.execute(
                        "UPDATE feedback_themes SET theme_id = ?, updated_at = ?"
                        " WHERE feedback_id = ? AND theme_id = ?",
                        [target_id, now_iso(), link["feedback_id"], source_id],
                    )
                else:
                    if _STATE_RANK[link["state"]] > _STATE_RANK[existing["state"]]:
                        self.db.execute(
                            "UPDATE feedback_themes SET state = ?, source = ?, evidence = ?,"
                            " updated_at = ? WHERE feedback_id = ? AND theme_id = ?",
                            [
                                link["state"],
                                link["source"],
                                link["evidence"],
                                now_iso(),
                                link["feedback_id"],
                                target_id,
                            ],
                        )
                    self.db.execute(
                        "DELETE FROM feedback_themes WHERE feedback_id = ? AND theme_id = ?",
                        [link["feedback_id"], source_id],
                    )
                moved += 1
            self.db.execute(
                "UPDATE action_themes SET theme_id = ? WHERE theme_id = ? AND NOT"
                " EXISTS (SELECT 1 FROM action_themes a2 WHERE a2.action_id ="
                " action_themes.action_id AND a2.theme_id = ?)",
                [target_id, source_id, target_id],
            )
            self.db.execute("DELETE FROM action_themes WHERE theme_id = ?", [source_id])
            combined = _union(target.keywords, source.keywords)
            rules = dict(target.rules)
            for key, values in source.rules.items():
                if isinstance(values, list) and isinstance(rules.get(key, []), list):
                    rules[key] = _union(rules.get(key, []), values)
                else:
                    rules.setdefault(key, values)
            stamp = now_iso()
            self.db.execute(
                "UPDATE themes SET keywords = ?, rules = ?, updated_at = ? WHERE id = ?",
                [json.dumps(combined), json.dumps(rules), stamp, target_id],
            )
            self.db.execute(
                "UPDATE themes SET archived = 1, merged_into_id = ?, updated_at = ? WHERE id = ?",
                [target_id, stamp, source_id],
            )
            self._audit("merge", "themes", source.slug, {"into": target.slug, "links": moved})
        return moved

    # --- links --------------------------------------------------------------------------------
    def links_for(
        self, feedback_id: int, *, include_rejected: bool = True
    ) -> builtins.list[ThemeLink]:
        where = "" if include_rejected else " AND ft.state != 'rejected'"
        rows = self._rows(
            "SELECT ft.*, t.slug, t.name FROM feedback_themes ft JOIN themes t ON t.id = ft.theme_id"
            f" WHERE ft.feedback_id = ?{where} ORDER BY t.name",
            [feedback_id],
        )
        return [
            ThemeLink(
                r["feedback_id"],
                r["theme_id"],
                r["slug"],
                r["name"],
                r["source"],
                r["state"],
                r["score"],
                _evidence(r["evidence"]),
            )
            for r in rows
        ]

    def set_link(
        self,
        feedback_id: int,
        theme_id: int,
        *,
        state: str,
        source: str = "manual",
        score: float | None = None,
        evidence: Sequence[Evidence] = (),
    ) -> None:
        """Record a theme on an item (a person's accept or reject, or an automatic suggestion)."""
        if state not in LINK_STATES:
            raise ValueError(f"Unknown link state {state}")
        stamp = now_iso()
        evidence_json = json.dumps(
            [{"start": e.start, "end": e.end, "text": e.text} for e in evidence]
        )
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO feedback_themes (feedback_id, theme_id, source, state, score,"
                " evidence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(feedback_id, theme_id) DO UPDATE SET source = excluded.source,"
                " state = excluded.state, score = COALESCE(excluded.score, score),"
                " evidence = CASE WHEN excluded.evidence = '[]' THEN evidence"
                " ELSE excluded.evidence END, updated_at = excluded.updated_at",
                [feedback_id, theme_id, source, state, score, evidence_json, stamp, stamp],
            )
            self.db.execute("UPDATE feedback SET updated_at = ? WHERE id = ?", [stamp, feedback_id])
            if source == "manual":
                self._audit(state, "feedback_themes", f"{feedback_id}:{theme_id}")

    def remove_link(self, feedback_id: int, theme_id: int) -> None:
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM feedback_themes WHERE feedback_id = ? AND theme_id = ?",
                [feedback_id, theme_id],
            )
            self._audit("delete", "feedback_themes", f"{feedback_id}:{theme_id}")

    def tag_many(self, feedback_ids: Sequence[int], theme_id: int) -> int:
        """Confirm one theme on many items at once (bulk tagging from the list)."""
        with self.db.atomic():
            for feedback_id in feedback_ids:
                self.set_link(feedback_id, theme_id, state="confirmed", source="manual")
        return len(feedback_ids)

    def replace_auto_links(
        self, feedback_id: int, suggestions: Sequence[tuple[int, float, Sequence[Evidence]]]
    ) -> None:
        """Replace an item's automatic suggestions, never touching a person's decisions.

        Links a person confirmed or rejected stay exactly as they are; other automatic
        suggestions are replaced by the new ones.
        """
        stamp = now_iso()
        with self.db.atomic():
            decided = {
                row[0]
                for row in self.db.execute(
                    "SELECT theme_id FROM feedback_themes WHERE feedback_id = ?"
                    " AND (source = 'manual' OR state != 'suggested')",
                    [feedback_id],
                )
            }
            self.db.execute(
                "DELETE FROM feedback_themes WHERE feedback_id = ? AND source = 'auto'"
                " AND state = 'suggested'",
                [feedback_id],
            )
            for theme_id, score, evidence in suggestions:
                if theme_id in decided:
                    continue
                self.db.execute(
                    "INSERT INTO feedback_themes (feedback_id, theme_id, source, state, score,"
                    " evidence, created_at, updated_at) VALUES (?, ?, 'auto', 'suggested', ?, ?, ?, ?)",
                    [
                        feedback_id,
                        theme_id,
                        score,
                        json.dumps(
                            [{"start": e.start, "end": e.end, "text": e.text} for e in evidence]
                        ),
                        stamp,
                        stamp,
                    ],
                )

    def usage_counts(self) -> dict[int, int]:
        """How many live items each theme is on (for the theme editor)."""
        rows = self.db.execute(
            "SELECT ft.theme_id, count(*) FROM feedback_themes ft JOIN feedback f"
            " ON f.id = ft.feedback_id WHERE ft.state != 'rejected' AND f.deleted_at IS NULL"
            " GROUP BY ft.theme_id"
        )
        return {int(t): int(n) for t, n in rows}
