"""Written (free-text) survey answers under the purge and subject-access requests, and the
versions of a comment kept after merging laptops in the subject-access export."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core import retention, subject_access
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.retention_surveys import pair_items_with_answers
from ppg_desktop.core.survey_results import fft_summary, question_results
from ppg_desktop.core.survey_store import SurveyStore

TODAY = dt.date(2026, 6, 15)
JO = "Jo Bloggs on 07700 900123 (jo@example.com) was kept waiting an hour"


def _ratings(db: sqlite_utils.Database) -> tuple[object, ...]:
    """The Friends and Family Test figures (the survey results every report shows)."""
    fft = fft_summary(db, None, None)
    return (fft.answered, fft.counts, fft.percent_positive, fft.by_month.to_dict())


def _stamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC).isoformat()


class Surveys:
    """Two practices, the FFT survey (a rating and a written reason), and helpers."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.elm = PracticeStore(db, "t").create("Elm Road Surgery").id
        self.hill = PracticeStore(db, "t").create("Hillview Medical Centre").id
        self.store = SurveyStore(db, "t")
        survey = self.store.create_from_template("fft")
        self.survey_id = survey.id
        self.fft, self.why = (q.id for q in survey.questions)

    def response(
        self, rating: str, why: str | None, day: dt.date, practice: int | None = None
    ) -> tuple[int, int | None]:
        """A response (and the feedback item its written answer became, if any)."""
        answers = {self.fft: rating, **({self.why: why} if why else {})}
        made = self.store.add_response(
            self.survey_id, answers, practice_id=practice or self.elm, collected_on=day
        )
        return made.id, (made.feedback_ids[0] if made.feedback_ids else None)

    def close(self, feedback_id: int, day: dt.date) -> None:
        self.db.execute("UPDATE feedback SET status = 'closed' WHERE id = ?", [feedback_id])
        self.db.execute(
            "UPDATE feedback SET closed_at = ?1, updated_at = ?1 WHERE id = ?2",
            [_stamp(day), feedback_id],
        )

    def without_feedback(self, feedback_id: int) -> None:
        """As if no feedback item had been made (or it went before answers were purged)."""
        self.db.execute("DELETE FROM feedback WHERE id = ?", [feedback_id])

    def answers(self, response_id: int) -> dict[int, str]:
        return self.store.get_response(response_id).answers

    def all_text(self) -> str:
        return " ".join(r[0] for r in self.db.execute("SELECT value FROM survey_answers"))


@pytest.fixture
def w(db: sqlite_utils.Database) -> Surveys:
    return Surveys(db)


# --- the purge -----------------------------------------------------------------------------------
def test_purge_removes_the_written_answer_with_its_feedback_and_keeps_the_ratings(
    db: sqlite_utils.Database, w: Surveys
) -> None:
    old, old_item = w.response("Poor", "Dr Zebedee never called me back", dt.date(2019, 1, 2))
    recent, recent_item = w.response("Very good", "Lovely nurses", dt.date(2025, 1, 5))
    assert old_item is not None and recent_item is not None
    w.close(old_item, dt.date(2019, 6, 1))
    ratings_before = _ratings(db)
    results_before = question_results(db, w.survey_id)
    stamp_before = db.execute("SELECT updated_at FROM survey_responses WHERE id = ?", [old])

    plan = retention.purge_preview(db, TODAY)
    assert plan.feedback_ids == [old_item]
    assert [(a.response_id, a.feedback_id) for a in plan.survey_answers] == [(old, old_item)]
    assert (
        f"Survey response {old} (Friends and Family Test, filled in 02/01/2019): the written "
        f"answer that became feedback {old_item} goes with it" in plan.lines[-1]
    )
    assert "1 written survey answer" in plan.summary() and plan.count == 2
    assert "Zebedee" not in " ".join(plan.lines)

    result = retention.purge(db, plan, "Pat Chair")
    assert result == retention.PurgeResult(1, 0, survey_answers_removed=1)
    assert w.answers(old) == {w.fft: "Poor"}
    assert w.answers(recent) == {w.fft: "Very good", w.why: "Lovely nurses"}
    assert "Zebedee" not in w.all_text()
    # every rating still counts; only the count of comments drops
    assert _ratings(db) == ratings_before
    results_after = question_results(db, w.survey_id)
    assert results_after[0].table.equals(results_before[0].table)
    assert (results_before[1].answered, results_after[1].answered) == (2, 1)
    # merging laptops keeps this version of the response, not an older one with the words
    assert (
        db.execute("SELECT updated_at FROM survey_responses WHERE id = ?", [old]).fetchone()[0]
        > stamp_before.fetchone()[0]
    )
    entry = AuditStore(db).list(action="purge")[0]
    assert entry.changes["survey_answers_removed"] == 1
    assert entry.changes["survey_responses"] == [old]
    assert "Zebedee" not in json.dumps(entry.changes)
    assert retention.purge_preview(db, TODAY).empty


