"""Error paths found by using the command line end to end: each is one line, non-zero, and
leaves the data as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ppg_desktop.cli import main
from ppg_desktop.commands import stats as stats_command
from ppg_desktop.core.backup import backup_now, restore_backup
from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import DatabaseProblem
from ppg_desktop.core.practice_store import PracticeStore


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    """The single stderr line a failed command printed (fails if there were more, or a trace)."""
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def _database_with_a_practice(path: Path) -> None:
    db = open_database(path)
    PracticeStore(db, "test").create("Mill Lane Surgery", "A12345")
    db.close()


@contextmanager
def _held_exclusively(path: Path) -> Iterator[None]:
    """Another program holding a write lock, as a second copy of the app mid-save would."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.mark.parametrize("command", [["stats"], ["actions"], ["survey", "list"], ["backup"]])
def test_a_folder_given_as_the_database_is_one_line(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ppg.db"
    folder.mkdir()
    code = main([*command, "--db", str(folder)])
    assert code == 3
    assert "is a folder" in _one_line_error(capsys)


def test_encrypt_a_folder_says_so_before_asking_for_a_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ppg.db"
    folder.mkdir()
    assert main(["encrypt", "--db", str(folder)]) == 3
    err = _one_line_error(capsys)
    assert "is a folder" in err
    assert "Passphrase" not in err


def test_encrypt_a_damaged_plain_database_says_damaged_not_encrypted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "d.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"junk" * 50)
    assert main(["encrypt", "--db", str(damaged)]) == 3
    err = _one_line_error(capsys)
    assert "damaged" in err
    assert "encrypted" not in err
    assert damaged.read_bytes().startswith(b"SQLite format 3\x00junk")


def test_encrypt_change_on_a_plain_database_says_it_is_not_encrypted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.db"
    _database_with_a_practice(path)
    monkeypatch.setenv("PPG_DESK_PASSPHRASE", "an old passphrase")
    monkeypatch.setenv("PPG_DESK_NEW_PASSPHRASE", "a new passphrase")
    assert main(["encrypt", "--change", "--db", str(path)]) == 1
    assert "not encrypted yet" in _one_line_error(capsys)


def test_restore_over_a_locked_database_refuses_and_keeps_it(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    _database_with_a_practice(live)
    db = open_database(live)
    backup = backup_now(db, to_dir=tmp_path / "backups", reason="manual")
    db.close()
    with _held_exclusively(live), pytest.raises(DatabaseProblem) as info:
        restore_backup(live, backup.path, safety_dir=tmp_path / "safety")
    assert info.value.kind == "locked"
    assert live.exists()
    assert list(tmp_path.glob("live.db.damaged-*")) == []
    reopened = open_database(live, create=False)
    assert [p.name for p in PracticeStore(reopened, "test").list()] == ["Mill Lane Surgery"]


def test_restore_over_a_damaged_database_says_where_it_was_set_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.db"
    _database_with_a_practice(source)
    db = open_database(source)
    backup = backup_now(db, to_dir=tmp_path / "backups", reason="manual")
    db.close()
    damaged = tmp_path / "live.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"junk" * 50)
    assert main(["restore", "--db", str(damaged), str(backup.path)]) == 0
    out = capsys.readouterr().out
    set_aside = list(tmp_path.glob("live.db.damaged-*"))
    assert len(set_aside) == 1
    assert set_aside[0].name in out
    assert set_aside[0].read_bytes().endswith(b"junk")


def test_an_unexpected_error_is_one_line_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("first line\nsecond line")

    monkeypatch.setattr(stats_command, "run", broken)
    monkeypatch.delenv("PPG_DESK_DEBUG", raising=False)
    assert main(["stats", "--db", str(tmp_path / "x.db")]) == 70
    err = _one_line_error(capsys)
    assert "first line second line" in err
    assert "report this" in err


def test_a_file_system_error_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_permission(_args: object) -> int:
        raise PermissionError(13, "Permission denied", str(tmp_path / "out.csv"))

    monkeypatch.setattr(stats_command, "run", no_permission)
    assert main(["stats"]) == 1
    err = _one_line_error(capsys)
    assert "not allowed" in err
    assert "out.csv" in err


def test_stats_bad_months_goes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.db"
    _database_with_a_practice(path)
    assert main(["stats", "--db", str(path), "--months", "0"]) == 2
    assert "--months" in _one_line_error(capsys)


def _demo_database(path: Path) -> None:
    assert main(["demo", "--db", str(path), "--size", "200", "--today", "2026-06-30"]) == 0


def test_export_interrupted_leaves_the_old_file_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ppg_desktop.commands import export as export_command

    path = tmp_path / "d.db"
    _demo_database(path)
    out = tmp_path / "feedback.csv"
    out.write_text("last month's export\n", encoding="utf-8")

    def half_written(_frame: object, target: Path, _fmt: str) -> None:
        target.write_text("Reference,Date rec", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(export_command, "write_frame", half_written)
    capsys.readouterr()
    assert main(["export", "--db", str(path), "--out", str(out)]) == 130
    assert "stopped" in _one_line_error(capsys)
    assert out.read_text(encoding="utf-8") == "last month's export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "feedback" in p.name) == ["feedback.csv"]


@pytest.mark.parametrize(
    "command",
    [
        ["subject-access", "--name", "Jo Bloggs", "--out", "{missing}/jo.json"],
        ["bundle", "export", "--out", "{missing}/changes.ppgbundle"],
        ["survey", "export", "--survey", "1", "--out", "{missing}/fft.csv"],
    ],
)
def test_a_missing_output_folder_is_refused_not_created(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.db"
    _demo_database(path)
    capsys.readouterr()
    missing = tmp_path / "no such folder"
    argv = [part.replace("{missing}", str(missing)) for part in command]
    assert main([*argv, "--db", str(path)]) == 1
    assert "does not exist" in _one_line_error(capsys)
    assert not missing.exists()


def test_poster_out_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.db"
    _demo_database(path)
    folder = tmp_path / "posters"
    folder.mkdir()
    capsys.readouterr()
    assert main(["poster", "--db", str(path), "--out", str(folder)]) == 1
    assert "is a folder" in _one_line_error(capsys)
    assert not (tmp_path / "posters.pdf").exists()


def test_merging_an_unreadable_bundle_without_a_keyboard_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.db"
    _database_with_a_practice(path)
    junk = tmp_path / "changes.ppgbundle"
    junk.write_bytes(bytes(range(256)) * 4)
    monkeypatch.delenv("PPG_DESK_PASSPHRASE", raising=False)
    assert main(["bundle", "merge", "--db", str(path), str(junk)]) == 3
    assert "PPG_DESK_PASSPHRASE" in _one_line_error(capsys)


def test_verify_and_restore_a_missing_backup_say_it_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.db"
    _database_with_a_practice(path)
    missing = tmp_path / "backup.db"
    assert main(["backup", "--db", str(path), "--verify", str(missing)]) == 1
    err = _one_line_error(capsys)
    assert "There is no backup file" in err
    assert "damaged" not in err
    assert main(["restore", "--db", str(path), str(missing)]) == 1
    err = _one_line_error(capsys)
    assert "There is no backup file" in err
    assert "damaged" not in err


def test_verify_a_damaged_backup_reports_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.db"
    _database_with_a_practice(path)
    damaged = tmp_path / "backup.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"junk" * 50)
    assert main(["backup", "--db", str(path), "--verify", str(damaged)]) == 1
    assert "is damaged" in _one_line_error(capsys)


def test_output_piped_into_head_ends_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def reader_went_away(_args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(stats_command, "run", reader_went_away)
    assert main(["stats"]) == 141
    assert capsys.readouterr().err == ""


def test_bundle_says_since_when_in_uk_time() -> None:
    from ppg_desktop.commands.bundle import _uk_time

    assert _uk_time("2026-11-26T16:57:20.551470") == "26/11/2026 16:57"
    assert _uk_time("not a time") == "not a time"


def test_report_on_an_empty_period_says_so_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.db"
    _database_with_a_practice(path)
    out = tmp_path / "pack.pdf"
    argv = ["report", "--db", str(path), "--from", "2030-01-01", "--to", "2030-03-31"]
    assert main([*argv, "--out", str(out)]) == 0
    err = _one_line_error(capsys)
    assert "no feedback was recorded in the period 01/01/2030 to 31/03/2030" in err
    assert out.read_bytes().startswith(b"%PDF")


def test_every_command_has_examples_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    import shlex

    from ppg_desktop.cli import build_parser, command_modules

    parser = build_parser()
    for module in command_modules():
        examples = [line.strip() for line in module.EXAMPLES.splitlines()[1:] if line.strip()]
        assert examples, module.NAME
        for example in examples:
            words = shlex.split(example)  # may start with VARIABLE=value
            words = words[words.index("ppg-desktop") + 1 :]
            args = parser.parse_args(words)  # an example that does not parse exits here
            assert args.command == module.NAME, example
        with pytest.raises(SystemExit):
            main([module.NAME, "--help"])
        assert "examples:\n  ppg-desktop " + module.NAME in capsys.readouterr().out


def test_import_with_a_rejected_file_in_a_missing_folder_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.db"
    _database_with_a_practice(path)
    source = tmp_path / "comments.csv"
    source.write_text(
        "Date,Practice,Comment\n13/04/2026,Mill Lane Surgery,On hold for an hour\n"
        "31/02/2026,Mill Lane Surgery,A date that does not exist\n",
        encoding="utf-8",
    )
    rejected = tmp_path / "no such folder" / "rejected.csv"
    argv = ["import", "--db", str(path), str(source), "--skip-invalid", "--rejected"]
    assert main([*argv, str(rejected)]) == 1
    assert "--rejected" in _one_line_error(capsys)
    db = open_database(path, create=False)
    assert db["feedback"].count == 0


def test_purge_without_yes_and_without_a_keyboard_removes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.db"
    _demo_database(path)
    db = open_database(path, create=False)
    # something due: an item deleted long ago (the demo itself keeps to its retention periods)
    db.execute("UPDATE feedback SET deleted_at = '2020-01-01T00:00:00+00:00' WHERE id = 1")
    db.conn.commit()
    feedback_before = db["feedback"].count
    db.close()
    capsys.readouterr()
    assert main(["purge", "--db", str(path)]) == 1
    assert _one_line_error(capsys).startswith("ppg-desktop purge: Nothing removed")
    assert open_database(path, create=False)["feedback"].count == feedback_before


def test_a_failed_poster_leaves_the_old_poster_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ppg_desktop.commands import poster as poster_command

    path = tmp_path / "d.db"
    _demo_database(path)
    out = tmp_path / "poster.pdf"
    out.write_bytes(b"%PDF last month's poster")

    def fails_half_way(_db: object, target: Path, _ids: object) -> None:
        target.write_bytes(b"%PDF-1.4 half")
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(poster_command, "make_poster", fails_half_way)
    capsys.readouterr()
    assert main(["poster", "--db", str(path), "--out", str(out)]) == 1
    assert "disk is full" in _one_line_error(capsys)
    assert out.read_bytes() == b"%PDF last month's poster"
    assert [p.name for p in tmp_path.iterdir() if "poster" in p.name] == ["poster.pdf"]


def test_restore_onto_a_folder_refuses_and_leaves_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.db"
    _database_with_a_practice(source)
    db = open_database(source)
    backup = backup_now(db, to_dir=tmp_path / "backups", reason="manual")
    db.close()
    folder = tmp_path / "ppg.db"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["restore", "--db", str(folder), str(backup.path)]) == 3
    assert "is a folder" in _one_line_error(capsys)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert list(tmp_path.glob("ppg.db.damaged-*")) == []


def test_report_practice_can_be_given_by_part_of_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.db"
    db = open_database(path)
    practices = PracticeStore(db, "test")
    practices.create("Mill Lane Surgery", "A12345")
    practices.create("Mill Road Health Centre", "B12345")
    db.close()
    argv = ["report", "--db", str(path), "--from", "2026-01-01", "--to", "2026-03-31"]
    out = tmp_path / "pack.pdf"
    assert main([*argv, "--practice", "mill lane", "--out", str(out)]) == 0
    assert out.exists()
    capsys.readouterr()
    assert main([*argv, "--practice", "mill", "--out", str(tmp_path / "two.pdf")]) == 1
    err = _one_line_error(capsys)
    assert "Mill Lane Surgery, Mill Road Health Centre" in err
    assert not (tmp_path / "two.pdf").exists()


def test_stats_on_an_empty_database_reads_as_words_not_pandas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.db"
    open_database(path).close()
    assert main(["stats", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Empty DataFrame" not in out
    assert "Index: []" not in out
    assert out.count("(no ") == 2
