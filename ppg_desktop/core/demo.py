"""Demo data: a whole, realistic PPG written into an empty database, the same every time for a seed.

Used by `ppg-desktop demo`, the desktop app's first run, the meeting pack and the benchmarks. The
story (practices, trends) is drawn in `demo_plan`, the wording in `demo_text`, surveys in
`demo_surveys`, actions and meetings in `demo_actions`; this module writes the practices, people
and feedback with its sentiment and theme links, all in one transaction so a cancelled run leaves
nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.clock import today as local_today
from ppg_desktop.core.demo_plan import DemoPlan, make_plan
from ppg_desktop.core.demo_text import (
    PATIENT_NAMES,
    TOPICS,
    compose,
    drama_phone,
    related_topic,
)
from ppg_desktop.core.errors import PPGError
from ppg_desktop.core.migrations import CHANNELS, KINDS, STATUSES
from ppg_desktop.core.models import Evidence
from ppg_desktop.core.settings_store import PPG_NAME

MAX_SIZE = 200_000
CHUNK = 5_000
# A bigger page cache while writing: the feedback indexes and full-text index then stay in memory
# instead of spilling to the write-ahead log, which makes the bulk insert about 40% faster.
BULK_CACHE_SIZE = -131_072  # KiB, so 128 MiB
DEMO_ACTOR = "demo"

# Tables that, holding any row, mean the database is someone's real (or earlier demo) data.
DATA_TABLES = ("feedback", "practices", "surveys", "survey_responses", "actions", "meetings")

CHANNEL_WEIGHTS = {
    "in_person": 26,
    "phone": 15,
    "email": 16,
    "letter": 5,
    "kiosk": 13,
    "social_media": 9,
    "other": 4,
}
# The chance a comment came in as an FFT free-text reason: FFT cards are mostly praise.
SURVEY_SHARE = {"positive": 0.12, "suggestion": 0.06, "negative": 0.02}
CONTACT_SHARE = 0.035  # comments that give a name and phone number
assert set(CHANNEL_WEIGHTS) | {"survey"} == set(CHANNELS)


class DatabaseNotEmpty(PPGError):
    """The demo only writes into a database with no practices, feedback or surveys yet."""


class DemoCancelled(PPGError):
    """The person cancelled; nothing was written."""


@dataclass(frozen=True)
class DemoSummary:
    """What was generated, for the CLI, the first-run dialog and the audit log."""

    ppg_name: str
    practices: int
    users: int
    feedback: int
    theme_links: int
    confirmed_links: int
    contacts: int
    fft_responses: int
    contact_responses: int
    actions: int
    meetings: int
    date_from: dt.date
    date_to: dt.date

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_from"] = self.date_from.isoformat()
        data["date_to"] = self.date_to.isoformat()
        return data


@dataclass
class DemoItem:
    """One comment before it is written: where, when, what about and in which words."""

    practice: int
    month: int
    received_on: dt.date
    topic: str
    kind: str
    channel: str
    text: str
    status: str = "new"
    id: int = 0
    sentiment: str = "neutral"
    response_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class DemoContext:
    """The random source, ids and progress shared by every part of one demo run."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        seed: int,
        plan: DemoPlan,
        total_steps: int,
        progress: Callable[[int, int], None] | None,
        should_cancel: Callable[[], bool] | None,
    ) -> None:
        self.db = db
        self.rng = random.Random(seed)
        self.plan = plan
        self.total = total_steps
        self.done = 0
        self.progress = progress
        self.should_cancel = should_cancel
        self.practice_ids: list[int] = []
        self.chair_id: int | None = None
        self.volunteer_ids: list[int] = []
        self.theme_ids: dict[str, int] = {}

    def data_entry_users(self) -> list[int]:
        """Who types in paper forms and comments: the volunteers (the chair if there are none)."""
        return self.volunteer_ids or ([self.chair_id] if self.chair_id else [])

    def uuid(self) -> str:
        """A UUID drawn from the seed, so the same seed gives the same keys."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def stamp(self, day: dt.date, hours: tuple[int, int] = (8, 17)) -> str:
        """A timestamp on `day` between `hours` (working hours), in the store's ISO format."""
        moment = dt.datetime.combine(
            day,
            dt.time(self.rng.randint(*hours), self.rng.randint(0, 59), self.rng.randint(0, 59)),
            dt.UTC,
        )
        return moment.isoformat(timespec="microseconds")

    def step(self, count: int) -> None:
        """Advance the progress and stop here if the person cancelled."""
        self.done += count
        if self.should_cancel is not None and self.should_cancel():
            raise DemoCancelled("Demo data was cancelled: nothing was written.")
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def existing_data(db: sqlite_utils.Database) -> str | None:
    """Describe the data already in the database ('1,204 feedback items'), or None if empty."""
    labels = {"feedback": "feedback items", "survey_responses": "survey responses"}
    for table in DATA_TABLES:
        count = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if count:
            return f"{count:,} {labels.get(table, table)}"
    return None