def test_written_answers_with_no_feedback_go_after_the_survey_period(
    db: sqlite_utils.Database, w: Surveys
) -> None:
    standalone_old, item = w.response("Poor", "Mrs Yarrow at reception", dt.date(2019, 3, 1))
    assert item is not None
    w.without_feedback(item)
    standalone_new, item = w.response("Good", "Quick appointment", dt.date(2021, 1, 1))
    assert item is not None
    w.without_feedback(item)
    open_old, open_item = w.response("Poor", "Still waiting for a reply", dt.date(2019, 3, 1))
    rating_only, _none = w.response("Good", None, dt.date(2018, 1, 1))

    plan = retention.purge_preview(db, TODAY)
    assert [a.response_id for a in plan.survey_answers] == [standalone_old]
    assert plan.lines == [
        f"Survey response {standalone_old} (Friends and Family Test, filled in 01/03/2019): "
        "1 written answer not made into feedback, more than 6 years old; its other answers stay."
    ]
    assert "6 years after the survey" in plan.periods.describe()[-1]

    retention.set_retention_periods(db, retention.RetentionPeriods(12, 30, 6, 4), "Pat Chair")
    plan = retention.purge_preview(db, TODAY)
    assert [a.response_id for a in plan.survey_answers] == [standalone_old, standalone_new]
    assert retention.purge(db, plan, "Pat").survey_answers_removed == 2
    assert w.answers(standalone_old) == {w.fft: "Poor"}
    assert w.answers(standalone_new) == {w.fft: "Good"}
    # an answer whose feedback is still open stays with it, however old
    assert w.answers(open_old)[w.why] == "Still waiting for a reply"
    assert FeedbackStore(db).get(open_item or 0).text == "Still waiting for a reply"
    assert w.answers(rating_only) == {w.fft: "Good"}


def test_the_survey_period_is_checked_like_the_others(db: sqlite_utils.Database) -> None:
    assert retention.retention_periods(db).survey_text_years == 6
    with pytest.raises(ValidationError) as problem:
        retention.set_retention_periods(db, retention.RetentionPeriods(12, 30, 6, 0), "Pat")
    assert problem.value.field == "Keep written survey answers (years)"


def test_an_answer_is_spared_when_its_feedback_is_restored_after_the_preview(
    db: sqlite_utils.Database, w: Surveys
) -> None:
    response, item = w.response("Poor", "Parking is hard", dt.date(2026, 1, 5))
    assert item is not None
    FeedbackStore(db, "t").soft_delete([item])
    db.execute(
        "UPDATE feedback SET deleted_at = ? WHERE id = ?", [_stamp(dt.date(2026, 4, 1)), item]
    )
    plan = retention.purge_preview(db, TODAY)
    assert [a.feedback_id for a in plan.survey_answers] == [item]
    FeedbackStore(db, "t").restore([item])
    assert retention.purge(db, plan, "Pat") == retention.PurgeResult(0, 0, 0)
    assert w.answers(response)[w.why] == "Parking is hard"


def test_only_the_answer_its_feedback_came_from_goes(db: sqlite_utils.Database, w: Surveys) -> None:
    store = SurveyStore(db, "t")
    survey = store.create("Our waiting room")
    for text in ("What did you like?", "What should change?"):
        survey = store.add_question(survey.id, kind="text", text=text)
    liked, change = (q.id for q in survey.questions)
    made = store.add_response(
        survey.id,
        {liked: "The music", change: "The chairs, says Mr Quill"},
        practice_id=w.elm,
        collected_on=dt.date(2019, 2, 1),
    )
    first, second = made.feedback_ids
    FeedbackStore(db, "t").update(first, text="The music (edited)")  # no longer the same words
    w.close(second, dt.date(2019, 6, 1))
    plan = retention.purge_preview(db, TODAY)
    assert [(a.feedback_id, a.text) for a in plan.survey_answers] == [
        (second, "The chairs, says Mr Quill")
    ]
    retention.purge(db, plan, "Pat")
    assert store.get_response(made.id).answers == {liked: "The music"}


