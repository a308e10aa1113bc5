"""The schema, as named migrations applied in order, each in a transaction, and recorded.

Never edit a migration that has shipped: add a new one. Each has a test that upgrades a database
stopped just before it (tests/core/test_migrations.py).
"""

from __future__ import annotations

import json
import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

from ppg_desktop.paths import resources_dir

MIGRATIONS = Migrations("ppg_desktop")

CHANNELS = ("in_person", "phone", "email", "letter", "survey", "kiosk", "social_media", "other")
KINDS = ("complaint", "concern", "compliment", "suggestion")
STATUSES = ("new", "raised", "answered", "closed")
SENTIMENTS = ("positive", "neutral", "negative")
CQC_KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well_led")
ACTION_STATUSES = ("open", "in_progress", "done", "declined")
ROLES = ("volunteer", "chair")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Run several statements inside the migration's transaction (executescript would commit)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
    if buffer.strip():
        db.execute(buffer)


@MIGRATIONS(name="m001_initial_schema")
def m001_initial_schema(db: sqlite_utils.Database) -> None:
    _run(
        db,
        f"""
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE practices (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    ods_code TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL DEFAULT 'volunteer' CHECK (role IN {_in(ROLES)}),
    pin_hash TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    practice_id INTEGER NOT NULL REFERENCES practices(id),
    received_on TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN {_in(CHANNELS)}),
    kind TEXT NOT NULL CHECK (kind IN {_in(KINDS)}),
    text TEXT NOT NULL,
    sentiment TEXT CHECK (sentiment IS NULL OR sentiment IN {_in(SENTIMENTS)}),
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN {_in(STATUSES)}),
    entered_by INTEGER REFERENCES users(id),
    survey_response_id INTEGER REFERENCES survey_responses(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX idx_feedback_received ON feedback(received_on);
CREATE INDEX idx_feedback_practice ON feedback(practice_id, received_on);
CREATE INDEX idx_feedback_kind ON feedback(kind, received_on);
CREATE INDEX idx_feedback_status ON feedback(status);
CREATE INDEX idx_feedback_response ON feedback(survey_response_id);
CREATE INDEX idx_feedback_updated ON feedback(updated_at);
CREATE TABLE themes (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    cqc_key_question TEXT NOT NULL CHECK (cqc_key_question IN {_in(CQC_KEY_QUESTIONS)}),
    keywords TEXT NOT NULL DEFAULT '[]',
    rules TEXT NOT NULL DEFAULT '{{}}',
    parent_id INTEGER REFERENCES themes(id),
    archived INTEGER NOT NULL DEFAULT 0,
    merged_into_id INTEGER REFERENCES themes(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE feedback_themes (
    feedback_id INTEGER NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    theme_id INTEGER NOT NULL REFERENCES themes(id),
    source TEXT NOT NULL CHECK (source IN ('auto', 'manual')),
    state TEXT NOT NULL CHECK (state IN ('suggested', 'confirmed', 'rejected')),
    score REAL,
    evidence TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (feedback_id, theme_id)
);
CREATE INDEX idx_feedback_themes_theme ON feedback_themes(theme_id, state);
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    template TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    previous_version_id INTEGER REFERENCES surveys(id),
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE survey_questions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('fft', 'single', 'multi', 'scale5', 'scale10',
                                        'yes_no', 'number', 'date', 'text')),
    text TEXT NOT NULL,
    help_text TEXT NOT NULL DEFAULT '',
    required INTEGER NOT NULL DEFAULT 0,
    options TEXT NOT NULL DEFAULT '[]',
    min_value REAL,
    max_value REAL,
    show_if TEXT,
    UNIQUE (survey_id, position)
);
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    practice_id INTEGER REFERENCES practices(id),
    collected_on TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('kiosk', 'paper', 'online', 'import', 'other')),
    entered_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX idx_responses_survey ON survey_responses(survey_id, collected_on);
CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions(id),
    value TEXT NOT NULL,
    UNIQUE (response_id, question_id)
);
CREATE INDEX idx_answers_question ON survey_answers(question_id);
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT 'PPG meeting',
    attendees TEXT NOT NULL DEFAULT '',
    agenda TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    pack_path TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX idx_meetings_held ON meetings(held_on);
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    practice_id INTEGER REFERENCES practices(id),
    raised_with TEXT NOT NULL DEFAULT '',
    raised_on TEXT,
    owner TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN {_in(ACTION_STATUSES)}),
    declined_reason TEXT NOT NULL DEFAULT '',
    practice_response TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    meeting_id INTEGER REFERENCES meetings(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX idx_actions_status ON actions(status, due_on);
CREATE TABLE action_themes (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    theme_id INTEGER NOT NULL REFERENCES themes(id),
    PRIMARY KEY (action_id, theme_id)
);
CREATE TABLE action_feedback (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    feedback_id INTEGER NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, feedback_id)
);
CREATE TABLE action_history (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    old_status TEXT,
    new_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    changed_by TEXT NOT NULL DEFAULT '',
    changed_at TEXT NOT NULL
);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    feedback_id INTEGER REFERENCES feedback(id) ON DELETE SET NULL,
    name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    consent_given INTEGER NOT NULL CHECK (consent_given = 1),
    consent_on TEXT NOT NULL,
    consent_purpose TEXT NOT NULL DEFAULT '',
    consent_recorded_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_contacts_feedback ON contacts(feedback_id);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    table_name TEXT NOT NULL DEFAULT '',
    row_key TEXT NOT NULL DEFAULT '',
    changes TEXT NOT NULL DEFAULT '{{}}'
);
CREATE INDEX idx_audit_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'The audit log cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'The audit log cannot be changed'); END;
CREATE VIRTUAL TABLE feedback_fts USING fts5(
    text, content='feedback', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER feedback_fts_insert AFTER INSERT ON feedback BEGIN
    INSERT INTO feedback_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER feedback_fts_delete AFTER DELETE ON feedback BEGIN
    INSERT INTO feedback_fts (feedback_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER feedback_fts_update AFTER UPDATE OF text ON feedback BEGIN
    INSERT INTO feedback_fts (feedback_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO feedback_fts (rowid, text) VALUES (new.id, new.text);
END
""",
    )


