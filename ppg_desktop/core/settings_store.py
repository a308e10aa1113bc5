"""Settings kept in the database (PPG name, retention periods, last report choices...)."""

from __future__ import annotations

import json
from typing import Any

from ppg_desktop.core.store_base import Store

PPG_NAME = "ppg_name"


class SettingsStore(Store):
    """Key/value settings stored as JSON, so they travel with the database and its backups."""

    def get(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set(self, key: str, value: Any) -> None:
        before = self.get(key)
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value)],
            )
            if before != value:
                self._audit("update", "settings", key, {"value": [before, value]})

    def all(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM settings")}

    def ppg_name(self) -> str:
        return str(self.get(PPG_NAME, "") or "")
