"""Bundles: how several volunteers' laptops feed one chair's database.

"Export for the chair" writes one SQLite file (encrypted with the same passphrase when the
database is) holding everything new or changed since this laptop's last export, plus the
reference data (practices, users without PINs, themes) that it points at. "Merge" reads such a
file in one transaction and reports what it added, updated and skipped.

Records are matched by stable keys, never by row id: feedback by UUID, practices and users by
UUID (or, failing that, by name), themes by slug, theme links by (feedback UUID, theme slug).
Conflicting edits resolve to the newest `updated_at`, ties broken by a hash of the content, so
merging is idempotent and the result does not depend on the order bundles arrive in; the losing
version of a record is written to the audit log. The merge logic lives in bundles_merge.py.

Every bundle also lists the records removed for good here (by the retention purge or at a
person's request: table, UUID, when and why, nothing personal), so a laptop that merges it
removes them too and no merge brings them back (removed_record_store.py). Format version 2 added
that list and `redacted_at`; an older copy of PPG Desk, which would ignore them, refuses it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuid_lib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from ppg_desktop.core.bundles_surveys import SURVEY_SCHEMA, survey_rows
from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.errors import PPGError
from ppg_desktop.core.removed_record_store import RemovedRecordStore
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.store_base import Store
from ppg_desktop.core.wording import counted

BUNDLE_FORMAT = "ppg-desk-bundle"
BUNDLE_VERSION = 2
LAST_EXPORT_KEY = "bundle_last_export_at"
LAPTOP_ID_KEY = "laptop_id"

BUNDLE_SCHEMA = """
CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE practices (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, ods_code TEXT,
    active INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE users (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    active INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE themes (slug TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
    cqc_key_question TEXT NOT NULL, keywords TEXT NOT NULL, rules TEXT NOT NULL,
    parent_slug TEXT, archived INTEGER NOT NULL, merged_into_slug TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE feedback (uuid TEXT PRIMARY KEY, practice_uuid TEXT NOT NULL,
    received_on TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    sentiment TEXT, status TEXT NOT NULL, entered_by_uuid TEXT, survey_response_uuid TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, deleted_at TEXT, redacted_at TEXT);
CREATE TABLE feedback_themes (feedback_uuid TEXT NOT NULL, theme_slug TEXT NOT NULL,
    source TEXT NOT NULL, state TEXT NOT NULL, score REAL, evidence TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (feedback_uuid, theme_slug));
CREATE TABLE removed_records (table_name TEXT NOT NULL, uuid TEXT NOT NULL,
    removed_at TEXT NOT NULL, why TEXT NOT NULL, PRIMARY KEY (table_name, uuid));
"""


class BundleProblem(PPGError):
    """A bundle cannot be written or read (wrong file, wrong passphrase, newer format...)."""


@dataclass
class TableReport:
    """What a merge did to one kind of record."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0  # both sides changed: the newer won, the other went to the audit log
    removed_here: int = 0  # in the bundle, but removed for good here: not brought back
    removed: int = 0  # removed for good on the bundle's laptop, so removed here too


@dataclass
class MergeReport:
    """What a merge did, per kind of record, for the chair to read."""

    source: str = ""
    created_at: str = ""
    tables: dict[str, TableReport] = field(default_factory=dict)

    def table(self, name: str) -> TableReport:
        return self.tables.setdefault(name, TableReport())

    @property
    def added(self) -> int:
        return sum(t.added for t in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables.values())

    @property
    def skipped(self) -> int:
        return sum(t.skipped for t in self.tables.values())

    def summary(self) -> str:
        """'Feedback: 12 added, 3 updated, 40 skipped (1 conflict)...'."""
        lines = []
        labels = {
            "feedback": "Feedback",
            "feedback_themes": "Theme links",
            "themes": "Themes",
            "practices": "Practices",
            "users": "Users",
            "surveys": "Surveys",
            "survey_responses": "Survey responses",
        }
        for name, label in labels.items():
            t = self.tables.get(name)
            if t is None:
                continue
            conflict = (
                f" ({counted(t.conflicts, 'conflicting edit')}: the older version is kept in the"
                " audit log)"
                if t.conflicts
                else ""
            )
            lines.append(
                f"{label}: {t.added:,} new, {t.updated:,} updated, {t.skipped:,} already here"
                f" and unchanged{conflict}"
            )
        return "\n".join(lines + self._removals())

    def _removals(self) -> list[str]:
        """The records the merge did not bring back, or removed, under the retention rules or
        at a person's request, in words."""
        why = "under the retention rules or at a person's request"
        lines = []
        held_back = self.tables.get("feedback", TableReport()).removed_here
        if held_back:
            lines.append(f"{counted(held_back, 'feedback item')} skipped: removed here {why}.")
        removed = [
            counted(self.tables[name].removed, *words)
            for name, words in _REMOVABLE.items()
            if name in self.tables and self.tables[name].removed
        ]
        if removed:
            lines.append(
                f"Removed here too, as the laptop that made this export removed them {why}: "
                f"{' and '.join(removed)}."
            )
        return lines


# what a merge may remove, as the summary counts it
_REMOVABLE = {
    "feedback": ("feedback item", "feedback items"),
    "contacts": ("set of contact details", "sets of contact details"),
}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    since: str | None
    counts: dict[str, int]
    encrypted: bool
    redacted: bool

    def removals_note(self) -> str:
        """' It also lists 3 records removed here...' when the bundle lists any, else ''."""
        removals = self.counts.get("removed_records", 0)
        if not removals:
            return ""
        those = "that record" if removals == 1 else "those records"
        return (
            f" It also lists {counted(removals, 'record')} removed here under the retention rules"
            f" or at a person's request, so a laptop that merges it removes {those} too."
        )


# --- opening bundle files ---------------------------------------------------------------------
def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect_bundle(path: Path, passphrase: str | None) -> sqlite_utils.Database:
    """Open (or create) a bundle file, encrypted with `passphrase` when one is given."""
    if passphrase:
        import sqlcipher3  # only for encrypted bundles

        conn: Any = sqlcipher3.connect(str(path), check_same_thread=False)
        conn.execute(f"PRAGMA key = {_quote(passphrase)}")
    else:
        conn = sqlite3.connect(str(path), check_same_thread=False)
    return sqlite_utils.Database(conn)


def is_sqlcipher(db: sqlite_utils.Database) -> bool:
    """True for a database opened through sqlcipher3 (that is, an encrypted one)."""
    return type(db.conn).__module__.split(".")[0] == "sqlcipher3"


def read_manifest(bundle: sqlite_utils.Database, path: Path) -> dict[str, str]:
    """The bundle's manifest; raises BundleProblem for a file that is not a readable bundle."""
    try:
        manifest = {k: v for k, v in bundle.execute("SELECT key, value FROM manifest")}
    except Exception as exc:  # sqlite3 / sqlcipher3 DatabaseError: not a bundle, or wrong key
        raise BundleProblem(
            f"{path.name} is not a PPG Desk bundle, or it is encrypted with a different "
            "passphrase. Ask the volunteer to export it again, and check the passphrase."
        ) from exc
    if manifest.get("format") != BUNDLE_FORMAT:
        raise BundleProblem(f"{path.name} is not a PPG Desk bundle.")
    if int(manifest.get("format_version", "0")) > BUNDLE_VERSION:
        raise BundleProblem(
            f"{path.name} was made by a newer PPG Desk. Update this copy of "
            "PPG Desk, then merge it again."
        )
    return manifest


# --- export -----------------------------------------------------------------------------------
class _Exporter(Store):
    """Reads what to export (the SQL stays in core)."""

    def laptop_id(self) -> str:
        settings = SettingsStore(self.db, self.actor)
        laptop = settings.get(LAPTOP_ID_KEY)
        if not laptop:
            laptop = str(uuid_lib.uuid4())
            settings.set(LAPTOP_ID_KEY, laptop)
        return str(laptop)

    def rows(self, since: str | None) -> dict[str, list[dict[str, Any]]]:
        def newer(alias: str) -> str:
            return f"{alias}.updated_at > ?" if since else "1 = 1"

        params = [since] if since else []
        surveys = survey_rows(self.db, lambda db, sql, p: self._rows(sql, p), since)
        return {
            "practices": self._rows(
                "SELECT uuid, name, ods_code, active, created_at, updated_at"
                " FROM practices ORDER BY id"
            ),
            "users": self._rows(
                "SELECT uuid, name, role, active, created_at, updated_at FROM users ORDER BY id"
            ),
            "themes": self._rows(
                "SELECT t.slug, t.name, t.description, t.cqc_key_question, t.keywords, t.rules,"
                " p.slug AS parent_slug, t.archived, m.slug AS merged_into_slug, t.created_at,"
                " t.updated_at FROM themes t LEFT JOIN themes p ON p.id = t.parent_id"
                " LEFT JOIN themes m ON m.id = t.merged_into_id ORDER BY t.id"
            ),
            **surveys,
            "feedback": self._rows(
                "SELECT f.uuid, p.uuid AS practice_uuid, f.received_on, f.channel, f.kind,"
                " f.text, f.sentiment, f.status, u.uuid AS entered_by_uuid,"
                " r.uuid AS survey_response_uuid, f.created_at, f.updated_at, f.deleted_at,"
                " f.redacted_at"
                " FROM feedback f JOIN practices p ON p.id = f.practice_id"
                " LEFT JOIN users u ON u.id = f.entered_by"
                " LEFT JOIN survey_responses r ON r.id = f.survey_response_id"
                f" WHERE {newer('f')} ORDER BY f.id",
                params,
            ),
            "feedback_themes": self._rows(
                "SELECT f.uuid AS feedback_uuid, t.slug AS theme_slug, ft.source, ft.state,"
                " ft.score, ft.evidence, ft.created_at, ft.updated_at FROM feedback_themes ft"
                " JOIN feedback f ON f.id = ft.feedback_id JOIN themes t ON t.id = ft.theme_id"
                f" WHERE {newer('ft')} OR {newer('f')} ORDER BY ft.feedback_id, t.slug",
                params * 2,
            ),
            # always every note, however old: they are small, and removal must reach everyone
            "removed_records": RemovedRecordStore(self.db).all(),
        }


def export_bundle(
    db: sqlite_utils.Database,
    out: Path,
    *,
    passphrase: str | None = None,
    since: str | None = None,
    everything: bool = False,
    redact_text: bool = False,
    actor: str = "",
) -> ExportResult:
    """Write a bundle of what changed since this laptop's last export (or `since`, or
    `everything`), and remember the time of this export for next time.

    An encrypted database must give its passphrase: the bundle is then encrypted with it, so
    patients' comments never travel in the clear. `redact_text` replaces names, phone numbers
    and other personal details in comments (for bundles shared with the practice).
    """
    out = Path(out)
    if is_sqlcipher(db) and not passphrase:
        raise BundleProblem(
            "This database is encrypted: give its passphrase, so the bundle can be encrypted too."
        )
    if out.exists():
        raise BundleProblem(f"{out} already exists. Choose another file name.")
    exporter = _Exporter(db, actor)
    settings = SettingsStore(db, actor)
    if since is None and not everything:
        since = settings.get(LAST_EXPORT_KEY)
    started = now_iso()  # taken before reading, so an edit made meanwhile goes in next time
    rows = exporter.rows(None if everything else since)
    if redact_text:
        from ppg_desktop.core.redaction import redact

        keep = [p["name"] for p in rows["practices"]] + [settings.ppg_name()]
        for item in rows["feedback"]:
            item["text"] = redact(item["text"], keep=keep).text
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    bundle = connect_bundle(partial, passphrase)
    try:
        with bundle.atomic():
            for statement in (BUNDLE_SCHEMA + SURVEY_SCHEMA).strip().split(";"):
                if statement.strip():
                    bundle.execute(statement)
            for table, items in rows.items():
                if items:
                    columns = list(items[0])
                    bundle.conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
                        f" ({', '.join('?' for _ in columns)})",
                        [[item[c] for c in columns] for item in items],
                    )
            manifest = {
                "format": BUNDLE_FORMAT,
                "format_version": str(BUNDLE_VERSION),
                "created_at": started,
                "since": since or "",
                "laptop_id": exporter.laptop_id(),
                "ppg_name": settings.ppg_name(),
                "exported_by": actor,
                "redacted": "1" if redact_text else "0",
                "counts": json.dumps({t: len(v) for t, v in rows.items()}),
            }
            bundle.conn.executemany(
                "INSERT INTO manifest (key, value) VALUES (?, ?)", list(manifest.items())
            )
    finally:
        bundle.close()
    partial.replace(out)
    with db.atomic():
        if not redact_text:  # a redacted copy for the practice is not the chair's export
            settings.set(LAST_EXPORT_KEY, started)
        exporter._audit(
            "export_bundle",
            "",
            out.name,
            {
                "since": since,
                "counts": {t: len(v) for t, v in rows.items()},
                "redacted": redact_text,
            },
        )
    return ExportResult(
        out, since, {t: len(v) for t, v in rows.items()}, bool(passphrase), redact_text
    )


def merge_bundle(
    db: sqlite_utils.Database,
    path: Path,
    *,
    passphrase: str | None = None,
    actor: str = "",
    progress: Any = None,
) -> MergeReport:
    """Merge a bundle into this database in one transaction; see bundles_merge.Merger."""
    from ppg_desktop.core.bundles_merge import Merger
    from ppg_desktop.core.db import is_encrypted_file

    path = Path(path)
    if not path.is_file():
        raise BundleProblem(f"There is no bundle at {path}.")
    encrypted = is_encrypted_file(path)
    if encrypted and not passphrase:
        raise BundleProblem(f"{path.name} is encrypted: give the passphrase it was made with.")
    bundle = connect_bundle(path, passphrase if encrypted else None)
    try:
        manifest = read_manifest(bundle, path)
        return Merger(db, actor).merge(bundle, manifest, progress)
    finally:
        bundle.close()
