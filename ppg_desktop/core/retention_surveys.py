"""Free-text survey answers under the retention periods and subject-access requests.

A free-text answer is a patient's own words, like a comment, and may name them, a member of staff
or give contact details. Each one normally also became a feedback item (survey_responses.py links
it back through feedback.survey_response_id), so the same words are held twice. retention.py
calls this module so that the answer never outlives its comment:

- An answer goes with the feedback item made from it: when the purge removes the item (a closed
  matter after 6 years, a deleted item after 30 days) or an erasure request deletes it.
- An answer with no feedback item (the item was removed before this rule existed, or none was
  made) goes `survey_text_years` (6 by default) after the survey was filled in: the same
  limitation-period reasoning as feedback on closed matters, counted from the only date an
  answer has.
- Erasure redacts the answers that mention the person (or deletes them, when the feedback is
  deleted), like their comments.

Removing an answer deletes that one answer, as if the question had been left blank: the ratings
and choices of the same response stay, so every survey figure stays the same except the number
of comments to a free-text question. The response is marked as changed and as redacted, so
merging laptops carries the removal to the other laptop rather than bringing the old words back,
even from a version of the response changed there later.

Which answer an item came from: a feedback row does not record its question, so an item is paired
with the answer of its response that has the same words. Items edited since are paired in order
(items are made in question order) when as many answers as items are left unpaired; otherwise
they stay unpaired, and their answers follow the years rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ppg_desktop.core.clock import now_iso, uk_date
from ppg_desktop.core.store_base import Store
from ppg_desktop.core.subject_matches import NameMatches, mentions_person
from ppg_desktop.core.wording import counted

CHUNK = 500
MENTIONS_THEM = "mentions them"
FROM_THEIR_FEEDBACK = "the feedback found was made from it"
_ANSWER_SQL = (
    "SELECT a.id, a.response_id, a.value, q.position, q.text AS question, s.title, s.version,"
    " r.collected_on, r.deleted_at, coalesce(p.name, '') AS practice FROM survey_answers a"
    " JOIN survey_questions q ON q.id = a.question_id AND q.kind = 'text'"
    " JOIN survey_responses r ON r.id = a.response_id"
    " JOIN surveys s ON s.id = r.survey_id"
    " LEFT JOIN practices p ON p.id = r.practice_id"
)


@dataclass(frozen=True)
class SurveyAnswer:
    """One free-text answer to a survey: found for a subject-access request, or due to go.

    `feedback_id` is the feedback item made from it (None when there is none); `found_because`
    says why a subject-access search included it.
    """

    id: int
    response_id: int
    survey_title: str
    survey_version: int
    question: str
    practice_name: str
    collected_on: dt.date
    text: str
    withdrawn: bool
    feedback_id: int | None = None
    found_because: str = ""

    def record(self) -> dict[str, Any]:
        """The answer as it goes into a subject-access export."""
        return {
            "survey_response": self.response_id,
            "survey": f"{self.survey_title} (version {self.survey_version})",
            "question": self.question,
            "practice": self.practice_name,
            "collected_on": uk_date(self.collected_on),
            "answer": self.text,
            "withdrawn": self.withdrawn,
            "feedback_made_from_it": self.feedback_id,
            "found_because": self.found_because,
        }


def _answer(row: dict[str, Any]) -> SurveyAnswer:
    return SurveyAnswer(
        id=row["id"],
        response_id=row["response_id"],
        survey_title=row["title"],
        survey_version=row["version"],
        question=f"Q{row['position']} {row['question']}",
        practice_name=row["practice"],
        collected_on=dt.date.fromisoformat(row["collected_on"][:10]),
        text=row["value"],
        withdrawn=row["deleted_at"] is not None,
    )


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def pair_items_with_answers(
    answers: Sequence[tuple[int, str]], items: Sequence[tuple[int, str]]
) -> dict[int, int]:
    """Which answer each feedback item of one response came from: {answer id: item id}.

    `answers` are (id, text) in question order, `items` (id, text) in the order they were made.
    Same words first; then, if as many of each are left, in order; the rest stay unpaired.
    """
    paired: dict[int, int] = {}
    left_items: list[int] = []
    for item_id, item_text in items:
        match = next(
            (
                answer_id
                for answer_id, answer_text in answers
                if answer_id not in paired and _words(answer_text) == _words(item_text)
            ),
            None,
        )
        if match is None:
            left_items.append(item_id)
        else:
            paired[match] = item_id
    left_answers = [answer_id for answer_id, _text in answers if answer_id not in paired]
    if len(left_answers) == len(left_items):
        paired.update(zip(left_answers, left_items, strict=True))
    return paired


class SurveyTextStore(Store):
    """Free-text answers (survey_answers of "text" questions) for the purge and erasure."""

    def _answers(self, where: str, params: Sequence[Any]) -> list[SurveyAnswer]:
        rows = self._rows(
            f"{_ANSWER_SQL} WHERE {where} ORDER BY a.response_id, q.position", list(params)
        )
        return [_answer(row) for row in rows]

    def _in_responses(self, response_ids: Iterable[int]) -> list[SurveyAnswer]:
        """The free-text answers of these responses, each with the feedback item made from it."""
        ids = sorted(set(response_ids))
        found: list[SurveyAnswer] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ", ".join("?" for _ in chunk)
            answers = self._answers(f"a.response_id IN ({marks})", chunk)
            items: dict[int, list[tuple[int, str]]] = {}
            for item_id, response_id, text in self.db.execute(
                f"SELECT id, survey_response_id, text FROM feedback"
                f" WHERE survey_response_id IN ({marks}) ORDER BY id",
                chunk,
            ):
                items.setdefault(response_id, []).append((item_id, text))
            by_response: dict[int, list[SurveyAnswer]] = {}
            for answer in answers:
                by_response.setdefault(answer.response_id, []).append(answer)
            for response_id, theirs in by_response.items():
                pairs = pair_items_with_answers(
                    [(a.id, a.text) for a in theirs], items.get(response_id, [])
                )
                found += [replace(a, feedback_id=pairs.get(a.id)) for a in theirs]
        return found

    def _responses_of(self, feedback_ids: Sequence[int]) -> set[int]:
        responses: set[int] = set()
        for start in range(0, len(feedback_ids), CHUNK):
            chunk = list(feedback_ids[start : start + CHUNK])
            marks = ", ".join("?" for _ in chunk)
            responses.update(
                row[0]
                for row in self.db.execute(
                    f"SELECT survey_response_id FROM feedback WHERE id IN ({marks})"
                    " AND survey_response_id IS NOT NULL",
                    chunk,
                )
            )
        return responses

    def due(self, feedback_going: Sequence[int], collected_before: dt.date) -> list[SurveyAnswer]:
        """Answers the purge should remove: those whose feedback item is going, and those with
        no feedback item from surveys filled in before `collected_before`."""
        going = set(feedback_going)
        old = {
            row[0]
            for row in self.db.execute(
                "SELECT DISTINCT a.response_id FROM survey_answers a JOIN survey_questions q"
                " ON q.id = a.question_id AND q.kind = 'text' JOIN survey_responses r"
                " ON r.id = a.response_id WHERE r.collected_on < ?",
                [collected_before.isoformat()],
            )
        }
        answers = self._in_responses(old | self._responses_of(list(going)))
        return [
            a
            for a in answers
            if (a.feedback_id is None and a.collected_on < collected_before)
            or a.feedback_id in going
        ]

    def find(
        self, name: str, phone: str, email: str, feedback_ids: Sequence[int]
    ) -> list[SurveyAnswer]:
        """Answers that mention this name, phone number or email address, and answers the
        given feedback items (found for the same person) were made from."""
        mentioning = {
            a.id: a.response_id
            for a in self._answers("a.value <> ''", [])
            if mentions_person(a.text, name, phone, email)
        }
        wanted = set(feedback_ids)
        responses = self._responses_of(feedback_ids) | set(mentioning.values())
        return [
            replace(a, found_because=MENTIONS_THEM if a.id in mentioning else FROM_THEIR_FEEDBACK)
            for a in self._in_responses(responses)
            if a.id in mentioning or a.feedback_id in wanted
        ]

    def remove(self, answer_ids: Sequence[int]) -> int:
        """Delete these free-text answers (call inside the caller's transaction), leaving the
        rest of each response; returns how many went."""
        removed = 0
        ids = sorted(set(answer_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ", ".join("?" for _ in chunk)
            responses = self.db.execute(
                f"SELECT DISTINCT response_id FROM survey_answers WHERE id IN ({marks})", chunk
            ).fetchall()
            removed += self.db.execute(
                f"DELETE FROM survey_answers WHERE id IN ({marks}) AND question_id IN"
                " (SELECT id FROM survey_questions WHERE kind = 'text')",
                chunk,
            ).rowcount
            self._touch([row[0] for row in responses])
        return removed

    def redact(self, answer_ids: Sequence[int], clean: Callable[[str], str]) -> int:
        """Replace each answer's words with `clean(words)` (call inside the caller's
        transaction); returns how many answers were still there to redact."""
        redacted = 0
        for answer_id in sorted(set(answer_ids)):
            row = self.db.execute(
                "SELECT response_id, value FROM survey_answers WHERE id = ?", [answer_id]
            ).fetchone()
            if row is None:
                continue
            self.db.execute(
                "UPDATE survey_answers SET value = ? WHERE id = ?", [clean(row[1]), answer_id]
            )
            self._touch([row[0]])
            redacted += 1
        return redacted

    def _touch(self, response_ids: Sequence[int]) -> None:
        """Mark responses as changed now, and as having had words taken out (redacted_at), so
        merging laptops keeps this version of them rather than one that still holds the words,
        even one changed later (bundles_merge.py)."""
        if response_ids:
            marks = ", ".join("?" for _ in response_ids)
            stamp = now_iso()
            self.db.execute(
                f"UPDATE survey_responses SET updated_at = ?, redacted_at = ? WHERE id IN ({marks})",
                [stamp, stamp, *response_ids],
            )


def purge_lines(answers: Sequence[SurveyAnswer], years: int) -> list[str]:
    """The purge preview's lines for these answers, one per survey response and reason."""
    groups: dict[tuple[int, int | None], list[SurveyAnswer]] = {}
    for answer in answers:
        groups.setdefault((answer.response_id, answer.feedback_id), []).append(answer)
    lines = []
    for (response_id, feedback_id), theirs in groups.items():
        first = theirs[0]
        where = (
            f"Survey response {response_id} ({first.survey_title}, filled in "
            f"{uk_date(first.collected_on)}): "
        )
        if feedback_id is not None:
            lines.append(
                where + f"the written answer that became feedback {feedback_id} goes with it; "
                "its other answers stay."
            )
        else:
            lines.append(
                where + f"{counted(len(theirs), 'written answer')} not made into feedback, "
                f"more than {years} years old; its other answers stay."
            )
    return lines


def with_survey_practices(
    matches: NameMatches, answers: Iterable[SurveyAnswer], feedback_found: Iterable[int]
) -> NameMatches:
    """Count the practices of survey answers found (other than those of feedback already
    counted) with the feedback's, so answers from another practice raise the same warning."""
    counted_already = set(feedback_found)
    extra = Counter(
        a.practice_name for a in answers if a.practice_name and a.feedback_id not in counted_already
    )
    if not extra:
        return matches
    practices = Counter(dict(matches.practices))
    practices.update(extra)
    return replace(matches, practices=practices.most_common())
