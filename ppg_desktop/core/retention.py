"""Keeping personal data no longer than needed: retention periods, and the purge (preview
first, then a single audited transaction). Subject-access search, export and erasure are in
subject_access.py.

Default periods, and why (all can be changed in Settings, key "retention"):
- contact details: 12 months after the matter closes (feedback status Answered or Closed,
  dated by the feedback's last change), or 12 months after they were recorded when they are not
  linked to any feedback. The PPG needs them only to reply; a year covers a follow-up.
- deleted feedback: removed for good 30 days after it was deleted (time to undo a mistake).
- feedback text of closed matters: removed 6 years after the matter closed, the usual UK
  limitation period for claims; the PPG's counts and trends from before then remain in the
  meeting packs already printed.
- written (free-text) survey answers: removed with the feedback item made from each, or, for an
  answer with no feedback item, 6 years after the survey was filled in (the same limitation
  period). The ratings and choices of the response stay, so survey results do not change apart
  from the number of comments. See retention_surveys.py.
The audit log is kept (it cannot be edited) and holds no comment text or contact details.
Each record removed for good is noted by its UUID alone (removed_record_store.py), so that merging
a laptop that still holds it does not bring it back; a redacted comment keeps the time it was
redacted, so that merging keeps it over any version from before.
A comment's version that lost a merge is kept apart (merge_conflict_store.py) and removed with
the comment: by the purge, and by erasure whether the comment is deleted or redacted. Until
then a subject-access export includes it, labelled as an earlier version of the comment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import sqlite_utils

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.clock import today, uk_date
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.removed_record_store import RemovedRecordStore
from ppg_desktop.core.retention_surveys import (
    SurveyAnswer,
    SurveyTextStore,
    purge_lines,
)
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.wording import counts_listed

RETENTION_SETTING = "retention"
CLOSED_STATUSES = ("answered", "closed")


@dataclass(frozen=True)
class RetentionPeriods:
    """How long each kind of record is kept (see the module docstring for the reasons)."""

    contact_months_after_closed: int = 12
    deleted_feedback_days: int = 30
    closed_feedback_years: int = 6
    survey_text_years: int = 6

    def describe(self) -> list[str]:
        """The periods in words, for the settings screen and the purge preview."""
        return [
            f"Contact details: {self.contact_months_after_closed} months after the matter closes",
            f"Deleted feedback: {self.deleted_feedback_days} days after it was deleted",
            f"Feedback on closed matters: {self.closed_feedback_years} years after it closed",
            f"Written survey answers: with their feedback, or {self.survey_text_years} years "
            "after the survey if none was made",
        ]


_LIMITS = {
    "contact_months_after_closed": (1, 120),
    "deleted_feedback_days": (1, 3650),
    "closed_feedback_years": (1, 50),
    "survey_text_years": (1, 50),
}
_FIELD_NAMES = {
    "contact_months_after_closed": "Keep contact details (months)",
    "deleted_feedback_days": "Keep deleted feedback (days)",
    "closed_feedback_years": "Keep closed feedback (years)",
    "survey_text_years": "Keep written survey answers (years)",
}


def retention_periods(db: sqlite_utils.Database) -> RetentionPeriods:
    """The periods in Settings, with defaults for anything missing or unreadable."""
    stored = SettingsStore(db).get(RETENTION_SETTING, {}) or {}
    values: dict[str, int] = {}
    defaults = RetentionPeriods()
    for key, (low, high) in _LIMITS.items():
        value = stored.get(key) if isinstance(stored, dict) else None
        values[key] = (
            value if isinstance(value, int) and low <= value <= high else getattr(defaults, key)
        )
    return RetentionPeriods(**values)


def set_retention_periods(db: sqlite_utils.Database, periods: RetentionPeriods, actor: str) -> None:
    """Save new periods after checking each is a whole number in a sensible range."""
    for key, (low, high) in _LIMITS.items():
        value = getattr(periods, key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValidationError(_FIELD_NAMES[key], f"Enter a whole number from {low} to {high}.")
    SettingsStore(db, actor).set(RETENTION_SETTING, asdict(periods))


def _months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class PurgePlan:
    """What a purge would remove, worked out on `made_on`; `lines` say it in words."""

    made_on: dt.date
    periods: RetentionPeriods
    contact_ids: list[int] = field(default_factory=list)
    feedback_ids: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    survey_answers: list[SurveyAnswer] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.contact_ids and not self.feedback_ids and not self.survey_answers

    @property
    def count(self) -> int:
        """How many records would go (feedback items, contact details, survey answers)."""
        return len(self.feedback_ids) + len(self.contact_ids) + len(self.survey_answers)

    def summary(self) -> str:
        """One sentence for a dialog or the command line."""
        if self.empty:
            return "Nothing is due to be removed."
        what = counts_listed(
            [
                (len(self.feedback_ids), "feedback item", None),
                (len(self.contact_ids), "set of contact details", "sets of contact details"),
                (len(self.survey_answers), "written survey answer", None),
            ]
        )
        return f"{what} {'is' if self.count == 1 else 'are'} due to be removed."


@dataclass(frozen=True)
class PurgeResult:
    feedback_removed: int
    contacts_removed: int
    survey_answers_removed: int = 0


def _cutoff_iso(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC).isoformat()


def purge_preview(db: sqlite_utils.Database, today_: dt.date | None = None) -> PurgePlan:
    """List what the retention periods say should go now; changes nothing."""
    day = today_ or today()
    periods = retention_periods(db)
    plan = PurgePlan(day, periods)
    deleted_before = _cutoff_iso(day - dt.timedelta(days=periods.deleted_feedback_days))
    closed_before = _cutoff_iso(_months_before(day, periods.closed_feedback_years * 12))
    contacts_before = _cutoff_iso(_months_before(day, periods.contact_months_after_closed))
    statuses = ", ".join(f"'{s}'" for s in CLOSED_STATUSES)
    feedback_rows = db.execute(
        "SELECT id, received_on, deleted_at, COALESCE(closed_at, updated_at), status FROM feedback"
        f" WHERE (deleted_at IS NOT NULL AND deleted_at < ?) OR (deleted_at IS NULL AND"
        f" status IN ({statuses}) AND COALESCE(closed_at, updated_at) < ?) ORDER BY id",
        [deleted_before, closed_before],
    ).fetchall()
    for fid, received_on, deleted_at, updated_at, status in feedback_rows:
        plan.feedback_ids.append(fid)
        if deleted_at:
            plan.lines.append(
                f"Feedback {fid} (received {uk_date(received_on)}): deleted on "
                f"{uk_date(deleted_at)}, more than {periods.deleted_feedback_days} days ago."
            )
        else:
            plan.lines.append(
                f"Feedback {fid} (received {uk_date(received_on)}): {status} since "
                f"{uk_date(updated_at)}, more than {periods.closed_feedback_years} years ago."
            )
    going = set(plan.feedback_ids)
    contact_rows = db.execute(
        "SELECT c.id, c.feedback_id, c.created_at, f.status, COALESCE(f.closed_at, f.updated_at)"
        " FROM contacts c"
        " LEFT JOIN feedback f ON f.id = c.feedback_id ORDER BY c.id"
    ).fetchall()
    for cid, fid, created_at, status, updated_at in contact_rows:
        if fid in going:
            line = f"Contact details {cid}: their feedback {fid} is being removed."
        elif fid is None and created_at < contacts_before:
            line = (
                f"Contact details {cid} (not linked to feedback): recorded on "
                f"{uk_date(created_at)}, more than {periods.contact_months_after_closed} "
                "months ago."
            )
        elif status in CLOSED_STATUSES and updated_at < contacts_before:
            line = (
                f"Contact details {cid} for feedback {fid}: the matter has been {status} "
                f"since {uk_date(updated_at)}, more than "
                f"{periods.contact_months_after_closed} months ago."
            )
        else:
            continue
        plan.contact_ids.append(cid)
        plan.lines.append(line)
    surveys_before = _months_before(day, periods.survey_text_years * 12)
    plan.survey_answers = SurveyTextStore(db).due(plan.feedback_ids, surveys_before)
    plan.lines += purge_lines(plan.survey_answers, periods.survey_text_years)
    return plan


def secure_delete(db: sqlite_utils.Database) -> None:
    """Overwrite removed rows in the file, not just unlink them (they are health data)."""
    db.execute("PRAGMA secure_delete = ON")


def fold_wal(db: sqlite_utils.Database) -> None:
    """Best effort: empty the write-ahead log so removed text does not linger in it."""
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception as exc:  # sqlite3 and sqlcipher3 raise different classes
        if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
            raise


def delete_feedback(db: sqlite_utils.Database, ids: list[int]) -> int:
    total = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        db.execute(f"DELETE FROM contacts WHERE feedback_id IN ({marks})", chunk)
        MergeConflictStore(db).forget(chunk)  # also ON DELETE CASCADE; not left to a pragma
        total += db.execute(f"DELETE FROM feedback WHERE id IN ({marks})", chunk).rowcount
    return total


def purge(db: sqlite_utils.Database, plan: PurgePlan, actor: str) -> PurgeResult:
    """Remove what the plan lists and is still due (a restored item is spared), in one
    transaction, audited."""
    fresh = purge_preview(db, plan.made_on)
    feedback_ids = sorted(set(plan.feedback_ids) & set(fresh.feedback_ids))
    contact_ids = sorted(set(plan.contact_ids) & set(fresh.contact_ids))
    still_due = {a.id for a in fresh.survey_answers}
    answers = [a for a in plan.survey_answers if a.id in still_due]
    secure_delete(db)
    audit = AuditStore(db, actor)
    with db.atomic():
        # so that merging a laptop that still holds them does not bring them back
        RemovedRecordStore(db).note("retention", feedback_ids=feedback_ids, contact_ids=contact_ids)
        contacts = ContactStore(db, actor).delete_many(contact_ids, "retention period ended")
        answers_removed = SurveyTextStore(db).remove([a.id for a in answers])
        removed = delete_feedback(db, feedback_ids)
        audit.record(
            "purge",
            "feedback",
            ",".join(map(str, feedback_ids[:50])),
            {
                "feedback_removed": removed,
                "contacts_removed": contacts,
                "survey_answers_removed": answers_removed,
                "survey_responses": sorted({a.response_id for a in answers})[:50],
                "periods": asdict(plan.periods),
                "planned_on": plan.made_on.isoformat(),
            },
        )
    fold_wal(db)
    return PurgeResult(removed, contacts, answers_removed)
