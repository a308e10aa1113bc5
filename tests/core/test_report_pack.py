"""The meeting pack: built from demo and hand-made databases, then read back with pypdf."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core import analysis
from ppg_desktop.core.analysis import format_value
from ppg_desktop.core.db import open_database
from ppg_desktop.core.demo import generate_demo
from ppg_desktop.core.periods import Period
from ppg_desktop.core.reports import PackCancelled, PackOptions, build_pack
from ppg_desktop.core.reports.pack import EmptyPeriod
from ppg_desktop.core.reports.quotes import rank_candidates, shorten, shows_personal_details
from ppg_desktop.core.reports.sections import SECTION_TITLES
from tests.core.reports_helpers import add_items, pdf_pages, practice

DEMO_TODAY = dt.date(2026, 6, 15)
QUARTER = Period(dt.date(2026, 3, 1), dt.date(2026, 5, 31), "Last quarter")
PERSONAL = ("jane.doe@example.com", "07700 900123", "943 476 5919", "SW1A 1AA")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small demo database made once; each test copies it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(path)
    generate_demo(db, size=800, today=DEMO_TODAY)
    db.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> sqlite_utils.Database:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_template, copy)
    database = open_database(copy)
    yield database
    database.close()


def test_every_section_and_page_numbers(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    result = build_pack(demo_db, PackOptions(QUARTER), tmp_path / "pack.pdf")
    pages = pdf_pages(result.path)
    assert result.pages == len(pages) > 5
    assert result.sections == list(SECTION_TITLES)
    text = " ".join(pages)
    for title in ("Contents", *SECTION_TITLES):
        assert title in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert QUARTER.describe() in page
        assert "Millbrook and District Medical Group PPG" in page
    contents = pages[1]
    assert contents.startswith("Contents")
    for title in SECTION_TITLES:
        # pypdf reads each entry's dot leader and page number before its title
        found = re.search(r"\. (\d+) " + re.escape(title), contents)
        assert found, title
        assert title in pages[int(found.group(1)) - 1]


def test_key_figures_equal_the_core_counts(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    result = build_pack(demo_db, PackOptions(QUARTER), tmp_path / "pack.pdf")
    page = next(p for p in pdf_pages(result.path) if "Key figures This period:" in p)
    figures = analysis.kpis(demo_db, QUARTER)
    assert figures[0].current and figures[0].current > 20
    for kpi in figures:
        if kpi.key == "rising_theme":
            row = f"{kpi.label}: {kpi.detail} {kpi.value_text()}"
        else:
            row = (
                f"{kpi.label} {kpi.value_text()} "
                f"{format_value(kpi.previous, kpi.unit, kpi.previous_n)} {kpi.change_text}"
            )
        assert row in page, row


def test_summary_names_the_rising_theme(db: sqlite_utils.Database, tmp_path: Path) -> None:
    site = practice(db)
    add_items(db, site, "phone_access", dt.date(2025, 2, 10), ["Could not get through."] * 3)
    add_items(db, site, "prescriptions", dt.date(2025, 2, 11), ["Repeat was late again."] * 4)
    add_items(db, site, "phone_access", dt.date(2025, 3, 10), ["Forty minutes on hold."] * 5)
    add_items(db, site, "prescriptions", dt.date(2025, 3, 12), ["Repeat was late again."] * 2)
    period = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    text = " ".join(pdf_pages(build_pack(db, PackOptions(period), tmp_path / "p.pdf").path))
    assert (
        "Mentions of phone access rose from 3 to 5 (+67%) and it is now the most common theme."
    ) in text
    assert "There were 7 complaints, the same as before (7)" in text


def test_quotes_never_show_personal_details(db: sqlite_utils.Database, tmp_path: Path) -> None:
    site = practice(db)
    day = dt.date(2025, 3, 5)
    add_items(
        db,
        site,
        "phone_access",
        day,
        [
            f"I rang for an hour, please call me back on {PERSONAL[1]} about the phone queue.",
            f"Email me at {PERSONAL[0]}, the phone line was engaged all morning.",
            f"My NHS number is {PERSONAL[2]} and the phone queue was forty minutes long.",
            f"I live at {PERSONAL[3]} and could not get through on the phone at all.",
        ],
    )
    period = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    result = build_pack(db, PackOptions(period, max_quotes_per_theme=4), tmp_path / "p.pdf")
    quotes = result.figures.quotes["phone_access"] if result.figures else []
    assert len(quotes) >= 2
    text = " ".join(pdf_pages(result.path))
    assert "What patients said" in text
    for detail in PERSONAL:
        assert detail not in text
        assert detail.replace(" ", "") not in text.replace(" ", "")
    for quote in quotes:
        assert not shows_personal_details(quote.text)
        assert quote.text in text or quote.text[:40] in text


def test_large_print_builds_longer(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    normal = build_pack(demo_db, PackOptions(QUARTER), tmp_path / "normal.pdf")
    large = build_pack(demo_db, PackOptions(QUARTER, large_print=True), tmp_path / "large.pdf")
    assert large.pages > normal.pages
    assert large.sections == normal.sections
    pages = pdf_pages(large.path)
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, start=1))


def test_empty_period_gives_a_pack_that_says_so(db: sqlite_utils.Database, tmp_path: Path) -> None:
    practice(db)
    period = Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    result = build_pack(db, PackOptions(period), tmp_path / "empty.pdf")
    text = " ".join(pdf_pages(result.path))
    assert "No feedback was recorded" in text
    assert result.sections == list(SECTION_TITLES)
    with pytest.raises(EmptyPeriod, match="01/01/2024 to 31/01/2024"):
        build_pack(db, PackOptions(period, include_empty_ok=False), tmp_path / "no.pdf")
    assert not (tmp_path / "no.pdf").exists()


def test_practice_choice_narrows_the_figures(
    demo_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    first = demo_db.execute("SELECT id, name FROM practices ORDER BY name").fetchone()
    result = build_pack(demo_db, PackOptions(QUARTER, [first[0]]), tmp_path / "one.pdf")
    expected = analysis.kpis(demo_db, QUARTER, [first[0]])[0].current
    assert result.figures is not None
    assert result.figures.received == expected
    assert first[1] in pdf_pages(result.path)[0]


def test_progress_and_cancel(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    build_pack(
        demo_db,
        PackOptions(QUARTER),
        tmp_path / "p.pdf",
        progress=lambda done, total, label: seen.append((done, total, label)),
    )
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)
    assert seen[-1][0] == seen[-1][1]
    calls = 0

    def cancel_on_third() -> bool:
        nonlocal calls
        calls += 1
        return calls >= 3

    with pytest.raises(PackCancelled):
        build_pack(demo_db, PackOptions(QUARTER), tmp_path / "c.pdf", should_cancel=cancel_on_third)
    assert not (tmp_path / "c.pdf").exists()
    assert not list(tmp_path.glob(".c.pdf*"))


def test_quote_helpers() -> None:
    assert shows_personal_details("write to jo@example.org")
    assert shows_personal_details("ring 07700 900123")
    assert shows_personal_details("post code M1 1AE")
    assert not shows_personal_details("ring [PHONE] or email [EMAIL], waited 40 minutes at 8:01")
    long = "The queue was long. " * 30
    assert len(shorten(long)) <= 240 and shorten(long).endswith(".")
    texts = [
        "zebra quantum violin",
        "phone queue engaged again",
        "phone queue engaged",
        "the phone queue was engaged",
    ]
    assert rank_candidates(texts)[0] != 0  # the odd one out is not first, though newest
