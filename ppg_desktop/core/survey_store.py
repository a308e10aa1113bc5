"""Surveys: design them, version them, and store the responses patients give.

A survey that has responses never changes its questions in place: the first edit after a response
makes a new version (surveys.version + 1, previous_version_id pointing back) with copies of the
questions, and every later edit goes to that version. Old responses stay with the version they
answered, so their results keep their meaning. Titles and descriptions can change in place.

Reading a version and storing responses live in survey_responses.py (the base class).
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.skip_logic import check_condition, find_target
from ppg_desktop.core.survey_models import Question, Survey
from ppg_desktop.core.survey_responses import (
    SurveyResponseStore,
    question_from_row,
    survey_from_row,
)
from ppg_desktop.core.survey_templates import (
    CHOICE_KINDS,
    FFT_OPTIONS,
    FFT_QUESTION,
    KIND_LABELS,
    QUESTION_KINDS,
    TEMPLATES,
)

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_QUESTION_TEXT = 500
MAX_OPTION_TEXT = 200
QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "options",
    "min_value",
    "max_value",
    "show_if",
    "code",
)
_NEWER = "EXISTS (SELECT 1 FROM surveys n WHERE n.previous_version_id = s.id)"


def _clean_title(title: str) -> str:
    """A tidy title, or a ValidationError saying what a title needs."""
    title = " ".join(str(title).split())
    if not title:
        raise ValidationError("Title", "Give the survey a title, like 'Friends and Family Test'.")
    if len(title) > 120:
        raise ValidationError("Title", "Keep the title under 120 characters.")
    return title


class SurveyStore(SurveyResponseStore):
    """Create and edit surveys (with versioning), and add, undo and list responses."""

    # --- surveys ------------------------------------------------------------------------------
    def create(self, title: str, description: str = "", template: str | None = None) -> Survey:
        """A new, empty survey (version 1)."""
        title = _clean_title(title)
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO surveys (uuid, title, description, template, version, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
                [self.new_uuid(), title, description.strip(), template, stamp, stamp],
            )
            survey_id = int(cursor.lastrowid or 0)
            self._audit("create", "surveys", survey_id, {"title": title, "template": template})
        return self.get(survey_id)

    def create_from_template(self, key: str, title: str | None = None) -> Survey:
        """A new survey with a template's questions ('fft' or 'contacting')."""
        if key not in TEMPLATES:
            raise ValidationError(
                "Template", "Choose one of: " + ", ".join(t.title for t in TEMPLATES.values()) + "."
            )
        template = TEMPLATES[key]
        with self.db.atomic():
            survey = self.create(title or template.title, template.description, template.key)
            for item in template.questions:
                condition = None
                if item.show_if:
                    target = find_target(item.show_if, survey.questions)
                    condition = {**item.show_if, "question": target.uuid if target else None}
                survey = self.add_question(
                    survey.id,
                    kind=item.kind,
                    text=item.text,
                    options=list(item.options),
                    required=item.required,
                    help_text=item.help_text,
                    show_if=condition,
                    code=item.code,
                )
        return survey

    def list(
        self, *, include_old_versions: bool = False, include_archived: bool = False
    ) -> list[Survey]:
        """Surveys by title (questions not loaded); normally only the latest version of each."""
        clauses = ["1 = 1"]
        if not include_old_versions:
            clauses.append(f"NOT {_NEWER}")
        if not include_archived:
            clauses.append("s.archived = 0")
        rows = self._rows(
            "SELECT s.*, (SELECT count(*) FROM survey_responses r WHERE r.survey_id = s.id"
            " AND r.deleted_at IS NULL) AS response_count FROM surveys s"
            f" WHERE {' AND '.join(clauses)} ORDER BY s.title COLLATE NOCASE, s.version DESC"
        )
        return [survey_from_row(r) for r in rows]

    def find(self, ref: str | int) -> Survey:
        """A survey by number, or by title (the latest version); NotFoundError if none."""
        text = str(ref).strip()
        if text.isdigit():
            return self.get(int(text))
        row = self._one(
            "SELECT id FROM surveys WHERE title = ? COLLATE NOCASE ORDER BY version DESC, id DESC",
            [text],
        )
        if row is None:
            raise NotFoundError(
                f"There is no survey called '{text}'. Use 'ppg-desktop survey list' to see them."
            )
        return self.get(int(row["id"]))

    def versions(self, survey_id: int) -> builtins.list[Survey]:
        """Every version of this survey, oldest first (questions not loaded)."""
        chain: builtins.list[Survey] = []
        current: int | None = self.get(survey_id).id
        while current is not None:  # walk back to the first version
            survey = self.get(current)
            chain.insert(0, survey)
            current = survey.previous_version_id
        while True:  # and forward to the newest
            row = self._one("SELECT id FROM surveys WHERE previous_version_id = ?", [chain[-1].id])
            if row is None:
                return chain
            chain.append(self.get(int(row["id"])))

    def update(
        self, survey_id: int, *, title: str | None = None, description: str | None = None
    ) -> Survey:
        """Rename or re-describe a survey in place (this does not change what answers mean)."""
        current = self.get(survey_id)
        new = {
            "title": _clean_title(title) if title is not None else current.title,
            "description": description.strip() if description is not None else current.description,
        }
        diff = self._diff({"title": current.title, "description": current.description}, new)
        if diff:
            with self.db.atomic():
                self.db.execute(
                    "UPDATE surveys SET title = ?, description = ?, updated_at = ? WHERE id = ?",
                    [new["title"], new["description"], now_iso(), survey_id],
                )
                self._audit("update", "surveys", survey_id, diff)
        return self.get(survey_id)

    def set_archived(self, survey_id: int, archived: bool) -> Survey:
        """Hide a survey from the list (or bring it back); its responses stay."""
        self.get(survey_id)
        with self.db.atomic():
            self.db.execute(
                "UPDATE surveys SET archived = ?, updated_at = ? WHERE id = ?",
                [int(archived), now_iso(), survey_id],
            )
            self._audit("archive" if archived else "restore", "surveys", survey_id)
        return self.get(survey_id)

    def has_newer_version(self, survey_id: int) -> bool:
        """True when this version has been superseded by an edited copy."""
        return (
            self.db.execute(
                "SELECT 1 FROM surveys WHERE previous_version_id = ?", [survey_id]
            ).fetchone()
            is not None
        )

    # --- versioning ---------------------------------------------------------------------------
    def editable_version(self, survey_id: int) -> int:
        """The survey id that edits go to: itself, or a new version if it has responses."""
        survey = self.get(survey_id)
        if self.has_newer_version(survey_id):
            raise ValidationError(
                "Survey",
                f"This is version {survey.version}, which has been replaced by a newer "
                "version. Edit the newest version instead.",
            )
        if survey.response_count == 0:
            return survey_id
        return self._new_version(survey)

    def _new_version(self, survey: Survey) -> int:
        """Copy this version and its questions (conditions re-pointed at the copies)."""
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO surveys (uuid, title, description, template, version,"
                " previous_version_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.new_uuid(),
                    survey.title,
                    survey.description,
                    survey.template,
                    survey.version + 1,
                    survey.id,
                    stamp,
                    stamp,
                ],
            )
            new_id = int(cursor.lastrowid or 0)
            new_uuids = {q.uuid: self.new_uuid() for q in survey.questions}
            for q in survey.questions:
                condition = dict(q.show_if) if q.show_if else None
                if condition:
                    target = find_target(condition, survey.questions)
                    condition["question"] = new_uuids[target.uuid] if target else None
                self._insert_question(
                    new_id,
                    q.position,
                    {
                        "kind": q.kind,
                        "text": q.text,
                        "help_text": q.help_text,
                        "required": q.required,
                        "options": list(q.options),
                        "min_value": q.min_value,
                        "max_value": q.max_value,
                        "show_if": condition,
                        "code": q.code,
                    },
                    new_uuids[q.uuid],
                )
            self._audit(
                "new_version",
                "surveys",
                new_id,
                {"previous_version_id": survey.id, "version": survey.version + 1},
            )
        return new_id

    def _editable_question(self, question_id: int) -> tuple[int, Question]:
        """The survey id to edit and the question's copy in it (a new version if needed)."""
        row = self._one("SELECT * FROM survey_questions WHERE id = ?", [question_id])
        if row is None:
            raise NotFoundError(f"There is no question number {question_id}.")
        original = question_from_row(row)
        survey_id = self.editable_version(original.survey_id)
        for question in self.questions(survey_id):
            if question.position == original.position:
                return survey_id, question
        raise NotFoundError(f"There is no question number {question_id}.")

    # --- questions ----------------------------------------------------------------------------
    def _clean_question(
        self, fields: Mapping[str, Any], position: int, others: Sequence[Question]
    ) -> dict[str, Any]:
        """`others` are the survey's other questions; conditions may use those before `position`."""
        """Check one question's fields against the rest of its survey; ValidationError if not."""
        kind = fields.get("kind")
        if kind not in QUESTION_KINDS:
            raise ValidationError(
                "Question type", "Choose one of: " + ", ".join(KIND_LABELS.values()) + "."
            )
        text = " ".join(str(fields.get("text") or "").split())
        if kind == "fft":
            text = FFT_QUESTION  # the national wording is fixed so results can be compared
        if not text:
            raise ValidationError("Question", "Write the question as patients will read it.")
        if len(text) > MAX_QUESTION_TEXT:
            raise ValidationError(
                "Question", f"Keep the question under {MAX_QUESTION_TEXT} characters."
            )
        options: builtins.list[str] = []
        if kind == "fft":
            options = list(FFT_OPTIONS)
        elif kind in CHOICE_KINDS:
            options = [" ".join(str(o).split()) for o in fields.get("options") or []]
            options = [o for o in options if o]
            if len(options) < 2:
                raise ValidationError(
                    "Answer options", "Give at least two answers to choose from, one per line."
                )
            if len({o.casefold() for o in options}) != len(options):
                raise ValidationError("Answer options", "Each answer must be different.")
            if any(len(o) > MAX_OPTION_TEXT for o in options):
                raise ValidationError(
                    "Answer options", f"Keep each answer under {MAX_OPTION_TEXT} characters."
                )
        min_value, max_value = (fields.get("min_value"), fields.get("max_value"))
        if kind != "number":
            min_value = max_value = None
        else:
            min_value = self._bound("Lowest number", min_value)
            max_value = self._bound("Highest number", max_value)
            if min_value is not None and max_value is not None and min_value > max_value:
                raise ValidationError(
                    "Highest number", "The highest number must not be below the lowest."
                )
        code = (fields.get("code") or "").strip() or None
        if code is not None:
            if not CODE.match(code):
                raise ValidationError(
                    "Code",
                    "Use lower-case letters, digits and _, starting "
                    "with a letter (for example phone_ease).",
                )
            if any(q.code == code for q in others):
                raise ValidationError("Code", f"Another question already has the code {code}.")
        help_text = str(fields.get("help_text") or "").strip()
        if len(help_text) > MAX_QUESTION_TEXT:
            raise ValidationError(
                "Help text", f"Keep the help text under {MAX_QUESTION_TEXT} characters."
            )
        show_if = fields.get("show_if")
        earlier = [q for q in others if q.position < position]
        condition = check_condition(show_if, position, earlier) if show_if else {}
        return {
            "kind": kind,
            "text": text,
            "help_text": help_text,
            "required": bool(fields.get("required")),
            "options": options,
            "min_value": min_value,
            "max_value": max_value,
            "show_if": condition or None,
            "code": code,
        }

    @staticmethod
    def _bound(field: str, value: Any) -> float | None:
        """A number-range limit as a float (None when left empty)."""
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError(field, "Enter a number, or leave it empty.") from exc

    def _insert_question(
        self, survey_id: int, position: int, clean: Mapping[str, Any], uuid: str | None = None
    ) -> int:
        """Write one checked question row; returns its id."""
        cursor = self.db.execute(
            "INSERT INTO survey_questions (uuid, survey_id, position, code, kind, text, help_text,"
            " required, options, min_value, max_value, show_if)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                uuid or self.new_uuid(),
                survey_id,
                position,
                *self._stored_question(clean),
            ],
        )
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _stored_question(clean: Mapping[str, Any]) -> tuple[Any, ...]:
        """A checked question's values as stored, in the order code, kind, text, help_text,
        required, options, min_value, max_value, show_if (lists as JSON, no condition as NULL)."""
        return (
            clean["code"],
            clean["kind"],
            clean["text"],
            clean["help_text"],
            int(clean["required"]),
            json.dumps(clean["options"]),
            clean["min_value"],
            clean["max_value"],
            json.dumps(clean["show_if"]) if clean["show_if"] else None,
        )

    @staticmethod
    def _check_order(questions: Sequence[Question]) -> None:
        """Every condition must still point at an earlier question after a move or removal."""
        for question in questions:
            if question.show_if:
                target = find_target(question.show_if, questions)
                if target is None or target.position >= question.position:
                    raise ValidationError(
                        "Show only if",
                        f"Q{question.position} depends on an answer that would no longer come "
                        "before it. Change its 'Show only if' first.",
                    )

    def _write_order(self, survey_id: int, ordered_ids: Sequence[int]) -> None:
        # Two steps because (survey_id, position) is unique.
        """Number the questions 1, 2, 3... in the order given."""
        self.db.execute(
            "UPDATE survey_questions SET position = -position WHERE survey_id = ?", [survey_id]
        )
        for position, question_id in enumerate(ordered_ids, start=1):
            self.db.execute(
                "UPDATE survey_questions SET position = ? WHERE id = ?", [position, question_id]
            )

    def add_question(self, survey_id: int, *, position: int | None = None, **fields: Any) -> Survey:
        """Add a question (at the end, or at `position`); returns the survey version edited.

        Fields: kind, text, help_text, required, options (list of answer texts), min_value,
        max_value (numbers), show_if (see skip_logic), code. If the survey already has
        responses, a new version is made first and its id is the returned survey's id.
        """
        unknown = set(fields) - set(QUESTION_FIELDS)
        if unknown:
            raise ValueError(f"Unknown question fields: {sorted(unknown)}")
        with self.db.atomic():
            survey_id = self.editable_version(survey_id)
            existing = self.questions(survey_id)
            end = len(existing) + 1
            at = end if position is None else max(1, min(int(position), end))
            clean = self._clean_question(fields, at, existing)
            question_id = self._insert_question(survey_id, end, clean)
            order = [q.id for q in existing]
            order.insert(at - 1, question_id)
            self._write_order(survey_id, order)
            self._check_order(self.questions(survey_id))
            self._audit(
                "add_question",
                "survey_questions",
                question_id,
                {"survey_id": survey_id, "position": at, "kind": clean["kind"]},
            )
        return self.get(survey_id)

    def update_question(self, question_id: int, **changes: Any) -> Survey:
        """Change some fields of a question; returns the survey version edited (see add)."""
        unknown = set(changes) - set(QUESTION_FIELDS)
        if unknown:
            raise ValueError(f"Unknown question fields: {sorted(unknown)}")
        with self.db.atomic():
            survey_id, current = self._editable_question(question_id)
            merged = {
                "kind": current.kind,
                "text": current.text,
                "help_text": current.help_text,
                "required": current.required,
                "options": list(current.options),
                "min_value": current.min_value,
                "max_value": current.max_value,
                "show_if": current.show_if,
                "code": current.code,
                **changes,
            }
            others = [q for q in self.questions(survey_id) if q.id != current.id]
            clean = self._clean_question(merged, current.position, others)
            self.db.execute(
                "UPDATE survey_questions SET code = ?, kind = ?, text = ?, help_text = ?,"
                " required = ?, options = ?, min_value = ?, max_value = ?, show_if = ?"
                " WHERE id = ?",
                [*self._stored_question(clean), current.id],
            )
            updated = self.questions(survey_id)
            for later in updated:  # conditions on this question must still name real answers
                if later.show_if and find_target(later.show_if, updated) == self._by_id(
                    updated, current.id
                ):
                    check_condition(later.show_if, later.position, updated)
            self._audit(
                "update_question",
                "survey_questions",
                current.id,
                {"survey_id": survey_id, "fields": sorted(changes)},
            )
        return self.get(survey_id)

    @staticmethod
    def _by_id(questions: Sequence[Question], question_id: int) -> Question | None:
        """The question with this id in a list (None if absent)."""
        return next((q for q in questions if q.id == question_id), None)

    def move_question(self, question_id: int, new_position: int) -> Survey:
        """Move a question to another position (1 = first); returns the survey version edited."""
        with self.db.atomic():
            survey_id, current = self._editable_question(question_id)
            order = [q.id for q in self.questions(survey_id)]
            order.remove(current.id)
            order.insert(max(0, min(int(new_position) - 1, len(order))), current.id)
            self._write_order(survey_id, order)
            self._check_order(self.questions(survey_id))
            self._audit(
                "move_question",
                "survey_questions",
                current.id,
                {"survey_id": survey_id, "position": order.index(current.id) + 1},
            )
        return self.get(survey_id)

    def remove_question(self, question_id: int) -> Survey:
        """Remove a question nothing else depends on; returns the survey version edited."""
        with self.db.atomic():
            survey_id, current = self._editable_question(question_id)
            remaining = [q for q in self.questions(survey_id) if q.id != current.id]
            for question in remaining:
                if question.show_if and find_target(question.show_if, [current]) is not None:
                    raise ValidationError(
                        "Question",
                        f"Q{question.position} is shown only for certain answers to "
                        "this question. Change its 'Show only if' first.",
                    )
            self.db.execute("DELETE FROM survey_questions WHERE id = ?", [current.id])
            self._write_order(survey_id, [q.id for q in remaining])
            self._audit(
                "remove_question",
                "survey_questions",
                current.id,
                {"survey_id": survey_id, "text": current.text},
            )
        return self.get(survey_id)