def generate_demo(
    db: sqlite_utils.Database,
    size: int = 5000,
    seed: int = 1,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo PPG: `size` feedback items over the 18 months to `today`.

    Raises `DatabaseNotEmpty` if the database already holds practices, feedback or surveys, and
    `DemoCancelled` (with nothing written) when `should_cancel` returns true.
    """
    if not isinstance(size, int) or size < 1 or size > MAX_SIZE:
        raise ValueError(f"The demo size must be a whole number from 1 to {MAX_SIZE:,}.")
    found = existing_data(db)
    if found:
        raise DatabaseNotEmpty(
            f"This database already has data ({found}). Demo data only goes into a new, "
            "empty database: choose another file."
        )
    today = today or local_today()
    rng = random.Random(seed)
    plan = make_plan(rng, today)
    fft_count = max(1, size // 5)
    contact_count = max(30, min(4000, size // 30))
    ctx = DemoContext(
        db, rng.getrandbits(64), plan, size * 2 + fft_count + contact_count, progress, should_cancel
    )
    previous_cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {BULK_CACHE_SIZE}")
    try:
        summary = _generate(ctx, seed, size, fft_count, contact_count)
    finally:
        db.execute(f"PRAGMA cache_size = {int(previous_cache)}")
    if progress is not None:
        progress(ctx.total, ctx.total)
    return summary


def _generate(
    ctx: DemoContext, seed: int, size: int, fft_count: int, contact_count: int
) -> DemoSummary:
    """Everything, in one transaction: a failure or a cancel leaves the database as it was."""
    from ppg_desktop.core import demo_actions, demo_surveys

    db, plan, today = ctx.db, ctx.plan, ctx.plan.today
    with db.atomic():
        _write_people(ctx)
        items = _draw_items(ctx, size)
        surveys = demo_surveys.write_surveys(ctx, items, fft_count, contact_count)
        links, confirmed = _write_feedback(ctx, items)
        contacts = _write_contacts(ctx, items)
        actions, meetings = demo_actions.write_actions_and_meetings(ctx, items)
        summary = DemoSummary(
            ppg_name=plan.ppg_name,
            practices=len(plan.practices),
            users=db.execute("SELECT count(*) FROM users").fetchone()[0],
            feedback=len(items),
            theme_links=links,
            confirmed_links=confirmed,
            contacts=contacts,
            fft_responses=surveys[0],
            contact_responses=surveys[1],
            actions=actions,
            meetings=meetings,
            date_from=plan.start,
            date_to=today,
        )
        db.execute(
            "INSERT INTO audit_log (at, actor, action, table_name, row_key, changes)"
            " VALUES (?, ?, 'demo', '', ?, ?)",
            [now_iso(), DEMO_ACTOR, str(seed), json.dumps(summary.as_json())],
        )
    return summary


def _write_people(ctx: DemoContext) -> None:
    """The PPG's name, its practices, its chair and volunteers (users without PINs).

    A PPG name or a chair set up before (the first-run dialog asks for both) is kept: the demo
    never adds a second chair, who would have no PIN.
    """
    db, plan = ctx.db, ctx.plan
    row = db.execute("SELECT value FROM settings WHERE key = ?", [PPG_NAME]).fetchone()
    if row and json.loads(row[0]):
        plan.ppg_name = str(json.loads(row[0]))
    else:
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [PPG_NAME, json.dumps(plan.ppg_name)],
        )
    chair = db.execute(
        "SELECT id, name FROM users WHERE role = 'chair' AND active = 1 ORDER BY id LIMIT 1"
    ).fetchone()
    if chair:
        ctx.chair_id, plan.chair = int(chair[0]), str(chair[1])
    created = ctx.stamp(plan.start - dt.timedelta(days=14))
    for practice in plan.practices:
        cursor = db.execute(
            "INSERT INTO practices (uuid, name, ods_code, active, created_at, updated_at)"
            " VALUES (?, ?, ?, 1, ?, ?)",
            [ctx.uuid(), practice.name, practice.ods_code, created, created],
        )
        ctx.practice_ids.append(int(cursor.lastrowid or 0))
    people = [] if chair else [(plan.chair, "chair")]
    people += [(name, "volunteer") for name in plan.volunteers if name != plan.chair]
    for name, role in people:
        row = db.execute("SELECT id FROM users WHERE name = ? COLLATE NOCASE", [name]).fetchone()
        if row is None:
            cursor = db.execute(
                "INSERT INTO users (uuid, name, role, pin_hash, active, created_at, updated_at)"
                " VALUES (?, ?, ?, NULL, 1, ?, ?)",
                [ctx.uuid(), name, role, created, created],
            )
            user_id = int(cursor.lastrowid or 0)
        else:
            user_id = int(row[0])
        if role == "chair":
            ctx.chair_id = user_id
        else:
            ctx.volunteer_ids.append(user_id)
    ctx.theme_ids = {
        slug: tid
        for tid, slug in db.execute(
            "SELECT id, slug FROM themes WHERE archived = 0 AND merged_into_id IS NULL"
        )
    }


def _kind_for(topic: str, rng: random.Random) -> str:
    polarity = TOPICS[topic].polarity
    if polarity == "positive":
        return "compliment"
    if polarity == "suggestion":
        return "suggestion"
    roll = rng.random()
    return "complaint" if roll < 0.6 else "concern"


def _status_for(age_days: int, kind: str, rng: random.Random) -> str:
    """Older items have mostly been dealt with; this month's are mostly new."""
    roll = rng.random()
    if kind == "compliment":
        return "closed" if age_days > 21 and roll < 0.85 else "new"
    if age_days > 120:
        table = (("closed", 0.76), ("answered", 0.91), ("raised", 0.97), ("new", 1.0))
    elif age_days > 30:
        table = (("closed", 0.35), ("answered", 0.6), ("raised", 0.85), ("new", 1.0))
    else:
        table = (("new", 0.65), ("raised", 0.9), ("answered", 0.97), ("closed", 1.0))
    return next(status for status, upto in table if roll < upto)


def _draw_items(ctx: DemoContext, size: int) -> list[DemoItem]:
    """Place `size` comments in months, practices and topics, and write each one's words."""
    rng, plan = ctx.rng, ctx.plan
    cells = list(plan.weights)
    cum: list[float] = []
    running = 0.0
    for cell in cells:
        running += plan.weights[cell]
        cum.append(running)
    channels = list(CHANNEL_WEIGHTS)
    channel_weights = list(CHANNEL_WEIGHTS.values())
    items: list[DemoItem] = []
    for number, (month, practice, topic) in enumerate(rng.choices(cells, cum_weights=cum, k=size)):
        first, last = plan.month_days(month)
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        if day.weekday() >= 5 and rng.random() < 0.75:  # fewer comments come in at weekends
            day = max(first, day - dt.timedelta(days=day.weekday() - 4))
        kind = _kind_for(topic, rng)
        if rng.random() < SURVEY_SHARE[TOPICS[topic].polarity]:
            channel = "survey"
        else:
            channel = rng.choices(channels, channel_weights)[0]
        contact = None
        if channel != "survey" and rng.random() < CONTACT_SHARE:
            contact = (rng.choice(PATIENT_NAMES), drama_phone(rng))
        also = related_topic(rng, TOPICS[topic])
        text = compose(rng, TOPICS[topic], channel, contact=contact, also=also)
        item = DemoItem(practice, month, day, topic, kind, channel, text)
        if contact:
            item.extra["contact"] = contact
        item.status = _status_for((plan.today - day).days, kind, rng)
        items.append(item)
        if number % CHUNK == CHUNK - 1:
            ctx.step(CHUNK)
    ctx.step(size % CHUNK)
    items.sort(key=lambda i: i.received_on)
    for number, item in enumerate(items, start=1):
        item.id = number
    return items


_SENTENCE_END = re.compile(r"[.!?;]+\s+|\n+")


@dataclass(frozen=True)
class Suggestion:
    """A theme the tagger found in a comment, with its evidence spans in the whole comment."""

    slug: str
    score: float
    evidence: list[Evidence]


class SentenceAnalyser:
    """Sentiment and theme suggestions for many comments, worked out once per distinct sentence.

    Demo comments are built from a few thousand sentences, so caching per sentence makes 100,000
    comments take seconds instead of minutes. Sentiment is exactly `classify_sentiment`'s (its
    score is a sum over sentences, compared with the same limits; tests/core/test_demo.py checks
    they agree); a theme is suggested when the tagger finds it in any sentence,
    with the best sentence's score (a theme whose weak keywords are spread over two sentences is
    missed: the price of the speed).
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        from ppg_desktop.core.tagging import load_taxonomy

        self.taxonomy = load_taxonomy(db)
        self.cache: dict[str, tuple[float, list[Any]]] = {}

    def _sentence(self, sentence: str) -> tuple[float, list[Any]]:
        from ppg_desktop.core.sentiment import sentiment_score
        from ppg_desktop.core.tagging import suggest_themes

        found = self.cache.get(sentence)
        if found is None:
            found = (sentiment_score(sentence), suggest_themes(sentence, self.taxonomy))
            self.cache[sentence] = found
        return found

    def analyse(self, text: str, fft_answer: str | None = None) -> tuple[str, list[Suggestion]]:
        """(sentiment, suggestions best first) for one comment."""
        from ppg_desktop.core.sentiment import NEGATIVE_FROM, POSITIVE_FROM, sentiment_from_fft

        score = 0.0
        best: dict[str, tuple[float, list[Evidence]]] = {}
        start = 0
        cuts = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
        for end in cuts:
            sentence = text[start:end]
            sentence_score, matches = self._sentence(sentence)
            score += sentence_score
            for match in matches:
                shifted = [Evidence(e.start + start, e.end + start, e.text) for e in match.evidence]
                previous = best.get(match.slug)
                if previous is None:
                    best[match.slug] = (match.score, shifted)
                else:
                    best[match.slug] = (max(previous[0], match.score), previous[1] + shifted)
            start = end
        sentiment = sentiment_from_fft(fft_answer) or (
            "positive"
            if score >= POSITIVE_FROM
            else "negative"
            if score <= NEGATIVE_FROM
            else "neutral"
        )
        suggestions = [
            Suggestion(slug, value, evidence) for slug, (value, evidence) in best.items()
        ]
        suggestions.sort(key=lambda s: (-s.score, s.slug))
        return sentiment, suggestions


def _links_for(
    ctx: DemoContext, item: DemoItem, matches: list[Suggestion], stamp: str
) -> list[tuple[Any, ...]]:
    """Theme links for one item: the tagger's suggestions, some reviewed by a person."""
    rng = ctx.rng
    reviewed = (item.status in ("answered", "closed") and rng.random() < 0.55) or (
        rng.random() < 0.08
    )
    intended = TOPICS[item.topic].theme
    rows: list[tuple[Any, ...]] = []
    seen: set[int] = set()
    for match in matches:
        theme_id = ctx.theme_ids.get(match.slug)
        if theme_id is None or theme_id in seen:
            continue
        seen.add(theme_id)
        evidence = json.dumps(
            [{"start": e.start, "end": e.end, "text": e.text} for e in match.evidence]
        )
        source, state = "auto", "suggested"
        if reviewed:
            source = "manual"
            wrong = match.slug != intended and rng.random() < 0.12
            state = "rejected" if wrong else "confirmed"
        rows.append(
            (item.id, theme_id, source, state, round(match.score, 3), evidence, stamp, stamp)
        )
    intended_id = ctx.theme_ids.get(intended)
    if reviewed and intended_id is not None and intended_id not in seen:
        rows.append((item.id, intended_id, "manual", "confirmed", None, "[]", stamp, stamp))
    return rows


def _write_feedback(ctx: DemoContext, items: list[DemoItem]) -> tuple[int, int]:
    """Classify, tag and insert the feedback in chunks; returns (links, confirmed links)."""
    db, rng = ctx.db, ctx.rng
    analyser = SentenceAnalyser(db)
    volunteers = ctx.data_entry_users()
    links = confirmed = 0
    for start in range(0, len(items), CHUNK):
        feedback_rows: list[tuple[Any, ...]] = []
        link_rows: list[tuple[Any, ...]] = []
        for item in items[start : start + CHUNK]:
            item.sentiment, suggestions = analyser.analyse(item.text, item.extra.get("fft"))
            created = ctx.stamp(
                min(
                    ctx.plan.today,
                    item.received_on + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 3))),
                )
            )
            updated = created
            if item.status != "new":
                later = item.received_on + dt.timedelta(days=rng.randint(3, 40))
                updated = max(created, ctx.stamp(min(ctx.plan.today, later)))
            entered_by = None if item.channel in ("kiosk", "survey") else rng.choice(volunteers)
            if item.extra.get("mode") == "paper":
                entered_by = rng.choice(volunteers)
            feedback_rows.append(
                (
                    item.id,
                    ctx.uuid(),
                    ctx.practice_ids[item.practice],
                    item.received_on.isoformat(),
                    item.channel,
                    item.kind,
                    item.text,
                    item.sentiment,
                    item.status,
                    entered_by,
                    item.response_id,
                    created,
                    updated,
                )
            )
            item_links = _links_for(ctx, item, suggestions, updated)
            links += len(item_links)
            confirmed += sum(1 for row in item_links if row[3] == "confirmed")
            link_rows.extend(item_links)
        db.conn.executemany(
            "INSERT INTO feedback (id, uuid, practice_id, received_on, channel, kind, text,"
            " sentiment, status, entered_by, survey_response_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            feedback_rows,
        )
        db.conn.executemany(
            "INSERT INTO feedback_themes (feedback_id, theme_id, source, state, score, evidence,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            link_rows,
        )
        ctx.step(len(feedback_rows))
    return links, confirmed


