"""Restoring a backup never brings back what was removed or redacted since it was made.

A backup made last month still holds a comment that the retention purge has since removed, or
a person's details that an erasure request has since taken out. Restoring it would bring them
back. So before the restored copy replaces the database, what the database being replaced
knows of such removals is applied to the copy: every record noted as removed for good
(removed_record_store.py) is removed from it, and every comment or written survey answer
redacted since the backup gets its redacted words. What a patient wrote is only ever copied from
the redacted version, never the other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.removed_record_store import RemovedRecordStore

NO_EVIDENCE = "[]"  # theme evidence quotes the comment: cleared with the redaction


@dataclass
class Removals:
    """What the database being replaced knows of removals and redactions."""

    notes: list[dict[str, Any]] = field(default_factory=list)  # removed_records rows
    comments: dict[str, tuple[str, str]] = field(default_factory=dict)  # uuid -> (text, when)
    answers: dict[str, tuple[str, list[tuple[int, Any]]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.notes or self.comments or self.answers)


def read_removals(db: sqlite_utils.Database) -> Removals:
    """The removals and redactions this database holds; none when it predates them or cannot
    be read (a damaged database being replaced)."""
    found = Removals()
    try:
        found.notes = RemovedRecordStore(db).all()
        found.comments = {
            uuid: (text, redacted_at)
            for uuid, text, redacted_at in db.execute(
                "SELECT uuid, text, redacted_at FROM feedback WHERE redacted_at IS NOT NULL"
            )
        }
        responses = {
            response_id: (uuid, redacted_at)
            for response_id, uuid, redacted_at in db.execute(
                "SELECT id, uuid, redacted_at FROM survey_responses WHERE redacted_at IS NOT NULL"
            )
        }
        for response_id, (uuid, redacted_at) in responses.items():
            values = [
                (question_id, value)
                for question_id, value in db.execute(
                    "SELECT a.question_id, a.value FROM survey_answers a JOIN survey_questions q"
                    " ON q.id = a.question_id WHERE a.response_id = ? AND q.kind = 'text'",
                    [response_id],
                )
            ]
            found.answers[uuid] = (redacted_at, values)
    except Exception:  # sqlite3's or sqlcipher3's DatabaseError: a table missing or damaged
        return Removals()  # too old or too damaged to tell: the restore goes ahead as before
    return found


def apply_removals(db: sqlite_utils.Database, removals: Removals) -> int:
    """Remove and redact in the restored copy what `removals` says (one transaction); returns
    how many records were removed or redacted."""
    if removals.empty:
        return 0
    changed = 0
    with db.atomic():
        removed = RemovedRecordStore(db).apply(removals.notes)
        changed += sum(len(uuids) for uuids in removed.values())
        for uuid, (text, redacted_at) in removals.comments.items():
            row = db.execute(
                "SELECT id, redacted_at FROM feedback WHERE uuid = ?", [uuid]
            ).fetchone()
            if row is None or (row[1] or "") >= redacted_at:
                continue
            db.execute(
                "UPDATE feedback SET text = ?, redacted_at = ? WHERE id = ?",
                [text, redacted_at, row[0]],
            )
            db.execute(
                "UPDATE feedback_themes SET evidence = ? WHERE feedback_id = ?",
                [NO_EVIDENCE, row[0]],
            )
            MergeConflictStore(db).forget([row[0]])
            changed += 1
        for uuid, (redacted_at, values) in removals.answers.items():
            row = db.execute(
                "SELECT id, redacted_at FROM survey_responses WHERE uuid = ?", [uuid]
            ).fetchone()
            if row is None or (row[1] or "") >= redacted_at:
                continue
            kept = dict(values)
            for answer_id, question_id in db.execute(
                "SELECT a.id, a.question_id FROM survey_answers a JOIN survey_questions q"
                " ON q.id = a.question_id WHERE a.response_id = ? AND q.kind = 'text'",
                [row[0]],
            ).fetchall():
                if question_id in kept:
                    db.execute(
                        "UPDATE survey_answers SET value = ? WHERE id = ?",
                        [kept[question_id], answer_id],
                    )
                else:  # removed since the backup: removed again
                    db.execute("DELETE FROM survey_answers WHERE id = ?", [answer_id])
            db.execute(
                "UPDATE survey_responses SET redacted_at = ? WHERE id = ?", [redacted_at, row[0]]
            )
            changed += 1
    return changed
