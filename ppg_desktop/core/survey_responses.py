"""Reading survey versions and storing the responses patients give to them.

`SurveyStore` (survey_store.py) adds designing and versioning on top of this class. Free-text
answers also become feedback items (channel "survey"), tagged with themes and sentiment like any
other comment and linked back through feedback.survey_response_id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ppg_desktop.core.clock import now_iso, today
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.skip_logic import visible_questions
from ppg_desktop.core.store_base import Store
from ppg_desktop.core.survey_models import (
    MODE_LABELS,
    MODES,
    Question,
    Survey,
    SurveyResponse,
    is_blank,
    normalise_answer,
)
from ppg_desktop.core.survey_templates import FFT_NEGATIVE, FFT_POSITIVE


def question_from_row(row: dict[str, Any]) -> Question:
    """A Question from a survey_questions row (options and show_if decoded)."""
    return Question(
        id=row["id"],
        uuid=row["uuid"],
        survey_id=row["survey_id"],
        position=row["position"],
        code=row["code"],
        kind=row["kind"],
        text=row["text"],
        help_text=row["help_text"],
        required=bool(row["required"]),
        options=tuple(json.loads(row["options"] or "[]")),
        min_value=row["min_value"],
        max_value=row["max_value"],
        show_if=json.loads(row["show_if"]) if row["show_if"] else None,
    )


def survey_from_row(row: dict[str, Any], questions: Sequence[Question] = ()) -> Survey:
    """A Survey from a surveys row plus its questions."""
    return Survey(
        id=row["id"],
        uuid=row["uuid"],
        title=row["title"],
        description=row["description"],
        template=row["template"],
        version=row["version"],
        previous_version_id=row["previous_version_id"],
        archived=bool(row["archived"]),
        created_at=row["created_at"],
        response_count=int(row.get("response_count") or 0),
        questions=tuple(questions),
    )


class SurveyResponseStore(Store):
    """Read one survey version; add, list and withdraw its responses."""

    def get(self, survey_id: int) -> Survey:
        """One survey version with its questions and how many responses it has."""
        row = self._one(
            "SELECT s.*, (SELECT count(*) FROM survey_responses r WHERE r.survey_id = s.id"
            " AND r.deleted_at IS NULL) AS response_count FROM surveys s WHERE s.id = ?",
            [survey_id],
        )
        if row is None:
            raise NotFoundError(f"There is no survey number {survey_id}.")
        return survey_from_row(row, self.questions(survey_id))

    def questions(self, survey_id: int) -> list[Question]:
        """The questions of one version, in order."""
        return [
            question_from_row(r)
            for r in self._rows(
                "SELECT * FROM survey_questions WHERE survey_id = ? ORDER BY position", [survey_id]
            )
        ]

    # --- responses ----------------------------------------------------------------------------
    def add_response(
        self,
        survey_id: int,
        answers: Mapping[int, Any],
        *,
        practice_id: int | None,
        collected_on: dt.date | str | None = None,
        mode: str = "paper",
        entered_by: int | None = None,
    ) -> SurveyResponse:
        """Store one completed form, all or nothing; returns it with any feedback ids made.

        `answers` maps question id to what was collected (option text, list for multiple choice,
        number, date or text). Answers to questions hidden by skip logic are dropped, blank
        answers are left out, and a visible required question left blank is refused.
        """
        survey = self.get(survey_id)
        clean = self._clean_response(survey, answers)
        if practice_id in (None, ""):
            raise ValidationError("Practice", "Choose the practice this survey was given at.")
        if not self.db.execute("SELECT 1 FROM practices WHERE id = ?", [practice_id]).fetchone():
            raise ValidationError("Practice", "That practice is not in the list. Choose another.")
        when = self._collected_on(collected_on)
        if mode not in MODES:
            raise ValidationError(
                "How it was collected", "Choose one of: " + ", ".join(MODE_LABELS.values()) + "."
            )
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO survey_responses (uuid, survey_id, practice_id, collected_on, mode,"
                " entered_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.new_uuid(),
                    survey_id,
                    int(practice_id),
                    when.isoformat(),
                    mode,
                    entered_by,
                    stamp,
                    stamp,
                ],
            )
            response_id = int(cursor.lastrowid or 0)
            for question_id, value in clean.items():
                self.db.execute(
                    "INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)",
                    [response_id, question_id, value],
                )
            feedback_ids = self._feedback_from(
                survey, clean, response_id, int(practice_id), when, entered_by
            )
            self._audit(
                "create",
                "survey_responses",
                response_id,
                {
                    "survey_id": survey_id,
                    "mode": mode,
                    "answers": len(clean),
                    "feedback": feedback_ids,
                },
            )
        return self.get_response(response_id)

    def _clean_response(self, survey: Survey, answers: Mapping[int, Any]) -> dict[int, str]:
        """Stored-text answers for the questions shown; raise for a missing required one."""
        known = {q.id: q for q in survey.questions}
        given: dict[int, str] = {}
        for question_id, value in answers.items():
            if question_id not in known:
                raise ValidationError(
                    "Question",
                    f"Question number {question_id} is not part of "
                    f"'{survey.title}' version {survey.version}.",
                )
            if not is_blank(value):
                given[question_id] = normalise_answer(known[question_id], value)
        shown = visible_questions(survey.questions, given)
        for question in shown:
            if question.required and question.id not in given:
                raise ValidationError(question.label, "This question needs an answer.")
        return {q.id: given[q.id] for q in shown if q.id in given}

    @staticmethod
    def _collected_on(value: dt.date | str | None) -> dt.date:
        """The collection date (today if not given); never in the future."""
        if value is None or value == "":
            return today()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value[:10])
            except ValueError as exc:
                raise ValidationError("Date collected", "Enter the date as dd/mm/yyyy.") from exc
        if value > today():
            raise ValidationError("Date collected", "The date cannot be in the future.")
        return value

    def _feedback_from(
        self,
        survey: Survey,
        clean: Mapping[int, str],
        response_id: int,
        practice_id: int,
        when: dt.date,
        entered_by: int | None,
    ) -> list[int]:
        """Each free-text answer becomes a tagged feedback item linked to the response."""
        from ppg_desktop.core.sentiment import classify_sentiment
        from ppg_desktop.core.tagging import tag_feedback

        fft_answer = next(
            (clean[q.id] for q in survey.questions if q.kind == "fft" and q.id in clean), None
        )
        feedback = FeedbackStore(self.db, self.actor)
        ids = []
        for question in survey.questions:
            if question.kind != "text" or question.id not in clean:
                continue
            text = clean[question.id]
            sentiment = classify_sentiment(text, fft_answer=fft_answer)
            item = feedback.create(
                practice_id=practice_id,
                received_on=when,
                channel="survey",
                kind=feedback_kind(fft_answer, sentiment),
                text=text,
                sentiment=sentiment,
                entered_by=entered_by,
                survey_response_id=response_id,
            )
            ids.append(item.id)
        if ids:
            tag_feedback(self.db, ids)
        return ids

    def get_response(self, response_id: int) -> SurveyResponse:
        """One response with its answers and linked feedback."""
        found = self._responses("r.id = ?", [response_id])
        if not found:
            raise NotFoundError(f"There is no survey response number {response_id}.")
        return found[0]

    def list_responses(
        self, survey_id: int, *, include_deleted: bool = False, limit: int | None = None
    ) -> list[SurveyResponse]:
        """A version's responses, newest first, with their answers."""
        where = "r.survey_id = ?" + ("" if include_deleted else " AND r.deleted_at IS NULL")
        return self._responses(where, [survey_id], limit)

    def _responses(
        self, where: str, params: list[Any], limit: int | None = None
    ) -> list[SurveyResponse]:
        """Responses matching a condition, newest first, with answers and feedback ids."""
        sql = f"SELECT r.* FROM survey_responses r WHERE {where} ORDER BY r.id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._rows(sql, params)
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        answers: dict[int, dict[int, str]] = {i: {} for i in ids}
        feedback: dict[int, list[int]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for response_id, question_id, value in self.db.execute(
                f"SELECT response_id, question_id, value FROM survey_answers"
                f" WHERE response_id IN ({marks})",
                chunk,
            ):
                answers[response_id][question_id] = value
            for feedback_id, response_id in self.db.execute(
                f"SELECT id, survey_response_id FROM feedback WHERE survey_response_id IN"
                f" ({marks}) AND deleted_at IS NULL ORDER BY id",
                chunk,
            ):
                feedback[response_id].append(feedback_id)
        return [
            SurveyResponse(
                id=r["id"],
                uuid=r["uuid"],
                survey_id=r["survey_id"],
                practice_id=r["practice_id"],
                collected_on=dt.date.fromisoformat(r["collected_on"][:10]),
                mode=r["mode"],
                entered_by=r["entered_by"],
                created_at=r["created_at"],
                answers=answers[r["id"]],
                feedback_ids=tuple(feedback[r["id"]]),
            )
            for r in rows
        ]

    def delete_response(self, response_id: int) -> None:
        """Withdraw a response (and the feedback made from it): it leaves every count."""
        response = self.get_response(response_id)
        with self.db.atomic():
            self.db.execute(
                "UPDATE survey_responses SET deleted_at = ?, updated_at = ?"
                " WHERE id = ? AND deleted_at IS NULL",
                [now_iso(), now_iso(), response_id],
            )
            if response.feedback_ids:
                FeedbackStore(self.db, self.actor).soft_delete(list(response.feedback_ids))
            self._audit(
                "delete", "survey_responses", response_id, {"survey_id": response.survey_id}
            )

    def delete_last_response(
        self, survey_id: int, *, entered_by: int | None = None, mode: str | None = None
    ) -> int | None:
        """Undo: withdraw the newest response to this version (optionally by one person/mode).

        Returns the id withdrawn, or None if there was nothing to undo.
        """
        clauses = ["survey_id = ?", "deleted_at IS NULL"]
        params: list[Any] = [survey_id]
        if entered_by is not None:
            clauses.append("entered_by = ?")
            params.append(entered_by)
        if mode is not None:
            clauses.append("mode = ?")
            params.append(mode)
        row = self._one(
            f"SELECT id FROM survey_responses WHERE {' AND '.join(clauses)}"
            " ORDER BY id DESC LIMIT 1",
            params,
        )
        if row is None:
            return None
        self.delete_response(int(row["id"]))
        return int(row["id"])


def feedback_kind(fft_answer: str | None, sentiment: str | None) -> str:
    """The feedback kind for a survey comment: the FFT answer decides, else the sentiment.

    Very good / Good → compliment; Poor / Very poor → complaint; otherwise a negative comment is
    a concern, a positive one a compliment, and anything else a suggestion.
    """
    if fft_answer in FFT_POSITIVE:
        return "compliment"
    if fft_answer in FFT_NEGATIVE:
        return "complaint"
    if sentiment == "negative":
        return "concern"
    if sentiment == "positive":
        return "compliment"
    return "suggestion"
