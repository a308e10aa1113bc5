"""Export and merge from the UI say, in plain words, what was removed for good and not merged."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlite_utils
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ppg_desktop.core import retention
from ppg_desktop.core.bundles import export_bundle
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.ui import bundle_dialogs, messages
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import wait_for_jobs


def test_merge_and_export_tell_the_chair_about_records_removed_for_good(
    qtbot: QtBot,
    db: sqlite_utils.Database,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "problem_sink", lambda title, text: told.append((title, text)))
    monkeypatch.setattr(
        bundle_dialogs, "tell", lambda parent, title, text: told.append((title, text))
    )
    ctx = AppContext(db, db_path)
    practice = PracticeStore(db).create("Riverside Surgery")
    item = FeedbackStore(db).create(
        practice_id=practice.id,
        received_on=dt.date(2026, 3, 2),
        channel="phone",
        kind="complaint",
        text="Phone queue too long",
    )
    laptop_path = tmp_path / "laptop.db"
    copy = sqlite_utils.Database(laptop_path)
    db.conn.backup(copy.conn)
    copy.close()
    FeedbackStore(db).soft_delete([item.id])
    retention.purge(
        db, retention.purge_preview(db, dt.date.today() + dt.timedelta(days=40)), "Pat Chair"
    )
    laptop = open_database(laptop_path)
    export_bundle(laptop, tmp_path / "from-laptop.ppgbundle")
    laptop.close()

    notified: list[str] = []
    ctx.data_changed.connect(notified.append)
    bundle_dialogs.merge_volunteer_export(ctx, None, tmp_path / "from-laptop.ppgbundle")
    assert wait_for_jobs()
    assert {"feedback", "surveys", "themes"} <= set(notified)  # the screens that show merges
    title, text = told[-1]
    assert title == "Merged"
    assert (
        "1 feedback item skipped: removed here under the retention rules or at a person's request."
        in text
    )
    assert FeedbackStore(db).count(None) == 0

    bundle_dialogs.export_for_chair(ctx, None, tmp_path / "from-chair.ppgbundle")
    assert wait_for_jobs()
    title, text = told[-1]
    assert title == "Exported"
    assert "It also lists 1 record removed here under the retention rules" in text
