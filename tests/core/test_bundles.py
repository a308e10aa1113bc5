"""Bundles between laptops: export what changed, merge idempotently and in any order."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppg_desktop.core import retention, subject_access
from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.bundles import BundleProblem, export_bundle, merge_bundle
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.merge_conflict_store import MergeConflictStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore

SLUGS = ("phone_access", "reception_staff", "clinical_care")


def _stamp(tick: int) -> str:
    return f"2026-03-{1 + tick:02d}T10:00:00.000000+00:00"


def _add(db: sqlite_utils.Database, text: str, practice: str = "Riverside Surgery") -> int:
    practice_id = PracticeStore(db).find_by_name(practice).id  # type: ignore[union-attr]
    return (
        FeedbackStore(db)
        .create(
            practice_id=practice_id,
            received_on=dt.date(2026, 2, 20),
            channel="phone",
            kind="complaint",
            text=text,
        )
        .id
    )


def _snapshot(db: sqlite_utils.Database) -> dict[str, Any]:
    """The database by stable keys (no local ids, no audit log): what must converge.

    Left out, like the audit log, are the versions kept from merge conflicts (merge_conflicts):
    they record what happened on this database, so which version lost depends on the order the
    bundles came in (merging A then B keeps A's losing text, B then A keeps B's).
    """

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in db.execute(sql).fetchall()]

    return {
        "practices": rows("SELECT lower(name), ods_code, active FROM practices ORDER BY 1"),
        "themes": rows(
            "SELECT t.slug, t.name, t.keywords, t.archived, t.updated_at, p.slug"
            " FROM themes t LEFT JOIN themes p ON p.id = t.parent_id ORDER BY 1"
        ),
        "feedback": rows(
            "SELECT f.uuid, lower(p.name), f.received_on, f.kind, f.text, f.status,"
            " f.sentiment, f.deleted_at, f.updated_at, f.redacted_at FROM feedback f JOIN"
            " practices p ON p.id = f.practice_id ORDER BY 1"
        ),
        "links": rows(
            "SELECT f.uuid, t.slug, ft.source, ft.state, ft.score, ft.updated_at"
            " FROM feedback_themes ft JOIN feedback f ON f.id = ft.feedback_id"
            " JOIN themes t ON t.id = ft.theme_id ORDER BY 1, 2"
        ),
        "removed": rows(
            "SELECT table_name, uuid, removed_at, why FROM removed_records ORDER BY 1, 2"
        ),
    }


@pytest.fixture
def chair(tmp_path: Path) -> sqlite_utils.Database:
    db = open_database(tmp_path / "chair.db")
    PracticeStore(db).create("Riverside Surgery")
    PracticeStore(db).create("Hillview Medical Centre")
    return db


def _clone(db: sqlite_utils.Database, path: Path) -> sqlite_utils.Database:
    """A laptop set up from a copy of the chair's database (how volunteers start)."""
    target = sqlite_utils.Database(path)
    db.conn.backup(target.conn)
    target.close()
    return open_database(path)