def test_pairing_items_with_answers() -> None:
    answers = [(1, "Parking"), (2, "Staff  were kind"), (3, "More chairs")]
    assert pair_items_with_answers(answers, [(10, "staff were kind"), (11, "Parking")]) == {
        2: 10,
        1: 11,
    }
    # edited items are paired in order when as many answers as items are left
    assert pair_items_with_answers(answers, [(10, "x"), (11, "More chairs"), (12, "y")]) == {
        3: 11,
        1: 10,
        2: 12,
    }
    # otherwise they stay unpaired (and their answers follow the years rule)
    assert pair_items_with_answers(answers, [(10, "edited")]) == {}


# --- subject access ------------------------------------------------------------------------------
@pytest.fixture
def jo(db: sqlite_utils.Database, w: Surveys) -> Surveys:
    """Jo's contact details on a phoned-in comment; a survey answer naming Jo whose feedback is
    gone; one that became feedback; and an unrelated answer."""
    phoned = FeedbackStore(db, "t").create(
        practice_id=w.elm,
        received_on=dt.date(2026, 1, 5),
        channel="phone",
        kind="complaint",
        text="The receptionist was rude to me",
    )
    ContactStore(db, "t").create(
        phoned.id, "Jo Bloggs", "07700 900123", "jo@example.com", True, TODAY, "A reply", "Sam"
    )
    w.standalone, item = w.response("Poor", JO, dt.date(2026, 2, 1))  # type: ignore[attr-defined]
    assert item is not None
    w.without_feedback(item)
    w.with_item, w.item = w.response(  # type: ignore[attr-defined]
        "Very good", "Thanks to jo bloggs for the lift", dt.date(2026, 3, 1)
    )
    w.other, _item = w.response("Good", "Dr Patel was kind", dt.date(2026, 3, 2))  # type: ignore[attr-defined]
    return w


def test_search_finds_written_answers_by_name_phone_or_email(
    db: sqlite_utils.Database, jo: Surveys
) -> None:
    result = subject_access.subject_access_search(db, name="Jo Bloggs", actor="Pat Chair")
    found = [(a.response_id, a.found_because) for a in result.survey_answers]
    assert found == [(jo.standalone, "mentions them"), (jo.with_item, "mentions them")]  # type: ignore[attr-defined]
    assert result.survey_answers[0].question == "Q2 Can you tell us why you gave that response?"
    assert result.survey_answers[1].feedback_id == jo.item  # type: ignore[attr-defined]
    for asked in ({"phone": "+44 7700 900 123"}, {"email": "JO@example.com"}):
        by = subject_access.subject_access_search(db, **asked)
        assert [a.response_id for a in by.survey_answers] == [jo.standalone]  # type: ignore[attr-defined]
    assert subject_access.subject_access_search(db, name="Nobody Known").survey_answers == []
    entry = AuditStore(db).list(action="subject_access_search", actor="Pat Chair")[0]
    assert entry.changes["survey_answers"] == 2 and "Bloggs" not in json.dumps(entry.changes)


def test_a_survey_answer_alone_is_found_and_an_answer_from_their_feedback_comes_too(
    db: sqlite_utils.Database, w: Surveys
) -> None:
    alone, item = w.response("Poor", "Ask for Ann Lee", dt.date(2026, 2, 1))
    assert item is not None
    w.without_feedback(item)
    result = subject_access.subject_access_search(db, name="Ann Lee")
    assert not result.empty and [a.response_id for a in result.survey_answers] == [alone]
    # feedback found for them (here through a version kept from a merge) brings its answer
    response, item = w.response("Good", "Parking is fine now", dt.date(2026, 2, 2))
    assert item is not None
    MergeConflictStore(db).keep("feedback", "u", item, "bundle", {"text": "Ann Lee parked"})
    result = subject_access.subject_access_search(db, name="Ann Lee")
    assert [(a.response_id, a.found_because) for a in result.survey_answers] == [
        (alone, "mentions them"),
        (response, "the feedback found was made from it"),
    ]


def test_an_answer_from_another_practice_warns_of_different_people(
    db: sqlite_utils.Database, w: Surveys
) -> None:
    phoned = FeedbackStore(db, "t").create(
        practice_id=w.elm,
        received_on=dt.date(2026, 1, 5),
        channel="phone",
        kind="complaint",
        text="Waited an hour",
    )
    ContactStore(db, "t").create(
        phoned.id, "Jo Smith", "07700 900123", "", True, TODAY, "A reply", "Sam"
    )
    assert not subject_access.subject_access_search(db, name="Jo Smith").could_be_different_people
    _response, item = w.response("Poor", "Jo Smith was rude", dt.date(2026, 2, 1), w.hill)
    assert item is not None
    w.without_feedback(item)
    result = subject_access.subject_access_search(db, name="Jo Smith")
    assert result.could_be_different_people
    assert result.name_matches is not None
    assert "Hillview Medical Centre (1 item)" in result.name_matches.practices_line()


