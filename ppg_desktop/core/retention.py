"""Keeping personal data no longer than needed: retention periods, the purge (preview first,
then a single audited transaction), and subject-access search, export and erasure.

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

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.clock import now_iso, today, uk_date
from ppg_desktop.core.contact_store import ContactStore, normalise_phone
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore, fts_query
from ppg_desktop.core.merge_conflict_store import KeptVersion, MergeConflictStore
from ppg_desktop.core.models import Contact, Feedback
from ppg_desktop.core.redaction import PLACEHOLDERS, redact
from ppg_desktop.core.removed_record_store import RemovedRecordStore
from ppg_desktop.core.retention_surveys import (
    SurveyAnswer,
    SurveyTextStore,
    purge_lines,
    with_survey_practices,
)
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.subject_matches import NARROW_THE_SEARCH, NameMatches, name_matches
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


def _secure_delete(db: sqlite_utils.Database) -> None:
    """Overwrite removed rows in the file, not just unlink them (they are health data)."""
    db.execute("PRAGMA secure_delete = ON")


def _fold_wal(db: sqlite_utils.Database) -> None:
    """Best effort: empty the write-ahead log so removed text does not linger in it."""
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception as exc:  # sqlite3 and sqlcipher3 raise different classes
        if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
            raise


def _delete_feedback(db: sqlite_utils.Database, ids: list[int]) -> int:
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
    _secure_delete(db)
    audit = AuditStore(db, actor)
    with db.atomic():
        # so that merging a laptop that still holds them does not bring them back
        RemovedRecordStore(db).note("retention", feedback_ids=feedback_ids, contact_ids=contact_ids)
        contacts = ContactStore(db, actor).delete_many(contact_ids, "retention period ended")
        answers_removed = SurveyTextStore(db).remove([a.id for a in answers])
        removed = _delete_feedback(db, feedback_ids)
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
    _fold_wal(db)
    return PurgeResult(removed, contacts, answers_removed)


# --- subject access ------------------------------------------------------------------------


@dataclass
class SubjectAccessResult:
    """Everything found for one person: their contact details, the feedback linked to them,
    other feedback whose text mentions their name, phone or email (to be checked), the versions
    of those comments kept after merging laptops, and written survey answers that mention them
    or that their feedback was made from.

    Given a phone number or email address, only contact details with that phone or email are
    theirs; others that match the name alone are in `name_only`, left out but listed. Found by
    name alone, the records may be about different people (`could_be_different_people`).
    """

    name: str
    phone: str
    email: str
    contacts: list[Contact] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    mentions: list[Feedback] = field(default_factory=list)
    name_only: list[Contact] = field(default_factory=list)
    survey_answers: list[SurveyAnswer] = field(default_factory=list)
    earlier_versions: dict[int, list[KeptVersion]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.feedback or self.mentions or self.survey_answers)

    def criteria(self) -> list[str]:
        """Which fields were searched on (the audit log records these, not the values)."""
        return [k for k in ("name", "phone", "email") if getattr(self, k)]

    @property
    def name_matches(self) -> NameMatches | None:
        """What was found grouped into possible people; None when a phone number or email
        address anchored the search to one person."""
        if self.phone or self.email or not self.name:
            return None
        items = [*self.feedback, *self.mentions]
        matches = name_matches(self.contacts, items)
        return with_survey_practices(matches, self.survey_answers, [f.id for f in items])

    @property
    def could_be_different_people(self) -> bool:
        """Found by name alone, with contact details or practices that could be different
        people's: exporting or erasing then needs an explicit go-ahead."""
        matches = self.name_matches
        return matches is not None and matches.could_be_different_people


def _check_one_person(result: SubjectAccessResult, allowed: bool, nothing_done: str) -> None:
    """Refuse to export or erase records that may be different people's, unless `allowed`."""
    matches = result.name_matches
    if matches is not None and matches.could_be_different_people and not allowed:
        raise ValidationError("Name", f"{matches.warning()} {NARROW_THE_SEARCH} {nothing_done}")


def _mentions(db: sqlite_utils.Database, name: str, phone: str, email: str) -> list[int]:
    ids: set[int] = set()
    if name.strip() and fts_query(name):
        phrase = '"' + " ".join(re.findall(r"\w+", name)) + '"'
        ids.update(
            row[0]
            for row in db.execute(
                "SELECT rowid FROM feedback_fts WHERE feedback_fts MATCH ?", [phrase]
            )
        )
    if email.strip():
        ids.update(
            row[0]
            for row in db.execute(
                "SELECT id FROM feedback WHERE instr(lower(text), lower(?)) > 0", [email.strip()]
            )
        )
    digits = normalise_phone(phone)
    if len(digits) >= 6:
        for fid, text in db.execute(
            "SELECT id, text FROM feedback WHERE text LIKE ?", ["%" + digits[-3:] + "%"]
        ):
            if any(
                f.kind == "phone" and normalise_phone(f.text) == digits
                for f in redact(text).findings
            ):
                ids.add(fid)
    # a version kept from a merge may still mention them when the comment itself no longer does
    ids.update(MergeConflictStore(db).feedback_mentioning(name, phone, email))
    return sorted(ids)


