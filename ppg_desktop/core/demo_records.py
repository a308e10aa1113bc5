"""The demo PPG's surveys, actions and meetings (see core/demo.py for the whole run).

Survey 1 is always the NHS Friends and Family Test and survey 2 "Contacting the practice", built
from the same templates the survey designer offers, so results code finds their questions by code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ppg_desktop.core.demo_plan import HUB_MONTH, fft_positive_share, phone_easy_share
from ppg_desktop.core.demo_wording import FFT_REASONS, TOPICS
from ppg_desktop.core.survey_templates import (
    FFT_OPTIONS,
    GOOD_POOR_OPTIONS,
    LAST_PHONED_OPTIONS,
    PHONE_EASE_OPTIONS,
    TEMPLATES,
)

if TYPE_CHECKING:
    from ppg_desktop.core.demo import DemoContext, DemoItem

CONTACT_SURVEY_MONTHS = 9
FFT_SURVEY_ID = 1
CONTACT_SURVEY_ID = 2


def _insert_survey(ctx: DemoContext, survey_id: int, template_key: str) -> dict[str, int]:
    """One survey from its template; returns its question ids by code."""
    template = TEMPLATES[template_key]
    stamp = ctx.stamp(ctx.plan.start - dt.timedelta(days=10))
    ctx.db.execute(
        "INSERT INTO surveys (id, uuid, title, description, template, version, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        [survey_id, ctx.uuid(), template.title, template.description, template.key, stamp, stamp],
    )
    ids = {}
    for position, question in enumerate(template.questions, start=1):
        cursor = ctx.db.execute(
            "INSERT INTO survey_questions (uuid, survey_id, position, code, kind, text,"
            " help_text, required, options, show_if) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ctx.uuid(),
                survey_id,
                position,
                question.code,
                question.kind,
                question.text,
                question.help_text,
                int(question.required),
                json.dumps(list(question.options)),
                json.dumps(question.show_if) if question.show_if else None,
            ],
        )
        ids[question.code] = int(cursor.lastrowid or 0)
    return ids


def _fft_answer_for(item: DemoItem, ctx: DemoContext) -> str:
    """What someone who wrote this comment would have ticked."""
    rng, polarity = ctx.rng, TOPICS[item.topic].polarity
    if polarity == "positive":
        return rng.choices(FFT_OPTIONS[:2], (7, 3))[0]
    if polarity == "suggestion":
        return rng.choices(FFT_OPTIONS[:3], (2, 4, 4))[0]
    return rng.choices(FFT_OPTIONS[2:5], (15, 45, 40))[0]


def _fft_answer(ctx: DemoContext, month: int, practice: int) -> str:
    positive = fft_positive_share(ctx.plan, month, ctx.plan.practices[practice])
    roll = ctx.rng.random()
    if roll < positive:
        return "Very good" if ctx.rng.random() < 0.64 else "Good"
    return ctx.rng.choices(FFT_OPTIONS[2:], (30, 32, 28, 10))[0]


def _cells(ctx: DemoContext, months: range) -> tuple[list[tuple[int, int]], list[float]]:
    cells = [(m, p) for m in months for p in range(len(ctx.plan.practices))]
    weights = [ctx.plan.month_volume[m] * ctx.plan.practices[p].size for m, p in cells]
    return cells, weights


def _day_in(ctx: DemoContext, month: int) -> dt.date:
    first, last = ctx.plan.month_days(month)
    return first + dt.timedelta(days=ctx.rng.randint(0, (last - first).days))


def write_surveys(
    ctx: DemoContext, items: list[DemoItem], fft_count: int, contact_count: int
) -> tuple[int, int]:
    """The FFT (survey 1) and "Contacting the practice" (survey 2) with their responses.

    Survey-channel comments each get the FFT response they came from (their text is its reason).
    Returns the number of responses to each survey.
    """
    rng = ctx.rng
    fft_ids = _insert_survey(ctx, FFT_SURVEY_ID, "fft")
    contact_ids = _insert_survey(ctx, CONTACT_SURVEY_ID, "contacting")
    # (collected_on, practice, answers by code, mode, item or None)
    responses: list[tuple[dt.date, int, dict[str, str], str, Any]] = []
    survey_items = [item for item in items if item.channel == "survey"]
    from_items = survey_items[:fft_count]
    for item in from_items:
        answer = _fft_answer_for(item, ctx)
        mode = "kiosk" if rng.random() < 0.6 else "paper"
        item.extra["fft"], item.extra["mode"] = answer, mode
        responses.append(
            (item.received_on, item.practice, {"fft": answer, "fft_reason": item.text}, mode, item)
        )
    for item in survey_items[fft_count:]:  # more survey comments than responses: re-file them
        item.channel = "kiosk"
    cells, weights = _cells(ctx, range(len(ctx.plan.months)))
    for month, practice in rng.choices(cells, weights, k=fft_count - len(from_items)):
        answer = _fft_answer(ctx, month, practice)
        answers = {"fft": answer}
        if rng.random() < 0.35:
            answers["fft_reason"] = rng.choice(FFT_REASONS[answer])
        responses.append(
            (
                _day_in(ctx, month),
                practice,
                answers,
                "kiosk" if rng.random() < 0.55 else "paper",
                None,
            )
        )
    first_month = max(0, len(ctx.plan.months) - CONTACT_SURVEY_MONTHS)
    cells, weights = _cells(ctx, range(first_month, len(ctx.plan.months)))
    contact_start = len(responses)
    for month, practice in rng.choices(cells, weights, k=contact_count):
        responses.append(
            (
                _day_in(ctx, month),
                practice,
                _contact_answers(ctx, month, practice),
                "kiosk" if rng.random() < 0.5 else "paper",
                None,
            )
        )
    ctx.step(len(responses))
    _insert_responses(ctx, responses, contact_start, fft_ids, contact_ids)
    return contact_start, len(responses) - contact_start


def _insert_responses(
    ctx: DemoContext,
    responses: list[tuple[dt.date, int, dict[str, str], str, Any]],
    contact_start: int,
    fft_ids: dict[str, int],
    contact_ids: dict[str, int],
) -> None:
    rng = ctx.rng
    order = sorted(range(len(responses)), key=lambda i: responses[i][0])
    response_rows: list[tuple[Any, ...]] = []
    answer_rows: list[tuple[int, int, str]] = []
    volunteers = ctx.data_entry_users()
    for response_id, index in enumerate(order, start=1):
        day, practice, answers, mode, item = responses[index]
        survey_id = CONTACT_SURVEY_ID if index >= contact_start else FFT_SURVEY_ID
        question_ids = contact_ids if survey_id == CONTACT_SURVEY_ID else fft_ids
        stamp = ctx.stamp(day)
        entered_by = rng.choice(volunteers) if mode == "paper" else None
        response_rows.append(
            (
                response_id,
                ctx.uuid(),
                survey_id,
                ctx.practice_ids[practice],
                day.isoformat(),
                mode,
                entered_by,
                stamp,
                stamp,
            )
        )
        answer_rows.extend(
            (response_id, question_ids[code], value) for code, value in answers.items()
        )
        if item is not None:
            item.response_id = response_id
    ctx.db.conn.executemany(
        "INSERT INTO survey_responses (id, uuid, survey_id, practice_id, collected_on, mode,"
        " entered_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        response_rows,
    )
    ctx.db.conn.executemany(
        "INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)",
        answer_rows,
    )


def _contact_answers(ctx: DemoContext, month: int, practice: int) -> dict[str, str]:
    """A GPPS-style answer set whose parts agree with each other."""
    rng = ctx.rng
    easy = phone_easy_share(ctx.plan, month, ctx.plan.practices[practice])
    if rng.random() < 0.07:
        ease = PHONE_EASE_OPTIONS[5]
    elif rng.random() < easy:
        ease = rng.choices(PHONE_EASE_OPTIONS[:2], (35, 65))[0]
    else:
        ease = rng.choices(PHONE_EASE_OPTIONS[2:5], (30, 40, 30))[0]
    answers = {"phone_ease": ease}
    level = PHONE_EASE_OPTIONS.index(ease)  # 0 very easy ... 4 very difficult, 5 not tried
    if level < 5:
        weights = (
            (45, 45, 8, 1, 1),
            (30, 50, 12, 5, 3),
            (12, 50, 16, 15, 7),
            (5, 40, 15, 28, 12),
            (2, 30, 13, 35, 20),
        )[level]
        answers["last_phoned"] = rng.choices(LAST_PHONED_OPTIONS, weights)[0]
    shift = min(level, 4)
    experience = (
        (50, 38, 8, 3, 1),
        (30, 50, 13, 5, 2),
        (10, 35, 35, 14, 6),
        (4, 16, 25, 35, 20),
        (2, 6, 14, 33, 45),
    )[shift]
    if rng.random() < 0.95:
        answers["contact_experience"] = rng.choices(GOOD_POOR_OPTIONS, experience)[0]
    return answers


@dataclass(frozen=True)
class ActionSpec:
    """One "you said, we did" action in the demo's story."""

    title: str
    description: str
    themes: tuple[str, ...]
    topics: tuple[str, ...]
    raised: int  # month index; negative counts back from the winter's first month
    status: str
    settle_months: int = 2  # how long until done or declined
    due: int = 42  # days after raising (for open ones, may fall before today: overdue)
    response: str = ""
    outcome: str = ""
    declined: str = ""
    hub: bool = False


