"""Subject access: finding everything held about one person, exporting it for them, and
erasing it at their request (UK GDPR articles 15 and 17).

The search covers contact details, the feedback linked to them, other feedback and written
survey answers that mention the person's name, phone or email (to be checked), and the versions
of comments kept after merging laptops. Erasure removes contact details and redacts (or
deletes) the comments and written answers, in one audited transaction; the audit log records
which fields were searched and counts, never the values. Retention periods and the purge are in
retention.py.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
from ppg_desktop.core.retention import delete_feedback as delete_items
from ppg_desktop.core.retention import fold_wal, secure_delete
from ppg_desktop.core.retention_surveys import (
    SurveyAnswer,
    SurveyTextStore,
    with_survey_practices,
)
from ppg_desktop.core.subject_matches import NARROW_THE_SEARCH, NameMatches, name_matches
from ppg_desktop.core.wording import counted


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
    secure_delete(db)
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
            counts["feedback_deleted"] = delete_items(db, [f.id for f in items])
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
    fold_wal(db)
    return counts


def _practices(db: sqlite_utils.Database) -> list[Any]:
    from ppg_desktop.core.practice_store import PracticeStore

    return list(PracticeStore(db).list())


def erasure_summary(counts: dict[str, int]) -> str:
    """What an erasure did, in one sentence for the dialog and the command line."""
    parts = [
        f"{counted(counts['contacts_removed'], 'set', 'sets')} of contact details removed",
        f"{counted(counts['feedback_redacted'], 'feedback item')} redacted",
        f"{counted(counts['feedback_deleted'], 'feedback item')} deleted",
    ]
    if counts.get("survey_answers_redacted"):
        parts.append(
            f"{counted(counts['survey_answers_redacted'], 'written survey answer')} redacted"
        )
    elif counts.get("survey_answers_removed"):
        parts.append(
            f"{counted(counts['survey_answers_removed'], 'written survey answer')} removed "
            "(their ratings stay)"
        )
    return f"Erased: {', '.join(parts)}."