def subject_access_search(
    db: sqlite_utils.Database,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    *,
    actor: str = "",
) -> SubjectAccessResult:
    """Find everything held about a person (audited: which fields were searched, and counts)."""
    name, phone, email = (name or "").strip(), (phone or "").strip(), (email or "").strip()
    if not (name or phone or email):
        raise ValidationError("Name", "Enter the person's name, phone number or email address.")
    contact_store = ContactStore(db)
    name_only: list[Contact] = []
    if phone or email:
        contacts = contact_store.find(phone=phone, email=email)
        theirs = {c.id for c in contacts}
        if name:
            name_only = [c for c in contact_store.find(name=name) if c.id not in theirs]
    else:
        contacts = contact_store.find(name=name)
    linked = sorted({c.feedback_id for c in contacts if c.feedback_id is not None})
    mentioned = [i for i in _mentions(db, name, phone, email) if i not in linked]
    store = FeedbackStore(db)
    kept = MergeConflictStore(db)
    result = SubjectAccessResult(
        name,
        phone,
        email,
        contacts,
        store.get_many(linked),
        store.get_many(mentioned),
        name_only,
        SurveyTextStore(db).find(name, phone, email, [*linked, *mentioned]),
        {i: versions for i in [*linked, *mentioned] if (versions := kept.for_feedback(i))},
    )
    AuditStore(db, actor).record(
        "subject_access_search",
        "contacts",
        "",
        {
            "searched_on": result.criteria(),
            "contacts": len(contacts),
            "feedback": len(result.feedback),
            "mentions": len(result.mentions),
            "survey_answers": len(result.survey_answers),
            "left_out_same_name": len(name_only),
            "could_be_different_people": result.could_be_different_people,
        },
    )
    return result


EARLIER_VERSION = "an earlier version of this comment, kept after merging laptops"


def _feedback_record(item: Feedback, result: SubjectAccessResult) -> dict[str, Any]:
    return {
        "id": item.id,
        "practice": item.practice_name,
        "received_on": uk_date(item.received_on),
        "kind": item.kind,
        "channel": item.channel,
        "status": item.status,
        "text": item.text,
        "deleted": bool(item.deleted_at),
        "earlier_versions": [
            {"what": EARLIER_VERSION, "kept_on": uk_date(v.at), "text": v.text}
            for v in result.earlier_versions.get(item.id, [])
        ],
    }


