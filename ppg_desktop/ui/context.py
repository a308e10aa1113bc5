"""What every screen is given: the open database, who is signed in, and one change signal.

Screens never talk to each other directly: after a change they call `ctx.notify(topic)` and every
screen that shows that topic refreshes (the Anki "operation then announce" pattern).
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QObject, Signal

from ppg_desktop.core.models import User
from ppg_desktop.core.settings_store import SettingsStore

TOPICS = ("feedback", "themes", "practices", "users", "surveys", "actions", "meetings", "settings")


class AppContext(QObject):
    """The shared state of one running app window."""

    data_changed = Signal(str)  # one of TOPICS

    def __init__(self, db: sqlite_utils.Database, db_path: Path, user: User | None = None,
                 passphrase: str | None = None) -> None:
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

    def notify(self, topic: str) -> None:
        """Tell every screen that data of this kind changed."""
        self.data_changed.emit(topic)