# Contact details go 12 months after the matter closes; a matter closes after it was received,
# so only closed matters received over a year ago can be due.
RETENTION_DAYS_FOR_CONTACTS = 366


def _write_contacts(ctx: DemoContext, items: list[DemoItem]) -> int:
    """Some who left a number also agreed to be contacted: kept apart from the comment."""
    rows = []
    # A PPG that follows its retention periods has already removed contact details of matters
    # closed long ago, so the demo holds none (and a first start does not greet with a purge).
    received_long_ago = ctx.plan.today - dt.timedelta(days=RETENTION_DAYS_FOR_CONTACTS)
    for item in items:
        contact = item.extra.get("contact")
        if contact and ctx.rng.random() < 0.4:
            if item.status in ("answered", "closed") and item.received_on < received_long_ago:
                continue
            stamp = ctx.stamp(item.received_on)
            rows.append(
                (
                    ctx.uuid(),
                    item.id,
                    contact[0],
                    contact[1],
                    "",
                    item.received_on.isoformat(),
                    "A reply about this feedback",
                    ctx.plan.volunteers[0],
                    stamp,
                    stamp,
                )
            )
    ctx.db.conn.executemany(
        "INSERT INTO contacts (uuid, feedback_id, name, phone, email, consent_given, consent_on,"
        " consent_purpose, consent_recorded_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


assert set(STATUSES) >= {"new", "raised", "answered", "closed"}
assert set(KINDS) >= {"complaint", "concern", "compliment", "suggestion"}
