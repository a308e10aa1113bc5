"""Merging a bundle into the chair's database: the rules that make merging order-independent.

Every record has a rank; the higher rank wins, whichever database it is in:
- practices, users, themes: (updated_at, content hash);
- feedback and survey responses: (redacted_at, updated_at, content hash), so a version with
  personal details taken out (an erasure request, or a written answer removed) beats every
  version from before, even one edited later on a laptop that had not yet heard of it;
- theme links: (is a person's decision, updated_at, decision strength, content hash), so a
  person's confirm or reject is never undone by an automatic suggestion made later elsewhere,
  and between two decisions made at the same moment the stronger one wins.
Since the winner of any set of versions is the same whatever order they are compared in,
merging bundles in any order (or twice) reaches the same database. The losing version, when it
differs, is written to the audit log without what a patient wrote (PERSONAL_FIELDS): the audit
log can never be changed or emptied. A losing comment's text is kept in merge_conflicts instead
(merge_conflict_store.py), for the chair to read, and goes when the comment goes; never a text
from before a redaction, and a redaction arriving from a bundle takes those kept here away, with
the theme evidence quoted from the old text. A redacted comment's theme links carry no evidence.

Records removed for good here, or in a bundle's list of them, are never brought back: the merge
removes those still here first, then skips them and their theme links (removed_record_store.py).
Removal beats any edit, so this too ends the same whatever the order.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Literal

import sqlite_utils

from ppg_desktop.core.bundles import BundleProblem, MergeReport
from ppg_desktop.core.bundles_surveys import SurveyMerging, _has_table
from ppg_desktop.core.merge_conflict_store import MergeConflictStore, Winner
from ppg_desktop.core.removed_record_store import RemovedRecordStore, fold_wal, overwrite_removed
from ppg_desktop.core.store_base import Store

ProgressCallback = Callable[[str, int, int], None]

_DECISION_STRENGTH = {"suggested": 0, "rejected": 1, "confirmed": 2}
CHUNK = 500

PRACTICE_FIELDS = ("name", "ods_code", "active")
USER_FIELDS = ("name", "active")
NamedTable = Literal["practices", "users"]  # matched by uuid, else by name
THEME_FIELDS = (
    "name",
    "description",
    "cqc_key_question",
    "keywords",
    "rules",
    "parent_slug",
    "archived",
    "merged_into_slug",
)
FEEDBACK_FIELDS = (
    "practice_name",
    "received_on",
    "channel",
    "kind",
    "text",
    "sentiment",
    "status",
    "deleted_at",
)
LINK_FIELDS = ("source", "state", "score", "evidence")
REDACTABLE = "redacted_at"  # when personal details were last taken out of the record
NO_EVIDENCE = "[]"
# What a patient wrote, or words quoted from it: never in the audit log, which outlives any
# retention purge or erasure. A feedback item's losing text is kept for review instead; survey
# answers are never edited (they differ only in a damaged bundle) and theme evidence is worked
# out again from the text, so a losing version of those is only named in "differed".
# No contact details travel in a bundle.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "feedback": ("text",),
    "survey_responses": ("answers",),
    "feedback_themes": ("evidence",),
}
KEPT_FOR_REVIEW = ("feedback",)


def content_hash(record: dict[str, Any], fields: Sequence[str]) -> str:
    """A hash of a record's content (no local ids), the same on every laptop."""
    values = [record.get(f) for f in fields]
    return hashlib.sha256(json.dumps(values, default=str).encode("utf-8")).hexdigest()


def record_rank(record: dict[str, Any], fields: Sequence[str]) -> tuple[Any, ...]:
    """Newest change first; equal times fall back on the content hash (deterministic)."""
    return (record["updated_at"], content_hash(record, fields))


