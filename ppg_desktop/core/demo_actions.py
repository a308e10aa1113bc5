"""The demo PPG's "you said, we did" actions and its meetings (see core/demo.py for the run).

A meeting every other month; each action is agreed at one, raised with the practice a few days
later, and moves through its statuses with a history, linked to the themes and comments behind it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ppg_desktop.core.demo_plan import HUB_MONTH
from ppg_desktop.core.demo_wording import TOPICS

if TYPE_CHECKING:
    from ppg_desktop.core.demo import DemoContext, DemoItem

WINTER = -1  # an action raised in the middle of the demo's winter


@dataclass(frozen=True)
class ActionSpec:
    """One action in the demo's story."""

    title: str
    description: str
    themes: tuple[str, ...]
    topics: tuple[str, ...]  # whose comments are linked to it
    raised: int  # month index, or WINTER
    status: str
    settle_months: int = 2  # how long until done or declined
    due: int = 42  # days after raising; open ones due under 60 days are shown overdue
    response: str = ""
    outcome: str = ""
    declined: str = ""
    hub: bool = False


# fmt: off
ACTIONS = (
    ActionSpec(
        "Phone hub queues at peak times",
        "Members report long queues and dropped calls since the shared phone hub opened.",
        ("phone_access",), ("phone_hub", "phone"), HUB_MONTH + 1, "done", hub=True,
        response="The hub has added four lines between 8 and 10am and a call-back option.",
        outcome="You said the phones were always engaged; the practice added four lines and a "
        "call-back option."),
    ActionSpec(
        "Tell callers their place in the queue", "Callers have no idea how long they will wait.",
        ("phone_access",), ("phone_hub", "phone"), HUB_MONTH + 2, "done", hub=True,
        response="The phone message now gives your place in the queue.",
        outcome="You said you never knew how long you would be on hold; the phone message now "
        "tells you your place in the queue."),
    ActionSpec(
        "Short-notice cancellations over the winter",
        "Appointments cancelled by text the evening before, often with no new date.",
        ("cancellations",), ("cancellations",), WINTER, "done",
        response="Cancelled patients are now phoned and offered the next free slot.",
        outcome="You said appointments were cancelled by text at the last minute; the practice "
        "now rings you to rebook and keeps a list for earlier slots."),
    ActionSpec(
        "Online form closes before 9am",
        "The new online consultation form fills up and closes early most mornings.",
        ("online_services",), ("online_form",), HUB_MONTH + 5, "in_progress", due=45,
        response="The supplier is looking at keeping the form open until 6pm."),
    ActionSpec(
        "Hearing loop at reception", "Patients with hearing aids cannot use the loop.",
        ("premises_access",), ("premises",), 2, "done", settle_months=1,
        response="The loop has been repaired and is on the monthly checklist.",
        outcome="You said the hearing loop at reception did not work; it has been repaired and "
        "is now checked every month."),
    ActionSpec(
        "Repeat prescriptions going missing",
        "Requests not reaching the pharmacy; patients running out of medication.",
        ("prescriptions",), ("prescriptions",), 4, "done",
        response="A practice pharmacist now checks the repeat requests every day.",
        outcome="You said repeat prescriptions were going astray; a pharmacist now checks every "
        "request within two working days."),
    ActionSpec(
        "Phone calls about test results",
        "Patients are not told their results and cannot get through to ask.",
        ("test_results",), ("results",), 14, "open", due=30),
    ActionSpec(
        "Evening and Saturday appointments",
        "Working patients ask for appointments outside office hours.",
        ("appointment_availability",), ("appointments", "suggestion"), 5, "declined",
        declined="The practice cannot staff evening surgeries at present; extended-hours "
        "appointments through the primary care network can be booked at reception."),
    ActionSpec(
        "Disabled parking bays", "The disabled bays are taken by staff cars in the mornings.",
        ("premises_access",), ("premises",), 15, "open", due=90),
    ActionSpec(
        "A newsletter about changes at the surgery",
        "Patients hear about changes by word of mouth.",
        ("communication",), ("communication", "suggestion"), 3, "done",
        response="The PPG drafts it and the practice prints it and puts it on the website.",
        outcome="You asked to be told about changes; the PPG and the practice now publish a "
        "newsletter every three months."),
    ActionSpec(
        "Referrals not reaching the hospital",
        "Several patients found their referral had never arrived.",
        ("referrals",), ("referrals",), 13, "in_progress", due=120,
        response="The practice is checking a month of referrals against the hospital's list."),
    ActionSpec(
        "Privacy at the front desk", "Patients asked personal questions in front of the queue.",
        ("reception_staff",), ("reception_rude",), 10, "done",
        response="A sign now offers a private room; reception staff have had training.",
        outcome="You said you were asked personal questions in front of other patients; there "
        "is now a private room on request and staff have had training."),
    ActionSpec(
        "Seeing the same doctor", "People with long-term conditions want continuity.",
        ("continuity",), ("continuity",), 16, "open", due=70),
)
MANAGERS = ("Karen Fowler (practice manager)", "Imran Siddiqui (practice manager)",
            "Dr Helen Pryce (GP partner)", "Dr Tom Okafor (GP partner)")
