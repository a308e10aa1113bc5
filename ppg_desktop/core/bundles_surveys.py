"""Surveys in bundles: survey versions (with their questions) and responses (with answers).

A survey version travels as one record keyed by its UUID, its questions inside it (each keyed by
its own UUID); a response travels as one record with its answers keyed by question UUID. The
same rule as everywhere else picks the winner: newest `updated_at`, then the content hash; but a
response whose written answers were removed or redacted (`redacted_at`) wins over any version from
before that, so a later change elsewhere (such as withdrawing it) cannot bring the words back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlite_utils

SURVEY_SCHEMA = """
CREATE TABLE surveys (uuid TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,
    template TEXT, version INTEGER NOT NULL, previous_version_uuid TEXT,
    archived INTEGER NOT NULL, questions TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE TABLE survey_responses (uuid TEXT PRIMARY KEY, survey_uuid TEXT NOT NULL,
    practice_uuid TEXT, collected_on TEXT NOT NULL, mode TEXT NOT NULL, entered_by_uuid TEXT,
    answers TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    deleted_at TEXT, redacted_at TEXT);
"""
SURVEY_FIELDS = (
    "title",
    "description",
    "template",
    "version",
    "previous_version_uuid",
    "archived",
    "questions",
)
RESPONSE_FIELDS = ("survey_uuid", "practice_uuid", "collected_on", "mode", "answers", "deleted_at")
QUESTION_COLUMNS = (
    "uuid",
    "position",
    "code",
    "kind",
    "text",
    "help_text",
    "required",
    "options",
    "min_value",
    "max_value",
    "show_if",
)

Rows = Callable[[sqlite_utils.Database, str, list[Any]], list[dict[str, Any]]]


def survey_rows(
    db: sqlite_utils.Database, rows: Rows, since: str | None
) -> dict[str, list[dict[str, Any]]]:
    """Every survey version (few, and responses point at them) and the responses changed since
    `since`, shaped for the bundle."""
    surveys = rows(
        db,
        "SELECT s.*, p.uuid AS previous_version_uuid FROM surveys s LEFT JOIN"
        " surveys p ON p.id = s.previous_version_id ORDER BY s.id",
        [],
    )
    for survey in surveys:
        questions = rows(
            db,
            f"SELECT {', '.join(QUESTION_COLUMNS)} FROM survey_questions"
            " WHERE survey_id = ? ORDER BY position",
            [survey["id"]],
        )
        survey["questions"] = json.dumps(questions, sort_keys=True)
        for local in ("id", "previous_version_id"):
            survey.pop(local, None)
    newer = "r.updated_at > ?" if since else "1 = 1"
    responses = rows(
        db,
        "SELECT r.uuid, s.uuid AS survey_uuid, p.uuid AS practice_uuid, r.collected_on, r.mode,"
        " u.uuid AS entered_by_uuid, r.created_at, r.updated_at, r.deleted_at, r.redacted_at,"
        " r.id"
        " FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
        " LEFT JOIN practices p ON p.id = r.practice_id LEFT JOIN users u ON u.id = r.entered_by"
        f" WHERE {newer} ORDER BY r.id",
        [since] if since else [],
    )
    for response in responses:
        answers = rows(
            db,
            "SELECT q.uuid, a.value FROM survey_answers a JOIN survey_questions q"
            " ON q.id = a.question_id WHERE a.response_id = ?",
            [response.pop("id")],
        )
        response["answers"] = json.dumps({a["uuid"]: a["value"] for a in answers}, sort_keys=True)
    return {"surveys": surveys, "survey_responses": responses}


class SurveyMerging:
    """Mixed into the Merger: the survey steps (uses its _decide, report and id maps)."""

    db: sqlite_utils.Database
    practice_ids: dict[str, int]
    user_ids: dict[str, int]
    response_ids: dict[str, int]
    _decide: Callable[..., str]

    def _local_surveys(self) -> dict[str, dict[str, Any]]:
        from ppg_desktop.core.bundles_merge import _rows

        return {s["uuid"]: s for s in survey_rows(self.db, _rows, None)["surveys"]}

    def _surveys(self, bundle: sqlite_utils.Database) -> None:
        from ppg_desktop.core.bundles_merge import _rows

        if not _has_table(bundle, "surveys"):
            self.response_ids = {}
            return
        local = self._local_surveys()
        incoming = _rows(bundle, "SELECT * FROM surveys ORDER BY version, uuid", [])
        winners = []
        for item in incoming:
            action = self._decide(
                "surveys", item["uuid"], local.get(item["uuid"]), item, SURVEY_FIELDS
            )
            if action == "insert":
                self.db.execute(
                    "INSERT INTO surveys (uuid, title, description, template, version, archived,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        item["uuid"],
                        item["title"],
                        item["description"],
                        item["template"],
                        item["version"],
                        item["archived"],
                        item["created_at"],
                        item["updated_at"],
                    ],
                )
            elif action == "update":
                self.db.execute(
                    "UPDATE surveys SET title = ?, description = ?, template = ?, version = ?,"
                    " archived = ?, updated_at = ? WHERE uuid = ?",
                    [
                        item["title"],
                        item["description"],
                        item["template"],
                        item["version"],
                        item["archived"],
                        item["updated_at"],
                        item["uuid"],
                    ],
                )
            if action != "skip":
                winners.append(item)
        ids = {u: i for i, u in self.db.execute("SELECT id, uuid FROM surveys")}
        for item in winners:
            self.db.execute(
                "UPDATE surveys SET previous_version_id = ? WHERE uuid = ?",
                [ids.get(item["previous_version_uuid"] or ""), item["uuid"]],
            )
            self._write_questions(ids[item["uuid"]], json.loads(item["questions"]))
        self._responses(bundle)

    def _write_questions(self, survey_id: int, questions: list[dict[str, Any]]) -> None:
        """Make this version's questions those of the winning record, matched by UUID.

        A question that has answers is never deleted (it moves after the others instead).
        """
        self.db.execute(
            "UPDATE survey_questions SET position = -id WHERE survey_id = ?", [survey_id]
        )
        wanted = {q["uuid"] for q in questions}
        for question in questions:
            values = [question[c] for c in QUESTION_COLUMNS[1:]]
            if self.db.execute(
                "SELECT 1 FROM survey_questions WHERE uuid = ?", [question["uuid"]]
            ).fetchone():
                self.db.execute(
                    "UPDATE survey_questions SET position = ?, code = ?, kind = ?, text = ?,"
                    " help_text = ?, required = ?, options = ?, min_value = ?, max_value = ?,"
                    " show_if = ?, survey_id = ? WHERE uuid = ?",
                    [*values, survey_id, question["uuid"]],
                )
            else:
                self.db.execute(
                    "INSERT INTO survey_questions (uuid, survey_id, position, code, kind, text,"
                    " help_text, required, options, min_value, max_value, show_if)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [question["uuid"], survey_id, *values],
                )
        end = len(questions)
        for question_id, uuid in self.db.execute(
            "SELECT id, uuid FROM survey_questions WHERE survey_id = ? AND position < 0"
            " ORDER BY id",
            [survey_id],
        ).fetchall():
            if uuid in wanted:
                continue
            if self.db.execute(
                "SELECT 1 FROM survey_answers WHERE question_id = ?", [question_id]
            ).fetchone():
                end += 1
                self.db.execute(
                    "UPDATE survey_questions SET position = ? WHERE id = ?", [end, question_id]
                )
            else:
                self.db.execute("DELETE FROM survey_questions WHERE id = ?", [question_id])

    def _responses(self, bundle: sqlite_utils.Database) -> None:
        from ppg_desktop.core.bundles_merge import REDACTABLE, _rows, redaction_first

        fields = (*RESPONSE_FIELDS, REDACTABLE)
        surveys = {u: i for i, u in self.db.execute("SELECT id, uuid FROM surveys")}
        questions = {u: i for i, u in self.db.execute("SELECT id, uuid FROM survey_questions")}
        self.response_ids = {}
        for item in _rows(bundle, "SELECT * FROM survey_responses ORDER BY uuid", []):
            current = self._local_response(item["uuid"])
            action = self._decide(
                "survey_responses",
                item["uuid"],
                current,
                item,
                fields,
                redaction_first(RESPONSE_FIELDS),
            )
            values = [
                surveys[item["survey_uuid"]],
                self.practice_ids.get(item["practice_uuid"] or ""),
                item["collected_on"],
                item["mode"],
                item["updated_at"],
                item["deleted_at"],
                item.get(REDACTABLE),
            ]
            if action == "insert":
                cursor = self.db.execute(
                    "INSERT INTO survey_responses (survey_id, practice_id, collected_on, mode,"
                    " updated_at, deleted_at, redacted_at, uuid, entered_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        *values,
                        item["uuid"],
                        self.user_ids.get(item["entered_by_uuid"] or ""),
                        item["created_at"],
                    ],
                )
                response_id = int(cursor.lastrowid or 0)
            else:
                assert current is not None
                response_id = current["id"]
                if action == "update":
                    self.db.execute(
                        "UPDATE survey_responses SET survey_id = ?, practice_id = ?,"
                        " collected_on = ?, mode = ?, updated_at = ?, deleted_at = ?,"
                        " redacted_at = ? WHERE id = ?",
                        [*values, response_id],
                    )
                    self.db.execute(
                        "DELETE FROM survey_answers WHERE response_id = ?", [response_id]
                    )
            if action != "skip":
                self.db.conn.executemany(
                    "INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)",
                    [
                        (response_id, questions[q], value)
                        for q, value in json.loads(item["answers"]).items()
                        if q in questions
                    ],
                )
            self.response_ids[item["uuid"]] = response_id

    def _local_response(self, uuid: str) -> dict[str, Any] | None:
        from ppg_desktop.core.bundles_merge import _rows

        found = _rows(
            self.db,
            "SELECT r.id, r.uuid, s.uuid AS survey_uuid, p.uuid AS practice_uuid,"
            " r.collected_on, r.mode, r.updated_at, r.deleted_at, r.redacted_at"
            " FROM survey_responses r"
            " JOIN surveys s ON s.id = r.survey_id LEFT JOIN practices p ON p.id = r.practice_id"
            " WHERE r.uuid = ?",
            [uuid],
        )
        if not found:
            return None
        answers = _rows(
            self.db,
            "SELECT q.uuid, a.value FROM survey_answers a JOIN"
            " survey_questions q ON q.id = a.question_id"
            " WHERE a.response_id = ?",
            [found[0]["id"]],
        )
        found[0]["answers"] = json.dumps({a["uuid"]: a["value"] for a in answers}, sort_keys=True)
        return found[0]


def _has_table(db: sqlite_utils.Database, name: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        is not None
    )