ACTIONS = (
    ActionSpec(
        "Phone hub queues at peak times",
        "Members report long queues and dropped calls since the shared phone hub opened.",
        ("phone_access",),
        ("phone_hub", "phone"),
        HUB_MONTH + 1,
        "done",
        response="The hub has added four lines between 8 and 10am and a call-back option.",
        outcome="You said the phones were always engaged; the practice added four lines "
        "and a call-back option.",
        hub=True,
    ),
    ActionSpec(
        "Tell callers their place in the queue",
        "Callers have no idea how long they will wait.",
        ("phone_access",),
        ("phone_hub", "phone"),
        HUB_MONTH + 2,
        "done",
        response="The phone message now gives your place in the queue.",
        outcome="You said you never knew how long you would be on hold; the phone "
        "message now tells you your place in the queue.",
        hub=True,
    ),
    ActionSpec(
        "Short-notice cancellations over the winter",
        "Appointments cancelled by text the evening before, often with no new date.",
        ("cancellations",),
        ("cancellations",),
        -1,
        "done",
        response="Cancelled patients are now phoned and offered the next free slot.",
        outcome="You said appointments were cancelled by text at the last minute; the "
        "practice now rings you to rebook and keeps a list for earlier slots.",
    ),
    ActionSpec(
        "Online form closes before 9am",
        "The new online consultation form fills up and closes early most mornings.",
        ("online_services",),
        ("online_form",),
        HUB_MONTH + 5,
        "in_progress",
        due=45,
        response="The supplier is looking at keeping the form open until 6pm.",
    ),
    ActionSpec(
        "Hearing loop at reception",
        "Patients with hearing aids cannot use the loop.",
        ("premises_access",),
        ("premises",),
        2,
        "done",
        settle_months=1,
        response="The loop has been repaired and is on the monthly checklist.",
        outcome="You said the hearing loop at reception did not work; it has been "
        "repaired and is now checked every month.",
    ),
    ActionSpec(
        "Repeat prescriptions going missing",
        "Requests not reaching the pharmacy; patients running out of medication.",
        ("prescriptions",),
        ("prescriptions",),
        4,
        "done",
        response="A practice pharmacist now checks the repeat requests every day.",
        outcome="You said repeat prescriptions were going astray; a pharmacist now "
        "checks every request within two working days.",
    ),
    ActionSpec(
        "Phone calls about test results",
        "Patients are not told their results and cannot get through to ask.",
        ("test_results",),
        ("results",),
        14,
        "open",
        due=30,
    ),
    ActionSpec(
        "Evening and Saturday appointments",
        "Working patients ask for appointments outside office hours.",
        ("appointment_availability",),
        ("appointments", "suggestion"),
        5,
        "declined",
        declined="The practice cannot staff evening surgeries at present; extended-hours "
        "appointments through the primary care network can be booked at reception.",
    ),
    ActionSpec(
        "Disabled parking bays",
        "The disabled bays are taken by staff cars in the mornings.",
        ("premises_access",),
        ("premises",),
        15,
        "open",
        due=90,
    ),
    ActionSpec(
        "A newsletter about changes at the surgery",
        "Patients hear about changes by word of mouth.",
        ("communication",),
        ("communication", "suggestion"),
        3,
        "done",
        response="The PPG drafts it and the practice prints and posts it online.",
        outcome="You asked to be told about changes; the PPG and the practice now "
        "publish a newsletter every three months.",
    ),
    ActionSpec(
        "Referrals not reaching the hospital",
        "Several patients found their referral had never arrived.",
        ("referrals",),
        ("referrals",),
        13,
        "in_progress",
        due=120,
        response="The practice is auditing a month of referrals.",
    ),
    ActionSpec(
        "Privacy at the front desk",
        "Patients asked personal questions in front of the queue.",
        ("reception_staff",),
        ("reception_rude",),
        10,
        "done",
        response="A sign now offers a private room; reception staff have had training.",
        outcome="You said you were asked personal questions in front of other patients; "
        "there is now a private room on request and staff have had training.",
    ),
    ActionSpec(
        "Seeing the same doctor",
        "People with long-term conditions want continuity.",
        ("continuity",),
        ("continuity",),
        16,
        "open",
        due=70,
    ),
)

