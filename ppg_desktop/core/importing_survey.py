"""Importing a spreadsheet of survey answers (an online form's export) as survey responses.

Each row becomes one response to a survey version already in the app; columns are matched to its
questions by their text or code. Rows are checked with the survey's own rules (required
questions, options, skip logic), stored in one transaction, and given UUIDs derived from their
content so the same file twice adds nothing. Free-text answers become tagged feedback, exactly
as when the form is typed in.
"""

from __future__ import annotations

import json
import uuid as uuid_lib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from ppg_desktop.core.clock import today, uk_date
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.importing_detect import (
    DateProblem,
    SourceTable,
    guess_date_order,
    parse_date_value,
    read_source,
)
from ppg_desktop.core.importing_mapping import IGNORE, normalise_heading, suggest_field
from ppg_desktop.core.importing_store import cell_text, existing_uuids, practices_by_name
from ppg_desktop.core.importing_types import (
    PREVIEW_ROWS,
    WHOLE_ROW,
    AmbiguousDates,
    CancelCheck,
    ImportCancelled,
    ImportProblem,
    InvalidRow,
    InvalidRows,
    ProgressCallback,
)
from ppg_desktop.core.survey_models import Survey
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.wording import counted

QUESTION_PREFIX = "q:"


@dataclass
class SurveyImportOptions:
    """The user's choices for a survey import."""

    mapping: dict[str, str] = field(default_factory=dict)  # column -> received_on|practice|q:ID
    date_order: str | None = None
    skip_invalid: bool = False
    practice: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    actor: str = ""


@dataclass
class SurveyRow:
    """A valid row, ready to store as one response."""

    row_number: int
    uuid: str
    practice_id: int
    collected_on: str
    answers: dict[int, Any]
    practice_name: str = ""
    stored: dict[int, str] = field(default_factory=dict)  # the answers as they will be kept


@dataclass
class SurveyImportPlan:
    """What the preview shows and what `run_survey_import` stores."""

    table: SourceTable
    survey: Survey
    mapping: dict[str, str]
    ready: list[SurveyRow]
    invalid: list[InvalidRow]
    already_present: int
    options: SurveyImportOptions

    @property
    def preview_columns(self) -> list[str]:
        return ["Row", "Date collected", "Practice", *(q.label for q in self.survey.questions)]

    @property
    def preview(self) -> list[dict[str, str]]:
        """The first rows as they will be stored, with the labels people see."""
        rows = []
        for row in self.ready[:PREVIEW_ROWS]:
            shown = {
                "Row": str(row.row_number),
                "Date collected": uk_date(row.collected_on),
                "Practice": row.practice_name,
            }
            for question in self.survey.questions:
                value = row.stored.get(question.id, "")
                if value.startswith("["):
                    value = ", ".join(json.loads(value))
                shown[question.label] = value
            rows.append(shown)
        return rows

    def summary(self) -> str:
        """One paragraph for the CLI and the wizard's preview page."""
        new = len(self.ready) - self.already_present
        text = (
            f"{counted(new, 'new response')} ready to import into '{self.survey.title}'"
            if new
            else f"No new responses to import into '{self.survey.title}'"
        )
        if self.already_present:
            were = "was" if self.already_present == 1 else "were"
            text += (
                f"; {counted(self.already_present, 'response')} {were} imported before and will "
                "be skipped"
            )
        if self.invalid:
            rows = len({r.row_number for r in self.invalid})
            text += f"; {counted(rows, 'row')} with problems"
        return text + "."


@dataclass
class SurveyImportResult:
    added: int
    skipped_existing: int
    rejected: int
    response_ids: list[int]

    def summary(self) -> str:
        """What happened, for the CLI and the wizard's last page."""
        if self.added:
            text = f"Imported {counted(self.added, 'survey response')}."
        else:
            text = "Nothing new was imported."
        if self.skipped_existing:
            text += f" Skipped {counted(self.skipped_existing, 'response')} imported before."
        if self.rejected:
            text += f" Left out {counted(self.rejected, 'row')} with problems."
        return text


