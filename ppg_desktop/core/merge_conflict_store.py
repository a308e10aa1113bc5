"""The version of a comment that lost a merge, kept where the chair can read it and where it goes
when the comment goes.

When two laptops changed the same feedback item, merging keeps the newer change
(bundles_merge.py). The audit log records the conflict, but the log cannot be changed or emptied,
so it must never hold what a patient wrote: the losing version's text is kept here instead, and
the audit entry points to it ({"kept_for_review": id}). It is removed with its item: by a
retention purge or an erasure request (`forget`, and ON DELETE CASCADE), and also when an erasure
request redacts the item's text. An item that is only deleted (and may be restored) keeps it.

Like the audit log, this records what happened on this database; it never travels in a bundle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.store_base import Store
from ppg_desktop.core.subject_matches import mentions_person

Winner = Literal["this_database", "bundle"]
CHUNK = 500


@dataclass(frozen=True)
class KeptVersion:
    """The losing version's comment text (and when it was written) of one merge conflict.

    `winner` is "this_database" when the bundle's version was not used (it was older), "bundle"
    when this database's version was replaced by the bundle's newer one.
    """

    id: int
    at: str
    table_name: str
    record_uuid: str
    feedback_id: int
    winner: str
    fields: dict[str, Any]

    @property
    def text(self) -> str:
        """The losing version's comment text."""
        return str(self.fields.get("text") or "")

    def describe(self) -> str:
        """The other version in plain words, for the chair."""
        if self.winner == "bundle":
            return (
                "This computer's earlier version of this comment, replaced by the other laptop's"
                f" newer one: “{self.text}”"
            )
        return (
            "The other laptop's version of this comment, not used because the one here is"
            f" newer: “{self.text}”"
        )


def _kept(row: dict[str, Any]) -> KeptVersion:
    return KeptVersion(
        id=row["id"],
        at=row["at"],
        table_name=row["table_name"],
        record_uuid=row["record_uuid"],
        feedback_id=row["feedback_id"],
        winner=row["winner"],
        fields=json.loads(row["losing_fields"] or "{}"),
    )


class MergeConflictStore(Store):
    """Losing versions of merged comments (table merge_conflicts)."""

    def keep(
        self,
        table: str,
        record_uuid: str,
        feedback_id: int,
        winner: Winner,
        fields: dict[str, Any],
    ) -> int:
        """Keep a losing version's text (call inside the merge's transaction); its id.

        Merging the same bundle again finds the same conflict: the version already kept is
        reused, not copied again.
        """
        losing = json.dumps(fields, sort_keys=True, default=str)
        found = self.db.execute(
            "SELECT id FROM merge_conflicts WHERE feedback_id = ? AND table_name = ?"
            " AND winner = ? AND losing_fields = ?",
            [feedback_id, table, winner, losing],
        ).fetchone()
        if found:
            return int(found[0])
        cursor = self.db.execute(
            "INSERT INTO merge_conflicts (at, table_name, record_uuid, feedback_id, winner,"
            " losing_fields) VALUES (?, ?, ?, ?, ?, ?)",
            [now_iso(), table, record_uuid, feedback_id, winner, losing],
        )
        return int(cursor.lastrowid or 0)

    def get_many(self, ids: Sequence[int]) -> dict[int, KeptVersion]:
        """The kept versions with these ids that are still held (removed ones are left out)."""
        found: dict[int, KeptVersion] = {}
        unique = sorted(set(ids))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for row in self._rows(f"SELECT * FROM merge_conflicts WHERE id IN ({marks})", chunk):
                found[row["id"]] = _kept(row)
        return found

    def for_feedback(self, feedback_id: int) -> list[KeptVersion]:
        """The versions kept for one item, oldest first."""
        rows = self._rows(
            "SELECT * FROM merge_conflicts WHERE feedback_id = ? ORDER BY id", [feedback_id]
        )
        return [_kept(r) for r in rows]

    def forget(self, feedback_ids: Sequence[int]) -> int:
        """Remove the versions kept for these items (their text is being removed or redacted);
        call inside the same transaction. Returns how many went."""
        removed = 0
        for start in range(0, len(feedback_ids), CHUNK):
            chunk = list(feedback_ids[start : start + CHUNK])
            marks = ", ".join("?" for _ in chunk)
            removed += self.db.execute(
                f"DELETE FROM merge_conflicts WHERE feedback_id IN ({marks})", chunk
            ).rowcount
        return removed

    def feedback_mentioning(self, name: str, phone: str, email: str) -> list[int]:
        """Items whose kept versions mention this name, phone number or email address (for a
        subject-access search: the item's own text may no longer mention them)."""
        ids = {
            int(feedback_id)
            for feedback_id, losing in self.db.execute(
                "SELECT feedback_id, losing_fields FROM merge_conflicts"
            ).fetchall()
            if mentions_person(str(json.loads(losing).get("text") or ""), name, phone, email)
        }
        return sorted(ids)
