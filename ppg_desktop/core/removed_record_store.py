"""Records removed for good on purpose, so that merging another laptop's bundle cannot bring them
back.

The retention purge and an erasure request remove feedback and contact details for good, but a
volunteer's laptop may still hold the same record (the same UUID): merging its bundle would find
the record missing here and insert it again, with the patient's words or the erased person's
details. So the purge and erasure note here, in the same transaction, each record they remove:
its table, its UUID, when and why ('retention' or 'erasure'), and nothing a patient wrote or any
contact detail. Merging (bundles_merge.py) skips every record noted here, and every bundle
carries all the notes, so a laptop that merges it removes the same records and notes them too.

Removal is final whatever the order bundles arrive in: a record noted anywhere ends up removed
everywhere. When two laptops noted the same record, the earlier note is kept, so every database
ends with the same notes.

Contact details never travel in a bundle, but volunteers' laptops start as copies of the
chair's database, so they hold the same contact details (the same UUIDs): those go too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import sqlite_utils

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.store_base import Store

Why = Literal["retention", "erasure"]
REMOVABLE = ("feedback", "contacts")
CHUNK = 500

_NOTE = (
    "INSERT INTO removed_records (table_name, uuid, removed_at, why) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (table_name, uuid) DO UPDATE SET removed_at = excluded.removed_at,"
    " why = excluded.why WHERE (excluded.removed_at, excluded.why)"
    " < (removed_records.removed_at, removed_records.why)"
)


def _chunks(values: Sequence[Any]) -> Iterable[tuple[list[Any], str]]:
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start : start + CHUNK])
        yield chunk, ", ".join("?" for _ in chunk)


class RemovedRecordStore(Store):
    """The notes of records removed for good (table removed_records)."""

    def note(
        self, why: Why, *, feedback_ids: Sequence[int] = (), contact_ids: Sequence[int] = ()
    ) -> int:
        """Note these feedback items and contact details, and the contact details of the
        items, as removed; call inside the purge's or erasure's transaction, before they go.
        Returns how many records were noted."""
        stamp = now_iso()
        found: list[tuple[str, str]] = []
        for chunk, marks in _chunks(sorted(set(feedback_ids))):
            found += [
                ("feedback", row[0])
                for row in self.db.execute(
                    f"SELECT uuid FROM feedback WHERE id IN ({marks})", chunk
                )
            ]
            found += [
                ("contacts", row[0])
                for row in self.db.execute(
                    f"SELECT uuid FROM contacts WHERE feedback_id IN ({marks})", chunk
                )
            ]
        for chunk, marks in _chunks(sorted(set(contact_ids))):
            found += [
                ("contacts", row[0])
                for row in self.db.execute(
                    f"SELECT uuid FROM contacts WHERE id IN ({marks})", chunk
                )
            ]
        unique = sorted(set(found))
        self.db.conn.executemany(_NOTE, [(table, uuid, stamp, why) for table, uuid in unique])
        return len(unique)

    def uuids(self, table: str) -> set[str]:
        """The UUIDs of the records of this table removed here (or on a laptop merged here)."""
        return {
            row[0]
            for row in self.db.execute(
                "SELECT uuid FROM removed_records WHERE table_name = ?", [table]
            )
        }

    def all(self) -> list[dict[str, Any]]:
        """Every note, for a bundle: a laptop that merges it removes the same records."""
        return self._rows(
            "SELECT table_name, uuid, removed_at, why FROM removed_records ORDER BY table_name, uuid"
        )

    def apply(self, notes: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
        """Take another laptop's notes (call inside the merge's transaction): note them here
        and remove the records they name that this database still holds, with their theme
        links, the versions kept from merges and the contact details of a feedback item.

        Returns the UUIDs removed here, by table.
        """
        wanted = [n for n in notes if n["table_name"] in REMOVABLE]
        self.db.conn.executemany(
            _NOTE, [(n["table_name"], n["uuid"], n["removed_at"], n["why"]) for n in wanted]
        )
        removed: dict[str, list[str]] = {table: [] for table in REMOVABLE}
        feedback = {n["uuid"]: n for n in wanted if n["table_name"] == "feedback"}
        for chunk, marks in _chunks(sorted(feedback)):
            rows = self.db.execute(
                f"SELECT id, uuid FROM feedback WHERE uuid IN ({marks})", chunk
            ).fetchall()
            ids = [row[0] for row in rows]
            if not ids:
                continue
            id_marks = ", ".join("?" for _ in ids)
            # their contact details go as they would have here: noted like the item itself
            for contact_uuid, item_uuid in self.db.execute(
                f"SELECT c.uuid, f.uuid FROM contacts c JOIN feedback f ON f.id = c.feedback_id"
                f" WHERE f.id IN ({id_marks})",
                ids,
            ).fetchall():
                note = feedback[item_uuid]
                self.db.execute(_NOTE, ["contacts", contact_uuid, note["removed_at"], note["why"]])
                removed["contacts"].append(contact_uuid)
            self.db.execute(f"DELETE FROM contacts WHERE feedback_id IN ({id_marks})", ids)
            self.db.execute(f"DELETE FROM feedback_themes WHERE feedback_id IN ({id_marks})", ids)
            MergeConflictStore(self.db).forget(ids)
            self.db.execute(f"DELETE FROM feedback WHERE id IN ({id_marks})", ids)
            removed["feedback"] += [row[1] for row in rows]
        contacts = sorted(n["uuid"] for n in wanted if n["table_name"] == "contacts")
        for chunk, marks in _chunks(contacts):
            gone = self.db.execute(
                f"SELECT uuid FROM contacts WHERE uuid IN ({marks})", chunk
            ).fetchall()
            self.db.execute(f"DELETE FROM contacts WHERE uuid IN ({marks})", chunk)
            removed["contacts"] += [row[0] for row in gone]
        return {table: sorted(uuids) for table, uuids in removed.items() if uuids}


def overwrite_removed(db: sqlite_utils.Database) -> None:
    """Overwrite removed rows in the file rather than just unlink them (they are health data);
    as the purge does."""
    db.execute("PRAGMA secure_delete = ON")


def fold_wal(db: sqlite_utils.Database) -> None:
    """Best effort, as after a purge: empty the write-ahead log so removed words do not linger
    in it."""
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception as exc:  # sqlite3 and sqlcipher3 raise different classes
        if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
            raise