@MIGRATIONS(name="m002_default_themes")
def m002_default_themes(db: sqlite_utils.Database) -> None:
    """Seed the shipped theme taxonomy (resources/default_themes.json)."""
    from ppg_desktop.core.clock import now_iso

    themes = json.loads((resources_dir() / "default_themes.json").read_text(encoding="utf-8"))
    stamp = now_iso()
    for theme in themes:
        db.execute(
            "INSERT INTO themes (slug, name, description, cqc_key_question, keywords, rules,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                theme["slug"],
                theme["name"],
                theme.get("description", ""),
                theme["cqc_key_question"],
                json.dumps(theme.get("keywords", [])),
                json.dumps(theme.get("rules", {})),
                stamp,
                stamp,
            ],
        )


@MIGRATIONS(name="m003_feedback_closed_at")
def m003_feedback_closed_at(db: sqlite_utils.Database) -> None:
    """When a matter was answered or closed, kept by triggers whoever changes the status.

    Retention counts from this date; `updated_at` moves with any edit (even re-tagging).
    """
    closed = "('answered', 'closed')"
    stamp = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
    _run(
        db,
        f"""
ALTER TABLE feedback ADD COLUMN closed_at TEXT;
UPDATE feedback SET closed_at = updated_at WHERE status IN {closed};
CREATE TRIGGER feedback_closed_on_insert AFTER INSERT ON feedback
WHEN new.status IN {closed} AND new.closed_at IS NULL
BEGIN UPDATE feedback SET closed_at = new.updated_at WHERE id = new.id; END;
CREATE TRIGGER feedback_closed_on_update AFTER UPDATE OF status ON feedback
WHEN new.status IN {closed} AND old.status NOT IN {closed}
BEGIN UPDATE feedback SET closed_at = {stamp} WHERE id = new.id; END;
CREATE TRIGGER feedback_reopened AFTER UPDATE OF status ON feedback
WHEN new.status NOT IN {closed} AND old.status IN {closed}
BEGIN UPDATE feedback SET closed_at = NULL WHERE id = new.id; END
""",
    )


