"""The demo data generator: seeded, the right sizes, the surveys and trends a chair should see."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.cli import main
from ppg_desktop.core.db import open_database
from ppg_desktop.core.demo import DatabaseNotEmpty, DemoCancelled, DemoSummary, generate_demo
from ppg_desktop.core.demo_plan import HUB_MONTH
from ppg_desktop.core.sentiment import classify_sentiment
from ppg_desktop.core.settings_store import PPG_NAME, SettingsStore
from ppg_desktop.core.survey_templates import FFT_OPTIONS, PHONE_EASE_OPTIONS
from ppg_desktop.core.tagging import load_taxonomy, suggest_themes
from ppg_desktop.core.user_store import UserStore

TODAY = dt.date(2026, 11, 26)
SEEDED_TABLES = (
    "settings",
    "practices",
    "users",
    "feedback",
    "feedback_themes",
    "surveys",
    "survey_questions",
    "survey_responses",
    "survey_answers",
    "actions",
    "action_themes",
    "action_feedback",
    "action_history",
    "meetings",
    "contacts",
)


def _fingerprint(db: sqlite_utils.Database) -> str:
    """A hash of every row the demo writes (the audit log's clock time aside)."""
    digest = hashlib.sha256()
    for table in SEEDED_TABLES:
        for row in db.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def _count(db: sqlite_utils.Database, sql: str, params: list[object] | None = None) -> int:
    return int(db.execute(sql, params or []).fetchone()[0])


def _month_start(summary: DemoSummary, index: int) -> dt.date:
    first = summary.date_from
    for _ in range(index):
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return first


def _month_range(summary: DemoSummary, first: int, last: int) -> tuple[str, str]:
    """ISO bounds from the start of month `first` to before month `last + 1`."""
    return _month_start(summary, first).isoformat(), _month_start(summary, last + 1).isoformat()


def _phone_links(db: sqlite_utils.Database, bounds: tuple[str, str]) -> int:
    return _count(
        db,
        "SELECT count(*) FROM feedback f JOIN feedback_themes ft ON ft.feedback_id = f.id"
        " JOIN themes t ON t.id = ft.theme_id WHERE t.slug = 'phone_access'"
        " AND ft.state != 'rejected' AND f.received_on >= ? AND f.received_on < ?",
        list(bounds),
    )


def _fft_positive(db: sqlite_utils.Database, bounds: tuple[str, str]) -> float:
    row = db.execute(
        "SELECT sum(a.value IN ('Very good', 'Good')), count(*) FROM survey_answers a"
        " JOIN survey_questions q ON q.id = a.question_id"
        " JOIN survey_responses r ON r.id = a.response_id"
        " WHERE q.code = 'fft' AND r.collected_on >= ? AND r.collected_on < ?",
        list(bounds),
    ).fetchone()
    return float(row[0]) / float(row[1])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite_utils.Database, DemoSummary]:
    """One mid-sized demo shared by the read-only checks (generating it takes a second or two)."""
    db = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    summary = generate_demo(db, 6000, seed=3, today=TODAY)
    return db, summary


def test_same_seed_gives_identical_data(tmp_path: Path) -> None:
    first = open_database(tmp_path / "a.db")
    second = open_database(tmp_path / "b.db")
    other = open_database(tmp_path / "c.db")
    generate_demo(first, 400, seed=11, today=TODAY)
    generate_demo(second, 400, seed=11, today=TODAY)
    generate_demo(other, 400, seed=12, today=TODAY)
    assert _fingerprint(first) == _fingerprint(second)
    assert _fingerprint(first) != _fingerprint(other)


@pytest.mark.parametrize("size", [1, 37, 1500])
def test_sizes_are_respected(db: sqlite_utils.Database, size: int) -> None:
    summary = generate_demo(db, size, seed=5, today=TODAY)
    assert _count(db, "SELECT count(*) FROM feedback") == size == summary.feedback
    assert _count(db, "SELECT count(*) FROM survey_responses WHERE survey_id = 1") == max(
        1, size // 5
    )
    assert 3 <= summary.practices == _count(db, "SELECT count(*) FROM practices") <= 5
    dates = db.execute("SELECT min(received_on), max(received_on) FROM feedback").fetchone()
    assert summary.date_from.isoformat() <= dates[0] <= dates[1] <= TODAY.isoformat()


