"""`ppg-desktop --self-test`: open the main window offscreen, visit every registered screen and
check each one draws without an error. Packaging and CI run it; it prints one line per screen."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ppg_desktop.core.wording import counted
from ppg_desktop.ui import messages
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import wait_for_jobs

SETTLE_MS = 300
DIALOG_CHECK_MS = 100


def settle(ms: int = SETTLE_MS) -> None:
    """Let background jobs report back and the event loop draw (charts need this)."""
    wait_for_jobs()
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        QCoreApplication.processEvents()


def check_screens(ctx: AppContext, report: Callable[[str], None] = print) -> list[str]:
    """Visit every screen of the main window; return what failed (empty when all is well)."""
    from ppg_desktop.ui.main_window import MainWindow

    problems: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []
    previous_sink = messages.problem_sink
    previous_hook = sys.excepthook
    messages.problem_sink = lambda title, text: dialogs.append(f"{title}: {text}")

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        errors.append("".join(traceback.format_exception(kind, value, tb)).strip())

    sys.excepthook = hook

    def close_stray_dialogs() -> None:
        """A screen that opens a QMessageBox itself would block an offscreen run for ever:
        record it as a failure and close it."""
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            text = dialog.text() if isinstance(dialog, QMessageBox) else ""
            dialogs.append(f"{dialog.windowTitle()}: {text}".strip(": "))
            dialog.close()

    watchdog = QTimer()
    watchdog.setInterval(DIALOG_CHECK_MS)
    watchdog.timeout.connect(close_stray_dialogs)
    watchdog.start()
    try:
        window = MainWindow(ctx)
        window.resize(1366, 768)
        window.show()
        settle()
        for spec in window.specs:
            dialogs.clear()
            errors.clear()
            try:
                window.show_screen(spec.key)
                settle()
                picture = window.grab()
                failure = ""
                if picture.isNull() or picture.width() == 0:
                    failure = "drew nothing"
                elif dialogs:
                    failure = "showed an error: " + "; ".join(dialogs)
                elif errors:
                    failure = "raised an error: " + errors[-1].splitlines()[-1]
            except Exception as exc:  # a screen that cannot even be built is what we look for
                failure = f"could not be opened: {exc}"
                errors.append(traceback.format_exc())
            if failure:
                problems.append(f"screen {spec.title} FAILED: {failure}")
                report(f"screen {spec.title} FAILED: {failure}")
                for detail in errors:
                    print(detail, file=sys.stderr)
            else:
                report(f"screen {spec.title} ok")
        window.close()
        window.deleteLater()
        settle(50)
    finally:
        watchdog.stop()
        messages.problem_sink = previous_sink
        sys.excepthook = previous_hook
    return problems


def check_kiosk(ctx: AppContext) -> list[str]:
    """The patients' kiosk is not in the sidebar: draw its pages on their own."""
    from ppg_desktop.ui.kiosk import kiosk_self_check

    try:
        problems = kiosk_self_check(ctx.db)
    except Exception as exc:  # a kiosk that cannot even be built is what we look for
        problems = [f"could not be opened: {exc}"]
        traceback.print_exc()
    if problems:
        print("screen Kiosk FAILED: " + "; ".join(problems))
    else:
        print("screen Kiosk ok")
    return [f"screen Kiosk FAILED: {p}" for p in problems]


def run_self_test(ctx: AppContext) -> int:
    """Exit code 0 when every screen drew, 1 (after naming them) when any failed."""
    app = QApplication.instance()
    assert app is not None
    problems = check_screens(ctx)
    problems += check_kiosk(ctx)
    if problems:
        print(f"self-test failed: {counted(len(problems), 'screen')} had problems", file=sys.stderr)
        return 1
    print("self-test passed")
    return 0