def test_export_and_merge_report_added_updated_skipped(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    laptop = _clone(chair, tmp_path / "laptop.db")
    first = _add(laptop, "Waited an hour on the phone")
    _add(laptop, "Receptionist was rude", "Hillview Medical Centre")
    result = export_bundle(laptop, tmp_path / "one.ppgbundle")
    assert result.counts["feedback"] == 2 and not result.encrypted

    report = merge_bundle(chair, tmp_path / "one.ppgbundle", actor="chair")
    assert report.table("feedback").added == 2
    assert report.table("practices").skipped == 2
    assert {f.text for f in FeedbackStore(chair).list()} == {
        "Waited an hour on the phone",
        "Receptionist was rude",
    }
    again = merge_bundle(chair, tmp_path / "one.ppgbundle")
    assert (again.added, again.updated) == (0, 0)

    # the next export holds only what changed since the last one
    FeedbackStore(laptop).update(first, status="raised")
    second = export_bundle(laptop, tmp_path / "two.ppgbundle")
    assert second.counts["feedback"] == 1
    report = merge_bundle(chair, tmp_path / "two.ppgbundle")
    assert report.table("feedback").updated == 1
    assert FeedbackStore(chair).count(None) == 2
    assert {f.status for f in FeedbackStore(chair).list()} == {"new", "raised"}


def test_conflicting_edits_keep_the_newest_and_audit_the_loser_without_its_text(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    item = _add(chair, "Parking is hard")
    laptop = _clone(chair, tmp_path / "laptop.db")
    FeedbackStore(laptop).update(item, text="Parking is very hard", status="raised")  # older
    FeedbackStore(chair).update(item, text="Parking is impossible")  # newer edit
    export_bundle(laptop, tmp_path / "b.ppgbundle", everything=True)
    report = merge_bundle(chair, tmp_path / "b.ppgbundle")
    assert report.table("feedback").conflicts == 1
    assert FeedbackStore(chair).get(item).text == "Parking is impossible"
    (lost,) = AuditStore(chair).list(action="merge_kept_newer")
    # the audit entry records the conflict and the losing version, but not its text...
    assert lost.changes["discarded"]["status"] == "raised"
    assert lost.changes["discarded"]["updated_at"] and "text" not in lost.changes["discarded"]
    assert lost.changes["differed"] == ["text", "status"]
    # ...which is kept for the chair, tied to the item
    kept = MergeConflictStore(chair).get_many([lost.changes["kept_for_review"]])
    (version,) = kept.values()
    assert (version.text, version.winner, version.feedback_id) == (
        "Parking is very hard",
        "this_database",
        item,
    )
    merge_bundle(chair, tmp_path / "b.ppgbundle")  # the same conflict again: no second copy
    assert [v.id for v in MergeConflictStore(chair).for_feedback(item)] == [version.id]

    # the other way round: the laptop's newer edit replaces the chair's, which is kept
    FeedbackStore(laptop).update(item, text="Parking is awful")
    export_bundle(laptop, tmp_path / "c.ppgbundle")
    merge_bundle(chair, tmp_path / "c.ppgbundle")
    assert FeedbackStore(chair).get(item).text == "Parking is awful"
    (replaced,) = AuditStore(chair).list(action="merge_replaced", table="feedback")
    assert "text" not in replaced.changes["replaced"]
    version = MergeConflictStore(chair).get_many([replaced.changes["kept_for_review"]])[
        replaced.changes["kept_for_review"]
    ]
    assert (version.text, version.winner) == ("Parking is impossible", "bundle")
    log = json.dumps([e.changes for e in AuditStore(chair).list()])
    assert "Parking" not in log


def test_a_conflict_over_something_else_keeps_no_text(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    item = _add(chair, "Parking is hard")
    laptop = _clone(chair, tmp_path / "laptop.db")
    FeedbackStore(laptop).update(item, status="raised")
    FeedbackStore(chair).update(item, status="closed")
    export_bundle(laptop, tmp_path / "b.ppgbundle", everything=True)
    merge_bundle(chair, tmp_path / "b.ppgbundle")
    (lost,) = AuditStore(chair).list(action="merge_kept_newer")
    assert lost.changes["differed"] == ["status"] and "kept_for_review" not in lost.changes
    assert MergeConflictStore(chair).for_feedback(item) == []


def test_theme_evidence_and_survey_answers_stay_out_of_the_audit_log(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    from ppg_desktop.core.models import Evidence
    from ppg_desktop.core.survey_store import SurveyStore

    item = _add(chair, "Mrs Quill waited for the phone")
    theme = ThemeStore(chair).get_by_slug("phone_access")
    survey = SurveyStore(chair).create_from_template("fft")
    fft, reason = survey.questions
    response = SurveyStore(chair).add_response(
        survey.id, {fft.id: "Poor", reason.id: "Mr Inkpen was kept waiting"}, practice_id=1
    )
    laptop = _clone(chair, tmp_path / "laptop.db")
    ThemeStore(laptop).set_link(
        item, theme.id, state="confirmed", source="manual", evidence=[Evidence(0, 9, "Mrs Quill")]
    )
    # answers are never edited; a damaged or hand-made bundle could still differ
    laptop.execute(
        "UPDATE survey_answers SET value = 'Mr Inkpen again' WHERE response_id = ?"
        " AND question_id = ?",
        [response.id, reason.id],
    )
    laptop.execute(
        "UPDATE survey_responses SET updated_at = '2099-01-01T00:00:00+00:00' WHERE id = ?",
        [response.id],
    )
    laptop.conn.commit()
    ThemeStore(chair).set_link(
        item, theme.id, state="confirmed", source="manual", evidence=[Evidence(4, 9, "Quill")]
    )
    export_bundle(laptop, tmp_path / "b.ppgbundle", everything=True)
    merge_bundle(chair, tmp_path / "b.ppgbundle")
    entries = AuditStore(chair).list(action="merge_replaced") + AuditStore(chair).list(
        action="merge_kept_newer"
    )
    by_table = {e.table_name: e.changes for e in entries}
    assert "evidence" in by_table["feedback_themes"]["differed"]
    assert "answers" in by_table["survey_responses"]["differed"]
    log = json.dumps([e.changes for e in AuditStore(chair).list()])
    assert "Quill" not in log and "Inkpen" not in log


def test_a_persons_decision_beats_a_later_automatic_suggestion(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    item = _add(chair, "Phone lines always busy")
    theme = ThemeStore(chair).get_by_slug("phone_access")
    laptop = _clone(chair, tmp_path / "laptop.db")
    ThemeStore(chair).set_link(item, theme.id, state="rejected", source="manual")
    ThemeStore(laptop).set_link(item, theme.id, state="suggested", source="auto", score=0.9)
    export_bundle(laptop, tmp_path / "b.ppgbundle", everything=True)
    merge_bundle(chair, tmp_path / "b.ppgbundle")
    links = ThemeStore(chair).links_for(item)
    assert [(link.slug, link.state) for link in links] == [("phone_access", "rejected")]


def test_practices_created_separately_are_matched_by_name(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    laptop = open_database(tmp_path / "fresh-laptop.db")
    PracticeStore(laptop).create("riverside surgery")
    _add(laptop, "Good service", "riverside surgery")
    export_bundle(laptop, tmp_path / "b.ppgbundle")
    merge_bundle(chair, tmp_path / "b.ppgbundle")
    # one practice, not two; the newer spelling of its name wins like any other edit
    names = [p.name for p in PracticeStore(chair).list()]
    assert names == ["Hillview Medical Centre", "riverside surgery"]
    assert FeedbackStore(chair).list()[0].practice_name == "riverside surgery"


def test_encrypted_database_gives_encrypted_bundle(tmp_path: Path) -> None:
    laptop = open_database(tmp_path / "secret.db", "pass phrase")
    PracticeStore(laptop).create("Riverside Surgery")
    _add(laptop, "Confidential comment about Dr Smith")
    with pytest.raises(BundleProblem, match="give its passphrase"):
        export_bundle(laptop, tmp_path / "x.ppgbundle")
    result = export_bundle(laptop, tmp_path / "b.ppgbundle", passphrase="pass phrase")
    assert result.encrypted
    assert b"Confidential" not in (tmp_path / "b.ppgbundle").read_bytes()
    chair = open_database(tmp_path / "chair.db", "pass phrase")
    with pytest.raises(BundleProblem, match="encrypted"):
        merge_bundle(chair, tmp_path / "b.ppgbundle")
    with pytest.raises(BundleProblem, match="different passphrase"):
        merge_bundle(chair, tmp_path / "b.ppgbundle", passphrase="wrong")
    report = merge_bundle(chair, tmp_path / "b.ppgbundle", passphrase="pass phrase")
    assert report.table("feedback").added == 1


def test_redacted_bundle_hides_personal_details(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    _add(chair, "Please call me on 07700 900123 about my letter")
    export_bundle(chair, tmp_path / "practice.ppgbundle", redact_text=True)
    assert b"07700 900123" not in (tmp_path / "practice.ppgbundle").read_bytes()
    # a redacted copy does not count as the chair's export
    assert export_bundle(chair, tmp_path / "full.ppgbundle").counts["feedback"] == 1


def test_not_a_bundle(chair: sqlite_utils.Database, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["t"].insert({"x": 1})
    with pytest.raises(BundleProblem, match="not a PPG Desk bundle"):
        merge_bundle(chair, other)


# --- the property: three laptops, every merge order, one result ---------------------------------
COMMENTS = ("Phone busy", "Rude receptionist", "Lovely nurse")
_op = st.one_of(
    st.tuples(st.just("new"), st.integers(0, 2), st.integers(0, 4)),
    st.tuples(
        st.just("text"),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from(COMMENTS),
    ),
    st.tuples(
        st.just("status"),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from(["new", "raised", "closed"]),
    ),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 4)),
    st.tuples(
        st.just("link"),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from(SLUGS),
        st.sampled_from([("auto", "suggested"), ("manual", "confirmed"), ("manual", "rejected")]),
    ),
    st.tuples(
        st.just("practice"),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from(["M85001", "M85002", None]),
    ),
    st.tuples(
        st.just("theme"),
        st.sampled_from(SLUGS),
        st.integers(0, 4),
        st.sampled_from(["queue", "wait", "kind"]),
    ),
    # removed for good by the retention purge, or erased at a person's request (the comment
    # deleted, or the name redacted from it)
    st.tuples(st.just("purge"), st.integers(0, 2), st.integers(0, 4)),
    st.tuples(
        st.just("erase"),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from(["Queue", "Nurse", "Phone"]),
        st.booleans(),
    ),
)
PURGED_ON = dt.date(2027, 1, 1)


def _apply(db: sqlite_utils.Database, ops: list[tuple[Any, ...]], laptop: int) -> None:
    """Replay an edit history with chosen timestamps (so that ties really happen)."""
    base = [r[0] for r in db.execute("SELECT uuid FROM feedback ORDER BY id LIMIT 3")]
    for number, op in enumerate(ops):
        kind, target, tick = op[0], op[1], op[2]
        stamp = _stamp(tick)
        if kind == "practice":
            db.execute(
                "UPDATE practices SET ods_code = ?, updated_at = ? WHERE name = ?",
                [op[3], stamp, "Riverside Surgery"],
            )
            continue
        if kind == "theme":
            db.execute(
                "UPDATE themes SET keywords = ?, updated_at = ? WHERE slug = ?",
                [json.dumps([op[3]]), stamp, target],
            )
            continue
        uuid = base[target]
        if kind == "new":
            item = _add(db, f"Laptop {laptop} comment {number}")
            db.execute(
                "UPDATE feedback SET created_at = ?, updated_at = ? WHERE id = ?",
                [stamp, stamp, item],
            )
        elif kind in ("text", "status"):
            db.execute(
                f"UPDATE feedback SET {kind} = ?, updated_at = ? WHERE uuid = ?",
                [op[3], stamp, uuid],
            )
        elif kind == "delete":
            db.execute(
                "UPDATE feedback SET deleted_at = ?, updated_at = ? WHERE uuid = ?",
                [stamp, stamp, uuid],
            )
        elif kind in ("purge", "erase"):
            _remove(db, uuid, op, stamp)
        elif kind == "link":
            source, state = op[4]
            db.execute(
                "INSERT INTO feedback_themes (feedback_id, theme_id, source, state, score,"
                " evidence, created_at, updated_at) SELECT f.id, t.id, ?, ?, 0.5, '[]', ?, ?"
                " FROM feedback f, themes t WHERE f.uuid = ? AND t.slug = ?"
                " ON CONFLICT(feedback_id, theme_id) DO UPDATE SET source = excluded.source,"
                " state = excluded.state, updated_at = excluded.updated_at",
                [source, state, stamp, stamp, uuid, op[3]],
            )
    db.conn.commit()


def _remove(db: sqlite_utils.Database, uuid: str, op: tuple[Any, ...], stamp: str) -> None:
    """Purge the item (deleted long enough ago), or erase a name from it (or it), as the chair's
    Privacy screen does."""
    found = db.execute("SELECT id FROM feedback WHERE uuid = ?", [uuid]).fetchone()
    if found is None:
        return
    if op[0] == "purge":
        db.execute(
            "UPDATE feedback SET deleted_at = ?, updated_at = ? WHERE id = ?",
            [stamp, stamp, found[0]],
        )
        db.conn.commit()
        periods = retention.retention_periods(db)
        plan = retention.PurgePlan(PURGED_ON, periods, feedback_ids=[found[0]])
        assert retention.purge(db, plan, "Pat").feedback_removed == 1
    else:
        db.conn.commit()
        item = FeedbackStore(db).get(found[0])
        person = subject_access.SubjectAccessResult(op[3], "", "", feedback=[item])
        with mock.patch.object(subject_access, "now_iso", return_value=stamp):  # ties happen too
            subject_access.erase_subject(db, person, "Pat", delete_feedback=op[4])


def _redactions(db: sqlite_utils.Database) -> dict[str, str]:
    return dict(db.execute("SELECT uuid, redacted_at FROM feedback WHERE redacted_at IS NOT NULL"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=st.lists(st.lists(_op, max_size=6), min_size=4, max_size=4))
def test_merging_in_any_order_reaches_the_same_database(
    tmp_path_factory: pytest.TempPathFactory, histories: list[list[tuple[Any, ...]]]
) -> None:
    folder = tmp_path_factory.mktemp("merge")
    base = open_database(folder / "base.db")
    PracticeStore(base).create("Riverside Surgery")
    for text in ("Phone queue", "Parking", "Nice nurse"):
        _add(base, text)
    uuids = [r[0] for r in base.execute("SELECT uuid FROM feedback ORDER BY id")]
    removed = {  # purged or erased anywhere: gone from every result
        uuids[op[1]]
        for ops in histories
        for op in ops
        if op[0] == "purge" or (op[0] == "erase" and op[4])
    }
    redacted: dict[str, str] = {}  # the latest redaction of each item, wherever it was made
    bundles = []
    for laptop in range(4):
        db = base if laptop == 3 else _clone(base, folder / f"laptop{laptop}.db")
        _apply(db, histories[laptop], laptop)  # laptop 3 is the chair's own edits
        for uuid, stamp in _redactions(db).items():
            redacted[uuid] = max(stamp, redacted.get(uuid, stamp))
        if laptop < 3:
            bundles.append(
                export_bundle(db, folder / f"laptop{laptop}.ppgbundle", everything=True).path
            )
        db.close()

    results = []
    for order in itertools.permutations(range(3)):
        target = folder / f"chair-{''.join(map(str, order))}.db"
        shutil.copy(folder / "base.db", target)
        chair = open_database(target)
        for index in order:
            merge_bundle(chair, bundles[index])
        snapshot = _snapshot(chair)
        assert not removed & {row[0] for row in snapshot["feedback"]}
        assert _redactions(chair) == {u: r for u, r in redacted.items() if u not in removed}
        merge_bundle(chair, bundles[order[0]])  # merging again changes nothing
        assert _snapshot(chair) == snapshot
        # whatever the conflicts, no comment text reaches the audit log
        log = json.dumps([e.changes for e in AuditStore(chair).list(limit=100_000)])
        assert not any(text in log for text in (*COMMENTS, "Phone queue", "Parking", "comment"))
        results.append(snapshot)
        chair.close()
    assert all(r == results[0] for r in results[1:])


def test_surveys_and_responses_travel_with_their_feedback(
    chair: sqlite_utils.Database, tmp_path: Path
) -> None:
    from ppg_desktop.core.survey_store import SurveyStore

    laptop = _clone(chair, tmp_path / "laptop.db")
    store = SurveyStore(laptop)
    survey = store.create_from_template("fft")
    fft, reason = survey.questions
    store.add_response(
        survey.id,
        {fft.id: "Poor", reason.id: "Could not get through by phone"},
        practice_id=1,
        collected_on=dt.date(2026, 3, 2),
    )
    export_bundle(laptop, tmp_path / "b.ppgbundle")
    report = merge_bundle(chair, tmp_path / "b.ppgbundle")
    assert (report.table("surveys").added, report.table("survey_responses").added) == (1, 1)

    chair_survey_id = chair.execute(
        "SELECT id FROM surveys WHERE uuid = ?", [survey.uuid]
    ).fetchone()[0]
    merged = SurveyStore(chair).get(chair_survey_id)
    assert [(q.uuid, q.text) for q in merged.questions] == [
        (q.uuid, q.text) for q in survey.questions
    ]
    (response,) = SurveyStore(chair).list_responses(chair_survey_id)
    item = FeedbackStore(chair).list()[0]
    assert item.text == "Could not get through by phone"
    assert item.survey_response_id == response.id
    again = merge_bundle(chair, tmp_path / "b.ppgbundle")
    assert (again.added, again.updated) == (0, 0)
