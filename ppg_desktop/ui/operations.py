"""Background jobs: core work runs off the GUI thread, reports progress, and can be cancelled.

A job is a plain function `work(control) -> result` that never touches a widget. It runs in the
global `QThreadPool`; its progress, result or error come back to the GUI thread as queued signals.
A job that needs the database opens its own connection (`open_worker_db`), because a SQLite
connection must not be shared between threads while the GUI is using it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
import sqlite_utils
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ppg_desktop.core.db import open_database
from ppg_desktop.core.errors import PPGError
from ppg_desktop.ui.context import AppContext

# Dialogs appear only for jobs that take longer than this, so quick jobs never flash a window.
PROGRESS_DELAY_MS = 400


class JobCancelled(Exception):
    """Raised inside a job (by `JobControl.check`) when the person pressed Cancel."""


class JobControl:
    """What a running job is given: a way to report progress and to notice Cancel."""

    def __init__(self, signals: _JobSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def report(self, done: int, total: int, label: str = "") -> None:
        """Tell the GUI how far the job has got (thread-safe)."""
        self._signals.progress.emit(int(done), int(total), label)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Stop the job here if the person pressed Cancel."""
        if self._cancel.is_set():
            raise JobCancelled()


class _JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(
        self, work: Callable[[JobControl], Any], control: JobControl, signals: _JobSignals
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._work = work
        self._control = control
        self._signals = signals

    def run(self) -> None:
        """Run the job; every outcome (result, cancel, error) is reported by a signal."""
        try:
            result = self._work(self._control)
        except JobCancelled:
            self._report("cancelled")
        except PPGError as exc:
            if self._control.cancelled:  # core code stops with its own "cancelled" error
                self._report("cancelled")
            else:
                self._report("failed", str(exc))
        except Exception as exc:  # report any failure to the GUI rather than lose it in a thread
            traceback.print_exc()
            self._report("failed", f"Something went wrong: {exc}")
        else:
            if self._control.cancelled:
                self._report("cancelled")
            else:
                self._report("finished", result)

    def _report(self, signal_name: str, *args: Any) -> None:
        """Emit an outcome, unless the app has already closed and deleted the receiver (a job
        still running at quit has nobody left to tell; that is not an error)."""
        if not shiboken6.isValid(self._signals):
            return
        try:
            getattr(self._signals, signal_name).emit(*args)
        except RuntimeError:  # deleted between the check and the emit, during shutdown
            return


class Job(QObject):
    """A handle on one background job (keep it to cancel it or to wait in tests)."""

    done = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = _JobSignals()
        self.control = JobControl(self.signals)
        self.finished = False
        self.error: str | None = None

    def cancel(self) -> None:
        self.control.cancel()


_RUNNING: set[Job] = set()  # jobs that have not reported back yet
# Finished jobs are kept a while longer: a job reports back from inside `run()`, so its runnable
# and signals must outlive the moment the GUI hears about it (freeing them then can crash).
_RETIRED: list[tuple[float, Job]] = []
RETIRE_AFTER_S = 30.0


def _retire(job: Job) -> None:
    now = time.monotonic()
    _RUNNING.discard(job)
    _RETIRED.append((now, job))
    while _RETIRED and now - _RETIRED[0][0] > RETIRE_AFTER_S:
        _RETIRED.pop(0)


GC_CHECK_MS = 500
_gc_timer: QTimer | None = None


def _collect_if_due() -> None:
    """Python's cyclic garbage collection, on the GUI thread only, when it is due."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


def collect_garbage_on_gui_thread() -> None:
    """Stop garbage collection from running inside job threads.

    Collection can start in whichever thread happens to allocate; if it frees a Qt object there
    (a closed dialog caught in a reference cycle), PySide defers its deletion to the GUI thread
    and can crash doing so. Like Anki, we switch automatic collection off and run it from a
    GUI-thread timer instead. Safe to call more than once.
    """
    global _gc_timer
    if _gc_timer is not None:
        return
    gc.disable()
    _gc_timer = QTimer()
    _gc_timer.setInterval(GC_CHECK_MS)
    _gc_timer.timeout.connect(_collect_if_due)
    _gc_timer.start()


def run_job(
    work: Callable[[JobControl], Any],
    on_done: Callable[[Any], None],
    *,
    on_error: Callable[[str], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    progress_parent: QWidget | None = None,
    title: str = "",
    owner: QObject | None = None,
) -> Job:
    """Start `work` in the thread pool; `on_done(result)` then runs on the GUI thread.

    With `progress_parent`, a progress dialog with a Cancel button appears if the job takes
    more than a moment. With `owner`, the result is dropped if the owner (a screen) has been
    closed and deleted by the time the job finishes.
    """
    collect_garbage_on_gui_thread()
    job = Job()
    dialog: QProgressDialog | None = None
    if progress_parent is not None:
        dialog = QProgressDialog(title or "Working…", "Cancel", 0, 0, progress_parent)
        dialog.setWindowTitle(title or "Please wait")
        # Not modal: a modal QProgressDialog runs the event loop inside setValue(), so the job's
        # "finished" could be handled in the middle of a progress update (and crash). Callers
        # disable what must not be touched while the job runs.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setAccessibleName(title or "Progress")
        dialog.canceled.connect(job.cancel)
        dialog.setValue(0)

        def show_progress(done: int, total: int, label: str) -> None:
            assert dialog is not None
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if label:
                dialog.setLabelText(label)

        job.signals.progress.connect(show_progress)

    def finish() -> None:
        job.finished = True
        if dialog is not None:
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()
        _retire(job)
        job.done.emit()

    def owner_gone() -> bool:
        return owner is not None and not shiboken6.isValid(owner)

    def succeeded(result: object) -> None:
        finish()
        if not owner_gone():
            on_done(result)

    def failed(message: str) -> None:
        job.error = message
        finish()
        if owner_gone():
            return
        if on_error is not None:
            on_error(message)
        else:
            from ppg_desktop.ui.messages import show_problem

            show_problem(progress_parent, title or "That did not work", message)

    def cancelled() -> None:
        finish()
        if on_cancel is not None and not owner_gone():
            on_cancel()

    job.signals.finished.connect(succeeded)
    job.signals.failed.connect(failed)
    job.signals.cancelled.connect(cancelled)
    runnable = _Runnable(work, job.control, job.signals)
    job._runnable = runnable  # type: ignore[attr-defined]
    _RUNNING.add(job)
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(runnable))
    return job


def open_worker_db(ctx: AppContext) -> sqlite_utils.Database:
    """A connection of the job's own (the GUI's connection stays on the GUI thread)."""
    return open_database(ctx.db_path, ctx.passphrase, create=False, migrate=False)


# Unlocking an encrypted database takes about 0.1 s (the key is stretched on purpose), too slow
# to repeat for every search, so jobs hand their connection back for the next job to use. (Not
# one per pool thread: Python forgets a Qt pool thread's thread-local data between jobs.)
_idle_lock = threading.Lock()
_idle: dict[tuple[str, str, int], list[sqlite_utils.Database]] = {}
MAX_IDLE_PER_DATABASE = 4
_file_generation = 0  # goes up each time the database file is replaced or re-keyed


def forget_worker_connections() -> None:
    """Call before the database file is replaced (a backup restored) or its passphrase changed,
    once the jobs have finished: the kept connections are closed (a connection left open on the
    old file would read it, and what it wrote would be lost; on Windows it would stop the file
    being replaced), and one still in use is closed when its job ends."""
    global _file_generation
    with _idle_lock:
        _file_generation += 1
        kept = [db for dbs in _idle.values() for db in dbs]
        _idle.clear()
    for db in kept:
        with contextlib.suppress(Exception):
            db.close()


def _take_encrypted_connection(
    ctx: AppContext,
) -> tuple[tuple[str, str, int], sqlite_utils.Database]:
    """A kept connection to this encrypted database, or a new one."""
    with _idle_lock:
        key = (str(ctx.db_path), ctx.passphrase or "", _file_generation)
        kept = _idle.get(key)
        if kept:
            return key, kept.pop()
    return key, open_worker_db(ctx)


def _give_back(key: tuple[str, str, int], db: sqlite_utils.Database) -> None:
    """Keep a job's connection for the next job, unless the file has changed since."""
    with _idle_lock:
        if key[2] == _file_generation and len(_idle.get(key, ())) < MAX_IDLE_PER_DATABASE:
            _idle.setdefault(key, []).append(db)
            return
    db.close()


def with_worker_db(
    ctx: AppContext, work: Callable[[sqlite_utils.Database, JobControl], Any]
) -> Callable[[JobControl], Any]:
    """Wrap `work(db, control)` so it gets a connection of its own (not the GUI's)."""

    def run(control: JobControl) -> Any:
        if ctx.passphrase:
            key, db = _take_encrypted_connection(ctx)
            try:
                result = work(db, control)
            except Exception:
                db.close()  # a fresh connection next time, in case this one went bad
                raise
            _give_back(key, db)
            return result
        db = open_worker_db(ctx)
        try:
            return work(db, control)
        finally:
            db.close()

    return run


def wait_for_jobs(timeout_ms: int = 10_000) -> bool:
    """Block until every running job has reported back (for tests and the self-test)."""
    from PySide6.QtCore import QCoreApplication, QElapsedTimer

    timer = QElapsedTimer()
    timer.start()
    while _RUNNING and timer.elapsed() < timeout_ms:
        QThreadPool.globalInstance().waitForDone(20)
        QCoreApplication.processEvents()
    QCoreApplication.processEvents()
    return not _RUNNING