def redaction_first(fields: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The rank of a record that can be redacted: the latest redaction first, then as
    `record_rank` (the hash over `fields`, as before redactions were ranked)."""
    return lambda record: (record.get(REDACTABLE) or "", *record_rank(record, fields))


def redacted_since(older: dict[str, Any], newer: dict[str, Any]) -> bool:
    """`newer` had personal details taken out after `older` was written: `older` may still
    hold them."""
    return (newer.get(REDACTABLE) or "") > (older.get(REDACTABLE) or "")


def link_rank(link: dict[str, Any]) -> tuple[Any, ...]:
    """A person's decision beats any automatic suggestion; then newest; then the stronger
    decision; then the content hash."""
    human = link["source"] == "manual" or link["state"] != "suggested"
    return (
        human,
        link["updated_at"],
        _DECISION_STRENGTH.get(link["state"], 0),
        content_hash(link, LINK_FIELDS),
    )


def _same(a: dict[str, Any], b: dict[str, Any], fields: Sequence[str]) -> bool:
    return all(a.get(f) == b.get(f) for f in fields) and a["updated_at"] == b["updated_at"]


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, list(params))
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class Merger(SurveyMerging, Store):
    """Applies one bundle to the database (all of it in one transaction)."""

    def merge(
        self,
        bundle: sqlite_utils.Database,
        manifest: dict[str, str],
        progress: ProgressCallback | None = None,
    ) -> MergeReport:
        """Merge every table of the bundle; on any error nothing is changed."""
        self.report = MergeReport(
            source=manifest.get("ppg_name") or manifest.get("laptop_id", ""),
            created_at=manifest.get("created_at", ""),
        )
        self.progress = progress
        steps: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
            ("removed records", self._removals),
            ("practices", self._practices),
            ("users", self._users),
            ("themes", self._themes),
            ("surveys", self._surveys),
            ("feedback", self._feedback),
            ("feedback_themes", self._links),
        ]
        self.removed_now: dict[str, list[str]] = {}  # UUIDs the bundle's laptop had removed
        overwrite_removed(self.db)
        try:
            with self.db.atomic():
                for number, (name, step) in enumerate(steps, start=1):
                    step(bundle)
                    if progress:
                        progress(name, number, len(steps))
                self._audit(
                    "merge_bundle",
                    "",
                    manifest.get("laptop_id", ""),
                    {
                        "created_at": manifest.get("created_at"),
                        "tables": {n: vars(t) for n, t in self.report.tables.items()},
                        **(
                            {"removed": {t: u[:50] for t, u in self.removed_now.items()}}
                            if self.removed_now
                            else {}
                        ),
                    },
                )
        except sqlite3.IntegrityError as exc:
            raise BundleProblem(
                f"The bundle holds a record this database cannot accept ({exc});"
                " nothing was merged. Ask for a fresh export."
            ) from exc
        if self.removed_now:
            fold_wal(self.db)
        return self.report

    # --- helpers ------------------------------------------------------------------------------
    def _decide(
        self,
        table: str,
        key: str,
        local: dict[str, Any] | None,
        incoming: dict[str, Any],
        fields: Sequence[str],
        rank: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None,
    ) -> str:
        """'insert', 'update' or 'skip'; logs the losing version when the two differ."""
        counts = self.report.table(table)
        ranker = rank or (lambda r: record_rank(r, fields))
        if local is None:
            counts.added += 1
            return "insert"
        if _same(local, incoming, fields):
            counts.skipped += 1
            return "skip"
        if all(local.get(f) == incoming.get(f) for f in fields):
            # same content, different time (e.g. the default themes of two new databases):
            # nothing to report, but keep the newer time so every order ends the same
            counts.skipped += 1
            return "update" if ranker(incoming) > ranker(local) else "skip"
        if ranker(incoming) > ranker(local):
            counts.updated += 1
            self._audit_loser("merge_replaced", "replaced", table, key, local, incoming, fields)
            return "update"
        counts.skipped += 1
        counts.conflicts += 1
        self._audit_loser("merge_kept_newer", "discarded", table, key, incoming, local, fields)
        return "skip"

    def _audit_loser(
        self,
        action: str,
        label: str,
        table: str,
        key: str,
        loser: dict[str, Any],
        winner: dict[str, Any],
        fields: Sequence[str],
    ) -> None:
        """Audit a conflict: which fields differed and the losing version without personal
        fields; a losing comment's text is kept for review and the entry points to it."""
        personal = PERSONAL_FIELDS.get(table, ())
        differed = [f for f in fields if loser.get(f) != winner.get(f)]
        changes: dict[str, Any] = {
            label: {f: loser.get(f) for f in (*fields, "updated_at") if f not in personal},
            "differed": differed,
        }
        kept = {f: loser.get(f) for f in personal if f in differed}
        if kept and table in KEPT_FOR_REVIEW and not redacted_since(loser, winner):
            local = winner if action == "merge_kept_newer" else loser
            side: Winner = "this_database" if action == "merge_kept_newer" else "bundle"
            changes["kept_for_review"] = MergeConflictStore(self.db).keep(
                table, key, local["id"], side, {**kept, "updated_at": loser.get("updated_at")}
            )
        self._audit(action, table, key, changes)

    # --- removed records: by table and uuid --------------------------------------------------
    def _removals(self, bundle: sqlite_utils.Database) -> None:
        """Remove here what the bundle's laptop removed for good; then note what to skip."""
        store = RemovedRecordStore(self.db, self.actor)
        if _has_table(bundle, "removed_records"):
            notes = _rows(bundle, "SELECT table_name, uuid, removed_at, why FROM removed_records")
            self.removed_now = store.apply(notes)
            for table, uuids in self.removed_now.items():
                self.report.table(table).removed += len(uuids)
        self.gone_for_good: set[str] = store.uuids("feedback")  # never brought back

    def _take_out_old_words(self, feedback_id: int) -> None:
        """A redaction arrived: the versions kept here and the theme evidence may quote what
        was taken out."""
        MergeConflictStore(self.db).forget([feedback_id])
        self.db.execute(
            "UPDATE feedback_themes SET evidence = ? WHERE feedback_id = ?",
            [NO_EVIDENCE, feedback_id],
        )

    # --- practices and users: by uuid, else by name -----------------------------------------
    def _same_uuid_or_name(self, table: NamedTable, item: dict[str, Any]) -> dict[str, Any] | None:
        """This database's practice or user for a bundle's: the same uuid, else the same name
        in any case (two databases set up apart each made their own 'Mill Lane Surgery')."""
        local = _rows(self.db, f"SELECT * FROM {table} WHERE uuid = ?", [item["uuid"]])
        if not local:
            local = _rows(
                self.db, f"SELECT * FROM {table} WHERE name = ? COLLATE NOCASE", [item["name"]]
            )
        return local[0] if local else None

    def _name_taken(self, table: NamedTable, name: str, row_id: int) -> bool:
        """Another row already has this name: a rename from the bundle would clash with it."""
        found = self.db.execute(
            f"SELECT 1 FROM {table} WHERE name = ? COLLATE NOCASE AND id != ?", [name, row_id]
        ).fetchone()
        return found is not None

    def _practices(self, bundle: sqlite_utils.Database) -> None:
        self.practice_ids: dict[str, int] = {}
        for item in _rows(bundle, "SELECT * FROM practices"):
            current = self._same_uuid_or_name("practices", item)
            action = self._decide("practices", item["uuid"], current, item, PRACTICE_FIELDS)
            if action == "insert":
                cursor = self.db.execute(
                    "INSERT INTO practices (uuid, name, ods_code, active, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        item["uuid"],
                        item["name"],
                        item["ods_code"],
                        item["active"],
                        item["created_at"],
                        item["updated_at"],
                    ],
                )
                self.practice_ids[item["uuid"]] = int(cursor.lastrowid or 0)
                continue
            assert current is not None
            self.practice_ids[item["uuid"]] = current["id"]
            if action == "update":
                clash = self._name_taken("practices", item["name"], current["id"])
                self.db.execute(
                    "UPDATE practices SET name = ?, ods_code = ?, active = ?, updated_at = ?"
                    " WHERE id = ?",
                    [
                        current["name"] if clash else item["name"],
                        item["ods_code"],
                        item["active"],
                        item["updated_at"],
                        current["id"],
                    ],
                )

    def _users(self, bundle: sqlite_utils.Database) -> None:
        self.user_ids: dict[str, int] = {}
        for item in _rows(bundle, "SELECT * FROM users"):
            current = self._same_uuid_or_name("users", item)
            action = self._decide("users", item["uuid"], current, item, USER_FIELDS)
            if action == "insert":
                # PINs never travel; a chair role is never granted by a volunteer's bundle
                cursor = self.db.execute(
                    "INSERT INTO users (uuid, name, role, active, created_at, updated_at)"
                    " VALUES (?, ?, 'volunteer', ?, ?, ?)",
                    [
                        item["uuid"],
                        item["name"],
                        item["active"],
                        item["created_at"],
                        item["updated_at"],
                    ],
                )
                self.user_ids[item["uuid"]] = int(cursor.lastrowid or 0)
                continue
            assert current is not None
            self.user_ids[item["uuid"]] = current["id"]
            if action == "update":
                clash = self._name_taken("users", item["name"], current["id"])
                self.db.execute(
                    "UPDATE users SET name = ?, active = ?, updated_at = ? WHERE id = ?",
                    [
                        current["name"] if clash else item["name"],
                        item["active"],
                        item["updated_at"],
                        current["id"],
                    ],
                )

    # --- themes: by slug ----------------------------------------------------------------------
    def _local_themes(self) -> dict[str, dict[str, Any]]:
        return {
            r["slug"]: r
            for r in _rows(
                self.db,
                "SELECT t.*, p.slug AS parent_slug, m.slug AS merged_into_slug FROM themes t"
                " LEFT JOIN themes p ON p.id = t.parent_id LEFT JOIN themes m"
                " ON m.id = t.merged_into_id",
            )
        }

    def _themes(self, bundle: sqlite_utils.Database) -> None:
        local = self._local_themes()
        winners = []
        for item in _rows(bundle, "SELECT * FROM themes ORDER BY slug"):
            action = self._decide(
                "themes", item["slug"], local.get(item["slug"]), item, THEME_FIELDS
            )
            if action == "insert":
                self.db.execute(
                    "INSERT INTO themes (slug, name, description, cqc_key_question, keywords,"
                    " rules, archived, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        item["slug"],
                        item["name"],
                        item["description"],
                        item["cqc_key_question"],
                        item["keywords"],
                        item["rules"],
                        item["archived"],
                        item["created_at"],
                        item["updated_at"],
                    ],
                )
                winners.append(item)
            elif action == "update":
                self.db.execute(
                    "UPDATE themes SET name = ?, description = ?, cqc_key_question = ?,"
                    " keywords = ?, rules = ?, archived = ?, updated_at = ? WHERE slug = ?",
                    [
                        item["name"],
                        item["description"],
                        item["cqc_key_question"],
                        item["keywords"],
                        item["rules"],
                        item["archived"],
                        item["updated_at"],
                        item["slug"],
                    ],
                )
                winners.append(item)
        ids = {slug: tid for tid, slug in self.db.execute("SELECT id, slug FROM themes")}
        for item in winners:  # links between themes once every theme exists
            self.db.execute(
                "UPDATE themes SET parent_id = ?, merged_into_id = ? WHERE slug = ?",
                [
                    ids.get(item["parent_slug"] or ""),
                    ids.get(item["merged_into_slug"] or ""),
                    item["slug"],
                ],
            )
        self.theme_ids = ids

    # --- feedback: by uuid --------------------------------------------------------------------
    def _feedback(self, bundle: sqlite_utils.Database) -> None:
        practice_names = {u: n for u, n in bundle.execute("SELECT uuid, name FROM practices")}
        incoming = _rows(bundle, "SELECT * FROM feedback ORDER BY uuid")
        for item in incoming:
            item["practice_name"] = practice_names.get(item["practice_uuid"], "").lower()
        self.feedback_ids: dict[str, int] = {}
        for start in range(0, len(incoming), CHUNK):
            chunk = incoming[start : start + CHUNK]
            marks = ", ".join("?" for _ in chunk)
            local = {
                r["uuid"]: r
                for r in _rows(
                    self.db,
                    "SELECT f.*, lower(p.name) AS practice_name FROM feedback f JOIN practices p"
                    f" ON p.id = f.practice_id WHERE f.uuid IN ({marks})",
                    [i["uuid"] for i in chunk],
                )
            }
            for item in chunk:
                if item["uuid"] in self.gone_for_good:
                    self.report.table("feedback").removed_here += 1
                    continue
                current = local.get(item["uuid"])
                action = self._decide(
                    "feedback",
                    item["uuid"],
                    current,
                    item,
                    (*FEEDBACK_FIELDS, REDACTABLE),
                    redaction_first(FEEDBACK_FIELDS),
                )
                practice_id = self.practice_ids.get(item["practice_uuid"])
                if practice_id is None:
                    raise BundleProblem(
                        "The bundle refers to a practice it does not contain; "
                        "nothing was merged. Ask for a fresh export."
                    )
                values = [
                    practice_id,
                    item["received_on"],
                    item["channel"],
                    item["kind"],
                    item["text"],
                    item["sentiment"],
                    item["status"],
                    item["updated_at"],
                    item["deleted_at"],
                    item.get(REDACTABLE),
                    self.response_ids.get(item.get("survey_response_uuid") or ""),
                ]
                if action == "insert":
                    cursor = self.db.execute(
                        "INSERT INTO feedback (practice_id, received_on, channel, kind, text,"
                        " sentiment, status, updated_at, deleted_at, redacted_at,"
                        " survey_response_id, uuid, entered_by, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            *values,
                            item["uuid"],
                            self.user_ids.get(item["entered_by_uuid"] or ""),
                            item["created_at"],
                        ],
                    )
                    self.feedback_ids[item["uuid"]] = int(cursor.lastrowid or 0)
                    continue
                assert current is not None
                self.feedback_ids[item["uuid"]] = current["id"]
                if action == "update":
                    self.db.execute(
                        "UPDATE feedback SET practice_id = ?, received_on = ?, channel = ?,"
                        " kind = ?, text = ?, sentiment = ?, status = ?, updated_at = ?,"
                        " deleted_at = ?, redacted_at = ?,"
                        " survey_response_id = COALESCE(?, survey_response_id) WHERE id = ?",
                        [*values, current["id"]],
                    )
                    if redacted_since(current, item):
                        self._take_out_old_words(current["id"])
            if self.progress:
                self.progress("feedback", start + len(chunk), len(incoming))

    # --- theme links: by (feedback uuid, theme slug) ----------------------------------------
    def _links(self, bundle: sqlite_utils.Database) -> None:
        incoming = _rows(bundle, "SELECT * FROM feedback_themes ORDER BY feedback_uuid, theme_slug")
        uuids = sorted({i["feedback_uuid"] for i in incoming})
        local: dict[tuple[str, str], dict[str, Any]] = {}
        ids: dict[str, int] = {}
        redacted: set[str] = set()
        for start in range(0, len(uuids), CHUNK):
            chunk = uuids[start : start + CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for row in _rows(
                self.db,
                f"SELECT id, uuid, redacted_at FROM feedback WHERE uuid IN ({marks})",
                chunk,
            ):
                ids[row["uuid"]] = row["id"]
                if row["redacted_at"]:
                    redacted.add(row["uuid"])
            for row in _rows(
                self.db,
                "SELECT f.uuid AS feedback_uuid, t.slug AS theme_slug, ft.* FROM feedback_themes"
                " ft JOIN feedback f ON f.id = ft.feedback_id JOIN themes t"
                f" ON t.id = ft.theme_id WHERE f.uuid IN ({marks})",
                chunk,
            ):
                local[(row["feedback_uuid"], row["theme_slug"])] = row
        for item in incoming:
            key = (item["feedback_uuid"], item["theme_slug"])
            if item["feedback_uuid"] in self.gone_for_good:
                self.report.table("feedback_themes").removed_here += 1
                continue
            current = local.get(key)
            if item["feedback_uuid"] in redacted:  # evidence may quote what was taken out
                item = {**item, "evidence": NO_EVIDENCE}
                if current is not None:
                    current = {**current, "evidence": NO_EVIDENCE}
            feedback_id = ids.get(item["feedback_uuid"])
            theme_id = self.theme_ids.get(item["theme_slug"])
            if feedback_id is None or theme_id is None:
                self.report.table("feedback_themes").skipped += 1
                continue
            action = self._decide(
                "feedback_themes",
                f"{key[0]}:{key[1]}",
                current,
                item,
                LINK_FIELDS,
                link_rank,
            )
            if action == "skip":
                continue
            self.db.execute(
                "INSERT INTO feedback_themes (feedback_id, theme_id, source, state, score,"
                " evidence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(feedback_id, theme_id) DO UPDATE SET source = excluded.source,"
                " state = excluded.state, score = excluded.score, evidence = excluded.evidence,"
                " updated_at = excluded.updated_at",
                [
                    feedback_id,
                    theme_id,
                    item["source"],
                    item["state"],
                    item["score"],
                    item["evidence"],
                    item["created_at"],
                    item["updated_at"],
                ],
            )