@MIGRATIONS(name="m004_theme_shipped_fingerprint")
def m004_theme_shipped_fingerprint(db: sqlite_utils.Database) -> None:
    """Remember, on each built-in theme, which shipped keywords and rules it last took or declined.

    Only the column: it is filled when the database is opened, by `BuiltinThemeStore.sync`
    (ppg_desktop/core/builtin_themes.py explains the rules), so the same code decides for new
    databases, upgraded ones and later releases.
    """
    db.execute("ALTER TABLE themes ADD COLUMN shipped_fingerprint TEXT")


@MIGRATIONS(name="m005_merge_conflicts")
def m005_merge_conflicts(db: sqlite_utils.Database) -> None:
    """The version of a comment that lost a merge, kept for the chair to read.

    The audit log cannot be changed or emptied, so it records the conflict but not the comment
    text; the text is kept here, tied to the feedback item, and goes when the item is removed
    (ppg_desktop/core/merge_conflict_store.py). `winner` says which side's version was kept:
    'this_database' (the bundle's version was not used) or 'bundle' (this one was replaced).
    """
    _run(
        db,
        """
CREATE TABLE merge_conflicts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_uuid TEXT NOT NULL,
    feedback_id INTEGER NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    winner TEXT NOT NULL CHECK (winner IN ('this_database', 'bundle')),
    losing_fields TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_merge_conflicts_feedback ON merge_conflicts(feedback_id)
""",
    )


@MIGRATIONS(name="m006_removed_records")
def m006_removed_records(db: sqlite_utils.Database) -> None:
    """What the purge and erasure requests took away, so that merging a laptop's bundle cannot
    bring it back (ppg_desktop/core/removed_record_store.py).

    `removed_records` names each record removed for good: its table, its UUID, when and why
    ('retention' or 'erasure'); never anything a patient wrote or any contact detail.
    `redacted_at` says when personal details were last taken out of a comment (erasure) or a
    survey response (a written answer removed or redacted): merging then keeps that version over
    any version from before it, however recently that was edited. Redactions made before this
    version are dated from the audit log, which lists up to 50 of the records in each entry.
    """
    _run(
        db,
        """
CREATE TABLE removed_records (
    table_name TEXT NOT NULL,
    uuid TEXT NOT NULL,
    removed_at TEXT NOT NULL,
    why TEXT NOT NULL CHECK (why IN ('retention', 'erasure')),
    PRIMARY KEY (table_name, uuid)
);
ALTER TABLE feedback ADD COLUMN redacted_at TEXT;
ALTER TABLE survey_responses ADD COLUMN redacted_at TEXT
""",
    )
    entries = db.execute(
        "SELECT at, action, changes FROM audit_log WHERE action IN ('erase', 'purge') ORDER BY id"
    ).fetchall()
    for at, action, changes in entries:
        details = json.loads(changes or "{}")
        redacted: dict[str, list[int]] = {}
        if details.get("survey_answers_redacted") or details.get("survey_answers_removed"):
            redacted["survey_responses"] = details.get("survey_responses") or []
        if action == "erase" and details.get("feedback_redacted"):
            redacted["feedback"] = details.get("feedback_ids") or []
        for table, ids in redacted.items():
            for record_id in ids:
                # created before the entry: not a later record that took a removed one's id
                db.execute(
                    f"UPDATE {table} SET redacted_at = ? WHERE id = ? AND created_at <= ?",
                    [at, record_id, at],
                )