MANAGERS = (
    "Karen Fowler (practice manager)",
    "Imran Siddiqui (practice manager)",
    "Dr Helen Pryce (GP partner)",
    "Dr Tom Okafor (GP partner)",
)


def write_actions_and_meetings(ctx: DemoContext, items: list[DemoItem]) -> tuple[int, int]:
    """About a dozen actions through their statuses, and a meeting every two months."""
    meetings = _write_meetings(ctx, items)
    by_topic: dict[str, list[DemoItem]] = {}
    for item in items:
        by_topic.setdefault(item.topic, []).append(item)
    last = len(ctx.plan.months) - 1
    for spec in ACTIONS:
        month = ctx.plan.winter[0] + 1 if spec.raised < 0 else min(spec.raised, last)
        _write_action(ctx, spec, month, meetings, by_topic)
    return len(ACTIONS), len(meetings)


def _on_or_before(ctx: DemoContext, day: dt.date) -> dt.date:
    return min(day, ctx.plan.today)


def _write_action(
    ctx: DemoContext,
    spec: ActionSpec,
    month: int,
    meetings: list[tuple[int, dt.date]],
    by_topic: dict[str, list[DemoItem]],
) -> None:
    rng, plan, db = ctx.rng, ctx.plan, ctx.db
    raised_on = _on_or_before(ctx, plan.months[month] + dt.timedelta(days=rng.randint(8, 20)))
    practice = None
    if spec.hub:
        practice = next(i for i, p in enumerate(plan.practices) if p.on_hub)
    elif rng.random() < 0.4:
        practice = rng.randrange(len(plan.practices))
    settled_on = _on_or_before(ctx, raised_on + dt.timedelta(days=30 * spec.settle_months))
    due_on = raised_on + dt.timedelta(days=spec.due)
    if spec.status in ("open", "in_progress") and spec.due < 60:
        due_on = min(due_on, plan.today - dt.timedelta(days=rng.randint(5, 20)))  # overdue
    meeting_id = next((mid for mid, held in reversed(meetings) if held <= raised_on), None)
    where = plan.practices[practice].name if practice is not None else "all practices"
    history: list[tuple[str | None, str, str, dt.date]] = [
        (None, "open", "Agreed at the PPG meeting", raised_on)
    ]
    if spec.status != "open":
        history.append(
            (
                "open",
                "in_progress",
                "Raised with the practice manager",
                _on_or_before(ctx, raised_on + dt.timedelta(days=7)),
            )
        )
    if spec.status in ("done", "declined"):
        history.append(("in_progress", spec.status, spec.response or spec.declined, settled_on))
    created = ctx.stamp(raised_on)
    updated = ctx.stamp(history[-1][3])
    cursor = db.execute(
        "INSERT INTO actions (uuid, title, description, practice_id, raised_with, raised_on,"
        " owner, due_on, status, declined_reason, practice_response, outcome, meeting_id,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ctx.uuid(),
            spec.title,
            spec.description,
            ctx.practice_ids[practice] if practice is not None else None,
            f"Practice manager, {where}",
            raised_on.isoformat(),
            rng.choice([plan.chair, *plan.volunteers[:2]]),
            due_on.isoformat(),
            spec.status,
            spec.declined,
            spec.response,
            spec.outcome,
            meeting_id,
            created,
            max(created, updated),
        ],
    )
    action_id = int(cursor.lastrowid or 0)
    db.conn.executemany(
        "INSERT INTO action_history (action_id, old_status, new_status, note, changed_by,"
        " changed_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (action_id, old, new, note, plan.chair, ctx.stamp(day))
            for old, new, note, day in history
        ],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO action_themes (action_id, theme_id) VALUES (?, ?)",
        [(action_id, ctx.theme_ids[slug]) for slug in spec.themes if slug in ctx.theme_ids],
    )
    window = raised_on - dt.timedelta(days=75)
    candidates = [
        item
        for topic in spec.topics
        for item in by_topic.get(topic, [])
        if window <= item.received_on <= raised_on
        and (practice is None or item.practice == practice)
    ]
    picked = rng.sample(candidates, k=min(len(candidates), rng.randint(3, 8)))
    db.conn.executemany(
        "INSERT OR IGNORE INTO action_feedback (action_id, feedback_id) VALUES (?, ?)",
        [(action_id, item.id) for item in sorted(picked, key=lambda i: i.id)],
    )


