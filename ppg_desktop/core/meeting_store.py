"""PPG meetings: when they were held, who came, the agenda, the notes and the pack presented.

"Since the last meeting" is the period most PPG reports cover, so it is worked out here from the
meetings table (and shared with `periods.preset_period('since_last_meeting')`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlite_utils

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import now_iso, parse_uk_date, today, uk_date
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.models import ACTION_STATUS_LABELS, KIND_LABELS, Meeting, parse_date
from ppg_desktop.core.periods import last_meeting_date
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.store_base import Store

FIELDS = ("held_on", "title", "attendees", "agenda", "notes", "pack_path")
FIELD_LABELS = {
    "held_on": "Date",
    "title": "Title",
    "attendees": "Attendees",
    "agenda": "Agenda",
    "notes": "Notes",
    "pack_path": "Pack presented",
}
MAX_TEXT = 50_000
TOP_THEMES = 5
FALLBACK_DAYS = 91  # about a quarter, when there is no earlier meeting to count from


def _meeting(row: dict[str, Any]) -> Meeting:
    return Meeting(
        id=row["id"],
        uuid=row["uuid"],
        held_on=parse_date(row["held_on"]) or today(),
        title=row["title"] or "PPG meeting",
        attendees=row["attendees"] or "",
        agenda=row["agenda"] or "",
        notes=row["notes"] or "",
        pack_path=row["pack_path"] or None,
    )


Meetings = list[Meeting]  # aliases: the store's own `list` method hides the builtin in the class
ThemeCounts = list[tuple[str, int]]


class MeetingStore(Store):
    """Create, edit, list and soft-delete meetings (all audited)."""

    def _validate(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check and normalise the fields; raise ValidationError naming the field."""
        held = values.get("held_on")
        if isinstance(held, dt.datetime):
            held = held.date()
        if isinstance(held, str) and held.strip():
            try:
                held = parse_uk_date(held.strip()[:10])
            except ValueError as exc:
                raise ValidationError("Date", "Enter the meeting date as dd/mm/yyyy.") from exc
        if not isinstance(held, dt.date):
            raise ValidationError("Date", "Enter the date of the meeting as dd/mm/yyyy.")
        if not 2000 <= held.year <= 2100:
            raise ValidationError("Date", "Check the year of the meeting: it looks wrong.")
        clean: dict[str, Any] = {"held_on": held.isoformat()}
        title = " ".join(str(values.get("title") or "").split()) or "PPG meeting"
        if len(title) > 200:
            raise ValidationError("Title", "Keep the title under 200 characters.")
        clean["title"] = title
        for key in ("attendees", "agenda", "notes"):
            text = str(values.get(key) or "").strip()
            if len(text) > MAX_TEXT:
                raise ValidationError(
                    FIELD_LABELS[key], f"Keep this under {MAX_TEXT:,} characters."
                )
            clean[key] = text
        pack = values.get("pack_path")
        clean["pack_path"] = str(pack).strip() if pack not in (None, "") else None
        return clean

    def get(self, meeting_id: int, *, include_deleted: bool = False) -> Meeting:
        """One meeting."""
        row = self._one("SELECT * FROM meetings WHERE id = ?", [meeting_id])
        if row is None or (row["deleted_at"] and not include_deleted):
            raise NotFoundError(f"Meeting {meeting_id} cannot be found; it may have been deleted.")
        return _meeting(row)

    def list(self, *, descending: bool = True, include_deleted: bool = False) -> Meetings:
        """Meetings, newest first unless asked otherwise."""
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        order = "DESC" if descending else "ASC"
        rows = self._rows(f"SELECT * FROM meetings {where} ORDER BY held_on {order}, id {order}")
        return [_meeting(r) for r in rows]

    def create(self, *, uuid: str | None = None, **values: Any) -> Meeting:
        """Record a meeting. Fields: held_on (required), title, attendees, agenda, notes,
        pack_path."""
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise ValueError(f"Unknown meeting fields: {sorted(unknown)}")
        clean = self._validate(values)
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO meetings (uuid, held_on, title, attendees, agenda, notes, pack_path,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [uuid or self.new_uuid(), *(clean[k] for k in FIELDS), stamp, stamp],
            )
            meeting_id = int(cursor.lastrowid or 0)
            self._audit(
                "create",
                "meetings",
                meeting_id,
                {"held_on": clean["held_on"], "title": clean["title"]},
            )
        return self.get(meeting_id)

    def update(self, meeting_id: int, **changes: Any) -> Meeting:
        """Change some fields of a meeting; the rest stay as they are."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise ValueError(f"Unknown meeting fields: {sorted(unknown)}")
        current = self.get(meeting_id)
        before = self._validate({k: getattr(current, k) for k in FIELDS})
        after = self._validate({**before, **changes})
        diff = self._diff(before, after)
        if not diff:
            return current
        with self.db.atomic():
            assignments = ", ".join(f"{key} = ?" for key in diff)
            self.db.execute(
                f"UPDATE meetings SET {assignments}, updated_at = ? WHERE id = ?",
                [*(after[k] for k in diff), now_iso(), meeting_id],
            )
            for key in ("agenda", "notes"):
                if key in diff:
                    diff[key] = "changed"
            self._audit("update", "meetings", meeting_id, diff)
        return self.get(meeting_id)

    def record_pack(self, meeting_id: int, pack_path: str) -> Meeting:
        """Note which meeting pack (PDF) was presented at this meeting."""
        return self.update(meeting_id, pack_path=pack_path)

    def soft_delete(self, meeting_id: int) -> None:
        """Hide a meeting; `restore` brings it back."""
        self.get(meeting_id)
        with self.db.atomic():
            stamp = now_iso()
            self.db.execute(
                "UPDATE meetings SET deleted_at = ?, updated_at = ? WHERE id = ?",
                [stamp, stamp, meeting_id],
            )
            self._audit("delete", "meetings", meeting_id)

    def restore(self, meeting_id: int) -> Meeting:
        """Undo a soft delete."""
        self.get(meeting_id, include_deleted=True)
        with self.db.atomic():
            self.db.execute(
                "UPDATE meetings SET deleted_at = NULL, updated_at = ? WHERE id = ?",
                [now_iso(), meeting_id],
            )
            self._audit("restore", "meetings", meeting_id)
        return self.get(meeting_id)

    def last_meeting_before(self, day: dt.date) -> Meeting | None:
        """The most recent meeting held before this day (not on it), if any."""
        row = self._one(
            "SELECT * FROM meetings WHERE deleted_at IS NULL AND held_on < ?"
            " ORDER BY held_on DESC, id DESC LIMIT 1",
            [day.isoformat()],
        )
        return _meeting(row) if row else None

    def next_meeting_after(self, day: dt.date) -> Meeting | None:
        """The first meeting planned after this day, if one has been entered."""
        row = self._one(
            "SELECT * FROM meetings WHERE deleted_at IS NULL AND held_on > ?"
            " ORDER BY held_on, id LIMIT 1",
            [day.isoformat()],
        )
        return _meeting(row) if row else None

    def theme_counts(self, start: dt.date, end: dt.date, limit: int = TOP_THEMES) -> ThemeCounts:
        """The themes most often raised in feedback received in [start, end], with counts."""
        rows = self.db.execute(
            "SELECT t.name, count(DISTINCT f.id) AS n FROM feedback f"
            " JOIN feedback_themes ft ON ft.feedback_id = f.id AND ft.state != 'rejected'"
            " JOIN themes t ON t.id = ft.theme_id"
            " WHERE f.deleted_at IS NULL AND f.received_on BETWEEN ? AND ?"
            " GROUP BY t.id ORDER BY n DESC, t.name LIMIT ?",
            [start.isoformat(), end.isoformat(), limit],
        ).fetchall()
        return [(str(name), int(n)) for name, n in rows]

    def feedback_counts(self, start: dt.date, end: dt.date) -> dict[str, int]:
        """How many feedback items of each kind were received in [start, end]."""
        rows = self.db.execute(
            "SELECT kind, count(*) FROM feedback WHERE deleted_at IS NULL"
            " AND received_on BETWEEN ? AND ? GROUP BY kind",
            [start.isoformat(), end.isoformat()],
        ).fetchall()
        return {str(kind): int(n) for kind, n in rows}


def since_last_meeting_period(
    db: sqlite_utils.Database, today: dt.date | None = None
) -> tuple[dt.date, dt.date] | None:
    """From the day after the most recent past meeting up to today, or None when no meeting has
    been held before today (callers then choose their own fallback, e.g. the last quarter)."""
    from ppg_desktop.core.clock import today as local_today

    day = today or local_today()
    met = last_meeting_date(db, day)
    if met is None:
        return None
    return met + dt.timedelta(days=1), day


def _open_action_lines(db: sqlite_utils.Database, meeting_date: dt.date) -> list[str]:
    actions = ActionStore(db).list(status=["open", "in_progress"], on=meeting_date)
    if not actions:
        return ["   No open actions."]
    overdue = [a for a in actions if a.is_overdue(meeting_date)]
    others = [a for a in actions if not a.is_overdue(meeting_date)]
    lines = []
    for action in [*overdue, *others]:
        parts = [ACTION_STATUS_LABELS[action.status]]
        if action.owner:
            parts.append(f"owner: {action.owner}")
        if action.due_on:
            parts.append(f"due {uk_date(action.due_on)}")
        flag = "OVERDUE - " if action.is_overdue(meeting_date) else ""
        lines.append(f"   - {flag}{action.title} ({', '.join(parts)})")
    return lines


def seed_agenda(db: sqlite_utils.Database, meeting_date: dt.date) -> str:
    """A plain-text agenda to start from, following the usual PPG meeting pattern: welcome,
    practice update, the action plan (overdue first), themes and feedback since the last meeting,
    any other business and the next meeting."""
    meetings = MeetingStore(db)
    previous = meetings.last_meeting_before(meeting_date)
    if previous is not None:
        start = previous.held_on + dt.timedelta(days=1)
        since = f"since the last meeting on {uk_date(previous.held_on)}"
    else:
        start = meeting_date - dt.timedelta(days=FALLBACK_DAYS - 1)
        since = "in the last 3 months (no earlier meeting is recorded)"
    end = meeting_date
    if end < start:  # two meetings on consecutive days: count just the meeting day
        start = end
    ppg_name = SettingsStore(db).ppg_name() or "Patient Participation Group"
    kinds = meetings.feedback_counts(start, end)
    total = sum(kinds.values())
    themes = meetings.theme_counts(start, end)
    done = [a for a in ActionStore(db).recent_done() if a.updated_at[:10] >= start.isoformat()]
    upcoming = meetings.next_meeting_after(meeting_date)

    lines = [f"{ppg_name}: meeting on {meeting_date.strftime('%A')} {uk_date(meeting_date)}", ""]
    lines += ["1. Welcome and apologies", ""]
    if previous is not None:
        lines += [
            f"2. Notes of the last meeting ({uk_date(previous.held_on)}) and matters arising",
            "",
        ]
    else:
        lines += ["2. Notes of the last meeting and matters arising", ""]
    lines += ["3. Practice update", ""]
    lines += ['4. Action plan ("You said, we did"): open actions, overdue first']
    lines += _open_action_lines(db, meeting_date)
    if done:
        lines.append(f"   Completed {since}:")
        lines += [f"   - {a.title}" + (f": {a.outcome}" if a.outcome else "") for a in done]
    lines.append("")
    lines.append(f"5. Top themes {since} ({uk_date(start)} to {uk_date(end)})")
    if themes:
        lines += [f"   - {name}: {n} item{'s' if n != 1 else ''}" for name, n in themes]
    else:
        lines.append("   No themed feedback in this period.")
    lines.append("")
    lines.append(f"6. Patient feedback {since}: {total} item{'s' if total != 1 else ''}")
    if total:
        lines.append(
            "   " + ", ".join(f"{KIND_LABELS[k]}s: {kinds[k]}" for k in KIND_LABELS if kinds.get(k))
        )
    lines.append(
        "   (Themes only: individual complaints go through the practice's complaints procedure.)"
    )
    lines += ["", "7. Any other business", ""]
    next_text = uk_date(upcoming.held_on) if upcoming else "to be agreed"
    lines.append(f"8. Date of next meeting: {next_text}")
    return "\n".join(lines) + "\n"
