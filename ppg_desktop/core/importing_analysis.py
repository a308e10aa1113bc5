"""Reading many imported comments at once: sentiment and theme suggestions, on every core.

Classifying and tagging are pure functions of the text, and they are most of an import's work,
so a big import shares them out among worker processes (each given the taxonomy once), with
progress and cancel between batches. Small imports, and machines with one core, stay in-process.
Identical comments are read once.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from ppg_desktop.core.sentiment import classify_sentiment

PARALLEL_FROM = 4000  # below this, starting worker processes costs more than it saves
BATCH = 1000
MAX_WORKERS = 8

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
                evidence = json.dumps(
                    [{"start": e.start, "end": e.end, "text": e.text} for e in match.evidence]
                )
                themes.append((theme_id, match.score, evidence))
    return Reading(sentiment, tuple(themes))


def _read_batch(items: Sequence[tuple[str, str | None, bool]]) -> list[Reading]:
    return [_read(text, fft, want) for text, fft, want in items]


def worker_count(items: int) -> int:
    """How many processes to use for this many comments (1 means: stay in this process)."""
    if items < PARALLEL_FROM or os.environ.get("PPG_DESK_NO_WORKERS") == "1":
        return 1
    return max(1, min(MAX_WORKERS, (os.cpu_count() or 1)))


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
    if workers == 1:
        _start_worker(taxonomy, theme_ids)
        try:
            for number, batch in enumerate(batches, start=1):
                if cancelled and cancelled():
                    raise AnalysisCancelled()
                results.update(zip(batch, _read_batch(batch), strict=True))
                if progress:
                    progress(stage, min(number * BATCH, len(unique)), len(unique))
        finally:
            _start_worker(None, {})
    else:
        # "spawn" everywhere: forking a process that runs Qt threads is not safe
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(taxonomy, theme_ids),
        ) as pool:
            pending: dict[Future[list[Reading]], list[tuple[str, str | None, bool]]] = {
                pool.submit(_read_batch, batch): batch for batch in batches
            }
            done_count = 0
            while pending:
                finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if cancelled and cancelled():
                    for future in pending:
                        future.cancel()
                    raise AnalysisCancelled()
                for future in finished:
                    batch = pending.pop(future)
                    results.update(zip(batch, future.result(), strict=True))
                    done_count += len(batch)
                    if progress:
                        progress(stage, done_count, len(unique))
    return [results[item] for item in items]
