"""The waiting-room poster: exactly one A4 page, the right actions, redacted, nothing clipped."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from pypdf import PdfReader

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.poster import (
    BODY_SIZES,
    DEFAULT_JOIN_TEXT,
    MARGIN,
    build_poster,
    make_poster,
)
from ppg_desktop.core.settings_store import SettingsStore


def _done(db: sqlite_utils.Database, title: str, outcome: str) -> int:
    store = ActionStore(db)
    action = store.create(title=title)
    store.set_status(action.id, "done", outcome=outcome)
    return action.id


def _text(path: Path) -> tuple[int, str]:
    reader = PdfReader(str(path))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_poster_is_one_page_with_name_titles_and_join_text(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    SettingsStore(db).set("ppg_name", "Riverside PPG")
    _done(db, "Phones are hard to get through", "Two more phone lines were added.")
    _done(db, "Chairs are uncomfortable", "New chairs were fitted in March.")
    path = build_poster(db, tmp_path / "poster.pdf")
    pages, text = _text(path)
    assert pages == 1
    for expected in (
        "You said, we did",
        "Riverside PPG",
        "Phones are hard to get through",
        "Two more phone lines were added.",
        "Chairs are uncomfortable",
        "How to join us",
        " ".join(DEFAULT_JOIN_TEXT.split()[:6]),
    ):
        assert expected in text


def test_open_actions_and_done_without_outcome_are_not_shown(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    _done(db, "Shown action", "Something was done.")
    ActionStore(db).create(title="Still open")
    _done(db, "No outcome yet", "")
    _, text = _text(build_poster(db, tmp_path / "p.pdf"))
    assert "Shown action" in text
    assert "Still open" not in text and "No outcome yet" not in text


def test_many_long_actions_still_fit_one_page_most_recent_first(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    long_outcome = "The practice changed how this works for everyone who uses it. " * 4
    ids = [
        _done(db, f"Action number {n} about something patients raised", long_outcome)
        for n in range(1, 11)
    ]
    result = make_poster(db, tmp_path / "p.pdf")
    pages, text = _text(result.path)
    assert pages == 1
    assert result.shown and result.shown[0] == ids[-1]
    assert result.shown == sorted(result.shown, reverse=True)
    assert set(result.shown) | set(result.left_out) == set(ids[-6:])
    for action_id in result.shown:
        assert f"Action number {action_id} about" in text
    assert result.body_size in BODY_SIZES


def test_one_enormous_action_is_shortened_not_clipped(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    huge = " ".join(f"word{n}" for n in range(900))
    _done(db, "A very wordy one", huge)
    result = make_poster(db, tmp_path / "p.pdf")
    pages, text = _text(result.path)
    assert pages == 1 and result.shown
    assert "A very wordy one" in text and "…" in text
    assert "word899" not in text
    assert "How to join us" in text


def test_chosen_actions_are_used_in_order_and_checked(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    first = _done(db, "First chosen", "Done one.")
    second = _done(db, "Second chosen", "Done two.")
    _done(db, "Not chosen", "Done three.")
    result = make_poster(db, tmp_path / "p.pdf", [first, second])
    _, text = _text(result.path)
    assert result.shown == [first, second]
    assert "Not chosen" not in text and text.index("First chosen") < text.index("Second chosen")
    still_open = ActionStore(db).create(title="Open one").id
    with pytest.raises(ValidationError) as caught:
        build_poster(db, tmp_path / "q.pdf", [still_open])
    assert caught.value.field == "Actions"


def test_no_done_actions_explains_what_to_do(db: sqlite_utils.Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        build_poster(db, tmp_path / "p.pdf")
    assert "Mark an action done" in caught.value.message


def test_text_is_redacted_and_join_text_comes_from_settings(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    SettingsStore(db).set("join_text", "Email ppg@riverside.example to join.")
    _done(
        db, "Mrs Jane Bloggs on 07700 900123 said the signs were poor", "Clearer signs were put up."
    )
    _, text = _text(build_poster(db, tmp_path / "p.pdf"))
    assert "07700" not in text and "Bloggs" not in text
    assert "Email ppg@riverside.example to join." in text


def test_everything_is_drawn_inside_the_page_margins(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    for n in range(8):
        _done(db, f"Title {n} " + "long words " * 10, "Outcome text " * 20)
    reader = PdfReader(str(build_poster(db, tmp_path / "p.pdf")))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    positions: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]  # text space to page space
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            positions.append((x, y))

    page.extract_text(visitor_text=visit)
    assert positions
    for x, y in positions:
        assert MARGIN - 1 <= x <= width - MARGIN
        assert MARGIN - 1 <= y <= height - MARGIN


def test_poster_command_writes_pdf_and_reports(
    db: sqlite_utils.Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ppg_desktop.cli import main

    chosen = _done(db, "Chosen for the poster", "It was done.")
    _done(db, "Another", "Also done.")
    db.close()
    out = tmp_path / "out" / "poster.pdf"
    assert main(["poster", "--db", str(db_path), "--out", str(out), "--action", str(chosen)]) == 1
    assert "does not exist" in capsys.readouterr().err  # no folder is made behind your back
    out.parent.mkdir()
    assert main(["poster", "--db", str(db_path), "--out", str(out), "--action", str(chosen)]) == 0
    pages, text = _text(out)
    assert pages == 1 and "Chosen for the poster" in text and "Another" not in text
    assert "with 1 action at" in capsys.readouterr().out
    assert main(["poster", "--db", str(db_path), "--out", str(out), "--action", "999"]) == 1
    assert "cannot be found" in capsys.readouterr().err


def test_actions_command_marks_overdue_in_words(
    db: sqlite_utils.Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ppg_desktop.cli import main

    store = ActionStore(db)
    store.create(title="Late thing", due_on="01/01/2026")
    store.create(title="Fine thing", due_on="01/01/2099")
    db.close()
    assert main(["actions", "--db", str(db_path), "--overdue"]) == 0
    out = capsys.readouterr().out
    assert "OVERDUE Open due 01/01/2026: Late thing" in out and "Fine thing" not in out
