"""Errors written for people: each says what is wrong and, where it can, what to do."""

from __future__ import annotations


class PPGError(Exception):
    """Base class for errors the app expects and explains to the user."""


class ValidationError(PPGError):
    """Input that cannot be stored, naming the field (as the user sees it) and the problem."""

    def __init__(self, field: str, message: str, row: int | None = None) -> None:
        self.field = field
        self.message = message
        self.row = row
        where = f"Row {row}, {field}" if row is not None else field
        super().__init__(f"{where}: {message}")


class NotFoundError(PPGError):
    """A record that was asked for does not exist (or was deleted)."""


class DatabaseProblem(PPGError):
    """The database file cannot be used: missing, locked, damaged, encrypted or wrong passphrase."""

    def __init__(self, message: str, kind: str) -> None:
        self.kind = kind
        super().__init__(message)
