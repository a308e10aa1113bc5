"""Actions: what the PPG raised with the practice, what the practice did, and the history of it.

This is the "You said, we did" loop: feedback and themes lead to an action; the action moves from
open to in progress to done (with the outcome in patients' words) or declined (with the reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from ppg_desktop.core.clock import now_iso, parse_uk_date, today
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.migrations import ACTION_STATUSES
from ppg_desktop.core.models import (
    ACTION_STATUS_LABELS,
    Action,
    ActionHistoryEntry,
    parse_date,
)
from ppg_desktop.core.store_base import Store
from ppg_desktop.core.wording import counted

MAX_TITLE = 200
MAX_TEXT = 10_000
OPEN_STATUSES = ("open", "in_progress")
CLOSED_STATUSES = ("done", "declined")

# Plain words for each field, used in ValidationError so the UI can show the message beside it.
FIELD_LABELS: dict[str, str] = {
    "title": "Title",
    "description": "Description",
    "practice_id": "Practice",
    "raised_with": "Raised with",
    "raised_on": "Date raised",
    "owner": "Owner",
    "due_on": "Due date",
    "status": "Status",
    "declined_reason": "Reason for declining",
    "practice_response": "Practice's response",
    "outcome": "What we did",
    "meeting_id": "Meeting",
}
Actions = list[Action]  # aliases: the store's own `list` method hides the builtin in the class
HistoryEntries = list[ActionHistoryEntry]
EDITABLE = tuple(k for k in FIELD_LABELS if k != "status")

_SELECT = """
SELECT a.*,
  (SELECT group_concat(theme_id, ' ') FROM action_themes WHERE action_id = a.id) AS theme_list,
  (SELECT group_concat(feedback_id, ' ') FROM action_feedback WHERE action_id = a.id)
    AS feedback_list
FROM actions a
"""


def _ids(text: str | None) -> tuple[int, ...]:
    return tuple(sorted(int(part) for part in (text or "").split()))


def _action(row: dict[str, Any]) -> Action:
    return Action(
        id=row["id"],
        uuid=row["uuid"],
        title=row["title"],
        description=row["description"] or "",
        practice_id=row["practice_id"],
        raised_with=row["raised_with"] or "",
        raised_on=parse_date(row["raised_on"]),
        owner=row["owner"] or "",
        due_on=parse_date(row["due_on"]),
        status=row["status"],
        declined_reason=row["declined_reason"] or "",
        practice_response=row["practice_response"] or "",
        outcome=row["outcome"] or "",
        meeting_id=row["meeting_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        theme_ids=_ids(row.get("theme_list")),
        feedback_ids=_ids(row.get("feedback_list")),
    )


def _as_date(field: str, value: Any) -> str | None:
    """A date field (date, ISO text or dd/mm/yyyy text) as ISO text, or None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = parse_uk_date(value.strip()[:10])
        except ValueError as exc:
            raise ValidationError(FIELD_LABELS[field], "Enter the date as dd/mm/yyyy.") from exc
    if not isinstance(value, dt.date):
        raise ValidationError(FIELD_LABELS[field], "Enter the date as dd/mm/yyyy.")
    if value.year < 2000 or value.year > 2100:
        raise ValidationError(FIELD_LABELS[field], "Check the year: it looks wrong.")
    return value.isoformat()


