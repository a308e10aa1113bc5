"""Killing the process (SIGKILL) half way through an import or a merge leaves the database as
it was: both run in one transaction, and SQLite's journal undoes a half-finished one."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core.bundles import export_bundle
from ppg_desktop.core.db import open_database, quick_check
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

_IMPORT_SCRIPT = """
import sys, time
from ppg_desktop.core.db import open_database
from ppg_desktop.core.importing import import_file

def progress(stage, done, total):
    if stage == "Storing rows" and done >= 1000:
        print("READY", flush=True)   # rows are written inside the open transaction
        time.sleep(60)

db = open_database(sys.argv[1])
import_file(db, sys.argv[2], progress=progress)
print("FINISHED", flush=True)
"""

_MERGE_SCRIPT = """
import sys, time
from ppg_desktop.core.db import open_database
from ppg_desktop.core.bundles import merge_bundle

def progress(stage, done, total):
    if stage == "feedback" and done >= 1000:
        print("READY", flush=True)
        time.sleep(60)

db = open_database(sys.argv[1])
merge_bundle(db, sys.argv[2], progress=progress)
print("FINISHED", flush=True)
"""


def _kill_when_ready(script: str, *args: str) -> None:
    """Run a script, wait until it says it is mid-transaction, then kill -9 it."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line == "READY", process.stderr.read() if process.stderr else line
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _state(path: Path) -> tuple[list[str], int, int, int]:
    db = open_database(path, create=False)
    try:
        return (
            quick_check(db),
            FeedbackStore(db).count(),
            db.execute("SELECT count(*) FROM feedback_themes").fetchone()[0],
            db.execute("SELECT count(*) FROM audit_log").fetchone()[0],
        )
    finally:
        db.close()


def _add(db: sqlite_utils.Database, text: str) -> None:
    practice = PracticeStore(db).find_by_name("Riverside Surgery")
    assert practice is not None
    FeedbackStore(db).create(
        practice_id=practice.id,
        received_on=dt.date(2026, 2, 20),
        channel="phone",
        kind="complaint",
        text=text,
    )


def test_killed_import_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "ppg.db"
    db = open_database(path)
    PracticeStore(db).create("Riverside Surgery")
    _add(db, "Already here before the import")
    db.close()
    before = _state(path)
    source = tmp_path / "big.csv"
    lines = ["Date,Practice,Comment"] + [
        f"21/02/2026,Riverside Surgery,Waited on the phone visit {n}" for n in range(5000)
    ]
    source.write_text("\n".join(lines), encoding="utf-8")

    _kill_when_ready(_IMPORT_SCRIPT, str(path), str(source))

    assert _state(path) == before
    assert before[0] == [] and before[1] == 1


def test_killed_merge_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    laptop = open_database(tmp_path / "laptop.db")
    PracticeStore(laptop).create("Riverside Surgery")
    practice_id = PracticeStore(laptop).find_by_name("Riverside Surgery").id  # type: ignore[union-attr]
    FeedbackStore(laptop).create_many(
        {
            "practice_id": practice_id,
            "received_on": dt.date(2026, 2, 20),
            "channel": "email",
            "kind": "concern",
            "text": f"Comment number {n}",
        }
        for n in range(3000)
    )
    export_bundle(laptop, tmp_path / "big.ppgbundle")
    laptop.close()
    path = tmp_path / "chair.db"
    chair = open_database(path)
    PracticeStore(chair).create("Hillview Medical Centre")
    chair.close()
    before = _state(path)

    _kill_when_ready(_MERGE_SCRIPT, str(path), str(tmp_path / "big.ppgbundle"))

    assert _state(path) == before
    chair = open_database(path)
    assert [p.name for p in PracticeStore(chair).list()] == ["Hillview Medical Centre"]
    chair.close()
