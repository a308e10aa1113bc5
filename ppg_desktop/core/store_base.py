"""What every store shares: the database, who is acting, UUIDs and the audit trail."""

from __future__ import annotations

import json
import uuid as uuid_lib
from typing import Any

import sqlite_utils

from ppg_desktop.core.clock import now_iso


class Store:
    """Base of the stores: the only classes that hold SQL.

    `actor` is the name written to the audit log for every change made through this store.
    """

    def __init__(self, db: sqlite_utils.Database, actor: str = "") -> None:
        self.db = db
        self.actor = actor

    @staticmethod
    def new_uuid() -> str:
        return str(uuid_lib.uuid4())

    def _audit(
        self, action: str, table: str, row_key: object = "", changes: dict[str, Any] | None = None
    ) -> None:
        """Write one audit entry; call inside the same transaction as the change it records."""
        self.db.execute(
            "INSERT INTO audit_log (at, actor, action, table_name, row_key, changes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                now_iso(),
                self.actor,
                action,
                table,
                str(row_key),
                json.dumps(changes or {}, default=str),
            ],
        )

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, list(params))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _one(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    @staticmethod
    def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        """The fields that changed, as {field: [old, new]} for the audit log."""
        return {
            key: [before.get(key), value]
            for key, value in after.items()
            if before.get(key) != value and key != "updated_at"
        }