def _text(field: str, value: Any, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError(FIELD_LABELS[field], f"Keep this under {limit:,} characters.")
    return text


def status_choice(status: Any) -> str:
    """Check a status value, with the labels people see in the error."""
    if status not in ACTION_STATUSES:
        options = ", ".join(ACTION_STATUS_LABELS[s] for s in ACTION_STATUSES)
        raise ValidationError("Status", f"Choose one of: {options}.")
    return str(status)


class ActionStore(Store):
    """Create, edit, move through statuses, link, list and soft-delete actions (all audited)."""

    # --- validation ---------------------------------------------------------------------------
    def _validate(self, values: dict[str, Any], changed: set[str] | None = None) -> dict[str, Any]:
        """Check and normalise the editable fields; raise ValidationError on the first problem.

        `changed` (on update) limits the date rules to the dates being edited, so an old row
        that breaks them can still have other fields changed.
        """
        clean: dict[str, Any] = {}
        title = " ".join(str(values.get("title") or "").split())
        if not title:
            raise ValidationError(
                "Title", "Give the action a short title, e.g. 'Longer phone lines at 8am'."
            )
        if len(title) > MAX_TITLE:
            raise ValidationError(
                "Title",
                f"Keep the title under {MAX_TITLE} characters; put the detail in the description.",
            )
        clean["title"] = title
        for key in ("description", "practice_response", "outcome", "declined_reason"):
            clean[key] = _text(key, values.get(key))
        for key in ("raised_with", "owner"):
            clean[key] = _text(key, values.get(key), limit=200)
        practice_id = values.get("practice_id")
        if practice_id in (None, ""):
            clean["practice_id"] = None
        else:
            if not self.db.execute(
                "SELECT 1 FROM practices WHERE id = ?", [practice_id]
            ).fetchone():
                raise ValidationError(
                    "Practice",
                    "That practice is not in the list. Choose another or leave it blank.",
                )
            clean["practice_id"] = int(practice_id)
        meeting_id = values.get("meeting_id")
        if meeting_id in (None, ""):
            clean["meeting_id"] = None
        else:
            if not self.db.execute(
                "SELECT 1 FROM meetings WHERE id = ? AND deleted_at IS NULL", [meeting_id]
            ).fetchone():
                raise ValidationError(
                    "Meeting", "That meeting cannot be found. Choose another or leave it blank."
                )
            clean["meeting_id"] = int(meeting_id)
        clean["raised_on"] = _as_date("raised_on", values.get("raised_on"))
        clean["due_on"] = _as_date("due_on", values.get("due_on"))
        dates_changed = changed is None or bool({"raised_on", "due_on"} & changed)
        if (
            dates_changed
            and clean["raised_on"]
            and clean["raised_on"] > today().isoformat()
            and (changed is None or "raised_on" in changed)
        ):
            raise ValidationError("Date raised", "The date raised cannot be in the future.")
        if (
            dates_changed
            and clean["raised_on"]
            and clean["due_on"]
            and clean["due_on"] < clean["raised_on"]
        ):
            raise ValidationError("Due date", "The due date cannot be before the date raised.")
        return clean

    @staticmethod
    def _check_status_fields(status: str, declined_reason: str) -> None:
        if status == "declined" and not declined_reason.strip():
            raise ValidationError(
                "Reason for declining", "Say why the practice declined, so patients can be told."
            )

    # --- reading ------------------------------------------------------------------------------
    def get(self, action_id: int, *, include_deleted: bool = False) -> Action:
        """One action with its linked theme and feedback ids."""
        row = self._one(_SELECT + " WHERE a.id = ?", [action_id])
        if row is None or (row["deleted_at"] and not include_deleted):
            raise NotFoundError(f"Action {action_id} cannot be found; it may have been deleted.")
        return _action(row)

    def list(
        self,
        status: str | Sequence[str] | None = None,
        overdue_only: bool = False,
        practice_id: int | None = None,
        *,
        on: dt.date | None = None,
        include_deleted: bool = False,
    ) -> Actions:
        """Actions, open ones first by due date (soonest first), then closed ones newest first.

        `on` is the day overdue is judged against (default today).
        """
        clauses: list[str] = []
        params: list[Any] = []
        if not include_deleted:
            clauses.append("a.deleted_at IS NULL")
        statuses = [status] if isinstance(status, str) else list(status or [])
        if statuses:
            for value in statuses:
                status_choice(value)
            clauses.append(f"a.status IN ({', '.join('?' for _ in statuses)})")
            params.extend(statuses)
        if overdue_only:
            clauses.append(
                "a.status IN ('open', 'in_progress') AND a.due_on IS NOT NULL AND a.due_on < ?"
            )
            params.append((on or today()).isoformat())
        if practice_id is not None:
            clauses.append("a.practice_id = ?")
            params.append(practice_id)
        where = " AND ".join(clauses) or "1 = 1"
        sql = (
            _SELECT + f" WHERE {where} ORDER BY a.status IN ('done', 'declined'),"
            " CASE WHEN a.status IN ('done', 'declined') THEN '' ELSE"
            " COALESCE(a.due_on, '9999') END, a.updated_at DESC, a.id DESC"
        )
        return [_action(r) for r in self._rows(sql, params)]

    def overdue(self, on: dt.date | None = None) -> Actions:
        """Open or in-progress actions whose due date has passed (soonest due first)."""
        return self.list(overdue_only=True, on=on)

    def history(self, action_id: int) -> HistoryEntries:
        """Every status change of one action, oldest first."""
        rows = self._rows(
            "SELECT * FROM action_history WHERE action_id = ? ORDER BY changed_at, id", [action_id]
        )
        return [
            ActionHistoryEntry(
                r["old_status"],
                r["new_status"],
                r["note"] or "",
                r["changed_by"] or "",
                r["changed_at"],
            )
            for r in rows
        ]

    def recent_done(self, limit: int | None = None) -> Actions:
        """Done actions, most recently completed first (for the poster and the meeting pack).

        Completion time is the last 'done' history entry, or the last edit for rows (such as
        demo data) that were written without history.
        """
        sql = (
            _SELECT + " WHERE a.deleted_at IS NULL AND a.status = 'done' ORDER BY"
            " COALESCE((SELECT max(h.changed_at) FROM action_history h WHERE h.action_id ="
            " a.id AND h.new_status = 'done'), a.updated_at) DESC, a.id DESC"
        )
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_action(r) for r in self._rows(sql, params)]

    def counts_by_status(self) -> dict[str, int]:
        """How many actions are in each status (every status present, zero if none)."""
        counts = dict.fromkeys(ACTION_STATUSES, 0)
        for status, number in self.db.execute(
            "SELECT status, count(*) FROM actions WHERE deleted_at IS NULL GROUP BY status"
        ):
            counts[str(status)] = int(number)
        return counts

    def for_feedback(self, feedback_id: int) -> Actions:
        """Actions raised from one feedback item (shown on the feedback's detail)."""
        rows = self._rows(
            _SELECT + " WHERE a.deleted_at IS NULL AND a.id IN (SELECT action_id"
            " FROM action_feedback WHERE feedback_id = ?) ORDER BY a.id",
            [feedback_id],
        )
        return [_action(r) for r in rows]

    # --- writing ------------------------------------------------------------------------------
    def create(
        self,
        *,
        title: str,
        status: str = "open",
        note: str = "",
        theme_ids: Iterable[int] = (),
        feedback_ids: Iterable[int] = (),
        uuid: str | None = None,
        **values: Any,
    ) -> Action:
        """Add an action. Fields: title (required), description, practice_id, raised_with,
        raised_on, owner, due_on, status, declined_reason, practice_response, outcome,
        meeting_id; plus the theme and feedback ids that led to it."""
        unknown = set(values) - set(EDITABLE)
        if unknown:
            raise ValueError(f"Unknown action fields: {sorted(unknown)}")
        clean = self._validate({"title": title, **values})
        status = status_choice(status)
        self._check_status_fields(status, clean["declined_reason"])
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO actions (uuid, title, description, practice_id, raised_with,"
                " raised_on, owner, due_on, status, declined_reason, practice_response, outcome,"
                " meeting_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    uuid or self.new_uuid(),
                    clean["title"],
                    clean["description"],
                    clean["practice_id"],
                    clean["raised_with"],
                    clean["raised_on"],
                    clean["owner"],
                    clean["due_on"],
                    status,
                    clean["declined_reason"],
                    clean["practice_response"],
                    clean["outcome"],
                    clean["meeting_id"],
                    stamp,
                    stamp,
                ],
            )
            action_id = int(cursor.lastrowid or 0)
            self._add_history(action_id, None, status, note or "Action recorded", stamp)
            self._link("action_themes", "theme_id", "themes", action_id, theme_ids)
            self._link("action_feedback", "feedback_id", "feedback", action_id, feedback_ids)
            self._audit("create", "actions", action_id, {"title": clean["title"], "status": status})
        return self.get(action_id)

    def create_from_feedback(
        self,
        feedback_ids: Sequence[int],
        title: str,
        *,
        theme_ids: Iterable[int] | None = None,
        **values: Any,
    ) -> Action:
        """Raise an action from selected feedback, in one transaction.

        The feedback is linked to the action and items still 'new' become 'raised' (items already
        answered or closed keep their status). Unless theme_ids is given, the themes on those
        items (not rejected) are linked too; the practice is filled in when all items share one.
        """
        wanted = list(dict.fromkeys(int(i) for i in feedback_ids))
        if not wanted:
            raise ValidationError("Feedback", "Select at least one feedback item to raise.")
        marks = ", ".join("?" for _ in wanted)
        found = self._rows(
            f"SELECT id, practice_id FROM feedback WHERE id IN ({marks}) AND deleted_at IS NULL",
            wanted,
        )
        missing = sorted(set(wanted) - {r["id"] for r in found})
        if missing:
            raise ValidationError(
                "Feedback",
                f"Feedback {', '.join(map(str, missing))} cannot "
                "be found; it may have been deleted. Refresh the list.",
            )
        if theme_ids is None:
            theme_ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT DISTINCT ft.theme_id FROM feedback_themes ft JOIN themes t ON t.id ="
                    f" ft.theme_id WHERE ft.feedback_id IN ({marks}) AND ft.state != 'rejected'"
                    " AND t.archived = 0",
                    wanted,
                )
            ]
        practices = {r["practice_id"] for r in found}
        if values.get("practice_id") in (None, "") and len(practices) == 1:
            values["practice_id"] = practices.pop()
        values.setdefault("raised_on", today())
        with self.db.atomic():
            action = self.create(
                title=title,
                theme_ids=theme_ids,
                feedback_ids=wanted,
                note=values.pop("note", "")
                or f"Raised from {counted(len(wanted), 'feedback item')}",
                **values,
            )
            cursor = self.db.execute(
                f"UPDATE feedback SET status = 'raised', updated_at = ? WHERE id IN ({marks})"
                " AND status = 'new'",
                [now_iso(), *wanted],
            )
            if cursor.rowcount:
                self._audit(
                    "update",
                    "feedback",
                    ",".join(map(str, wanted[:50])),
                    {"status": "raised", "count": cursor.rowcount, "action_id": action.id},
                )
        return action

    def update(self, action_id: int, **changes: Any) -> Action:
        """Change some fields (not the status: use set_status, which keeps the history)."""
        if "status" in changes:
            raise ValueError("Use set_status to change an action's status.")
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise ValueError(f"Unknown action fields: {sorted(unknown)}")
        current = self.get(action_id)
        # The stored values as they are (not re-validated: rows written by older versions or
        # the demo may break today's rules, and that must not block an unrelated edit).
        before = {
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in ((k, getattr(current, k)) for k in EDITABLE)
        }
        merged = {**before, **changes}
        after = self._validate(merged, changed=set())
        diff = self._diff(before, after)
        self._validate(merged, changed=set(diff))  # the date rules, for dates really edited
        self._check_status_fields(current.status, after["declined_reason"])
        if not diff:
            return current
        with self.db.atomic():
            assignments = ", ".join(f"{key} = ?" for key in diff)
            self.db.execute(
                f"UPDATE actions SET {assignments}, updated_at = ? WHERE id = ?",
                [*(after[k] for k in diff), now_iso(), action_id],
            )
            self._audit("update", "actions", action_id, diff)
        return self.get(action_id)

    def set_status(
        self,
        action_id: int,
        status: str,
        note: str = "",
        declined_reason: str | None = None,
        *,
        outcome: str | None = None,
        practice_response: str | None = None,
    ) -> Action:
        """Move an action to a new status and record it in the history.

        Declining needs a reason; 'done' may carry the outcome ("we did") and the practice's
        response. Setting the same status again only updates those texts (no history entry).
        """
        status = status_choice(status)
        current = self.get(action_id)
        reason = _text(
            "declined_reason",
            current.declined_reason if declined_reason is None else declined_reason,
        )
        self._check_status_fields(status, reason)
        fields: dict[str, Any] = {"declined_reason": reason}
        if outcome is not None:
            fields["outcome"] = _text("outcome", outcome)
        if practice_response is not None:
            fields["practice_response"] = _text("practice_response", practice_response)
        before = {"status": current.status, **{k: getattr(current, k) for k in fields}}
        after = {"status": status, **fields}
        diff = self._diff(before, after)
        if not diff:
            return current
        stamp = now_iso()
        with self.db.atomic():
            assignments = ", ".join(f"{key} = ?" for key in after)
            self.db.execute(
                f"UPDATE actions SET {assignments}, updated_at = ? WHERE id = ?",
                [*after.values(), stamp, action_id],
            )
            if status != current.status:
                self._add_history(
                    action_id,
                    current.status,
                    status,
                    note.strip() or (reason if status == "declined" else ""),
                    stamp,
                )
            self._audit("status", "actions", action_id, diff)
        return self.get(action_id)

    def link_feedback(self, action_id: int, feedback_ids: Iterable[int]) -> int:
        """Link more feedback to an action; returns how many links were added."""
        self.get(action_id)
        with self.db.atomic():
            added = self._link(
                "action_feedback", "feedback_id", "feedback", action_id, feedback_ids
            )
            if added:
                self._audit("link", "action_feedback", action_id, {"added": added})
        return added

    def unlink_feedback(self, action_id: int, feedback_ids: Iterable[int]) -> int:
        """Remove feedback links from an action; returns how many were removed."""
        return self._unlink("action_feedback", "feedback_id", action_id, feedback_ids)

    def link_themes(self, action_id: int, theme_ids: Iterable[int]) -> int:
        """Link themes to an action; returns how many links were added."""
        self.get(action_id)
        with self.db.atomic():
            added = self._link("action_themes", "theme_id", "themes", action_id, theme_ids)
            if added:
                self._audit("link", "action_themes", action_id, {"added": added})
        return added

    def unlink_themes(self, action_id: int, theme_ids: Iterable[int]) -> int:
        """Remove theme links from an action; returns how many were removed."""
        return self._unlink("action_themes", "theme_id", action_id, theme_ids)

    def set_themes(self, action_id: int, theme_ids: Iterable[int]) -> Action:
        """Make the action's themes exactly these (the theme picker in the detail form)."""
        wanted = set(theme_ids)
        current = set(self.get(action_id).theme_ids)
        with self.db.atomic():
            self.unlink_themes(action_id, current - wanted)
            self.link_themes(action_id, wanted - current)
        return self.get(action_id)

    def soft_delete(self, action_id: int) -> None:
        """Hide an action from lists, the agenda and the poster; `restore` brings it back."""
        self.get(action_id)
        with self.db.atomic():
            self.db.execute(
                "UPDATE actions SET deleted_at = ?, updated_at = ? WHERE id = ?",
                [now_iso(), now_iso(), action_id],
            )
            self._audit("delete", "actions", action_id)

    def restore(self, action_id: int) -> Action:
        """Undo a soft delete."""
        self.get(action_id, include_deleted=True)
        with self.db.atomic():
            self.db.execute(
                "UPDATE actions SET deleted_at = NULL, updated_at = ? WHERE id = ?",
                [now_iso(), action_id],
            )
            self._audit("restore", "actions", action_id)
        return self.get(action_id)

    # --- helpers ------------------------------------------------------------------------------
    def _add_history(
        self, action_id: int, old: str | None, new: str, note: str, stamp: str
    ) -> None:
        self.db.execute(
            "INSERT INTO action_history (action_id, old_status, new_status, note, changed_by,"
            " changed_at) VALUES (?, ?, ?, ?, ?, ?)",
            [action_id, old, new, note, self.actor, stamp],
        )

    def _link(
        self, table: str, column: str, target: str, action_id: int, ids: Iterable[int]
    ) -> int:
        """Insert link rows (ignoring ones already there); unknown targets are refused."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if not wanted:
            return 0
        marks = ", ".join("?" for _ in wanted)
        known = {
            r[0] for r in self.db.execute(f"SELECT id FROM {target} WHERE id IN ({marks})", wanted)
        }
        missing = [i for i in wanted if i not in known]
        if missing:
            label = "Themes" if target == "themes" else "Feedback"
            raise ValidationError(
                label,
                f"{label} {', '.join(map(str, missing))} cannot be "
                "found. Refresh and choose again.",
            )
        added = 0
        for target_id in wanted:
            cursor = self.db.execute(
                f"INSERT OR IGNORE INTO {table} (action_id, {column}) VALUES (?, ?)",
                [action_id, target_id],
            )
            added += cursor.rowcount
        if added:
            self.db.execute(
                "UPDATE actions SET updated_at = ? WHERE id = ?", [now_iso(), action_id]
            )
        return added

    def _unlink(self, table: str, column: str, action_id: int, ids: Iterable[int]) -> int:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if not wanted:
            return 0
        marks = ", ".join("?" for _ in wanted)
        with self.db.atomic():
            cursor = self.db.execute(
                f"DELETE FROM {table} WHERE action_id = ? AND {column} IN ({marks})",
                [action_id, *wanted],
            )
            if cursor.rowcount:
                self.db.execute(
                    "UPDATE actions SET updated_at = ? WHERE id = ?", [now_iso(), action_id]
                )
                self._audit("unlink", table, action_id, {"removed": wanted})
        return int(cursor.rowcount)
