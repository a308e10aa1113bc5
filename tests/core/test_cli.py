"""The command line: help for every command, one-line errors, stats and export."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlite_utils

from ppg_desktop.cli import build_parser, command_modules, main
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    modules = command_modules()
    assert {"stats", "export"} <= {m.NAME for m in modules}
    for module in modules:
        assert module.HELP.strip(), module.NAME
        with pytest.raises(SystemExit) as info:
            main([module.NAME, "--help"])
        assert info.value.code == 0
        assert "usage: ppg-desktop " + module.NAME in capsys.readouterr().out


def test_parser_builds_with_all_commands() -> None:
    assert build_parser().prog == "ppg-desktop"


def test_unknown_option_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["stats", "--nonsense"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "--nonsense" in err


@pytest.mark.parametrize("command", [["stats"], ["export", "--out", "x.csv"]])
def test_missing_database(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.db"
    code = main([*command[:1], "--db", str(missing), *command[1:]])
    assert code == 3
    err = capsys.readouterr().err.strip()
    assert "There is no database" in err
    assert len(err.splitlines()) == 1
    assert not missing.exists()


def test_corrupt_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal: never prompt
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 500)
    assert main(["stats", "--db", str(bad)]) == 3
    err = capsys.readouterr().err
    assert "backup" in err
    assert "Traceback" not in err


def _seed(path: Path, n: int = 30) -> None:
    db = open_database(path)
    practice = PracticeStore(db).create("Elm Surgery").id
    store, themes = FeedbackStore(db), ThemeStore(db)
    phone = themes.get_by_slug("phone_access").id
    today = dt.date.today()
    for i in range(n):
        item = store.create(
            practice_id=practice,
            received_on=today - dt.timedelta(days=i * 10),
            channel="phone",
            kind="complaint",
            text='=HYPERLINK("http://x") on hold for ages'
            if i == 0
            else f"Waited {i} minutes on the phone, call 07700 900123",
        )
        themes.set_link(item.id, phone, state="confirmed")
    db.close()


def test_stats_prints_tables(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(db_path)
    assert main(["stats", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "30 feedback items in all" in out
    assert "Phone access" in out
    assert "Elm Surgery" in out
    assert dt.date.today().strftime("%b %y") in out


def test_export_xlsx_roundtrip(db_path: Path, tmp_path: Path) -> None:
    _seed(db_path)
    out = tmp_path / "feedback.xlsx"
    assert main(["export", "--db", str(db_path), "--format", "xlsx", "--out", str(out)]) == 0
    frame = pd.read_excel(out)
    assert len(frame) == 30
    formula = [c for c in frame["Comment"] if "HYPERLINK" in c]
    assert formula == ['\'=HYPERLINK("http://x") on hold for ages']  # neutralised
    assert "07700 900123" not in " ".join(frame["Comment"])  # redacted by default
    assert frame.iloc[0]["Themes"] == "Phone access"
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0] == 1


def test_export_csv_full_text(db_path: Path, tmp_path: Path) -> None:
    _seed(db_path, 3)
    out = tmp_path / "feedback.csv"
    assert main(["export", "--db", str(db_path), "--out", str(out), "--full-text"]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "07700 900123" in out.read_text(encoding="utf-8-sig")


def test_export_bad_format(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(db_path, 1)
    assert main(["export", "--db", str(db_path), "--out", str(tmp_path / "x.pdf")]) == 1
    assert "csv or xlsx" in capsys.readouterr().err


def test_python_main_is_the_same_program(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "stats", "--db", str(tmp_path / "no.db")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 3
    assert "There is no database" in result.stderr