def test_export_includes_survey_answers_and_versions_kept_after_merging(
    db: sqlite_utils.Database, jo: Surveys, tmp_path: Path
) -> None:
    phoned = ContactStore(db).list_all()[0].feedback_id or 0
    MergeConflictStore(db).keep(
        "feedback", "u", phoned, "bundle", {"text": "The receptionist, Mrs Yarrow, was rude"}
    )
    result = subject_access.subject_access_search(db, name="Jo Bloggs", email="jo@example.com")
    data = json.loads(
        subject_access.export_subject_access(result, tmp_path / "sar.json", db=db).read_text(
            "utf-8"
        )
    )
    answers = data["survey_answers"]
    assert [a["answer"] for a in answers] == [JO, "Thanks to jo bloggs for the lift"]
    assert answers[0]["survey"] == "Friends and Family Test (version 1)"
    assert (
        answers[0]["collected_on"] == "01/02/2026" and answers[0]["practice"] == "Elm Road Surgery"
    )
    assert data["linked_feedback"][0]["earlier_versions"] == [
        {
            "what": "an earlier version of this comment, kept after merging laptops",
            "kept_on": uk_date(MergeConflictStore(db).for_feedback(phoned)[0].at),
            "text": "The receptionist, Mrs Yarrow, was rude",
        }
    ]
    csv_path = subject_access.export_subject_access(result, tmp_path / "sar.csv", db=db)
    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert ["survey answer", str(jo.standalone), "answer", JO] in rows  # type: ignore[attr-defined]
    earlier = [r for r in rows if r[2].startswith("an earlier version of this comment")]
    assert earlier == [
        [
            "linked feedback",
            str(phoned),
            earlier[0][2],
            "The receptionist, Mrs Yarrow, was rude",
        ]
    ]
    assert "kept after merging laptops (kept on " in earlier[0][2]
    entry = AuditStore(db).list(action="export")[-1]
    assert entry.changes["survey_answers"] == 2 and entry.changes["earlier_versions"] == 1
    assert "Bloggs" not in json.dumps(entry.changes) and "Yarrow" not in json.dumps(entry.changes)


def test_erasure_redacts_written_answers_and_keeps_ratings(
    db: sqlite_utils.Database, jo: Surveys
) -> None:
    ratings_before = _ratings(db)
    result = subject_access.subject_access_search(db, name="Jo Bloggs", email="jo@example.com")
    counts = subject_access.erase_subject(db, result, "Pat Chair")
    assert counts["survey_answers_redacted"] == 2 and counts["survey_answers_removed"] == 0
    answer = jo.answers(jo.standalone)[jo.why]  # type: ignore[attr-defined]
    assert "Bloggs" not in answer and "07700" not in answer and "jo@example.com" not in answer
    assert "[NAME]" in answer and "was kept waiting an hour" in answer
    assert "bloggs" not in jo.all_text().casefold()
    assert jo.answers(jo.other)[jo.why] == "Dr Patel was kind"  # type: ignore[attr-defined]
    assert _ratings(db) == ratings_before
    entry = AuditStore(db).list(action="erase")[0]
    assert entry.changes["survey_answers_redacted"] == 2
    assert entry.changes["survey_responses"] == [jo.standalone, jo.with_item]  # type: ignore[attr-defined]
    assert "Bloggs" not in json.dumps(entry.changes) and "waiting" not in json.dumps(entry.changes)
    assert subject_access.subject_access_search(db, name="Jo Bloggs").empty


def test_erasure_that_deletes_feedback_removes_written_answers_and_keeps_ratings(
    db: sqlite_utils.Database, jo: Surveys
) -> None:
    ratings_before = _ratings(db)
    result = subject_access.subject_access_search(db, name="Jo Bloggs")
    counts = subject_access.erase_subject(db, result, "Pat Chair", delete_feedback=True)
    assert counts["survey_answers_removed"] == 2 and counts["survey_answers_redacted"] == 0
    assert jo.answers(jo.standalone) == {jo.fft: "Poor"}  # type: ignore[attr-defined]
    assert jo.answers(jo.with_item) == {jo.fft: "Very good"}  # type: ignore[attr-defined]
    assert jo.answers(jo.other)[jo.why] == "Dr Patel was kind"  # type: ignore[attr-defined]
    assert _ratings(db) == ratings_before
    entry = AuditStore(db).list(action="erase")[0]
    assert entry.changes["survey_answers_removed"] == 2
    assert "Bloggs" not in json.dumps(entry.changes) and "waiting" not in json.dumps(entry.changes)
