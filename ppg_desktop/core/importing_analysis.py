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
import signal
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

Item = tuple[str, str | None, bool]  # a comment, its FFT answer, whether sentiment is wanted
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


def _init_worker(taxonomy: Any, theme_ids: dict[str, int]) -> None:
    """A worker process ignores Ctrl+C: the import's own process stops it (cleanly, rolling
    back), rather than every worker printing its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start_worker(taxonomy, theme_ids)


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


def _read_batch(items: Sequence[Item]) -> list[Reading]:
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
    batches: list[list[Item]],
    taxonomy: Any,
    theme_ids: dict[str, int],
    results: dict[Item, Reading],
    total: int,
    stage: str,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
) -> None:
    _start_worker(taxonomy, theme_ids)
    try:
        for batch in batches:
            if cancelled and cancelled():
                raise AnalysisCancelled()
            results.update(zip(batch, _read_batch(batch), strict=True))
            if progress:
                progress(stage, len(results), total)
    finally:
        _start_worker(None, {})


class CommentReader:
    """Reads comments as they are handed over, sharing them with worker processes.

    An import hands over each chunk of rows as soon as it has checked them, so the workers
    (started with the first full batch) read comments while this process is still checking
    the rest of the file. `finish` then reads, here, whatever the workers have not taken, and
    returns every reading. Use it as a context manager, so the workers always stop.

    Starting a worker takes half a second or more (a fresh interpreter importing the app), so
    nothing ever waits for one: this process reads batches from the back of the queue while
    the workers, once up, take them from the front, a couple at a time; at the end it reads
    itself whatever a worker has not finished. A slow machine, or one whose cores are busy
    with something else, loses little more than the workers' start-up.
    """

    def __init__(
        self,
        taxonomy: Any,
        theme_ids: dict[str, int],
        *,
        workers: int = 1,
        stage: str = "Reading comments",
        progress: ProgressCallback | None = None,
        cancelled: CancelCheck | None = None,
    ) -> None:
        """`taxonomy` None means no theme suggestions; `workers` counts this process too."""
        self.taxonomy, self.theme_ids = taxonomy, theme_ids
        self.workers = workers
        self.stage, self.progress, self.cancelled = stage, progress, cancelled
        self.results: dict[Item, Reading] = {}
        self._handed: set[Item] = set()  # identical comments are read once
        self._filling: list[Item] = []
        self._batches: list[list[Item]] = []  # every batch made, to find what is left unread
        self._queue: deque[list[Item]] = deque()
        self._pending: dict[Future[list[Reading]], list[Item]] = {}
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> CommentReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, items: Sequence[Item]) -> None:
        """Hand over more comments; full batches go to the workers at once."""
        for item in items:
            if item not in self._handed:
                self._handed.add(item)
                self._filling.append(item)
                if len(self._filling) >= BATCH:
                    self._queue_filling()
        if self.workers > 1 and self._queue:
            # a worker that cannot start breaks the pool: this process reads it all instead
            with contextlib.suppress(BrokenProcessPool):
                self._collect()
                self._hand_out()

    def finish(self, items: Sequence[Item]) -> list[Reading]:
        """One Reading for each of these (handed-over) items, in order, once all are read.

        Raises AnalysisCancelled if the user cancels between batches.
        """
        if self._filling:
            self._queue_filling()
        if self._pool is not None:
            with contextlib.suppress(BrokenProcessPool):
                self._share_out()
        left = [batch for batch in self._batches if batch[0] not in self.results]
        self._queue.clear()
        self._pending.clear()
        _read_in_process(
            left,
            self.taxonomy,
            self.theme_ids,
            self.results,
            len(self._handed),
            self.stage,
            self.progress,
            self.cancelled,
        )
        return [self.results[item] for item in items]

    def close(self) -> None:
        """Stop the workers; those still starting up stop as soon as they are up."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _queue_filling(self) -> None:
        self._queue.append(self._filling)
        self._batches.append(self._filling)
        self._filling = []

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # "spawn" everywhere: forking a process that runs Qt threads is not safe
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers - 1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.taxonomy, self.theme_ids),
            )
        return self._pool

    def _hand_out(self) -> None:
        """Keep each worker a couple of batches ahead, from the front of the queue."""
        pool = self._start_pool()
        while self._queue and len(self._pending) < IN_FLIGHT_PER_WORKER * (self.workers - 1):
            batch = self._queue.popleft()
            self._pending[pool.submit(_read_batch, batch)] = batch

    def _collect(self) -> None:
        """Take in what the workers have finished."""
        for future in [future for future in self._pending if future.done()]:
            self._record(self._pending.pop(future), future.result())

    def _record(self, batch: list[Item], readings: list[Reading]) -> None:
        self.results.update(zip(batch, readings, strict=True))
        if self.progress:
            self.progress(self.stage, len(self.results), len(self._handed))

    def _share_out(self) -> None:
        """Read from the back of the queue here while the workers read from the front."""
        _start_worker(self.taxonomy, self.theme_ids)
        try:
            while self._queue or self._pending:
                if self.cancelled and self.cancelled():
                    raise AnalysisCancelled()
                self._hand_out()
                self._collect()
                if self._queue:
                    batch = self._queue.pop()
                    self._record(batch, _read_batch(batch))
                    continue
                # nothing left to hand out: rather than wait for a worker slowed down by a busy
                # machine, read here what the workers have not finished (at most a few batches)
                for future, batch in list(self._pending.items()):
                    del self._pending[future]
                    if self.cancelled and self.cancelled():
                        raise AnalysisCancelled()
                    if future.done():
                        self._record(batch, future.result())
                    else:
                        future.cancel()
                        self._record(batch, _read_batch(batch))
        finally:
            _start_worker(None, {})


def read_comments(
    items: Sequence[Item],
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
    workers = worker_count(len(set(items)))
    with CommentReader(
        taxonomy,
        theme_ids,
        workers=workers,
        stage=stage,
        progress=progress,
        cancelled=cancelled,
    ) as reader:
        reader.add(items)
        return reader.finish(items)
