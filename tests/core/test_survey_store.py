"""Survey design, versioning, responses with skip logic, feedback made from comments, undo."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlite_utils

from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.skip_logic import visible_questions
from ppg_desktop.core.survey_responses import feedback_kind
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.survey_templates import FFT_OPTIONS, FFT_QUESTION, PHONE_EASE_OPTIONS

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def store(db: sqlite_utils.Database) -> SurveyStore:
    return SurveyStore(db, actor="tester")


@pytest.fixture
def practice_id(db: sqlite_utils.Database) -> int:
    return PracticeStore(db).create("Riverside Surgery").id


def test_fft_template_has_the_national_wording(store: SurveyStore) -> None:
    survey = store.create_from_template("fft")
    assert survey.title == "Friends and Family Test"
    assert survey.template == "fft"
    first, second = survey.questions
    assert (first.position, first.code, first.kind, first.text) == (1, "fft", "fft", FFT_QUESTION)
    assert first.options == FFT_OPTIONS and first.required
    assert (second.code, second.kind) == ("fft_reason", "text")
    assert second.text == "Can you tell us why you gave that response?"


def test_contacting_template_skips_last_phoned_for_people_who_have_not_tried(
    store: SurveyStore,
) -> None:
    survey = store.create_from_template("contacting")
    ease, last, _overall = survey.questions
    assert ease.options == PHONE_EASE_OPTIONS
    assert last.show_if == {"question": ease.uuid, "not_in": ["I haven't tried"]}
    shown = visible_questions(survey.questions, {ease.id: "I haven't tried"})
    assert [q.code for q in shown] == ["phone_ease", "contact_experience"]
    shown = visible_questions(survey.questions, {ease.id: "Very easy"})
    assert [q.code for q in shown] == ["phone_ease", "last_phoned", "contact_experience"]


def test_question_validation_names_the_field(store: SurveyStore) -> None:
    survey = store.create("Our survey")
    with pytest.raises(ValidationError) as err:
        store.add_question(survey.id, kind="single", text="Which day?", options=["Monday"])
    assert err.value.field == "Answer options"
    with pytest.raises(ValidationError) as err:
        store.add_question(survey.id, kind="number", text="How many?", min_value=5, max_value=1)
    assert err.value.field == "Highest number"
    with pytest.raises(ValidationError) as err:
        store.add_question(survey.id, kind="essay", text="Tell us")
    assert err.value.field == "Question type"
    with pytest.raises(ValidationError) as err:
        store.add_question(survey.id, kind="text", text="   ")
    assert err.value.field == "Question"
    with pytest.raises(ValidationError) as err:
        store.create("  ")
    assert err.value.field == "Title"


def test_fft_wording_cannot_be_changed(store: SurveyStore) -> None:
    survey = store.create("FFT")
    survey = store.add_question(survey.id, kind="fft", text="How was it?", options=["Fine"])
    assert survey.questions[0].text == FFT_QUESTION
    assert survey.questions[0].options == FFT_OPTIONS


def test_show_if_must_point_at_an_earlier_answer_that_exists(store: SurveyStore) -> None:
    survey = store.create_from_template("fft")
    fft = survey.questions[0]
    with pytest.raises(ValidationError) as err:
        store.add_question(
            survey.id,
            kind="text",
            text="What went wrong?",
            show_if={"question": fft.uuid, "in": ["Awful"]},
        )
    assert err.value.field == "Show only if"
    with pytest.raises(ValidationError):  # depends on the reason (free text): no options
        store.add_question(
            survey.id, kind="text", text="More?", show_if={"question": 2, "in": ["x"]}
        )
    survey = store.add_question(
        survey.id,
        kind="text",
        text="What went wrong?",
        show_if={"question": 1, "in": ["Poor", "Very poor"]},
    )
    added = survey.questions[2]
    assert added.show_if == {"question": fft.uuid, "in": ["Poor", "Very poor"]}
    with pytest.raises(ValidationError) as err:  # would move above the question it depends on
        store.move_question(added.id, 1)
    assert err.value.field == "Show only if"
    with pytest.raises(ValidationError) as err:
        store.remove_question(fft.id)
    assert "Q3" in err.value.message


def test_reorder_and_remove(store: SurveyStore) -> None:
    survey = store.create("Mixed")
    for text in ("A?", "B?", "C?"):
        survey = store.add_question(survey.id, kind="text", text=text)
    c = survey.questions[2]
    survey = store.move_question(c.id, 1)
    assert [q.text for q in survey.questions] == ["C?", "A?", "B?"]
    assert [q.position for q in survey.questions] == [1, 2, 3]
    survey = store.remove_question(survey.questions[1].id)
    assert [q.text for q in survey.questions] == ["C?", "B?"]
    survey = store.add_question(survey.id, kind="yes_no", text="Inserted?", position=1)
    assert [q.text for q in survey.questions] == ["Inserted?", "C?", "B?"]


def test_editing_a_survey_with_responses_makes_a_new_version(
    store: SurveyStore, practice_id: int
) -> None:
    v1 = store.create_from_template("fft")
    fft, reason = v1.questions
    store.add_response(v1.id, {fft.id: "Good"}, practice_id=practice_id, collected_on=DAY)
    v2 = store.update_question(reason.id, text="What went well?")
    assert v2.id != v1.id and v2.version == 2 and v2.previous_version_id == v1.id
    assert [q.text for q in store.get(v1.id).questions][1] == reason.text  # unchanged
    assert v2.questions[1].text == "What went well?"
    assert store.get(v1.id).response_count == 1 and v2.response_count == 0
    # later edits go to version 2 in place, and version 1 can no longer be edited
    v2b = store.add_question(v2.id, kind="yes_no", text="Would you come back?")
    assert v2b.id == v2.id and len(v2b.questions) == 3
    with pytest.raises(ValidationError) as err:
        store.add_question(v1.id, kind="text", text="Anything else?")
    assert err.value.field == "Survey"
    assert [s.id for s in store.list()] == [v2.id]
    assert [s.version for s in store.versions(v1.id)] == [1, 2]


def test_new_version_keeps_skip_logic_pointing_inside_itself(
    store: SurveyStore, practice_id: int
) -> None:
    v1 = store.create_from_template("contacting")
    ease = v1.questions[0]
    store.add_response(v1.id, {ease.id: "Very easy"}, practice_id=practice_id, collected_on=DAY)
    v2 = store.update_question(v1.questions[2].id, help_text="Think of your last contact.")
    new_ease = v2.questions[0]
    assert v2.questions[1].show_if is not None
    assert v2.questions[1].show_if["question"] == new_ease.uuid != ease.uuid


def test_add_response_validates_and_applies_skip_logic(
    store: SurveyStore, practice_id: int
) -> None:
    survey = store.create("Visit")
    survey = store.add_question(survey.id, kind="fft", text="", required=True)
    survey = store.add_question(
        survey.id,
        kind="text",
        text="What went wrong?",
        required=True,
        show_if={"question": 1, "in": ["Poor", "Very poor"]},
    )
    survey = store.add_question(survey.id, kind="scale5", text="Rate the waiting room")
    survey = store.add_question(
        survey.id, kind="number", text="Minutes waited", min_value=0, max_value=240
    )
    survey = store.add_question(
        survey.id, kind="multi", text="How did you book?", options=["Phone", "Online", "In person"]
    )
    survey = store.add_question(survey.id, kind="date", text="Date of visit")
    fft, wrong, scale, minutes, booked, visit = (q.id for q in survey.questions)

    with pytest.raises(ValidationError) as err:  # required FFT missing
        store.add_response(survey.id, {scale: 3}, practice_id=practice_id, collected_on=DAY)
    assert err.value.field.startswith("Q1")
    with pytest.raises(ValidationError) as err:  # shown because Poor, and required
        store.add_response(survey.id, {fft: "Poor"}, practice_id=practice_id, collected_on=DAY)
    assert err.value.field.startswith("Q2")
    for bad in (
        {scale: 6},
        {minutes: 300},
        {booked: ["Fax"]},
        {visit: "31/02/2026"},
        {fft: "Excellent"},
    ):
        with pytest.raises(ValidationError):
            store.add_response(
                survey.id, {fft: "Good", **bad}, practice_id=practice_id, collected_on=DAY
            )
    with pytest.raises(ValidationError) as err:
        store.add_response(survey.id, {fft: "Good"}, practice_id=None, collected_on=DAY)
    assert err.value.field == "Practice"
    with pytest.raises(ValidationError) as err:
        store.add_response(
            survey.id,
            {fft: "Good"},
            practice_id=practice_id,
            collected_on=dt.date.today() + dt.timedelta(days=1),
        )
    assert err.value.field == "Date collected"

    response = store.add_response(
        survey.id,
        {
            fft: "Good",
            wrong: "hidden, so dropped",
            scale: "4",
            minutes: "12.5",
            booked: ["Online", "Phone"],
            visit: "09/03/2026",
        },
        practice_id=practice_id,
        collected_on=DAY,
        mode="paper",
    )
    assert response.answers == {
        fft: "Good",
        scale: "4",
        minutes: "12.5",
        booked: json.dumps(["Phone", "Online"]),
        visit: "2026-03-09",
    }
    assert response.feedback_ids == ()


def test_free_text_becomes_linked_tagged_feedback(
    store: SurveyStore, practice_id: int, db: sqlite_utils.Database
) -> None:
    survey = store.create_from_template("fft")
    fft, reason = (q.id for q in survey.questions)
    response = store.add_response(
        survey.id,
        {fft: "Very poor", reason: "Waited 40 minutes on the phone to get through"},
        practice_id=practice_id,
        collected_on=DAY,
        mode="kiosk",
    )
    (feedback_id,) = response.feedback_ids
    item = FeedbackStore(db).get(feedback_id)
    assert item.channel == "survey" and item.kind == "complaint"
    assert item.survey_response_id == response.id and item.received_on == DAY
    assert item.sentiment == "negative"
    assert item.themes, "the tagging pipeline should have suggested a theme"


def test_feedback_kind_follows_the_fft_answer() -> None:
    assert feedback_kind("Very good", "negative") == "compliment"
    assert feedback_kind("Poor", None) == "complaint"
    assert feedback_kind("Don't know", "negative") == "concern"
    assert feedback_kind(None, "positive") == "compliment"
    assert feedback_kind("Neither good nor poor", "neutral") == "suggestion"


def test_undo_last_response_withdraws_it_and_its_feedback(
    store: SurveyStore, practice_id: int, db: sqlite_utils.Database
) -> None:
    survey = store.create_from_template("fft")
    fft, reason = (q.id for q in survey.questions)
    first = store.add_response(survey.id, {fft: "Good"}, practice_id=practice_id, collected_on=DAY)
    second = store.add_response(
        survey.id,
        {fft: "Poor", reason: "Rude receptionist"},
        practice_id=practice_id,
        collected_on=DAY,
    )
    assert store.delete_last_response(survey.id) == second.id
    assert [r.id for r in store.list_responses(survey.id)] == [first.id]
    assert FeedbackStore(db).count() == 0
    assert store.get(survey.id).response_count == 1
    assert store.delete_last_response(survey.id) == first.id
    assert store.delete_last_response(survey.id) is None
    actions = [
        row[0]
        for row in db.execute(
            "SELECT action FROM audit_log WHERE table_name = 'survey_responses' ORDER BY id"
        )
    ]
    assert actions == ["create", "create", "delete", "delete"]


def test_answers_for_another_survey_are_refused(store: SurveyStore, practice_id: int) -> None:
    one = store.create_from_template("fft")
    other = store.create_from_template("contacting")
    with pytest.raises(ValidationError) as err:
        store.add_response(
            one.id,
            {one.questions[0].id: "Good", other.questions[0].id: "Very easy"},
            practice_id=practice_id,
            collected_on=DAY,
        )
    assert err.value.field == "Question"


def test_find_by_title_or_number(store: SurveyStore) -> None:
    survey = store.create_from_template("fft")
    assert store.find(str(survey.id)).id == survey.id
    assert store.find("friends and family test").id == survey.id
    with pytest.raises(NotFoundError):
        store.find("No such survey")
