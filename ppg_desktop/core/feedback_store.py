"""Patients' feedback: the comments, complaints and compliments the PPG collects."""

from __future__ import annotations

import builtins
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ppg_desktop.core.clock import now_iso, today
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.migrations import CHANNELS, KINDS, SENTIMENTS, STATUSES
from ppg_desktop.core.models import (
    CHANNEL_LABELS,
    KIND_LABELS,
    SENTIMENT_LABELS,
    STATUS_LABELS,
    Feedback,
    FeedbackFilter,
    parse_date,
)
from ppg_desktop.core.store_base import Store

MAX_TEXT = 20_000
EARLIEST_DATE = dt.date(2000, 1, 1)

SORTABLE = {
    "received_on": "f.received_on",
    "practice": "p.name COLLATE NOCASE",
    "channel": "f.channel",
    "kind": "f.kind",
    "status": "f.status",
    "sentiment": "f.sentiment",
    "text": "f.text COLLATE NOCASE",
    "id": "f.id",
    "updated_at": "f.updated_at",
}

_SELECT = """
SELECT f.*, p.name AS practice_name,
  (SELECT group_concat(t.slug, ' ') FROM feedback_themes ft JOIN themes t ON t.id = ft.theme_id
    WHERE ft.feedback_id = f.id AND ft.state != 'rejected') AS theme_slugs
FROM feedback f JOIN practices p ON p.id = f.practice_id
"""

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word must appear (prefix match)."""
    words = _WORD.findall(text)
    return " ".join(f'"{w}"*' for w in words)


def feedback_where(flt: FeedbackFilter, alias: str = "f") -> tuple[str, list[Any]]:
    """The SQL condition and parameters for a filter (shared with analysis and exports)."""
    clauses: list[str] = []
    params: list[Any] = []
    if not flt.include_deleted:
        clauses.append(f"{alias}.deleted_at IS NULL")
    if flt.date_from:
        clauses.append(f"{alias}.received_on >= ?")
        params.append(flt.date_from.isoformat())
    if flt.date_to:
        clauses.append(f"{alias}.received_on <= ?")
        params.append(flt.date_to.isoformat())
    for column, values in (
        ("practice_id", flt.practice_ids),
        ("kind", flt.kinds),
        ("status", flt.statuses),
        ("channel", flt.channels),
    ):
        if values:
            clauses.append(f"{alias}.{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    if flt.sentiments:
        wanted = [s for s in flt.sentiments if s != "unknown"]
        parts = []
        if wanted:
            parts.append(f"{alias}.sentiment IN ({', '.join('?' for _ in wanted)})")
            params.extend(wanted)
        if "unknown" in flt.sentiments:
            parts.append(f"{alias}.sentiment IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")")
    if flt.theme_slugs:
        clauses.append(
            f"EXISTS (SELECT 1 FROM feedback_themes ft JOIN themes t ON t.id = ft.theme_id"
            f" WHERE ft.feedback_id = {alias}.id AND ft.state != 'rejected'"
            f" AND t.slug IN ({', '.join('?' for _ in flt.theme_slugs)}))"
        )
        params.extend(flt.theme_slugs)
    if flt.entered_by is not None:
        clauses.append(f"{alias}.entered_by = ?")
        params.append(flt.entered_by)
    if flt.created_since:
        clauses.append(f"{alias}.created_at >= ?")
        params.append(flt.created_since)
    query = fts_query(flt.text) if flt.text else ""
    if query:
        clauses.append(f"{alias}.id IN (SELECT rowid FROM feedback_fts WHERE feedback_fts MATCH ?)")
        params.append(query)
    return (" AND ".join(clauses) or "1 = 1"), params


def _feedback(row: dict[str, Any]) -> Feedback:
    return Feedback(
        id=row["id"],
        uuid=row["uuid"],
        practice_id=row["practice_id"],
        practice_name=row["practice_name"],
        received_on=parse_date(row["received_on"]) or today(),
        channel=row["channel"],
        kind=row["kind"],
        text=row["text"],
        sentiment=row["sentiment"],
        status=row["status"],
        entered_by=row["entered_by"],
        survey_response_id=row["survey_response_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
        themes=tuple(sorted((row.get("theme_slugs") or "").split())),
    )


def _choice(field: str, value: Any, allowed: Sequence[str], labels: dict[str, str]) -> str:
    if value not in allowed:
        options = ", ".join(labels[a] for a in allowed)
        raise ValidationError(field, f"Choose one of: {options}.")
    return str(value)


class FeedbackStore(Store):
    """Create, edit, soft-delete, restore, list, search and count feedback."""

    def _validate(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check and normalise one item's fields; raise ValidationError on the first problem."""
        clean: dict[str, Any] = {}
        practice_id = values.get("practice_id")
        if practice_id in (None, ""):
            raise ValidationError("Practice", "Choose the practice this feedback is about.")
        if not self.db.execute("SELECT 1 FROM practices WHERE id = ?", [practice_id]).fetchone():
            raise ValidationError("Practice", "That practice is not in the list. Choose another.")
        clean["practice_id"] = int(practice_id)
        received = values.get("received_on")
        if isinstance(received, str):
            try:
                received = dt.date.fromisoformat(received[:10])
            except ValueError as exc:
                raise ValidationError("Date received", "Enter the date as dd/mm/yyyy.") from exc
        if not isinstance(received, dt.date):
            raise ValidationError("Date received", "Enter the date the feedback was given.")
        if received > today():
            raise ValidationError("Date received", "The date cannot be in the future.")
        if received < EARLIEST_DATE:
            raise ValidationError(
                "Date received", "The date is too far in the past; check the year."
            )
        clean["received_on"] = received.isoformat()
        clean["channel"] = _choice(
            "How it was given", values.get("channel"), CHANNELS, CHANNEL_LABELS
        )
        clean["kind"] = _choice("Kind", values.get("kind"), KINDS, KIND_LABELS)
        text = str(values.get("text") or "").strip()
        if not text:
            raise ValidationError("Comment", "Write down what the patient said.")
        if len(text) > MAX_TEXT:
            raise ValidationError(
                "Comment", f"The comment is too long: keep it under {MAX_TEXT:,} characters."
            )
        clean["text"] = text
        sentiment = values.get("sentiment")
        clean["sentiment"] = (
            None
            if sentiment in (None, "")
            else _choice("Sentiment", sentiment, SENTIMENTS, SENTIMENT_LABELS)
        )
        clean["status"] = _choice("Status", values.get("status") or "new", STATUSES, STATUS_LABELS)
        for key in ("entered_by", "survey_response_id"):
            if values.get(key) is not None:
                clean[key] = int(values[key])
        return clean

    def _insert(self, clean: dict[str, Any], uuid: str | None, stamp: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO feedback (uuid, practice_id, received_on, channel, kind, text, sentiment,"
            " status, entered_by, survey_response_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                uuid or self.new_uuid(),
                clean["practice_id"],
                clean["received_on"],
                clean["channel"],
                clean["kind"],
                clean["text"],
                clean["sentiment"],
                clean["status"],
                clean.get("entered_by"),
                clean.get("survey_response_id"),
                stamp,
                stamp,
            ],
        )
        return int(cursor.lastrowid or 0)

    def create(self, *, uuid: str | None = None, **values: Any) -> Feedback:
        """Add one item. Fields: practice_id, received_on, channel, kind, text, sentiment, status,
        entered_by, survey_response_id."""
        clean = self._validate(values)
        with self.db.atomic():
            feedback_id = self._insert(clean, uuid, now_iso())
            self._audit(
                "create", "feedback", feedback_id, {k: v for k, v in clean.items() if k != "text"}
            )
        return self.get(feedback_id)

    def create_many(self, items: Iterable[dict[str, Any]]) -> list[int]:
        """Add many items in one transaction: all are stored, or (on any invalid row) none.

        A ValidationError names the row (1-based, in the order given).
        """
        cleaned: builtins.list[tuple[dict[str, Any], str | None]] = []
        for row_number, values in enumerate(items, start=1):
            try:
                cleaned.append((self._validate(values), values.get("uuid")))
            except ValidationError as exc:
                raise ValidationError(exc.field, exc.message, row=row_number) from exc
        stamp = now_iso()
        with self.db.atomic():
            ids = [self._insert(clean, uuid, stamp) for clean, uuid in cleaned]
            if ids:
                self._audit("create", "feedback", f"{ids[0]}..{ids[-1]}", {"count": len(ids)})
        return ids

    def get(self, feedback_id: int, *, include_deleted: bool = True) -> Feedback:
        row = self._one(_SELECT + " WHERE f.id = ?", [feedback_id])
        if row is None or (row["deleted_at"] and not include_deleted):
            raise NotFoundError(
                f"Feedback {feedback_id} cannot be found; it may have been deleted."
            )
        return _feedback(row)

    def get_by_uuid(self, uuid: str) -> Feedback | None:
        row = self._one(_SELECT + " WHERE f.uuid = ?", [uuid])
        return _feedback(row) if row else None

    def get_many(self, ids: Sequence[int]) -> list[Feedback]:
        """Items for these ids, in the same order (missing ids are left out)."""
        found: dict[int, Feedback] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            for row in self._rows(_SELECT + f" WHERE f.id IN ({marks})", chunk):
                found[row["id"]] = _feedback(row)
        return [found[i] for i in ids if i in found]

    def update(self, feedback_id: int, **changes: Any) -> Feedback:
        """Change some fields of one item; the rest stay as they are."""
        current = self.get(feedback_id)
        merged = {
            "practice_id": current.practice_id,
            "received_on": current.received_on,
            "channel": current.channel,
            "kind": current.kind,
            "text": current.text,
            "sentiment": current.sentiment,
            "status": current.status,
            "entered_by": current.entered_by,
            "survey_response_id": current.survey_response_id,
        }
        unknown = set(changes) - set(merged)
        if unknown:
            raise ValueError(f"Unknown feedback fields: {sorted(unknown)}")
        merged.update(changes)
        clean = self._validate(merged)
        before = self._validate({**merged, **{k: getattr(current, k) for k in changes}})
        diff = self._diff(before, clean)
        if not diff:
            return current
        with self.db.atomic():
            assignments = ", ".join(f"{key} = ?" for key in clean)
            self.db.execute(
                f"UPDATE feedback SET {assignments}, updated_at = ? WHERE id = ?",
                [*clean.values(), now_iso(), feedback_id],
            )
            if "text" in diff:
                diff["text"] = "changed"
            self._audit("update", "feedback", feedback_id, diff)
        return self.get(feedback_id)

    def set_status(self, ids: Sequence[int], status: str) -> int:
        """Change the status of several items at once (a bulk action); returns how many."""
        _choice("Status", status, STATUSES, STATUS_LABELS)
        return self._bulk_set(ids, "status = ?", [status], "update", {"status": status})

    def soft_delete(self, ids: Sequence[int]) -> int:
        """Hide items from lists and counts; `restore` brings them back (undo)."""
        return self._bulk_set(
            ids, "deleted_at = ?", [now_iso()], "delete", {}, only="deleted_at IS NULL"
        )

    def restore(self, ids: Sequence[int]) -> int:
        """Undo a soft delete."""
        return self._bulk_set(
            ids, "deleted_at = NULL", [], "restore", {}, only="deleted_at IS NOT NULL"
        )

    def _bulk_set(
        self,
        ids: Sequence[int],
        assignment: str,
        values: list[Any],
        action: str,
        changes: dict[str, Any],
        only: str = "1 = 1",
    ) -> int:
        total = 0
        with self.db.atomic():
            stamp = now_iso()
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ", ".join("?" for _ in chunk)
                cursor = self.db.execute(
                    f"UPDATE feedback SET {assignment}, updated_at = ? WHERE id IN ({marks})"
                    f" AND {only}",
                    [*values, stamp, *chunk],
                )
                total += cursor.rowcount
            if total:
                self._audit(
                    action, "feedback", ",".join(map(str, ids[:50])), {**changes, "count": total}
                )
        return total

    def list(
        self,
        flt: FeedbackFilter | None = None,
        *,
        order_by: str = "received_on",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Feedback]:
        """Items matching the filter, sorted, one page at a time."""
        where, params = feedback_where(flt or FeedbackFilter())
        sql = _SELECT + f" WHERE {where} ORDER BY {self._order(order_by, descending)}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_feedback(r) for r in self._rows(sql, params)]

    def list_ids(
        self,
        flt: FeedbackFilter | None = None,
        *,
        order_by: str = "received_on",
        descending: bool = True,
    ) -> builtins.list[int]:
        """Just the ids, in order: cheap even for 100,000 items; pages are then fetched by id."""
        where, params = feedback_where(flt or FeedbackFilter())
        join = " JOIN practices p ON p.id = f.practice_id" if order_by == "practice" else ""
        sql = (
            f"SELECT f.id FROM feedback f{join} WHERE {where}"
            f" ORDER BY {self._order(order_by, descending)}"
        )
        return [row[0] for row in self.db.execute(sql, params)]

    def count(self, flt: FeedbackFilter | None = None) -> int:
        where, params = feedback_where(flt or FeedbackFilter())
        return int(
            self.db.execute(f"SELECT count(*) FROM feedback f WHERE {where}", params).fetchone()[0]
        )

    def counts_by(self, column: str, flt: FeedbackFilter | None = None) -> dict[str, int]:
        """Counts grouped by kind, status, channel, sentiment or practice_id."""
        if column not in ("kind", "status", "channel", "sentiment", "practice_id"):
            raise ValueError(f"Cannot count by {column}")
        where, params = feedback_where(flt or FeedbackFilter())
        rows = self.db.execute(
            f"SELECT f.{column}, count(*) FROM feedback f WHERE {where} GROUP BY f.{column}", params
        )
        return {str(key): int(n) for key, n in rows}

    @staticmethod
    def _order(order_by: str, descending: bool) -> str:
        if order_by not in SORTABLE:
            raise ValueError(f"Cannot sort by {order_by}")
        direction = "DESC" if descending else "ASC"
        return f"{SORTABLE[order_by]} {direction}, f.id {direction}"
