"""Reading imported comments (sentiment, themes) while the rows are still being checked."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
import sqlite_utils

from ppg_desktop.core import importing, importing_analysis
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.importing import import_file, plan_import
from ppg_desktop.core.importing_analysis import AnalysisCancelled, CommentReader, Item
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.sentiment import classify_sentiment
from ppg_desktop.core.tagging import load_taxonomy, suggest_themes

COMMENTS = [
    "The receptionist was rude",
    "Lovely nurse and very kind",
    "Waited an hour on the phone",
    "Could not book online as the app keeps crashing",
]


def _items(count: int) -> list[Item]:
    """Comments with repeats (every tenth is the same), some with an FFT answer."""
    return [
        (
            f"{COMMENTS[n % 4]} (visit {n if n % 10 else 0})",
            "Very good" if n % 7 == 0 else None,
            n % 3 != 0,
        )
        for n in range(count)
    ]


def _expected(db: sqlite_utils.Database, items: list[Item]) -> list[tuple[str | None, list[str]]]:
    taxonomy = load_taxonomy(db)
    return [
        (
            classify_sentiment(text, fft_answer=fft) if want else None,
            sorted(m.slug for m in suggest_themes(text, taxonomy)),
        )
        for text, fft, want in items
    ]


def _found(
    db: sqlite_utils.Database, readings: list[importing_analysis.Reading]
) -> list[tuple[str | None, list[str]]]:
    slugs = {tid: slug for tid, slug in db.execute("SELECT id, slug FROM themes")}
    return [(r.sentiment, sorted(slugs[t[0]] for t in r.themes)) for r in readings]


def _reader(db: sqlite_utils.Database, workers: int, **kwargs: object) -> CommentReader:
    theme_ids = {slug: tid for tid, slug in db.execute("SELECT id, slug FROM themes")}
    return CommentReader(load_taxonomy(db), theme_ids, workers=workers, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("workers", [1, 2])
def test_comments_handed_over_in_chunks_are_all_read_in_order(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(importing_analysis, "BATCH", 6)
    items = _items(90)
    seen: list[tuple[int, int]] = []
    with _reader(db, workers, progress=lambda stage, done, total: seen.append((done, total))) as r:
        for start in range(0, len(items), 25):
            r.add(items[start : start + 25])
        readings = r.finish(items)
    assert _found(db, readings) == _expected(db, items)
    unique = len(set(items))
    assert unique < len(items)  # the repeats were read once: progress counts unique comments
    assert seen[-1] == (unique, unique)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_pool_that_breaks_while_rows_are_checked_leaves_the_reading_here(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing_analysis, "BATCH", 5)
    submitted: list[int] = []

    class BreaksAfterOne:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def submit(self, function: object, batch: list[Item]) -> object:
            submitted.append(len(batch))
            if len(submitted) > 1:
                raise BrokenProcessPool("a worker died")
            from concurrent.futures import Future

            future: Future[object] = Future()
            future.set_exception(BrokenProcessPool("a worker died"))
            return future

        def shutdown(self, *args: object, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(importing_analysis, "ProcessPoolExecutor", BreaksAfterOne)
    items = _items(40)
    with _reader(db, 2) as reader:
        for start in range(0, len(items), 10):
            reader.add(items[start : start + 10])
        readings = reader.finish(items)
    assert submitted  # the workers were tried
    assert _found(db, readings) == _expected(db, items)


def test_cancelling_while_reading_stops_the_workers(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing_analysis, "BATCH", 5)
    stopped: list[bool] = []
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    reader = _reader(db, 2, cancelled=cancelled)
    original_close = reader.close

    def close() -> None:
        stopped.append(reader._pool is not None)
        original_close()

    reader.close = close  # type: ignore[method-assign]
    items = _items(60)
    with pytest.raises(AnalysisCancelled), reader:
        reader.add(items)
        reader.finish(items)
    assert stopped == [True]  # the pool had started, and was shut down on the way out
    assert reader._pool is None


def test_a_long_file_is_read_while_checked_and_repeats_are_skipped(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows go to the reader chunk by chunk; rows already imported are not read again, except
    the first ones, which the preview shows."""
    PracticeStore(db).create("Riverside Surgery")
    monkeypatch.setattr(importing, "CHUNK", 7)
    monkeypatch.setattr(importing_analysis, "BATCH", 4)
    monkeypatch.setattr(importing_analysis, "PARALLEL_FROM", 10)
    monkeypatch.setattr(importing_analysis.os, "cpu_count", lambda: 2)
    lines = [f"21/02/2026,Riverside Surgery,{COMMENTS[n % 4]} (visit {n})" for n in range(60)]
    first = tmp_path / "first.csv"
    first.write_text("\n".join(["Date,Practice,Comment", *lines[:30]]), encoding="utf-8")
    assert import_file(db, first).added == 30
    both = tmp_path / "both.csv"
    both.write_text("\n".join(["Date,Practice,Comment", *lines]), encoding="utf-8")
    handed: list[int] = []
    original_add = CommentReader.add

    def counting_add(self: CommentReader, items: list[Item]) -> None:
        handed.append(len(items))
        original_add(self, items)

    monkeypatch.setattr(CommentReader, "add", counting_add)
    plan = plan_import(db, both)
    assert plan.already_present == 30
    # the 30 rows already there are read only for the preview (its first 20 rows)
    assert sum(handed) == 20 + 30 and len(handed) == 60 // 7 + 1
    preview = plan.ready[:20]
    assert [row.sentiment for row in preview] == [classify_sentiment(r.text) for r in preview]
    new_rows = plan.ready[30:]
    taxonomy = load_taxonomy(db)
    assert [row.sentiment for row in new_rows] == [classify_sentiment(r.text) for r in new_rows]
    slugs = {tid: slug for tid, slug in db.execute("SELECT id, slug FROM themes")}
    assert [sorted(slugs[t[0]] for t in row.themes) for row in new_rows] == [
        sorted(m.slug for m in suggest_themes(row.text, taxonomy)) for row in new_rows
    ]
    monkeypatch.setattr(CommentReader, "add", original_add)
    result = importing.run_import(db, plan)
    assert (result.added, result.skipped_existing) == (30, 30)
    assert FeedbackStore(db).count() == 60


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_cycle_collector_is_paused_while_importing_and_put_back_as_it_was(
    db: sqlite_utils.Database, tmp_path: Path, enabled_before: bool
) -> None:
    import gc

    PracticeStore(db).create("Riverside Surgery")
    source = tmp_path / "rows.csv"
    lines = [f"21/02/2026,Riverside Surgery,{COMMENTS[n % 4]} (visit {n})" for n in range(600)]
    source.write_text("\n".join(["Date,Practice,Comment", *lines]), encoding="utf-8")
    during: set[bool] = set()
    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        result = import_file(
            db, source, progress=lambda stage, done, total: during.add(gc.isenabled())
        )
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert result.added == 600
    assert during == {False}
    assert after is enabled_before
