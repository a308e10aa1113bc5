"""The practices (surgeries) the PPG covers."""

from __future__ import annotations

import re
from typing import Any

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.models import Practice
from ppg_desktop.core.store_base import Store

ODS_CODE = re.compile(r"^[A-Z]\d{5}$")


def _practice(row: dict[str, Any]) -> Practice:
    return Practice(row["id"], row["uuid"], row["name"], row["ods_code"], bool(row["active"]))


class PracticeStore(Store):
    """Create, rename, deactivate and list practices."""

    def _validate(
        self, name: str, ods_code: str | None, exclude_id: int | None = None
    ) -> tuple[str, str | None]:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Practice name", "Enter the practice's name.")
        if len(name) > 120:
            raise ValidationError("Practice name", "Keep the name under 120 characters.")
        clash = self.db.execute(
            "SELECT id FROM practices WHERE name = ? COLLATE NOCASE AND id IS NOT ?",
            [name, exclude_id],
        ).fetchone()
        if clash:
            raise ValidationError("Practice name", f"There is already a practice called {name}.")
        code = (ods_code or "").strip().upper() or None
        if code and not ODS_CODE.match(code):
            raise ValidationError(
                "ODS code",
                "An ODS code is a letter and five digits, like M85001. Leave it empty "
                "if you do not know it.",
            )
        return name, code

    def create(self, name: str, ods_code: str | None = None) -> Practice:
        name, code = self._validate(name, ods_code)
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO practices (uuid, name, ods_code, active, created_at, updated_at)"
                " VALUES (?, ?, ?, 1, ?, ?)",
                [self.new_uuid(), name, code, stamp, stamp],
            )
            practice_id = int(cursor.lastrowid or 0)
            self._audit("create", "practices", practice_id, {"name": name, "ods_code": code})
        return self.get(practice_id)

    def get(self, practice_id: int) -> Practice:
        row = self._one("SELECT * FROM practices WHERE id = ?", [practice_id])
        if row is None:
            raise NotFoundError(f"There is no practice number {practice_id}.")
        return _practice(row)

    def find_by_name(self, name: str) -> Practice | None:
        row = self._one("SELECT * FROM practices WHERE name = ? COLLATE NOCASE", [name.strip()])
        return _practice(row) if row else None

    def list(self, *, active_only: bool = False) -> list[Practice]:
        where = "WHERE active = 1" if active_only else ""
        return [_practice(r) for r in self._rows(f"SELECT * FROM practices {where} ORDER BY name")]

    def update(
        self,
        practice_id: int,
        *,
        name: str | None = None,
        ods_code: str | None = None,
        active: bool | None = None,
    ) -> Practice:
        """Rename, change the ODS code, or (de)activate a practice."""
        current = self.get(practice_id)
        new_name, new_code = self._validate(
            name if name is not None else current.name,
            ods_code if ods_code is not None else current.ods_code,
            exclude_id=practice_id,
        )
        new_active = current.active if active is None else active
        with self.db.atomic():
            self.db.execute(
                "UPDATE practices SET name = ?, ods_code = ?, active = ?, updated_at = ? WHERE id = ?",
                [new_name, new_code, int(new_active), now_iso(), practice_id],
            )
            self._audit(
                "update",
                "practices",
                practice_id,
                self._diff(
                    {"name": current.name, "ods_code": current.ods_code, "active": current.active},
                    {"name": new_name, "ods_code": new_code, "active": new_active},
                ),
            )
        return self.get(practice_id)
