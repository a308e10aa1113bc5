"""Volunteers and chairs who use the app (names for the audit trail; roles for access)."""

from __future__ import annotations

from typing import Any

from ppg_desktop.core.clock import now_iso
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.migrations import ROLES
from ppg_desktop.core.models import User
from ppg_desktop.core.store_base import Store


def _user(row: dict[str, Any]) -> User:
    return User(
        row["id"], row["uuid"], row["name"], row["role"], bool(row["active"]), bool(row["pin_hash"])
    )


class UserStore(Store):
    """Create, change and list users. PIN hashes are made by the caller (argon2)."""

    def _check(self, name: str, role: str, exclude_id: int | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Name", "Enter the person's name.")
        if role not in ROLES:
            raise ValidationError("Role", "Choose Volunteer or Chair.")
        if self.db.execute(
            "SELECT 1 FROM users WHERE name = ? COLLATE NOCASE AND id IS NOT ?", [name, exclude_id]
        ).fetchone():
            raise ValidationError("Name", f"There is already a user called {name}.")
        return name

    def create(self, name: str, role: str = "volunteer", pin_hash: str | None = None) -> User:
        name = self._check(name, role)
        stamp = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO users (uuid, name, role, pin_hash, active, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 1, ?, ?)",
                [self.new_uuid(), name, role, pin_hash, stamp, stamp],
            )
            user_id = int(cursor.lastrowid or 0)
            self._audit("create", "users", user_id, {"name": name, "role": role})
        return self.get(user_id)

    def get(self, user_id: int) -> User:
        row = self._one("SELECT * FROM users WHERE id = ?", [user_id])
        if row is None:
            raise NotFoundError(f"There is no user number {user_id}.")
        return _user(row)

    def find_by_name(self, name: str) -> User | None:
        row = self._one("SELECT * FROM users WHERE name = ? COLLATE NOCASE", [name.strip()])
        return _user(row) if row else None

    def pin_hash(self, user_id: int) -> str | None:
        row = self.db.execute("SELECT pin_hash FROM users WHERE id = ?", [user_id]).fetchone()
        return row[0] if row else None

    def list(self, *, active_only: bool = False) -> list[User]:
        where = "WHERE active = 1" if active_only else ""
        return [_user(r) for r in self._rows(f"SELECT * FROM users {where} ORDER BY name")]

    def update(
        self,
        user_id: int,
        *,
        name: str | None = None,
        role: str | None = None,
        active: bool | None = None,
        pin_hash: str | None = None,
    ) -> User:
        current = self.get(user_id)
        new_name = self._check(
            name if name is not None else current.name, role or current.role, exclude_id=user_id
        )
        new_role = role or current.role
        new_active = current.active if active is None else active
        with self.db.atomic():
            self.db.execute(
                "UPDATE users SET name = ?, role = ?, active = ?, updated_at = ?,"
                " pin_hash = COALESCE(?, pin_hash) WHERE id = ?",
                [new_name, new_role, int(new_active), now_iso(), pin_hash, user_id],
            )
            changes = self._diff(
                {"name": current.name, "role": current.role, "active": current.active},
                {"name": new_name, "role": new_role, "active": new_active},
            )
            if pin_hash is not None:
                changes["pin"] = "changed"
            self._audit("update", "users", user_id, changes)
        return self.get(user_id)
