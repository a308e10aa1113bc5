"""The encrypt, purge and subject-access commands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ppg_desktop.cli import main
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore


def _seed(path: Path) -> tuple[int, int]:
    db = open_database(path)
    practice = PracticeStore(db, "t").create("Elm Road Surgery")
    store = FeedbackStore(db, "t")
    kept = store.create(
        practice_id=practice.id,
        received_on=dt.date(2026, 1, 5),
        channel="phone",
        kind="complaint",
        text="Jo Bloggs waited an hour",
    ).id
    old = store.create(
        practice_id=practice.id,
        received_on=dt.date(2026, 1, 5),
        channel="phone",
        kind="concern",
        text="Deleted long ago",
    ).id
    store.soft_delete([old])
    db.execute("UPDATE feedback SET deleted_at = '2025-01-01T00:00:00+00:00' WHERE id = ?", [old])
    ContactStore(db, "t").create(
        kept, "Jo Bloggs", "07700 900123", "", True, dt.date(2026, 1, 5), "A reply", "Sam"
    )
    db.conn.close()
    return kept, old


def test_encrypt_then_change_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ppg.db"
    _seed(path)
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "first long phrase")
    assert main(["encrypt", "--db", str(path)]) == 0
    assert is_encrypted_file(path)
    assert list((tmp_path / "backups").glob("ppg-desk-backup-*-before-encryption.db"))
    assert "now encrypted" in capsys.readouterr().out
    assert main(["encrypt", "--db", str(path)]) == 1  # already encrypted
    monkeypatch.setenv("PPG_DESK_NEW_PASSPHRASE", "second long phrase")
    assert main(["encrypt", "--db", str(path), "--change"]) == 0
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "second long phrase")
    assert main(["purge", "--db", str(path), "--dry-run"]) == 0
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "first long phrase")
    assert main(["purge", "--db", str(path), "--dry-run"]) == 3
    assert "passphrase does not open" in capsys.readouterr().err


def test_encrypt_refuses_a_short_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ppg.db"
    _seed(path)
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "short")
    assert main(["encrypt", "--db", str(path)]) == 1
    assert "Passphrase: Use at least 8" in capsys.readouterr().err
    assert not is_encrypted_file(path)


def test_purge_lists_then_needs_yes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ppg.db"
    kept, old = _seed(path)
    assert main(["purge", "--db", str(path)]) == 1  # not a terminal and no --yes
    out = capsys.readouterr()
    assert f"Feedback {old}" in out.out and "add --yes" in out.err
    assert main(["purge", "--db", str(path), "--yes", "--as", "Pat Chair"]) == 0
    assert "Removed 1 feedback item." in capsys.readouterr().out
    db = open_database(path)
    assert FeedbackStore(db).get(kept)
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 1
    assert db.execute("SELECT actor FROM audit_log WHERE action = 'purge'").fetchone()[0] == (
        "Pat Chair"
    )
    db.conn.close()
    assert main(["purge", "--db", str(path)]) == 0
    assert "Nothing is due" in capsys.readouterr().out


def test_subject_access_export_and_erase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ppg.db"
    kept, _old = _seed(path)
    out_file = tmp_path / "jo.json"
    assert (
        main(
            [
                "subject-access",
                "--db",
                str(path),
                "--phone",
                "+44 7700 900123",
                "--out",
                str(out_file),
            ]
        )
        == 0
    )
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["contact_details"][0]["name"] == "Jo Bloggs"
    assert main(["subject-access", "--db", str(path), "--name", "Jo Bloggs", "--erase"]) == 1
    assert (
        main(["subject-access", "--db", str(path), "--name", "Jo Bloggs", "--erase", "--yes"]) == 0
    )
    assert "1 set of contact details removed, 1 feedback item redacted" in capsys.readouterr().out
    db = open_database(path)
    assert FeedbackStore(db).get(kept).text == "[NAME] waited an hour"
    assert ContactStore(db).count() == 0
    db.conn.close()
    assert main(["subject-access", "--db", str(path)]) == 2


def _two_jo_smiths(path: Path) -> None:
    """Jo Smith at Elm Road and Jo Smithson at Hillview: only the name is shared."""
    db = open_database(path)
    store = FeedbackStore(db, "t")
    for practice_name, name, phone, text in (
        ("Elm Road Surgery", "Jo Smith", "07700 900123", "Waited an hour on the phone"),
        ("Hillview Medical Centre", "Jo Smithson", "0113 496 0000", "Prescription lost twice"),
    ):
        practice = PracticeStore(db, "t").create(practice_name)
        item = store.create(
            practice_id=practice.id,
            received_on=dt.date(2026, 1, 5),
            channel="phone",
            kind="complaint",
            text=text,
        )
        ContactStore(db, "t").create(
            item.id, name, phone, "", True, dt.date(2026, 1, 5), "A reply", "Sam"
        )
    db.conn.close()


def _contact_names(path: Path) -> list[str]:
    db = open_database(path)
    try:
        return [c.name for c in ContactStore(db).list_all()]
    finally:
        db.conn.close()


def test_subject_access_by_name_alone_warns_and_will_not_erase_or_export_unasked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ppg.db"
    _two_jo_smiths(path)
    by_name = ["subject-access", "--db", str(path), "--name", "Jo Smith"]
    assert main([*by_name, "--erase", "--yes"]) == 1
    out, err = capsys.readouterr()
    assert "may be about 2 different people" in out
    assert "Person 1: Jo Smith; 07700 900123; no email address; Elm Road Surgery" in out
    assert "Person 2: Jo Smithson; 0113 496 0000" in out and "(--phone)" in out
    assert "nothing erased" in err and "--all-matches" in err
    assert _contact_names(path) == ["Jo Smith", "Jo Smithson"]
    out_file = tmp_path / "jo.json"
    assert main([*by_name, "--out", str(out_file)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert not out_file.exists()

    assert main([*by_name, "--phone", "07700900123", "--erase", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Left out: 1 set of contact details" in out and "Jo Smithson, 0113 496 0000" in out
    assert "1 set of contact details removed" in out
    assert _contact_names(path) == ["Jo Smithson"]


def test_subject_access_all_matches_erases_everyone_found_after_checking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ppg.db"
    _two_jo_smiths(path)
    argv = ["subject-access", "--db", str(path), "--name", "Jo Smith", "--erase"]
    assert main([*argv, "--all-matches"]) == 1  # still asks: no keyboard, no --yes
    assert "add --yes" in capsys.readouterr().err
    assert _contact_names(path) == ["Jo Smith", "Jo Smithson"]
    assert main([*argv, "--all-matches", "--yes"]) == 0
    assert "2 sets of contact details removed" in capsys.readouterr().out
    assert _contact_names(path) == []


def test_purge_and_erase_commands_remove_versions_kept_from_merges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ppg_desktop.core.merge_conflict_store import MergeConflictStore

    path = tmp_path / "ppg.db"
    kept, old = _seed(path)
    db = open_database(path)
    for feedback_id, text in ((kept, "Jo Bloggs waited two hours"), (old, "Deleted, Mr Yarrow")):
        MergeConflictStore(db).keep("feedback", "u", feedback_id, "bundle", {"text": text})
    db.conn.commit()
    db.conn.close()

    def kept_texts() -> list[str]:
        db = open_database(path)
        try:
            return [r[0] for r in db.execute("SELECT losing_fields FROM merge_conflicts")]
        finally:
            db.conn.close()

    assert main(["purge", "--db", str(path), "--yes"]) == 0
    assert [json.loads(t)["text"] for t in kept_texts()] == ["Jo Bloggs waited two hours"]
    assert (
        main(["subject-access", "--db", str(path), "--name", "Jo Bloggs", "--erase", "--yes"]) == 0
    )
    assert kept_texts() == []


def _survey_answers(path: Path, *, years_ago: int) -> int:
    """An FFT response naming Jo Bloggs, filled in `years_ago`, whose feedback item is gone."""
    from ppg_desktop.core.survey_store import SurveyStore

    db = open_database(path)
    store = SurveyStore(db, "t")
    survey = store.create_from_template("fft")
    fft, why = (q.id for q in survey.questions)
    practice = PracticeStore(db).list()[0]
    response = store.add_response(
        survey.id,
        {fft: "Poor", why: "Jo Bloggs waited at the desk"},
        practice_id=practice.id,
        collected_on=dt.date.today() - dt.timedelta(days=366 * years_ago),
    )
    db.execute("DELETE FROM feedback WHERE survey_response_id = ?", [response.id])
    db.conn.commit()
    db.conn.close()
    return response.id


def _answers(path: Path, response_id: int) -> list[str]:
    db = open_database(path)
    try:
        sql = "SELECT value FROM survey_answers WHERE response_id = ? ORDER BY id"
        return [row[0] for row in db.execute(sql, [response_id])]
    finally:
        db.conn.close()


def test_purge_command_lists_and_removes_old_written_survey_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ppg.db"
    _seed(path)
    response = _survey_answers(path, years_ago=7)
    assert main(["purge", "--db", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Written survey answers: with their feedback, or 6 years after the survey" in out
    assert "and 1 written survey answer are due" in out
    assert f"Survey response {response} " in out and "Jo Bloggs" not in out
    assert main(["purge", "--db", str(path), "--yes"]) == 0
    assert (
        "Removed 1 feedback item and 1 written survey answer (the ratings and choices given "
        "with them stay)." in capsys.readouterr().out
    )
    assert _answers(path, response) == ["Poor"]


def test_subject_access_command_exports_and_erases_written_survey_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ppg.db"
    _seed(path)
    response = _survey_answers(path, years_ago=1)
    out_file = tmp_path / "jo.json"
    argv = ["subject-access", "--db", str(path), "--name", "Jo Bloggs"]
    assert main([*argv, "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "also 1 written survey answer." in out and f"Survey response {response} (" in out
    exported = json.loads(out_file.read_text(encoding="utf-8"))
    assert exported["survey_answers"][0]["answer"] == "Jo Bloggs waited at the desk"
    assert main([*argv, "--erase", "--yes"]) == 0
    assert "1 written survey answer redacted." in capsys.readouterr().out
    assert _answers(path, response) == ["Poor", "[NAME] waited at the desk"]