def suggest_survey_mapping(headings: list[str], survey: Survey) -> dict[str, str]:
    """Date and practice columns by name; question columns by the question's text or code."""
    by_text = {normalise_heading(q.text): q.id for q in survey.questions}
    by_code = {normalise_heading(q.code): q.id for q in survey.questions if q.code}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for heading in headings:
        name = normalise_heading(heading)
        question = by_text.get(name) or by_code.get(name)
        if question is None:
            question = next(
                (
                    qid
                    for text, qid in by_text.items()
                    if text and (name.startswith(text) or text.startswith(name)) and len(name) > 10
                ),
                None,
            )
        target = f"{QUESTION_PREFIX}{question}" if question else suggest_field(heading)
        if target not in ("received_on", "practice") and not target.startswith(QUESTION_PREFIX):
            target = IGNORE
        if target != IGNORE and target in taken:
            target = IGNORE
        mapping[heading] = target
        taken.add(target)
    return mapping


def plan_survey_import(
    db: sqlite_utils.Database,
    source: str | Path | SourceTable,
    survey_id: int,
    options: SurveyImportOptions | None = None,
) -> SurveyImportPlan:
    """Read and check a survey export without writing anything."""
    options = options or SurveyImportOptions()
    store = SurveyStore(db, options.actor)
    survey = store.get(survey_id)
    table = (
        source
        if isinstance(source, SourceTable)
        else read_source(source, sheet=options.sheet, header_row=options.header_row)
    )
    mapping = {**suggest_survey_mapping(table.headers, survey), **options.mapping}
    questions = {q.id: q for q in survey.questions}
    problems = []
    missing = [c for c in mapping if c not in table.headers]
    if missing:
        these = "This column is" if len(missing) == 1 else "These columns are"
        problems.append(
            f"{these} not in the file: "
            + ", ".join(f"'{c}'" for c in missing)
            + ". The file's columns are: "
            + ", ".join(f"'{h}'" for h in table.headers)
            + "."
        )
    numbered = ", ".join(f"{q.id} ({q.label})" for q in survey.questions)
    for column, target in mapping.items():
        if target.startswith(QUESTION_PREFIX):
            qid = target[len(QUESTION_PREFIX) :]
            if not qid.isdigit() or int(qid) not in questions:
                problems.append(
                    f"Column '{column}' is set to question {qid}, which is not in the survey "
                    f"'{survey.title}'. Its questions are: {numbered}."
                )
        elif target not in ("received_on", "practice", IGNORE):
            problems.append(
                f"Column '{column}' is set to '{target}', which a survey column cannot hold. "
                "Choose a question, the date collected (received_on), the practice (practice), "
                "or not imported (ignore)."
            )
    if not any(t.startswith(QUESTION_PREFIX) for t in mapping.values()):
        problems.append(
            f"None of the columns in the file matches a question in the survey "
            f"'{survey.title}'. Choose the question each column answers."
        )
    if problems:
        raise ImportProblem(" ".join(problems), problems)
    column_of = {t: table.headers.index(c) for c, t in mapping.items() if t != IGNORE}
    date_index = column_of.get("received_on")
    date_order = options.date_order or "dmy"
    if date_index is not None:
        guess = guess_date_order(cells[date_index] for _, cells in table.rows)
        if guess.ambiguous and options.date_order is None:
            raise AmbiguousDates(table.headers[date_index], guess.example)
        date_order = options.date_order or guess.order or "dmy"
    practices = practices_by_name(db)
    if (
        "practice" not in column_of
        and not options.practice
        and len({p for p, _ in practices.values()}) != 1
    ):
        raise ImportProblem(
            "The file has no practice column. Choose the practice these "
            "responses were collected at."
        )
    ready: list[SurveyRow] = []
    invalid: list[InvalidRow] = []
    seen: dict[str, int] = {}
    for row_number, cells in table.rows:
        problems_before = len(invalid)

        def fail(column: int | None, reason: str, _row: int = row_number) -> None:
            invalid.append(
                InvalidRow(_row, table.headers[column] if column is not None else WHOLE_ROW, reason)
            )

        collected = today().isoformat()
        if date_index is not None:
            try:
                when = parse_date_value(cells[date_index], date_order)
                if when > today():
                    fail(date_index, f"{uk_date(when)} is in the future; check the date.")
                collected = when.isoformat()
            except DateProblem as exc:
                fail(date_index, str(exc))
        practice_text = options.practice or (
            cell_text(cells[column_of["practice"]])
            if "practice" in column_of
            else next(iter(practices.values()))[1]
        )
        found = practices.get(practice_text.lower())
        if not practice_text:
            fail(column_of.get("practice"), "The practice is empty. Fill it in for this row.")
        elif found is None:
            fail(
                column_of.get("practice"),
                f"'{practice_text}' is not one of your practices. Add it under Practices first.",
            )
        answers = {
            int(t[len(QUESTION_PREFIX) :]): _answer(
                cells[i], questions[int(t[len(QUESTION_PREFIX) :])].kind
            )
            for t, i in column_of.items()
            if t.startswith(QUESTION_PREFIX)
        }
        try:
            clean = store._clean_response(survey, answers)
        except ValidationError as exc:
            question_column = next(
                (
                    i
                    for t, i in column_of.items()
                    if t.startswith(QUESTION_PREFIX)
                    and questions[int(t[len(QUESTION_PREFIX) :])].label == exc.field
                ),
                None,
            )
            fail(question_column, exc.message if question_column is not None else str(exc))
            continue
        if found is None or len(invalid) > problems_before:
            continue
        key = json.dumps(
            [
                survey.uuid,
                found[1].lower(),
                collected,
                sorted((str(k), v) for k, v in clean.items()),
            ]
        )
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        ready.append(
            SurveyRow(
                row_number,
                str(uuid_lib.uuid5(uuid_lib.NAMESPACE_URL, f"{key}#{occurrence}")),
                found[0],
                collected,
                answers,
                found[1],
                clean,
            )
        )
    existing = existing_uuids(db, [r.uuid for r in ready], "survey_responses")
    return SurveyImportPlan(table, survey, mapping, ready, invalid, len(existing), options)


