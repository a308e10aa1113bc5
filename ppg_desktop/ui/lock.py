"""Locking the app: after a spell of no use, or on demand (Ctrl+L), every patient detail is
hidden behind a lock page until the person signed in (or a chair) enters their PIN.

A laptop left open at a surgery desk or on a bus must not show comments. The lock replaces the
main window's central widget (so the sidebar, lists and forms are not merely covered but taken
out of the window), disables every menu action and shortcut, and hides any other open window
(the feedback form keeps what was typed and comes back on unlock). An application-wide event
filter restarts the idle timer on every key press, click, scroll or mouse move.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ppg_desktop.core.auth import SignInFailed, lock_after_minutes, sign_in, sign_out
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.widgets import error_label, heading, show_error

# Input that counts as "someone is using the app" and restarts the idle timer.
ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class LockPage(QWidget):
    """The full-window page shown while locked: who may unlock, a PIN box and Unlock."""

    unlock_requested = Signal(str, str)  # name, PIN

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("PPG Desk is locked")
        self.title = heading("PPG Desk is locked", role="title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QComboBox()
        self.who.setAccessibleName("Who is unlocking")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName("PIN")
        self.pin.setPlaceholderText("Your PIN")
        self.pin.returnPressed.connect(self._submit)
        self.error = error_label("PIN")
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName("Unlock PPG Desk")
        self.unlock_button.clicked.connect(self._submit)

        card = QFrame()
        card.setProperty("role", "tile")
        card.setMaximumWidth(520)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.who_caption = QLabel("&Who")
        self.who_caption.setBuddy(self.who)
        form.addRow(self.who_caption, self.who)
        self.pin_caption = QLabel("&PIN")
        self.pin_caption.setBuddy(self.pin)
        form.addRow(self.pin_caption, self.pin)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.addWidget(self.title)
        inner.addWidget(self.explanation)
        inner.addLayout(form)
        inner.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner.addLayout(buttons)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def prepare(self, session_name: str | None, unlockers: list[str], needs_pin: bool) -> None:
        """Fill the page for this lock: the session's user first, then the chairs."""
        self.who.clear()
        self.who.addItems(unlockers)
        self.pin.clear()
        show_error(self.error, "")
        for widget in (self.who, self.who_caption, self.pin, self.pin_caption):
            widget.setVisible(needs_pin)
        self.who.setEnabled(len(unlockers) > 1)
        if not needs_pin:
            self.explanation.setText(
                "Patients' details are hidden. No PIN has been set, so anyone can unlock: the "
                "chair can set PINs in Privacy and security."
            )
        elif session_name:
            self.explanation.setText(
                f"Patients' details are hidden. {session_name}, or a chair, can unlock with "
                "their PIN."
            )
        else:
            self.explanation.setText("Patients' details are hidden. A chair can unlock.")

    def _submit(self) -> None:
        self.unlock_requested.emit(self.who.currentText(), self.pin.text())

    def show_problem(self, message: str) -> None:
        """Say why the PIN was refused, clear it and put the cursor back in it."""
        show_error(self.error, message)
        self.pin.clear()
        self.pin.setFocus()