def test_people_practices_and_ppg_name(demo_db: tuple[sqlite_utils.Database, DemoSummary]) -> None:
    db, summary = demo_db
    assert (
        json.loads(db.execute("SELECT value FROM settings WHERE key = 'ppg_name'").fetchone()[0])
        == summary.ppg_name
    )
    codes = [row[0] for row in db.execute("SELECT ods_code FROM practices")]
    assert all(len(code) == 6 and code[0].isalpha() and code[1:].isdigit() for code in codes)
    roles = dict(db.execute("SELECT role, count(*) FROM users GROUP BY role").fetchall())
    assert roles["chair"] == 1 and roles["volunteer"] >= 3
    assert _count(db, "SELECT count(*) FROM users WHERE pin_hash IS NOT NULL") == 0


def test_fft_is_survey_one_with_responses(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, summary = demo_db
    survey = db.execute("SELECT title, template FROM surveys WHERE id = 1").fetchone()
    assert survey == ("Friends and Family Test", "fft")
    questions = db.execute(
        "SELECT position, code, kind, text, options, required FROM survey_questions"
        " WHERE survey_id = 1 ORDER BY position"
    ).fetchall()
    assert questions[0][:4] == (1, "fft", "fft", "Overall, how was your experience of our service?")
    assert json.loads(questions[0][4]) == list(FFT_OPTIONS) and questions[0][5] == 1
    assert questions[1][:4] == (
        2,
        "fft_reason",
        "text",
        "Can you tell us why you gave that response?",
    )
    answers = {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT a.value FROM survey_answers a JOIN survey_questions q"
            " ON q.id = a.question_id WHERE q.code = 'fft'"
        )
    }
    assert answers <= set(FFT_OPTIONS) and {"Very good", "Poor"} <= answers
    assert summary.fft_responses == 1200
    modes = {row[0] for row in db.execute("SELECT DISTINCT mode FROM survey_responses")}
    assert modes == {"kiosk", "paper"}