def _meeting_notes(ctx: DemoContext, month: int) -> list[str]:
    plan = ctx.plan
    hub_names = ", ".join(p.name for p in plan.practices if p.on_hub)
    notes = []
    if month < HUB_MONTH:
        notes.append(
            f"The practices told us calls for {hub_names} will move to a shared phone "
            "hub later in the year. Members asked to be kept informed."
        )
    elif month < HUB_MONTH + 4:
        notes.append(
            f"Most feedback since the last meeting is about the new phone hub at "
            f"{hub_names}: long queues, dropped calls and staff who cannot book. The "
            "practice manager acknowledged the problems."
        )
    else:
        notes.append(
            "Phone complaints have eased since the hub added lines and a call-back "
            "option; members will keep watching the figures."
        )
    if month in plan.winter:
        notes.append("Several members raised appointments cancelled at short notice this winter.")
    if plan.form_month <= month < plan.form_month + 4:
        notes.append(
            "The new online consultation form is causing frustration: it closes early "
            "and times out."
        )
    notes.append(
        "Friends and Family Test results were reviewed; the PPG thanked the staff for "
        "the many compliments."
    )
    return notes


def _write_meetings(ctx: DemoContext, items: list[DemoItem]) -> list[tuple[int, dt.date]]:
    """A meeting on a Tuesday every other month, with agenda seeded from recent feedback."""
    rng, plan = ctx.rng, ctx.plan
    names = {slug: name for slug, name in ctx.db.execute("SELECT slug, name FROM themes")}
    meetings: list[tuple[int, dt.date]] = []
    previous = plan.start
    for month in range(1, len(plan.months), 2):
        first = plan.months[month]
        held = first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)  # second Tuesday
        if held > plan.today:
            break
        themes = Counter(
            TOPICS[i.topic].theme
            for i in items
            if previous <= i.received_on < held and i.kind != "compliment"
        )
        top = ", ".join(names.get(slug, slug) for slug, _ in themes.most_common(3))
        agenda = "\n".join(
            (
                "1. Welcome and apologies",
                "2. Practice update",
                f"3. Patient feedback since the last meeting (top themes: {top or 'none'})",
                "4. You said, we did: the action plan",
                "5. Any other business",
                "6. Date of next meeting",
            )
        )
        attendees = ", ".join(
            [
                f"{plan.chair} (chair)",
                *rng.sample(plan.volunteers, rng.randint(2, len(plan.volunteers))),
                rng.choice(MANAGERS),
            ]
        )
        stamp = ctx.stamp(held, hours=(18, 21))
        cursor = ctx.db.execute(
            "INSERT INTO meetings (uuid, held_on, title, attendees, agenda, notes, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ctx.uuid(),
                held.isoformat(),
                f"PPG meeting, {held.strftime('%B %Y')}",
                attendees,
                agenda,
                "\n\n".join(_meeting_notes(ctx, month)),
                stamp,
                stamp,
            ],
        )
        meetings.append((int(cursor.lastrowid or 0), held))
        previous = held
    return meetings