UPDATES = (
    "The practice has recruited a second practice nurse, starting next month.",
    "Flu and COVID vaccination clinics will run on Saturdays in October.",
    "A new social prescriber now works across the practices.",
    "The practice is taking part in a local pharmacy pilot for minor illnesses.",
    "Two receptionists have left; the practice is recruiting.",
    "The car park will be resurfaced over a weekend; notices will go up beforehand.",
)
# fmt: on


@dataclass
class _Planned:
    spec: ActionSpec
    agreed_on: dt.date  # the meeting it was agreed at (or the day it was raised)
    raised_on: dt.date
    meeting_index: int | None


def _meeting_days(ctx: DemoContext) -> list[tuple[int, dt.date]]:
    """(month index, date): the second Tuesday of every other month, up to today."""
    days = []
    for month in range(1, len(ctx.plan.months), 2):
        first = ctx.plan.months[month]
        held = first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)
        if held <= ctx.plan.today:
            days.append((month, held))
    return days


def _plan_actions(ctx: DemoContext, meetings: list[tuple[int, dt.date]]) -> list[_Planned]:
    plan, rng = ctx.plan, ctx.rng
    last = len(plan.months) - 1
    planned = []
    for spec in ACTIONS:
        month = plan.winter[0] + 1 if spec.raised == WINTER else min(spec.raised, last)
        target = min(plan.today, plan.months[month] + dt.timedelta(days=rng.randint(8, 20)))
        index = next(
            (i for i in range(len(meetings) - 1, -1, -1) if meetings[i][1] <= target), None
        )
        if index is None:
            planned.append(_Planned(spec, target, target, None))
            continue
        agreed = meetings[index][1]
        raised = min(plan.today, agreed + dt.timedelta(days=rng.randint(2, 9)))
        planned.append(_Planned(spec, agreed, raised, index))
    return planned


def write_actions_and_meetings(ctx: DemoContext, items: list[DemoItem]) -> tuple[int, int]:
    """About a dozen actions through their statuses, and a meeting every other month."""
    meeting_days = _meeting_days(ctx)
    planned = _plan_actions(ctx, meeting_days)
    meeting_ids = _write_meetings(ctx, items, meeting_days, planned)
    by_topic: dict[str, list[DemoItem]] = {}
    for item in items:
        by_topic.setdefault(item.topic, []).append(item)
    for action in planned:
        meeting_id = meeting_ids[action.meeting_index] if action.meeting_index is not None else None
        _write_action(ctx, action, meeting_id, by_topic)
    return len(planned), len(meeting_ids)


