"""Opening the database: connection, pragmas, optional encryption and schema migrations.

Every entry point (desktop app, CLI, tests) opens the database through `open_database`, so the
pragmas, the migrations and the human error messages are the same everywhere.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from ppg_desktop.core.builtin_theme_store import BuiltinThemeStore
from ppg_desktop.core.builtin_themes import UPDATE_ACTOR
from ppg_desktop.core.errors import DatabaseProblem
from ppg_desktop.core.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 5000

SQLITE_HEADER = b"SQLite format 3\x00"


def _quote_passphrase(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def is_encrypted_file(path: Path) -> bool:
    """True when the file exists, is not empty and lacks the plain SQLite header.

    A folder is not an encrypted file: `open_database` then explains what is wrong with it.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        return handle.read(16) != SQLITE_HEADER


def _raw_connect(path: str, passphrase: str | None) -> sqlite3.Connection:
    if passphrase:
        import sqlcipher3  # loaded only for encrypted databases

        conn = cast(sqlite3.Connection, sqlcipher3.connect(path, check_same_thread=False))
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is explained, not logged
        conn.execute(f"PRAGMA key = {_quote_passphrase(passphrase)}")
        return conn
    return sqlite3.connect(path, check_same_thread=False)


def _explain(exc: Exception, path: str, passphrase: str | None) -> DatabaseProblem:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseProblem(
            f"The database {path} is in use by another copy of PPG Desk. "
            "Close the other window and try again.",
            "locked",
        )
    if "not a database" in text or "encrypted" in text or "malformed" in text:
        if passphrase:
            return DatabaseProblem(
                "That passphrase does not open this database. Check it and try again "
                "(passphrases are case-sensitive).",
                "wrong_passphrase",
            )
        if is_encrypted_file(Path(path)):
            return DatabaseProblem(
                f"The database {path} is encrypted or damaged. If it is encrypted, "
                "open it with its passphrase; otherwise restore it from a backup.",
                "encrypted",
            )
        return DatabaseProblem(
            f"The database {path} is damaged. Restore it from a backup.", "corrupt"
        )
    if "unable to open" in text:
        return DatabaseProblem(
            f"The database {path} cannot be opened: check the folder exists and you may write to it.",
            "unreadable",
        )
    return DatabaseProblem(f"The database {path} cannot be used: {exc}", "corrupt")


def open_database(
    path: str | Path,
    passphrase: str | None = None,
    *,
    create: bool = True,
    migrate: bool = True,
) -> sqlite_utils.Database:
    """Open (or create) a PPG Desk database and bring its schema up to date.

    With `migrate`, built-in themes nobody has edited also take the keywords and rules this
    version of the app ships (`BuiltinThemeStore.sync`); without it, themes are not touched.

    Raises `DatabaseProblem` with a message for people when the file is missing (and `create`
    is false), locked, damaged, encrypted without a passphrase, or the passphrase is wrong.
    """
    path_text = str(path)
    in_memory = path_text == ":memory:"
    if not in_memory:
        file_path = Path(path_text)
        if not create and not file_path.exists():
            raise DatabaseProblem(
                f"There is no database at {path_text}. Check the path, or create one with "
                "'ppg-desktop demo --db PATH'.",
                "missing",
            )
        if file_path.is_dir():
            raise DatabaseProblem(
                f"{path_text} is a folder, not a database file: give the path of the database "
                "file itself (for example ppg-desk.db).",
                "unreadable",
            )
        if not file_path.parent.exists():
            raise DatabaseProblem(
                f"The folder {file_path.parent} does not exist: create it or choose another.",
                "unreadable",
            )
    try:
        conn = _raw_connect(path_text, passphrase)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        if migrate:
            MIGRATIONS.apply(db)
            # Unedited built-in themes take the keywords this version ships (see builtin_themes).
            BuiltinThemeStore(db, UPDATE_ACTOR).sync()
    except DatabaseProblem:
        raise
    except Exception as exc:  # sqlite3 and sqlcipher3 raise their own DatabaseError classes
        if not isinstance(exc, sqlite3.Error) and type(exc).__module__.split(".")[0] not in (
            "sqlcipher3",
            "sqlite3",
        ):
            raise
        raise _explain(exc, path_text, passphrase) from exc
    return db


def quick_check(db: sqlite_utils.Database) -> list[str]:
    """Run `PRAGMA quick_check`; return the problems found (empty when the file is sound)."""
    rows = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows


def schema_version(db: sqlite_utils.Database) -> list[str]:
    """The names of the migrations applied to this database, oldest first."""
    return [m.name for m in MIGRATIONS.applied(db)]


def row_to_dict(cursor: Any, row: tuple[Any, ...]) -> dict[str, Any]:
    """A row factory-style helper: pair a cursor's column names with one row."""
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}