def test_survey_comments_are_linked_to_their_response(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, _ = demo_db
    rows = db.execute(
        "SELECT f.text, a.value, f.received_on, r.collected_on FROM feedback f"
        " JOIN survey_responses r ON r.id = f.survey_response_id"
        " JOIN survey_answers a ON a.response_id = r.id"
        " JOIN survey_questions q ON q.id = a.question_id AND q.code = 'fft_reason'"
        " WHERE f.channel = 'survey'"
    ).fetchall()
    assert len(rows) == _count(db, "SELECT count(*) FROM feedback WHERE channel = 'survey'") > 50
    assert all(
        text == reason and received == collected for text, reason, received, collected in rows
    )


def test_contacting_survey_follows_skip_logic(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, summary = demo_db
    assert db.execute("SELECT template FROM surveys WHERE id = 2").fetchone()[0] == "contacting"
    assert (
        summary.contact_responses
        == _count(db, "SELECT count(*) FROM survey_responses WHERE survey_id = 2")
        >= 100
    )
    earliest = db.execute(
        "SELECT min(collected_on) FROM survey_responses WHERE survey_id = 2"
    ).fetchone()[0]
    assert earliest >= _month_start(summary, 9).isoformat()
    by_response: dict[int, dict[str, str]] = {}
    for response_id, code, value in db.execute(
        "SELECT a.response_id, q.code, a.value FROM survey_answers a JOIN survey_questions q"
        " ON q.id = a.question_id WHERE q.survey_id = 2"
    ):
        by_response.setdefault(response_id, {})[code] = value
    for answers in by_response.values():
        assert answers["phone_ease"] in PHONE_EASE_OPTIONS
        assert ("last_phoned" in answers) == (answers["phone_ease"] != "I haven't tried")


def test_phone_complaints_surge_after_the_hub_then_ease(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, summary = demo_db
    before = _phone_links(db, _month_range(summary, HUB_MONTH - 3, HUB_MONTH - 2))
    peak = _phone_links(db, _month_range(summary, HUB_MONTH + 1, HUB_MONTH + 2))
    later = _phone_links(db, _month_range(summary, HUB_MONTH + 8, HUB_MONTH + 9))
    assert peak > 1.6 * before
    assert later < 0.75 * peak


def test_cancellations_spike_in_winter_and_volume_varies(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, _ = demo_db
    by_month = dict(
        db.execute(
            "SELECT substr(f.received_on, 6, 2), count(*) FROM feedback f"
            " JOIN feedback_themes ft ON ft.feedback_id = f.id JOIN themes t ON t.id = ft.theme_id"
            " WHERE t.slug = 'cancellations' AND ft.state != 'rejected' GROUP BY 1"
        ).fetchall()
    )
    winter = by_month["12"] + by_month["01"] + by_month["02"]
    summer = by_month["06"] + by_month["07"] + by_month["08"]  # two summers: half the weight
    assert winter > 1.5 * summer / 2
    monthly = [
        row[0]
        for row in db.execute(
            "SELECT count(*) FROM feedback WHERE received_on < '2026-11-01'"
            " GROUP BY substr(received_on, 1, 7)"
        )
    ]
    assert len(monthly) == 17 and max(monthly) > 1.3 * min(monthly)


def test_fft_positive_dips_when_phone_trouble_peaks(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, summary = demo_db
    early = _fft_positive(db, _month_range(summary, 0, HUB_MONTH - 1))
    peak = _fft_positive(db, _month_range(summary, HUB_MONTH + 1, HUB_MONTH + 2))
    assert early > 0.75
    assert peak < early - 0.05


def test_sentiment_is_the_classifiers(demo_db: tuple[sqlite_utils.Database, DemoSummary]) -> None:
    db, _ = demo_db
    rows = db.execute(
        "SELECT f.text, f.sentiment, (SELECT a.value FROM survey_answers a JOIN survey_questions q"
        " ON q.id = a.question_id WHERE a.response_id = f.survey_response_id AND q.code = 'fft')"
        " FROM feedback f WHERE f.id % 7 = 0"
    ).fetchall()
    assert all(classify_sentiment(text, fft) == stored for text, stored, fft in rows)
    kinds = dict(
        db.execute("SELECT sentiment, count(*) FROM feedback GROUP BY sentiment").fetchall()
    )
    assert set(kinds) == {"positive", "neutral", "negative"}


def test_auto_links_are_the_taggers_with_true_evidence(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, _ = demo_db
    taxonomy = load_taxonomy(db)
    rows = db.execute(
        "SELECT f.text, t.slug, ft.evidence FROM feedback_themes ft"
        " JOIN feedback f ON f.id = ft.feedback_id JOIN themes t ON t.id = ft.theme_id"
        " WHERE ft.source = 'auto' AND ft.state = 'suggested' AND f.id % 5 = 0"
    ).fetchall()
    assert len(rows) > 200
    for text, slug, evidence in rows:
        assert slug in {match.slug for match in suggest_themes(text, taxonomy)}
        spans = json.loads(evidence)
        assert spans and all(text[s["start"] : s["end"]] == s["text"] for s in spans)
    states = dict(
        db.execute(
            "SELECT source || '/' || state, count(*) FROM feedback_themes GROUP BY 1"
        ).fetchall()
    )
    assert states["manual/confirmed"] > 0.2 * sum(states.values())
    assert states["auto/suggested"] > 0.2 * sum(states.values())
    assert states.get("manual/rejected", 0) > 0


def test_some_comments_carry_names_and_numbers(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    db, summary = demo_db
    with_numbers = _count(db, "SELECT count(*) FROM feedback WHERE text LIKE '%07700 900%'")
    assert 0.01 * summary.feedback < with_numbers < 0.08 * summary.feedback
    assert summary.contacts == _count(db, "SELECT count(*) FROM contacts") > 0
    distinct = _count(db, "SELECT count(DISTINCT text) FROM feedback")
    assert distinct > 0.6 * summary.feedback


def test_actions_and_meetings(demo_db: tuple[sqlite_utils.Database, DemoSummary]) -> None:
    db, summary = demo_db
    statuses = dict(db.execute("SELECT status, count(*) FROM actions GROUP BY status").fetchall())
    assert set(statuses) == {"open", "in_progress", "done", "declined"}
    assert summary.actions == sum(statuses.values()) >= 10
    assert _count(db, "SELECT count(*) FROM actions WHERE status = 'done' AND outcome = ''") == 0
    overdue = _count(
        db,
        "SELECT count(*) FROM actions WHERE status IN ('open', 'in_progress') AND due_on < ?",
        [TODAY.isoformat()],
    )
    assert overdue >= 1
    assert _count(db, "SELECT count(DISTINCT action_id) FROM action_history") == summary.actions
    assert _count(db, "SELECT count(DISTINCT action_id) FROM action_themes") == summary.actions
    assert _count(db, "SELECT count(DISTINCT action_id) FROM action_feedback") >= 8
    assert summary.meetings == _count(db, "SELECT count(*) FROM meetings") >= 7
    assert _count(db, "SELECT count(*) FROM meetings WHERE agenda = '' OR attendees = ''") == 0
    audit = db.execute("SELECT changes FROM audit_log WHERE action = 'demo'").fetchall()
    assert len(audit) == 1 and json.loads(audit[0][0])["feedback"] == summary.feedback


def test_keeps_the_chair_and_ppg_name_set_up_before(db: sqlite_utils.Database) -> None:
    UserStore(db).create("Ann Example", role="chair", pin_hash="not-a-real-hash")
    SettingsStore(db).set(PPG_NAME, "Oakwood Surgery PPG")
    summary = generate_demo(db, 200, today=TODAY)
    assert summary.ppg_name == "Oakwood Surgery PPG"
    assert db.execute("SELECT name FROM users WHERE role = 'chair'").fetchall() == [
        ("Ann Example",)
    ]
    attendees = [row[0] for row in db.execute("SELECT attendees FROM meetings")]
    assert attendees and all(a.startswith("Ann Example (chair)") for a in attendees)


def test_refuses_a_database_with_data(db: sqlite_utils.Database) -> None:
    generate_demo(db, 20, today=TODAY)
    with pytest.raises(DatabaseNotEmpty, match="already has data"):
        generate_demo(db, 20, today=TODAY)
    assert _count(db, "SELECT count(*) FROM feedback") == 20


def test_cancel_writes_nothing(db: sqlite_utils.Database) -> None:
    seen: list[tuple[int, int]] = []
    with pytest.raises(DemoCancelled):
        generate_demo(
            db,
            300,
            today=TODAY,
            progress=lambda d, t: seen.append((d, t)),
            should_cancel=lambda: len(seen) >= 1,
        )
    for table in ("feedback", "practices", "surveys", "users", "actions"):
        assert _count(db, f"SELECT count(*) FROM {table}") == 0


def test_progress_reaches_the_end(db: sqlite_utils.Database) -> None:
    seen: list[tuple[int, int]] = []
    generate_demo(db, 120, today=TODAY, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cli_writes_then_refuses_existing_data(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", str(db_path), "--size", "80", "--today", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert "80 items" in out and "survey 1" in out
    assert main(["demo", "--db", str(db_path), "--size", "80"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already has data (80 feedback items)" in err[0]


@pytest.mark.parametrize("size", ["0", "200001", "lots"])
def test_cli_rejects_a_bad_size(
    db_path: Path, size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["demo", "--db", str(db_path), "--size", size])
    assert stopped.value.code == 2
    assert "--size" in capsys.readouterr().err


def test_demo_follows_its_retention_periods(
    demo_db: tuple[sqlite_utils.Database, DemoSummary],
) -> None:
    from ppg_desktop.core.retention import purge_preview

    db, summary = demo_db
    assert summary.contacts > 0
    plan = purge_preview(db, summary.date_to)
    assert plan.contact_ids == []
