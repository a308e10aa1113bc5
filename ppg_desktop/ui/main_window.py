"""The main window: a sidebar of screens (from the registry), menus and keyboard shortcuts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop import APP_NAME, __version__
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.lock import LockGuard
from ppg_desktop.ui.screens import ScreenSpec, visible_screens

SHORTCUTS: list[tuple[str, str]] = [
    ("Ctrl+N", "Record new feedback (from any screen)"),
    ("Ctrl+F", "Search the feedback"),
    ("Ctrl+S", "Save (the feedback form, or the item open in the Feedback screen)"),
    ("Enter", "In the feedback list: go to the comment of the chosen item"),
    ("Delete", "In the feedback list: delete the selected items (Ctrl+Z brings them back)"),
    ("Ctrl+Z", "Undo the last delete in the Feedback screen"),
    ("Ctrl+1 … Ctrl+9", "Go to the screens in the sidebar, in order"),
    ("Alt+1 … Alt+9", "In the feedback form: accept, reject or reset suggested theme 1 to 9"),
    ("Ctrl+Enter", "In the feedback form: save and add another"),
    ("Tab / Shift+Tab", "Move to the next / previous field"),
    ("Ctrl+L", "Lock PPG Desk: hide all patient data until a PIN is entered"),
    ("F1", "This list of shortcuts"),
]


class MainWindow(QMainWindow):
    """Sidebar + stacked screens; screens are built the first time they are opened."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.specs: list[ScreenSpec] = visible_screens(ctx)
        self._built: dict[str, QWidget] = {}
        self._capture: QDialog | None = None
        self.setWindowTitle(self._title())
        self.setMinimumSize(1000, 600)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Screens")
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for spec in self.specs:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        self._placeholders: dict[str, QWidget] = {}
        for spec in self.specs:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._placeholders[spec.key] = holder
            self.stack.addWidget(holder)
        self.sidebar.currentRowChanged.connect(self._show_row)
        self._size_sidebar()

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.lock_guard = LockGuard(self, ctx)
        self._build_menus()
        self.statusBar().showMessage(f"Database: {ctx.db_path}")
        ctx.feedback_requested.connect(self._show_feedback_filtered)
        ctx.data_changed.connect(self._on_data_changed)
        if self.specs:
            self.sidebar.setCurrentRow(0)

    def _size_sidebar(self) -> None:
        """Wide enough for the longest screen title at the current text size."""
        metrics = self.sidebar.fontMetrics()
        widest = max((metrics.horizontalAdvance(spec.title) for spec in self.specs), default=100)
        self.sidebar.setFixedWidth(max(160, int(widest * 1.2) + 48))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._size_sidebar()

    # --- screens --------------------------------------------------------------------------------
    def _title(self) -> str:
        name = self.ctx.settings.ppg_name()
        return f"{name} — {APP_NAME}" if name else APP_NAME

    def screen_widget(self, key: str) -> QWidget:
        """The screen with this key, building it on first use."""
        if key not in self._built:
            spec = next(s for s in self.specs if s.key == key)
            widget = spec.factory(self.ctx)
            widget.setAccessibleName(spec.title)
            layout = self._placeholders[key].layout()
            assert layout is not None
            layout.addWidget(widget)
            self._built[key] = widget
        return self._built[key]

    def show_screen(self, key: str) -> QWidget:
        """Switch to a screen by key and return it."""
        row = next(i for i, s in enumerate(self.specs) if s.key == key)
        self.sidebar.setCurrentRow(row)
        return self.screen_widget(key)

    def current_screen(self) -> QWidget | None:
        row = self.sidebar.currentRow()
        return self.screen_widget(self.specs[row].key) if 0 <= row < len(self.specs) else None

    def _show_row(self, row: int) -> None:
        if not 0 <= row < len(self.specs):
            return
        spec = self.specs[row]
        widget = self.screen_widget(spec.key)
        self.stack.setCurrentWidget(self._placeholders[spec.key])
        _call(widget, "on_shown")

    def _show_feedback_filtered(self, flt: object) -> None:
        if any(s.key == "feedback" for s in self.specs):
            _call(self.show_screen("feedback"), "apply_filter", flt)

    def _on_data_changed(self, topic: str) -> None:
        if topic == "settings":
            self.setWindowTitle(self._title())

    # --- menus and shortcuts -------------------------------------------------------------------
    def _action(
        self, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: Any
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self._action("&New feedback…", "Ctrl+N", self.open_capture))
        file_menu.addAction(self.lock_guard.lock_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", "Ctrl+Q", self.close))
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self._action("&Search feedback", "Ctrl+F", self.focus_search))
        edit_menu.addAction(self._action("&Save", "Ctrl+S", self._save_current))
        edit_menu.addAction(self._action("&Undo delete", "Ctrl+Z", self._undo_current))
        from ppg_desktop.ui.data_menu import build_data_menu

        build_data_menu(self, self.ctx)
        go_menu = self.menuBar().addMenu("&Go")
        for index, spec in enumerate(self.specs[:9], start=1):
            go_menu.addAction(
                self._action(
                    spec.title, f"Ctrl+{index}", lambda _=False, k=spec.key: self.show_screen(k)
                )
            )
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", "F1", self.show_shortcuts))
        help_menu.addAction(self._action(f"&About {APP_NAME}", None, self.show_about))

    def open_capture(self, draft: dict[str, Any] | None = None) -> QDialog:
        """Open the feedback form (one at a time), optionally filled from a recovered draft."""
        from ppg_desktop.ui.capture_dialog import CaptureDialog

        if self._capture is None or not self._capture.isVisible():
            self._capture = CaptureDialog(self.ctx, self, draft=draft)
            self._capture.show()
        self._capture.raise_()
        self._capture.activateWindow()
        return self._capture

    def focus_search(self) -> None:
        screen = self.current_screen()
        if screen is None or not hasattr(screen, "focus_search"):
            if not any(s.key == "feedback" for s in self.specs):
                return
            screen = self.show_screen("feedback")
        _call(screen, "focus_search")

    def _save_current(self) -> None:
        _call(self.current_screen(), "save")

    def _undo_current(self) -> None:
        _call(self.current_screen(), "undo")

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(dialog)
        rows = "".join(
            f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
            for keys, what in SHORTCUTS
        )
        label = QLabel(f"<table cellpadding='4'>{rows}</table>")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAccessibleName("Keyboard shortcuts")
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nOffline feedback, surveys and meeting "
            f"packs for Patient Participation Groups.\n\nDatabase: "
            f"{self.ctx.db_path}",
        )

    def offer_recovered_draft(self) -> bool:
        """After a crash, offer back the feedback that was being typed. True if reopened."""
        from ppg_desktop.ui import drafts
        from ppg_desktop.ui.messages import ask_yes_no

        draft = drafts.load_draft()
        if draft is None:
            return False
        preview = str(draft.get("text", "")).strip().replace("\n", " ")
        preview = preview[:120] + ("…" if len(preview) > 120 else "")
        if ask_yes_no(
            self,
            "Recover unsaved feedback?",
            "Some feedback was being typed when PPG Desk last closed, and was not "
            f"saved:\n\n“{preview}”\n\nOpen it again to finish it?",
            yes="Open it again",
            no="Throw it away",
        ):
            self.open_capture(draft)
            return True
        drafts.discard_draft()
        return False

    # --- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Never lose typed text: the open form asks first; screens with edits ask too."""
        if self._capture is not None and self._capture.isVisible() and not self._capture.close():
            event.ignore()
            return
        for widget in self._built.values():
            if hasattr(widget, "confirm_leave") and not widget.confirm_leave():
                event.ignore()
                return
        event.accept()


def _call(widget: object, method: str, *args: object) -> None:
    """Call an optional screen hook (`save`, `undo`, `focus_search`...) when the screen has it."""
    hook = getattr(widget, method, None)
    if callable(hook):
        hook(*args)