def _write_action(
    ctx: DemoContext, action: _Planned, meeting_id: int | None, by_topic: dict[str, list[DemoItem]]
) -> None:
    rng, plan, db, spec = ctx.rng, ctx.plan, ctx.db, action.spec
    raised_on = action.raised_on
    practice = None
    if spec.hub:
        practice = next(i for i, p in enumerate(plan.practices) if p.on_hub)
    elif rng.random() < 0.4:
        practice = rng.randrange(len(plan.practices))
    settled_on = min(plan.today, raised_on + dt.timedelta(days=30 * spec.settle_months))
    due_on = raised_on + dt.timedelta(days=spec.due)
    if spec.status in ("open", "in_progress") and spec.due < 60:
        due_on = min(due_on, plan.today - dt.timedelta(days=rng.randint(5, 20)))  # overdue
    where = plan.practices[practice].name if practice is not None else "all practices"
    history: list[tuple[str | None, str, str, dt.date]] = [
        (None, "open", "Agreed at the PPG meeting", action.agreed_on)
    ]
    if spec.status != "open":
        history.append(
            ("open", "in_progress", f"Raised with the practice manager, {where}", raised_on)
        )
    if spec.status in ("done", "declined"):
        history.append(("in_progress", spec.status, spec.response or spec.declined, settled_on))
    created = ctx.stamp(action.agreed_on, hours=(19, 21))
    updated = max(created, ctx.stamp(history[-1][3]))
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
            updated,
        ],
    )
    action_id = int(cursor.lastrowid or 0)
    db.conn.executemany(
        "INSERT INTO action_history (action_id, old_status, new_status, note, changed_by,"
        " changed_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (action_id, old, new, note, plan.chair, created if old is None else ctx.stamp(day))
            for old, new, note, day in history
        ],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO action_themes (action_id, theme_id) VALUES (?, ?)",
        [(action_id, ctx.theme_ids[slug]) for slug in spec.themes if slug in ctx.theme_ids],
    )
    window = action.agreed_on - dt.timedelta(days=75)
    candidates = [
        item
        for topic in spec.topics
        for item in by_topic.get(topic, [])
        if window <= item.received_on <= action.agreed_on
        and (practice is None or item.practice == practice)
    ]
    picked = rng.sample(candidates, k=min(len(candidates), rng.randint(3, 8)))
    db.conn.executemany(
        "INSERT OR IGNORE INTO action_feedback (action_id, feedback_id) VALUES (?, ?)",
        [(action_id, item.id) for item in sorted(picked, key=lambda i: i.id)],
    )


def _meeting_notes(ctx: DemoContext, month: int, agreed: list[str]) -> str:
    """Minutes in the usual order: practice update, feedback, actions agreed."""
    plan, rng = ctx.plan, ctx.rng
    hub_names = ", ".join(p.name for p in plan.practices if p.on_hub)
    notes = [f"Practice update: {rng.choice(UPDATES)}"]
    if month < HUB_MONTH:
        notes.append(
            f"The practices told us calls for {hub_names} will move to a shared phone "
            "hub later in the year. Members asked to be kept informed."
        )
    elif month < HUB_MONTH + 4:
        notes.append(
            f"Most feedback since the last meeting is about the new phone hub for "
            f"{hub_names}: long queues, dropped calls and staff who cannot book. The "
            "practice manager acknowledged the problems and is meeting the hub's "
            "managers weekly."
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
    if agreed:
        notes.append("Agreed to raise with the practice: " + "; ".join(agreed) + ".")
    return "\n\n".join(notes)


def _write_meetings(
    ctx: DemoContext,
    items: list[DemoItem],
    meeting_days: list[tuple[int, dt.date]],
    planned: list[_Planned],
) -> list[int]:
    """The meetings, their agendas seeded from the feedback since the one before; their ids."""
    rng, plan = ctx.rng, ctx.plan
    names = {slug: name for slug, name in ctx.db.execute("SELECT slug, name FROM themes")}
    by_month: dict[int, Counter[str]] = {}
    for item in items:
        if item.kind != "compliment":
            by_month.setdefault(item.month, Counter())[TOPICS[item.topic].theme] += 1
    ids: list[int] = []
    previous_month = 0
    for index, (month, held) in enumerate(meeting_days):
        themes: Counter[str] = Counter()
        for counted in range(previous_month, month):
            themes.update(by_month.get(counted, Counter()))
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
        agreed = [a.spec.title for a in planned if a.meeting_index == index]
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
                _meeting_notes(ctx, month, agreed),
                stamp,
                stamp,
            ],
        )
        ids.append(int(cursor.lastrowid or 0))
        previous_month = month
    return ids
