"""What every screen is given: the open database, who is signed in, and one change signal.

Screens never talk to each other directly: after a change they call `ctx.notify(topic)` and every
screen that shows that topic refreshes (the Anki "operation then announce" pattern).
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QObject, Signal

from ppg_desktop.core.auth import PERMISSIONS, can
from ppg_desktop.core.models import User
from ppg_desktop.core.settings_store import SettingsStore

TOPICS = ("feedback", "themes", "practices", "users", "surveys", "actions", "meetings", "settings")


class AppContext(QObject):
    """The shared state of one running app window."""

    data_changed = Signal(str)  # one of TOPICS
    # A screen asks for the feedback list narrowed to a FeedbackFilter (dashboard click-through);
    # the main window switches to the Feedback screen and applies it.
    feedback_requested = Signal(object)

    def __init__(
        self,
        db: sqlite_utils.Database,
        db_path: Path,
        user: User | None = None,
        passphrase: str | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.db_path = db_path
        self.user = user
        self.passphrase = passphrase

    @property
    def actor(self) -> str:
        """The name written to the audit log for changes made in this window."""
        return self.user.name if self.user else "chair"

    @property
    def settings(self) -> SettingsStore:
        return SettingsStore(self.db, self.actor)

    def can(self, permission: str | None) -> bool:
        """Whether the person signed in may use something that needs `permission` (a role).

        `permission` is a core.auth permission ("reports", "settings"...) or a role ("chair").
        With nobody signed in the app is single-user, and that person is the chair.
        """
        if permission is None:
            return True
        if self.user is None:
            return True
        if permission in PERMISSIONS:
            return can(self.user, permission)
        return self.user.active and (self.user.role == "chair" or self.user.role == permission)

    def show_feedback(self, flt: object) -> None:
        """Ask the main window to show the feedback list narrowed to this FeedbackFilter."""
        self.feedback_requested.emit(flt)

    def notify(self, topic: str) -> None:
        """Tell every screen that data of this kind changed."""
        self.data_changed.emit(topic)