def export_subject_access(
    result: SubjectAccessResult,
    path: str | Path,
    *,
    db: sqlite_utils.Database | None = None,
    actor: str = "",
    allow_different_people: bool = False,
) -> Path:
    """Write what was found to a .json or .csv file for the person who asked; audited when
    `db` is given (the UI and CLI always give it).

    Records found by name alone that may be different people's are refused (ValidationError)
    unless `allow_different_people`: giving someone another patient's details is a breach.
    """
    _check_one_person(result, allow_different_people, "Nothing was written.")
    target = Path(path)
    contacts = [
        {
            "id": c.id,
            "name": c.name,
            "phone": c.phone,
            "email": c.email,
            "feedback_id": c.feedback_id,
            "consent_on": uk_date(c.consent_on),
            "consent_purpose": c.consent_purpose,
            "consent_recorded_by": c.consent_recorded_by,
        }
        for c in result.contacts
    ]
    if target.suffix.lower() == ".csv":
        with target.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record", "id", "detail", "value"])
            for contact in contacts:
                for key, value in contact.items():
                    if key != "id":
                        writer.writerow(["contact details", contact["id"], key, _safe_cell(value)])
            for label, items in (
                ("linked feedback", result.feedback),
                ("feedback mentioning them", result.mentions),
            ):
                for item in items:
                    for key, value in _feedback_record(item, result).items():
                        if key == "earlier_versions":
                            for v in value:
                                what = f"{v['what']} (kept on {v['kept_on']})"
                                writer.writerow([label, item.id, what, _safe_cell(v["text"])])
                        elif key != "id":
                            writer.writerow([label, item.id, key, _safe_cell(value)])
            for answer in result.survey_answers:
                for key, value in answer.record().items():
                    if key != "survey_response":
                        row = ["survey answer", answer.response_id, key, _safe_cell(value)]
                        writer.writerow(row)
    elif target.suffix.lower() == ".json":
        target.write_text(
            json.dumps(
                {
                    "produced_on": uk_date(today()),
                    "searched_on": result.criteria(),
                    "contact_details": contacts,
                    "linked_feedback": [_feedback_record(f, result) for f in result.feedback],
                    "feedback_mentioning_them": [
                        _feedback_record(f, result) for f in result.mentions
                    ],
                    "survey_answers": [a.record() for a in result.survey_answers],
                },
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    else:
        raise ValidationError("File", "Save the export as a .json or .csv file.")
    if db is not None:
        AuditStore(db, actor).record(
            "export",
            "contacts",
            "",
            {
                "what": "subject access",
                "file": target.name,
                "contacts": len(result.contacts),
                "feedback": len(result.feedback) + len(result.mentions),
                "earlier_versions": sum(map(len, result.earlier_versions.values())),
                "survey_answers": len(result.survey_answers),
            },
        )
    return target


def _safe_cell(value: Any) -> Any:
    """Stop a spreadsheet treating text such as '=1+1' as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _erase_terms(text: str, result: SubjectAccessResult, keep: Iterable[str]) -> str:
    """The text with general redaction and the person's own name, phone and email removed."""
    cleaned = redact(text, keep=keep).text
    name_words = [w for w in re.findall(r"[^\W\d_][\w'’\-]*", result.name) if len(w) >= 2]
    for phrase in [result.name, *name_words]:
        if phrase.strip():
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)"
            cleaned = re.sub(pattern, PLACEHOLDERS["name"], cleaned, flags=re.IGNORECASE)
    if result.email:
        cleaned = re.sub(
            re.escape(result.email), PLACEHOLDERS["email"], cleaned, flags=re.IGNORECASE
        )
    return redact(cleaned, keep=keep).text


def erase_subject(
    db: sqlite_utils.Database,
    result: SubjectAccessResult,
    actor: str,
    *,
    delete_feedback: bool = False,
    progress: Callable[[int, int], None] | None = None,
    allow_different_people: bool = False,
) -> dict[str, int]:
    """Erase a person: remove their contact details and either redact (default) or delete the
    feedback linked to them or mentioning them, and likewise redact or remove the written survey
    answers found (their ratings stay). One transaction, audited; returns counts.

    Records found by name alone that may be different people's are refused (ValidationError)
    unless `allow_different_people`, which the person erasing gives after checking.
    """
    _check_one_person(result, allow_different_people, "Nothing was erased.")
    different_people = result.could_be_different_people
    keep = [p.name for p in _practices(db)]
    items = [*result.feedback, *result.mentions]
    _secure_delete(db)
    counts = {"contacts_removed": 0, "feedback_deleted": 0, "feedback_redacted": 0}
    counts |= {"survey_answers_removed": 0, "survey_answers_redacted": 0}
    answer_ids = [a.id for a in result.survey_answers]
    with db.atomic():
        deleted = [f.id for f in items] if delete_feedback else []
        RemovedRecordStore(db).note(
            "erasure", feedback_ids=deleted, contact_ids=[c.id for c in result.contacts]
        )
        counts["contacts_removed"] = ContactStore(db, actor).delete_many(
            [c.id for c in result.contacts], "erasure request"
        )
        if delete_feedback:
            counts["survey_answers_removed"] = SurveyTextStore(db).remove(answer_ids)
            counts["feedback_deleted"] = _delete_feedback(db, [f.id for f in items])
        else:
            for number, item in enumerate(items, 1):
                current = db.execute("SELECT text FROM feedback WHERE id = ?", [item.id]).fetchone()
                if current is not None:
                    new_text = _erase_terms(current[0], result, keep)
                    stamp = now_iso()  # redacted_at: merging keeps this over older versions
                    db.execute(
                        "UPDATE feedback SET text = ?, updated_at = ?, redacted_at = ? WHERE id = ?",
                        [new_text, stamp, stamp, item.id],
                    )
                    # theme evidence holds quoted snippets of the old text, and a version
                    # kept from a merge holds an old text whole
                    db.execute(
                        "UPDATE feedback_themes SET evidence = '[]' WHERE feedback_id = ?",
                        [item.id],
                    )
                    MergeConflictStore(db).forget([item.id])
                    counts["feedback_redacted"] += 1
                if progress:
                    progress(number, len(items))
            counts["survey_answers_redacted"] = SurveyTextStore(db).redact(
                answer_ids, lambda text: _erase_terms(text, result, keep)
            )
        AuditStore(db, actor).record(
            "erase",
            "contacts",
            "",
            {
                "searched_on": result.criteria(),
                **counts,
                "feedback_ids": [f.id for f in items][:50],
                "survey_responses": sorted({a.response_id for a in result.survey_answers})[:50],
                **({"could_be_different_people": True} if different_people else {}),
            },
        )
    _fold_wal(db)
    return counts


def _practices(db: sqlite_utils.Database) -> list[Any]:
    from ppg_desktop.core.practice_store import PracticeStore

    return list(PracticeStore(db).list())