def _answer(cell: Any, kind: str) -> Any:
    """A cell as the survey store expects it: multiple choice from 'A, B' or 'A;B' to a list."""
    text = cell_text(cell)
    if kind == "multi" and text and not text.startswith("["):
        separator = ";" if ";" in text else ","
        return [part.strip() for part in text.split(separator) if part.strip()]
    return cell if kind == "date" and cell is not None and not isinstance(cell, str) else text


def run_survey_import(
    db: sqlite_utils.Database,
    plan: SurveyImportPlan,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> SurveyImportResult:
    """Store the planned responses in one transaction (all or nothing)."""
    if plan.invalid and not plan.options.skip_invalid:
        raise InvalidRows(plan.invalid)
    store = SurveyStore(db, plan.options.actor)
    existing = existing_uuids(db, [r.uuid for r in plan.ready], "survey_responses")
    fresh = [r for r in plan.ready if r.uuid not in existing]
    ids: list[int] = []
    with db.atomic():
        for number, row in enumerate(fresh, start=1):
            if cancelled and number % 50 == 0 and cancelled():
                raise ImportCancelled("The import was cancelled; nothing was imported.")
            response = store.add_response(
                plan.survey.id,
                row.answers,
                practice_id=row.practice_id,
                collected_on=row.collected_on,
                mode="import",
            )
            # the content-derived UUID is what makes a second import of the file a no-op
            db.execute("UPDATE survey_responses SET uuid = ? WHERE id = ?", [row.uuid, response.id])
            ids.append(response.id)
            if progress and number % 50 == 0:
                progress("Storing responses", number, len(fresh))
    return SurveyImportResult(
        len(fresh), len(plan.ready) - len(fresh), len({r.row_number for r in plan.invalid}), ids
    )


def parse_into(value: str) -> int | None:
    """`--into survey:ID` -> ID; `feedback` -> None; anything else raises ImportProblem."""
    if value == "feedback":
        return None
    kind, _, number = value.partition(":")
    if kind == "survey" and number.isdigit():
        return int(number)
    raise ImportProblem(
        f"'{value}' is not something to import into. Use --into feedback, or --into "
        "survey:NUMBER (the survey's number, shown by 'ppg-desktop survey list')."
    )


def mapping_from_pairs(pairs: Mapping[str, str]) -> dict[str, str]:
    """CLI pairs for a survey: a bare question number N means 'q:N'."""
    return {c: (f"{QUESTION_PREFIX}{t}" if t.isdigit() else t) for c, t in pairs.items()}
