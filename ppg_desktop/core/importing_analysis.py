"""Reading many imported comments at once: sentiment and theme suggestions, on every core.

Classifying and tagging are pure functions of the text, and they are most of an import's work,
so a big import shares them out between this process and worker processes (each given the
taxonomy once), with progress and cancel between batches. This process keeps reading while the
workers start, so slow-starting workers (a busy two-core laptop) cost little. Small imports, and
machines with one core, stay in-process. Identical comments are read once.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ppg_desktop.core.sentiment import classify_sentiment

PARALLEL_FROM = 10_000  # below this, starting worker processes costs more than it saves
IN_FLIGHT_PER_WORKER = 2  # batches given to each worker ahead; the rest stay for this process
BATCH = 1000
MAX_WORKERS = 8
# From two cores: on an idle two-core laptop a worker should nearly halve the reading (not
# measured: the bench machine was never idle); where the second core is busy with other work it
# measured from 3 s faster to 3 s slower over 50,000 rows (bench/import_bench.py, Nov 2026).
WORKERS_FROM_CORES = 2

ProgressCallback = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


class AnalysisCancelled(Exception):
    """Raised between batches when the user cancels."""


@dataclass(frozen=True)
class Reading:
    """What was found in one comment: its sentiment (None when not asked for) and themes as
    (theme_id, score, evidence JSON)."""

    sentiment: str | None
    themes: tuple[tuple[int, float, str], ...] = ()


_TAXONOMY: Any = None
_THEME_IDS: dict[str, int] = {}


def _start_worker(taxonomy: Any, theme_ids: dict[str, int]) -> None:
    """Each worker process is given the taxonomy once, not with every batch."""
    global _TAXONOMY, _THEME_IDS
    _TAXONOMY, _THEME_IDS = taxonomy, theme_ids


def _read(text: str, fft_answer: str | None, want_sentiment: bool) -> Reading:
    sentiment = classify_sentiment(text, fft_answer=fft_answer) if want_sentiment else None
    themes: list[tuple[int, float, str]] = []
    if _TAXONOMY is not None:
        for match in _TAXONOMY.suggest(text):
            theme_id = match.theme_id or _THEME_IDS.get(match.slug)
            if theme_id is not None:
                # the same text as json.dumps of the list of dicts, written out directly
                evidence = (
                    "["
                    + ", ".join(
                        f'{{"start": {e.start}, "end": {e.end}, "text": {json.dumps(e.text)}}}'
                        for e in match.evidence
                    )
                    + "]"
                )
                themes.append((theme_id, match.score, evidence))
    return Reading(sentiment, tuple(themes))


def _read_batch(items: Sequence[tuple[str, str | None, bool]]) -> list[Reading]:
    return [_read(text, fft, want) for text, fft, want in items]


_frozen_app_ready = False


def allow_workers_in_frozen_app() -> None:
    """Call once at start-up of a packaged (PyInstaller) app, right after
    `multiprocessing.freeze_support()`; until then a frozen app reads comments in-process,
    because without freeze_support a worker would start a second copy of the app."""
    global _frozen_app_ready
    _frozen_app_ready = True


def worker_count(items: int) -> int:
    """How many processes to use for this many comments (1 means: stay in this process)."""
    if items < PARALLEL_FROM or os.environ.get("PPG_DESK_NO_WORKERS") == "1":
        return 1
    if getattr(sys, "frozen", False) and not _frozen_app_ready:
        return 1
    cores = os.cpu_count() or 1
    if cores < WORKERS_FROM_CORES:
        return 1
    return min(MAX_WORKERS, cores)


def _read_in_process(
    batches: list[list[tuple[str, str | None, bool]]],
    taxonomy: Any,
    theme_ids: dict[str, int],
    results: dict[Any, Reading],
    total: int,
    stage: str,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
) -> None:
    _start_worker(taxonomy, theme_ids)
    try:
        done = len(results)
        for batch in batches:
            if cancelled and cancelled():
                raise AnalysisCancelled()
            results.update(zip(batch, _read_batch(batch), strict=True))
            done += len(batch)
            if progress:
                progress(stage, done, total)
    finally:
        _start_worker(None, {})


def _read_in_workers(
    batches: list[list[tuple[str, str | None, bool]]],
    taxonomy: Any,
    theme_ids: dict[str, int],
    results: dict[Any, Reading],
    workers: int,
    total: int,
    stage: str,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
) -> None:
    """Share the batches between this process and `workers - 1` worker processes.

    Starting a worker takes a second or more (a fresh interpreter importing the app), so this
    process does not wait for them: it reads batches from the back of the queue while the
    workers, once up, take them from the front, a couple at a time; at the end it reads itself
    whatever a worker has not finished. A slow machine, or one whose cores are busy with
    something else, loses little more than the workers' start-up.
    """
    # "spawn" everywhere: forking a process that runs Qt threads is not safe
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers - 1,
        mp_context=context,
        initializer=_start_worker,
        initargs=(taxonomy, theme_ids),
    )
    queue = deque(batches)
    pending: dict[Future[list[Reading]], list[tuple[str, str | None, bool]]] = {}

    def record(batch: list[tuple[str, str | None, bool]], readings: list[Reading]) -> None:
        results.update(zip(batch, readings, strict=True))
        if progress:
            progress(stage, len(results), total)

    _start_worker(taxonomy, theme_ids)
    try:
        while queue or pending:
            if cancelled and cancelled():
                raise AnalysisCancelled()
            while queue and len(pending) < IN_FLIGHT_PER_WORKER * (workers - 1):
                batch = queue.popleft()
                pending[pool.submit(_read_batch, batch)] = batch
            for future in [future for future in pending if future.done()]:
                record(pending.pop(future), future.result())
            if queue:
                batch = queue.pop()
                record(batch, _read_batch(batch))
                continue
            # nothing left to hand out: rather than wait for a worker slowed down by a busy
            # machine, read here what the workers have not finished (at most a few batches)
            for future, batch in list(pending.items()):
                del pending[future]
                if cancelled and cancelled():
                    raise AnalysisCancelled()
                if future.done():
                    record(batch, future.result())
                else:
                    future.cancel()
                    record(batch, _read_batch(batch))
    finally:
        _start_worker(None, {})
        # workers still starting up are not waited for; they stop as soon as they are up
        pool.shutdown(wait=False, cancel_futures=True)


def read_comments(
    items: Sequence[tuple[str, str | None, bool]],
    taxonomy: Any,
    theme_ids: dict[str, int],
    *,
    stage: str = "Reading comments",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> list[Reading]:
    """One Reading per item (text, FFT answer, whether sentiment is wanted), in order.

    `taxonomy` None means no theme suggestions. Raises AnalysisCancelled if cancelled.
    """
    unique = list(dict.fromkeys(items))
    batches = [unique[i : i + BATCH] for i in range(0, len(unique), BATCH)]
    results: dict[tuple[str, str | None, bool], Reading] = {}
    workers = worker_count(len(unique))
    if workers > 1:
        # a worker that cannot start (e.g. a script without a __main__ guard) breaks the pool:
        # whatever was not read there is read here instead
        with contextlib.suppress(BrokenProcessPool):
            _read_in_workers(
                batches,
                taxonomy,
                theme_ids,
                results,
                workers,
                len(unique),
                stage,
                progress,
                cancelled,
            )
    left = [batch for batch in batches if batch[0] not in results]
    _read_in_process(left, taxonomy, theme_ids, results, len(unique), stage, progress, cancelled)
    return [results[item] for item in items]