class LockGuard(QObject):
    """Locks `window` after `idle_ms` without input, or when `lock()` is called.

    `idle_ms` defaults to the setting (auth.lock_after_minutes); tests pass a short one.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QMainWindow, ctx: AppContext, idle_ms: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.page = LockPage()
        self.page.unlock_requested.connect(self.try_unlock)
        self._saved_central: QWidget | None = None
        self._disabled_actions: list[QAction] = []
        self._hidden_windows: list[QWidget] = []
        self._menu_visible = True
        self._paused = False
        # Ctrl+L works from any window of the app (the feedback form too), not only the main one.
        self.lock_action = QAction("&Lock PPG Desk", window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(lambda: self.lock(reason="on demand"))
        window.addAction(self.lock_action)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._idle)
        self.set_idle_ms(idle_ms if idle_ms is not None else self.setting_ms())
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # --- timing ----------------------------------------------------------------------------------
    def setting_ms(self) -> int:
        """The idle time from Settings, in milliseconds."""
        return lock_after_minutes(self.ctx.db) * 60_000

    def set_idle_ms(self, idle_ms: int) -> None:
        """Change how long the app waits before locking (and start counting again)."""
        self.timer.setInterval(max(int(idle_ms), 1))
        if not self.is_locked and not self._paused:
            self.timer.start()

    def reload_setting(self) -> None:
        """Pick up a new idle time saved in Privacy and security."""
        self.set_idle_ms(self.setting_ms())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Restart the idle timer on input; keep other windows hidden while locked."""
        kind = event.type()
        if kind not in ACTIVITY_EVENTS and kind != QEvent.Type.Show:
            return False  # most events (paints, timers): return before any other work
        if not isValid(self.window) or not self.window.isVisible():
            return False  # closed, being deleted or not shown yet: nothing to guard
        if not self.is_locked:
            if kind in ACTIVITY_EVENTS and not self._paused:
                self.timer.start()
        elif kind == QEvent.Type.Show and self._is_other_window(watched):
            assert isinstance(watched, QWidget)
            if watched not in self._hidden_windows:
                self._hidden_windows.append(watched)
            QTimer.singleShot(0, watched.hide)
        return False

    def _idle(self) -> None:
        """No input for the idle time: lock, unless the survey kiosk is running (it shows no
        patient data, has its own chair PIN to leave, and must stay up for patients)."""
        if any(_is_kiosk(w) and w.isVisible() for w in QApplication.topLevelWidgets()):
            self.timer.start()
            return
        self.lock(reason="idle")

    def _is_other_window(self, watched: QObject) -> bool:
        """A dialog or window of ours other than the main window (not a menu or tooltip)."""
        return (
            isinstance(watched, QWidget)
            and watched.isWindow()
            and watched is not self.window
            and watched is not self.page
            and not isinstance(watched, QMainWindow)
            and not _is_kiosk(watched)
            and _is_app_window(watched)
        )

    def pause(self) -> None:
        """Do not lock until `resume`: while the database itself is being swapped (encryption),
        the lock could not even record who locked it."""
        self._paused = True
        self.timer.stop()

    def resume(self) -> None:
        self._paused = False
        if not self.is_locked:
            self.timer.start()

    # --- locking ---------------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self._saved_central is not None

    def lock(self, *, reason: str = "locked") -> None:
        """Hide every patient detail behind the lock page (does nothing when already locked)."""
        if self.is_locked or self._paused or not self.window.isVisible():
            return
        self.timer.stop()
        self._hidden_windows = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget.isVisible() and self._is_other_window(widget)
        ]
        for widget in self._hidden_windows:
            widget.hide()
        self._disabled_actions = [a for a in self.window.actions() if a.isEnabled()]
        for action in self._disabled_actions:
            action.setEnabled(False)
        self._menu_visible = self.window.menuBar().isVisible()
        self.window.menuBar().setVisible(False)
        self._saved_central = self.window.takeCentralWidget()
        self.window.setCentralWidget(self.page)
        self.page.show()  # a widget added to a window already on screen must be shown
        unlockers, needs_pin = self._unlockers()
        self.page.prepare(self.ctx.user.name if self.ctx.user else None, unlockers, needs_pin)
        if needs_pin:
            self.page.pin.setFocus()
        else:
            self.page.unlock_button.setFocus()
        if self.ctx.user is not None:
            sign_out(self.ctx.db, self.ctx.user, f"locked ({reason})")
        self.locked.emit()

    def _unlockers(self) -> tuple[list[str], bool]:
        """Names that may unlock (the session's user, then chairs with PINs) and whether a PIN
        is needed at all (not when nobody has one yet)."""
        users = [u for u in UserStore(self.ctx.db).list(active_only=True) if u.has_pin]
        chairs = [u.name for u in users if u.role == "chair"]
        names: list[str] = []
        if self.ctx.user is not None and self.ctx.user.has_pin:
            names.append(self.ctx.user.name)
        names += [n for n in chairs if n not in names]
        return names, bool(names)

    def try_unlock(self, name: str, pin: str) -> bool:
        """Unlock when the PIN is right for the session's user or a chair (audited)."""
        unlockers, needs_pin = self._unlockers()
        if needs_pin:
            if name not in unlockers:
                self.page.show_problem("Choose who is unlocking.")
                return False
            try:
                sign_in(self.ctx.db, name, pin)
            except SignInFailed as exc:
                self.page.show_problem(str(exc))
                return False
        self.unlock()
        return True

    def unlock(self) -> None:
        """Put the screens, menus and hidden windows back."""
        if self._saved_central is None:
            return
        self.window.takeCentralWidget()  # the lock page, kept (not deleted) for next time
        self.window.setCentralWidget(self._saved_central)
        self._saved_central.show()
        self._saved_central = None
        self.window.menuBar().setVisible(self._menu_visible)
        for action in self._disabled_actions:
            action.setEnabled(True)
        self._disabled_actions = []
        hidden, self._hidden_windows = self._hidden_windows, []
        for widget in hidden:
            if isValid(widget):  # a dialog may have been deleted while hidden
                widget.show()
        self.timer.start()
        self.unlocked.emit()


def _is_kiosk(widget: QObject) -> bool:
    """The full-screen survey kiosk (patients use it; it never shows their comments)."""
    from ppg_desktop.ui.kiosk import KioskWindow

    return isinstance(widget, KioskWindow)


def _is_app_window(widget: QWidget) -> bool:
    """A real window of ours (dialog or tool window), not a tooltip or a menu popup."""
    kind = widget.windowType()
    return kind in (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Tool) or (
        kind == Qt.WindowType.Sheet
    )


def guard_of(widget: QWidget | None) -> LockGuard | None:
    """The lock guard of the main window this widget belongs to (None outside one)."""
    if widget is None:
        return None
    guard = getattr(widget.window(), "lock_guard", None)
    return guard if isinstance(guard, LockGuard) else None
