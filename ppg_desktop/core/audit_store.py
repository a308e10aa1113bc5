"""Reading the audit trail (writing happens inside every store's own transactions)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ppg_desktop.core.models import AuditEntry
from ppg_desktop.core.store_base import Store


class AuditStore(Store):
    """The audit log: append-only (triggers refuse updates and deletes)."""

    def record(
        self,
        action: str,
        table: str = "",
        row_key: object = "",
        changes: dict[str, Any] | None = None,
    ) -> None:
        """Record an event that is not a row change: an export, a report, a sign-in."""
        with self.db.atomic():
            self._audit(action, table, row_key, changes)

    def list(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        table: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Entries newest first, narrowed by who, what, which table and when."""
        where, params = ["1 = 1"], []
        for column, value in (("actor", actor), ("action", action), ("table_name", table)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if date_from:
            where.append("at >= ?")
            params.append(date_from.isoformat())
        if date_to:
            where.append("at < ?")
            params.append((date_to + dt.timedelta(days=1)).isoformat())
        rows = self._rows(
            f"SELECT * FROM audit_log WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [
            AuditEntry(
                id=r["id"],
                at=r["at"],
                actor=r["actor"],
                action=r["action"],
                table_name=r["table_name"],
                row_key=r["row_key"],
                changes=json.loads(r["changes"] or "{}"),
            )
            for r in rows
        ]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
